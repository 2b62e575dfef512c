"""Service accounts (integrations such as a diarium or a BI tool) and their named API keys,
with a scope (read only or write), one kommun or all, an expiry date and the last use."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from coop_tracker.audit.services import record
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.municipalities.models import Municipality
from coop_tracker.users.models import ApiToken, User, UserRole
from coop_tracker.users.services import _hash, hash_token, new_api_token

KEY_SCOPES: dict[str, Any] = {"read": _l("Bara läsa"), "write": _l("Läsa och ändra")}
SERVICE_ROLES: dict[str, Any] = {
    UserRole.READER: _l("Läsare (bara läsa)"),
    UserRole.EDITOR: _l("Redaktör (får ändra där kommunen är part)"),
}
# Methods a read-only key may use.
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# The address a service account is given: the reserved .invalid domain can never receive mail.
SERVICE_EMAIL_DOMAIN = "tjanstekonto.invalid"


def _require(actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "keys.manage"):
        raise PermissionDenied()


@dataclass
class ServiceAccountInput:
    """A service account as an administrator types it."""

    name: Any = ""
    role: Any = UserRole.READER
    municipality_code: Any = ""


def create_service_account(session: Session, data: ServiceAccountInput, *, actor: Actor) -> User:
    """An account for an integration: no password anyone knows, it cannot log in on the web."""
    _require(actor)
    errors = v.Errors()
    name = v.text(data.name, "name", _("Namn"), errors, max_length=120, required=True)
    role = str(data.role or "")
    if role not in SERVICE_ROLES:
        errors.add("role", _("Roll: välj läsare eller redaktör."))
    code = _kommun(session, data.municipality_code, errors)
    if role == UserRole.EDITOR and code is None:
        errors.add(
            "municipality_code",
            _("Hemkommun: en redaktör behöver en hemkommun; det är där den får ändra."),
        )
    if name and session.scalar(
        select(User.id).where(User.is_service_account.is_(True), User.name == name)
    ):
        errors.add("name", _("Namn: det finns redan ett tjänstekonto med det namnet."))
    if errors:
        raise ValidationFailed(dict(errors))
    account = User(
        email=f"{secrets.token_hex(6)}@{SERVICE_EMAIL_DOMAIN}",
        name=name,
        password_hash=_hash(secrets.token_urlsafe(32)),
        role=role,
        municipality_code=code,
        is_service_account=True,
        session_token=secrets.token_hex(16),
    )
    session.add(account)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="service_account",
        object_id=account.id,
        label=name,
        municipality_code=code,
        changes={"name": [None, name], "role": [None, role], "municipality_code": [None, code]},
    )
    return account


def _kommun(session: Session, raw: Any, errors: v.Errors, field: str = "municipality_code") -> Any:
    code = str(raw or "").strip()
    if not code:
        return None
    if not v.is_kommun_code(code) or session.get(Municipality, code) is None:
        errors.add(field, _("Kommun: %(code)s är ingen känd kommunkod.", code=code[:10]))
        return None
    return code


@dataclass
class KeyInput:
    """A new API key as an administrator types it."""

    name: Any = ""
    scope: Any = "read"
    municipality_code: Any = ""
    expires_on: Any = ""


def create_key(
    session: Session, account: User, data: KeyInput, *, actor: Actor, today: date
) -> tuple[ApiToken, str]:
    """A named key for a service account; the plain key is returned once, only its hash kept."""
    _require(actor)
    if not account.is_service_account:
        raise PermissionDenied(_("Nycklar skapas här bara för tjänstekonton."))
    errors = v.Errors()
    name = v.text(data.name, "name", _("Namn på nyckeln"), errors, max_length=80, required=True)
    scope = str(data.scope or "")
    if scope not in KEY_SCOPES:
        errors.add("scope", _("Behörighet: välj bara läsa eller läsa och ändra."))
    elif scope == "write" and account.role == UserRole.READER:
        errors.add(
            "scope",
            _(
                "Behörighet: kontot är läsare; en nyckel som får ändra kräver ett konto med "
                "rollen redaktör."
            ),
        )
    code = _kommun(session, data.municipality_code, errors)
    if code and scope == "write" and code != account.municipality_code:
        errors.add(
            "municipality_code",
            _("Kommun: en nyckel som får ändra kan bara gälla kontots hemkommun."),
        )
    expires = v.a_date(data.expires_on, "expires_on", _("Giltig till och med"), errors)
    if expires is not None and expires < today:
        errors.add("expires_on", _("Giltig till och med: datumet har redan passerat."))
    if errors:
        raise ValidationFailed(dict(errors))
    token, plain = new_api_token(
        account, name, scope=scope, municipality_code=code, expires_on=expires,
        created_by_name=actor.name,
    )  # fmt: skip
    session.add(token)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="api_token",
        object_id=token.id,
        label=f"{name} ({account.name})",
        municipality_code=code,
        changes={
            "prefix": [None, token.prefix],
            "name": [None, name],
            "scope": [None, scope],
            "municipality_code": [None, code],
            "expires_on": [None, expires.isoformat() if expires else None],
        },
    )
    return token, plain


def all_keys(session: Session) -> list[ApiToken]:
    """Every API key (people's and service accounts'), newest first, with owner and kommun."""
    return list(
        session.scalars(
            select(ApiToken)
            .options(joinedload(ApiToken.user))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        ).unique()
    )


def service_accounts(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.is_service_account.is_(True)).order_by(User.name)
        ).unique()
    )


def key_status(token: ApiToken, today: date) -> str:
    """ "revoked", "expired" or "active"."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_on is not None and token.expires_on < today:
        return "expired"
    return "active"


def valid_token(
    session: Session, plain_token: str, *, now: datetime, today: date
) -> ApiToken | None:
    """The usable token for a plain key (not revoked, not expired, its owner active), marking
    it as used (at most every five minutes, so reads do not write on every request)."""
    if not plain_token or len(plain_token) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain_token)))
    if token is None or key_status(token, today) != "active" or not token.user.is_active_account:
        return None
    last = token.last_used_at
    if last is None or now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo)) > timedelta(
        minutes=5
    ):
        token.last_used_at = now
    return token


def refusal_for(token: ApiToken, method: str) -> str | None:
    """Why the key may not make this request (a read-only key writing), or None."""
    if token.scope == "read" and method.upper() not in READ_METHODS:
        return _("API-nyckeln ”%(name)s” får bara läsa; den kan inte ändra något.", name=token.name)
    return None
