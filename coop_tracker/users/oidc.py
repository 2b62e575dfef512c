"""Sign-in with the kommun's own accounts: OpenID Connect (Authlib), one or more providers.

Authorization code flow with PKCE (S256); Authlib keeps ``state``, ``nonce`` and the code
verifier in the session and checks each once (a replayed callback finds no state), and checks
the ID token's signature, issuer, audience and expiry. A user is found by the provider's
subject, else (where the provider allows it) by a verified e-mail address, and may be created
on first sign-in. Role and home kommun come from a claim or from the groups claim through the
provider's ``groups`` mapping. Configuration (``OIDC_PROVIDERS``), see the README.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session
from flask_login import login_user
from joserfc.errors import JoseError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.audit.services import diff
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import DomainError
from coop_tracker.core.i18n import _
from coop_tracker.core.validation import is_kommun_code
from coop_tracker.core.web import local_target, public_base_url
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.users.models import User, UserRole
from coop_tracker.users.services import record_user_event

log = logging.getLogger(__name__)
bp = Blueprint("oidc", __name__)
RANK: dict[str, int] = {
    UserRole.READER: 0,
    UserRole.EDITOR: 1,
    UserRole.KOMMUN_ADMIN: 2,
    UserRole.ADMIN: 3,
}


@dataclass(frozen=True)
class Provider:
    """One identity provider, from an entry of ``OIDC_PROVIDERS``."""

    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    audience: str = ""  # what the ID token's aud must hold; the client id when empty
    match_by: tuple[str, ...] = ("subject", "email")
    create_users: bool = False
    email_claim: str = "email"
    require_verified_email: bool = False
    role_claim: str = ""
    municipality_claim: str = ""
    groups_claim: str = "groups"
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    default_role: str = ""
    default_municipality: str = ""

    @classmethod
    def from_config(cls, entry: dict[str, Any]) -> Provider:
        known = set(cls.__dataclass_fields__)
        unknown = set(entry) - known
        if unknown:
            raise ValueError(f"OIDC_PROVIDERS: unknown keys {sorted(unknown)}")
        values = dict(entry)
        if isinstance(values.get("match_by"), str):
            values["match_by"] = (values["match_by"],)
        elif "match_by" in values:
            values["match_by"] = tuple(values["match_by"])
        values.setdefault("label", values.get("name", ""))
        provider = cls(**values)
        if not provider.name.isidentifier():
            raise ValueError(f"OIDC_PROVIDERS: name {provider.name!r} must be a plain word")
        return provider


def providers(app: Any = None) -> dict[str, Provider]:
    app = app or current_app
    return app.extensions.get("coop_oidc_providers", {})


def init_oidc(app: Any) -> None:
    """Register every configured provider with Authlib (metadata is fetched when first used)."""
    oauth = OAuth(app)
    found: dict[str, Provider] = {}
    for entry in app.config.get("OIDC_PROVIDERS") or []:
        provider = Provider.from_config(entry)
        oauth.register(
            name=provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256"},
        )
        found[provider.name] = provider
    app.extensions["coop_oidc"] = oauth
    app.extensions["coop_oidc_providers"] = found


class SignInRefused(DomainError):
    """The provider vouched for the person, but they may not use this service (yet)."""

    status = 403
    code = "sign_in_refused"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def rights_from_claims(provider: Provider, claims: dict[str, Any]) -> tuple[str, str | None]:
    """Role and home kommun from the claims: a role/kommun claim, else the groups mapping (the
    highest role among the person's mapped groups), else the provider's defaults."""
    role = str(claims.get(provider.role_claim) or "") if provider.role_claim else ""
    code = str(claims.get(provider.municipality_claim) or "") if provider.municipality_claim else ""
    if not role:
        mapped = [
            provider.groups[group]
            for group in _as_list(claims.get(provider.groups_claim))
            if group in provider.groups
        ]
        if mapped:
            best = max(mapped, key=lambda m: RANK.get(m.get("role", ""), -1))
            role = best.get("role", "")
            # The kommun of the highest group, else of any other mapped group (an admin group
            # names no kommun, the person's editor group does).
            kommuner = [m["municipality"] for m in mapped if m.get("municipality")]
            code = code or best.get("municipality") or (kommuner[0] if kommuner else "")
    role = role or provider.default_role
    code = code or provider.default_municipality
    if role not in RANK:
        raise SignInRefused(
            _(
                "Ditt konto hos %(provider)s har ingen roll i Samverkanskollen (ingen av dina "
                "grupper är kopplad hit). Be kommunens administratör om behörighet.",
                provider=provider.label,
            )
        )
    if role != UserRole.ADMIN and not code:
        raise SignInRefused(
            _(
                "Ditt konto hos %(provider)s saknar hemkommun. Be kommunens administratör om "
                "behörighet.",
                provider=provider.label,
            )
        )
    return role, code or None


def user_for_claims(
    session: Session, provider: Provider, claims: dict[str, Any], *, actor: Actor
) -> User:
    """The account the provider's claims belong to, found, linked or created."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused(_("Inloggningen saknade användar-id (sub)."))
    email = str(claims.get(provider.email_claim) or "").strip().lower()[:254]
    verified = claims.get("email_verified")
    email_usable = bool(email) and "@" in email
    if provider.require_verified_email and verified is not True:
        email_usable = False
    user = None
    if "subject" in provider.match_by:
        user = session.scalar(
            select(User).where(User.oidc_issuer == provider.issuer, User.oidc_subject == subject)
        )
    if user is None and "email" in provider.match_by and email_usable:
        user = session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.oidc_subject and user.oidc_issuer == provider.issuer:
            # The address now belongs to another subject at the same provider: not them.
            user = None
    if user is None:
        if not provider.create_users:
            raise SignInRefused(
                _(
                    "Det finns inget konto i Samverkanskollen för dig. Be kommunens "
                    "administratör att lägga upp ett."
                )
            )
        if not email_usable:
            raise SignInRefused(_("Inloggningen saknade en e-postadress att skapa kontot med."))
        if session.scalar(select(User.id).where(func.lower(User.email) == email)):
            raise SignInRefused(_("E-postadressen används redan av ett annat konto."))
        role, code = rights_from_claims(provider, claims)
        _check_municipality(session, code)
        name = str(claims.get("name") or email)[:120]
        user = User(
            email=email,
            name=name,
            role=role,
            municipality_code=code,
            password_hash="",  # no local password: signs in through the provider only
            session_token=secrets.token_hex(16),
            oidc_issuer=provider.issuer,
            oidc_subject=subject,
        )
        session.add(user)
        created = {"email": email, "name": name, "role": role, "municipality_code": code}
        created["provider"] = provider.name
        record_user_event(session, actor, user, "create", diff({}, created))
        return user
    if not user.is_active_account:
        raise SignInRefused(_("Kontot är inaktiverat. Kontakta administratören."))
    changes: dict[str, Any] = {}
    if user.oidc_subject != subject or user.oidc_issuer != provider.issuer:
        user.oidc_issuer, user.oidc_subject = provider.issuer, subject
        changes["provider"] = [None, provider.name]
    if provider.role_claim or provider.groups:
        role, code = rights_from_claims(provider, claims)
        _check_municipality(session, code)
        if (role, code) != (user.role, user.municipality_code):
            changes.update(
                diff(
                    {"role": user.role, "municipality_code": user.municipality_code},
                    {"role": role, "municipality_code": code},
                )
            )
            user.role, user.municipality_code = role, code
    if changes:
        record_user_event(session, actor, user, "update", changes)
    return user


def _check_municipality(session: Session, code: str | None) -> None:
    if code is not None and (not is_kommun_code(code) or session.get(Municipality, code) is None):
        raise SignInRefused(
            _("Hemkommunen %(code)s från inloggningen finns inte.", code=repr(code[:10]))
        )


def _provider(name: str) -> Provider:
    provider = providers().get(name)
    if provider is None:
        abort(404)
    return provider


def _refused(message: str, status: int) -> Any:
    return render_template("users/oidc_refused.html", message=message), status


@bp.get("/login/oidc/<name>")
def start(name: str) -> Any:
    """Send the browser to the provider (state, nonce and PKCE verifier kept in the session)."""
    provider = _provider(name)
    target = local_target(request.args.get("next"))
    if target:
        session["oidc_next"] = target
    client = current_app.extensions["coop_oidc"].create_client(provider.name)
    callback = public_base_url() + f"/login/oidc/{provider.name}/callback"
    try:
        return client.authorize_redirect(callback)
    except (OAuthError, OSError, ValueError) as error:  # metadata unreachable or broken
        log.warning("OIDC provider %s unreachable: %s", provider.name, error)
        return _refused(
            _(
                "Det gick inte att nå %(provider)s. Försök igen om en stund.",
                provider=provider.label,
            ),
            502,
        )


@bp.get("/login/oidc/<name>/callback")
def callback(name: str) -> Any:
    """Back from the provider: check everything, find or create the user, log in."""
    provider = _provider(name)
    client = current_app.extensions["coop_oidc"].create_client(provider.name)
    if request.args.get("error"):
        return _refused(
            _("%(provider)s avbröt inloggningen.", provider=provider.label),
            401,
        )
    try:
        token = client.authorize_access_token()
    except (OAuthError, JoseError, ValueError, OSError) as error:
        # A replayed or forged state, a wrong audience or issuer, an expired or badly signed
        # token, a code already used: all refused the same way; the log says which.
        log.warning("OIDC sign-in via %s refused: %r", provider.name, error)
        return _refused(
            _(
                "Inloggningen via %(provider)s kunde inte godtas (den var ogiltig, för gammal "
                "eller redan använd). Börja om från inloggningssidan.",
                provider=provider.label,
            ),
            401,
        )
    claims = dict(token.get("userinfo") or {})
    audience = provider.audience or provider.client_id
    if audience not in _as_list(claims.get("aud")):
        log.warning("OIDC sign-in via %s refused: audience %r", provider.name, claims.get("aud"))
        return _refused(
            _(
                "Inloggningen via %(provider)s var avsedd för en annan tjänst. Börja om från "
                "inloggningssidan.",
                provider=provider.label,
            ),
            401,
        )
    if provider.email_claim not in claims and "userinfo_endpoint" in client.load_server_metadata():
        claims = {**dict(client.userinfo(token=token)), **claims}
    actor = Actor(user=None, source="web")
    try:
        user = user_for_claims(db.session, provider, claims, actor=actor)
    except SignInRefused as refused:
        db.session.rollback()
        return _refused(refused.message, refused.status)
    user.last_login_at = utcnow()
    db.session.commit()
    login_user(user)
    session["oidc_provider"] = provider.name
    flash(_("Du är inloggad via %(provider)s.", provider=provider.label), "success")
    return redirect(session.pop("oidc_next", None) or "/")
