"""Accounts: creating users, password rules, login with lockout, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from coop_tracker.audit.services import diff, record, record_update
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import DomainError, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can
from coop_tracker.municipalities.models import KommunSetting, Municipality
from coop_tracker.users.models import ApiToken, User, UserRole
from coop_tracker.users.passwords import MIN_LENGTH, password_problems

ROLE_LABELS = {
    UserRole.ADMIN: _l("Administratör"),
    UserRole.KOMMUN_ADMIN: _l("Kommunadministratör"),
    UserRole.EDITOR: _l("Redaktör"),
    UserRole.READER: _l("Läsare"),
}
MIN_PASSWORD_LENGTH = MIN_LENGTH
# Werkzeug's default (scrypt). The test suite swaps in a cheap method to stay fast.
PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
# A hash computed once so that an unknown email costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-but-the-same-cost")


def _hash(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


@dataclass
class UserInput:
    """A user as typed by an administrator or on the command line."""

    email: Any = ""
    name: Any = ""
    role: Any = UserRole.READER
    municipality_code: Any = None
    password: Any = ""


def _normalise_email(value: Any, errors: v.Errors) -> str:
    email = v.text(value, "email", _("E-post"), errors, max_length=254, required=True).lower()
    if email and (email.count("@") != 1 or "." not in email.split("@")[1] or " " in email):
        errors.add("email", _("E-post måste vara en e-postadress, t.ex. namn@kommun.se."))
    return email


def _is_municipality(session: Session, code: Any) -> bool:
    """Whether ``code`` names a kommun; anything but four digits is not looked up (a NUL byte
    or a stray character in a form would otherwise reach the database)."""
    return v.is_kommun_code(code) and session.get(Municipality, code) is not None


def create_user(session: Session, data: UserInput, *, actor: Actor) -> User:
    """Create an account; the password must follow the password rules."""
    if actor.user is not None and not can(actor.user, "users.manage"):
        raise PermissionDenied()
    errors = v.Errors()
    email = _normalise_email(data.email, errors)
    name = v.text(data.name, "name", _("Namn"), errors, max_length=120, required=True)
    role = v.choice(data.role, "role", _("Roll"), errors, ROLE_LABELS, required=True)
    code = data.municipality_code or None
    if code is not None and not _is_municipality(session, code):
        errors.add("municipality_code", _("Okänd kommunkod %(code)s.", code=repr(str(code)[:10])))
    if role in KOMMUN_BOUND_ROLES and code is None:
        errors.add("municipality_code", _("Välj hemkommun för alla utom administratörer."))
    _check_kommun_scope(actor, role, code, errors)
    password = data.password if isinstance(data.password, str) else ""
    for problem in password_problems(password, email=email, name=name or ""):
        errors.add("password", problem)
    if email and session.scalar(select(User.id).where(func.lower(User.email) == email)):
        errors.add("email", _("Det finns redan en användare med den e-postadressen."))
    if errors:
        raise ValidationFailed(dict(errors))
    user = User(
        email=email,
        name=name,
        role=role,
        municipality_code=code,
        password_hash=_hash(password),
        session_token=secrets.token_hex(16),
    )
    kommun_setting = session.get(KommunSetting, code) if code else None
    if kommun_setting is not None and kommun_setting.reminder_lead_days:
        user.reminder_lead_days = kommun_setting.reminder_lead_days  # the kommun's default
    session.add(user)
    created = {"email": email, "name": name, "role": role, "municipality_code": code}
    record_user_event(session, actor, user, "create", diff({}, created))
    return user


class LoginRefused(DomainError):
    """Wrong email or password, or an inactive account; never says which."""

    status = 401
    code = "login_failed"


def authenticate(session: Session, email: Any, password: Any, *, now: datetime) -> User:
    """Check a login. Nothing is locked here: ``users.throttle`` slows repeated failures."""
    generic = _("Fel e-postadress eller lösenord.")
    email = str(email or "").strip().lower()[:254]
    password = str(password or "")[:200]
    plausible = bool(email) and v.is_plain_key(email, 254)  # PostgreSQL refuses NUL in text
    user = (
        session.scalar(select(User).where(func.lower(User.email) == email)) if plausible else None
    )
    if user is None or not user.password_hash or user.is_service_account:
        check_password_hash(_DUMMY_HASH, password)  # the same time as a wrong password
        raise LoginRefused(generic)
    if not check_password_hash(user.password_hash, password) or not user.is_active_account:
        raise LoginRefused(generic)
    user.last_login_at = now
    session.flush()
    return user


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every session of the user (used at logout and password change)."""
    user.session_token = secrets.token_hex(16)
    session.flush()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str, *, actor: Actor) -> tuple[ApiToken, str]:
    """A new API token; the plain token is returned once and only its hash is kept."""
    manager = actor.user
    if manager is not None and manager.id != user.id and not can(manager, "user.manage", user):
        raise PermissionDenied()
    errors = v.Errors()
    name = v.text(name, "name", _("Namn på nyckeln"), errors, max_length=80)
    if errors:
        raise ValidationFailed(dict(errors))
    token, plain_token = new_api_token(user, name or "API-nyckel")
    session.add(token)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="api_token",
        object_id=token.id,
        label=f"{token.name} ({user.email})",
        changes={"prefix": [None, token.prefix]},
    )
    return token, plain_token


def new_api_token(user: User, name: str, **details: Any) -> tuple[ApiToken, str]:
    """A new API key of the account (not yet added) and its plain text, shown once: only its
    hash is kept, and its first characters to recognise it by."""
    plain = "ck_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(plain),
        prefix=plain[:10],
        created_at=utcnow(),
        **details,
    )
    return token, plain


def revoke_token(session: Session, token: ApiToken, *, actor: Actor) -> None:
    """Revoke a token: it stops working at once."""
    if (
        actor.user is not None
        and actor.user.id != token.user_id
        and not can(actor.user, "user.manage", token.user)
    ):
        raise PermissionDenied()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        record(
            session,
            actor,
            action="revoke",
            object_type="api_token",
            object_id=token.id,
            label=f"{token.name} ({token.user.email})",
            changes={"revoked": [False, True]},
        )


def user_for_token(session: Session, plain_token: str, *, now: datetime) -> User | None:
    """The active user owning a valid token, marking the token as used."""
    if not plain_token or len(plain_token) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain_token)))
    if token is None or token.revoked_at is not None or not token.user.is_active_account:
        return None
    last = token.last_used_at
    if last is None or now - _aware(last) > timedelta(minutes=5):
        token.last_used_at = now
    return token.user


KOMMUN_BOUND_ROLES = (UserRole.KOMMUN_ADMIN, UserRole.EDITOR, UserRole.READER)


def _require_manager(actor: Actor, user: User) -> None:
    if actor.user is not None and not can(actor.user, "user.manage", user):
        raise PermissionDenied()


def _check_kommun_scope(actor: Actor, role: str | None, code: str | None, errors: v.Errors) -> None:
    """A kommun administrator gives only kommun roles, and only in its own kommun."""
    user = actor.user
    if user is None or not user.is_kommun_admin:
        return
    if role == UserRole.ADMIN:
        errors.add(
            "role",
            _("Roll: en kommunadministratör kan inte göra någon till administratör för alla."),
        )
    if code != user.municipality_code:
        errors.add(
            "municipality_code",
            _(
                "Hemkommun: du kan bara administrera användare i %(name)s.",
                name=user.municipality.name if user.municipality else user.municipality_code,
            ),
        )


def _user_label(user: User) -> str:
    return f"{user.name} <{user.email}>"


def record_user_event(
    session: Session, actor: Actor, user: User, action: str, changes: dict[str, Any]
) -> None:
    """Flush a change to an account, then audit it under the account's name and home kommun."""
    session.flush()
    record(
        session,
        actor,
        action=action,
        object_type="user",
        object_id=user.id,
        label=_user_label(user),
        municipality_code=user.municipality_code,
        changes=changes,
    )


@dataclass
class UserChange:
    """What an administrator may change on an account."""

    name: Any = ""
    role: Any = UserRole.READER
    municipality_code: Any = None


def update_user(
    session: Session, user: User, data: UserChange, *, expected_version: Any, actor: Actor
) -> User:
    """Change name, role and home kommun; an administrator cannot demote themself."""
    _require_manager(actor, user)
    check_version(
        expected_version,
        user.version,
        lambda: {"name": user.name, "role": user.role, "municipality_code": user.municipality_code},
        strict=False,
    )
    errors = v.Errors()
    name = v.text(data.name, "name", _("Namn"), errors, max_length=120, required=True)
    role = v.choice(data.role, "role", _("Roll"), errors, ROLE_LABELS, required=True)
    code = data.municipality_code or None
    if code is not None and not _is_municipality(session, code):
        errors.add(
            "municipality_code",
            _("Hemkommun: okänd kommunkod %(code)s.", code=repr(str(code)[:10])),
        )
        code = None
    if role in KOMMUN_BOUND_ROLES and code is None:
        errors.add("municipality_code", _("Välj hemkommun för alla utom administratörer."))
    _check_kommun_scope(actor, role, code, errors)
    if actor.user is not None and actor.user.id == user.id and role != user.role:
        errors.add("role", _("Du kan inte ändra din egen roll; be en annan administratör."))
    if errors or role is None:  # a required choice is None only with an error added
        raise ValidationFailed(dict(errors))
    before = {"name": user.name, "role": user.role, "municipality_code": user.municipality_code}
    user.name, user.role, user.municipality_code = name, role, code
    after = {"name": name, "role": role, "municipality_code": code}
    if before["role"] != role or before["municipality_code"] != code:
        user.session_token = secrets.token_hex(16)  # new rights: sign in again
    record_update(
        session,
        actor,
        before,
        after,
        object_type="user",
        object_id=user.id,
        label=_user_label(user),
        municipality_code=code,
    )
    return user


def set_active(session: Session, user: User, active: bool, *, actor: Actor) -> User:
    """Deactivate (every session and token stops working) or reactivate an account."""
    _require_manager(actor, user)
    if not active and actor.user is not None and actor.user.id == user.id:
        raise ValidationFailed({"active": _("Du kan inte inaktivera ditt eget konto.")})
    if user.is_active_account == active:
        return user
    user.is_active_account = active
    if not active:
        user.session_token = secrets.token_hex(16)
    action = "activate" if active else "deactivate"
    record_user_event(session, actor, user, action, {"is_active": [not active, active]})
    return user


def reset_password(session: Session, user: User, password: Any, *, actor: Actor) -> User:
    """Set a new password chosen by an administrator; every session of the user ends."""
    _require_manager(actor, user)
    _set_password(user, password)
    record_user_event(session, actor, user, "reset_password", {"password": ["***", "*** (nytt)"]})
    return user


def change_password(session: Session, user: User, current: Any, new: Any, *, actor: Actor) -> User:
    """A user changes their own password; the current one is required."""
    if actor.user is None or actor.user.id != user.id:
        raise PermissionDenied()
    current = current if isinstance(current, str) else ""
    if not check_password_hash(user.password_hash, current[:200]):
        raise ValidationFailed({"current_password": _("Nuvarande lösenord stämmer inte.")})
    if isinstance(new, str) and new == current:
        raise ValidationFailed(
            {"password": _("Det nya lösenordet måste skilja sig från det gamla.")}
        )
    _set_password(user, new)
    record_user_event(session, actor, user, "change_password", {"password": ["***", "*** (nytt)"]})
    return user


def _set_password(user: User, password: Any) -> None:
    password = password if isinstance(password, str) else ""
    problems = password_problems(password, email=user.email, name=user.name)
    if v.CONTROL_CHARS_SINGLE_LINE.search(password):
        problems.append(_("Lösenordet innehåller otillåtna styrtecken."))
    if problems:
        raise ValidationFailed({"password": " ".join(problems)})
    user.password_hash = _hash(password)
    user.session_token = secrets.token_hex(16)
