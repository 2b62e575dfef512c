"""Everyday care of people's accounts by an administrator: a new e-mail address, unlocking
held-back logins, a generated password shown once, and anonymising a former user."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coop_tracker.audit.models import AuditEvent
from coop_tracker.audit.services import record
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import DomainError, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.users import throttle
from coop_tracker.users.models import User
from coop_tracker.users.services import _hash, _normalise_email, record_user_event

ANONYMOUS_DOMAIN = "anonymiserad.invalid"
# Columns that keep a person's name beside a change, as (table, name column, user id column).
_NAME_COLUMNS = (
    ("checklist_item", "done_by_name", "done_by_id"),
    ("phase_change", "actor_name", "actor_id"),
)


def _require(actor: Actor, user: User) -> None:
    if actor.user is not None and not can(actor.user, "user.manage", user):
        raise PermissionDenied()


def change_email(session: Session, user: User, new_email: Any, *, actor: Actor) -> User:
    """Give the account a new e-mail address (its login name); every session ends."""
    _require(actor, user)
    email = checked_email(session, user, new_email)
    return _apply_email(session, user, email, actor=actor)


EMAIL_CHANGE_SALT = "email-change"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600  # a confirmation link works for three days


def request_email_change(
    session: Session, user: User, new_email: Any, *, actor: Actor, secret: str
) -> tuple[str, str]:
    """When mail is configured: the checked new address and a signed token for the link sent
    there; the address changes only when the link is opened (``confirm_email_change``)."""
    _require(actor, user)
    email = checked_email(session, user, new_email)
    token = URLSafeTimedSerializer(secret, salt=EMAIL_CHANGE_SALT).dumps(
        {"u": user.id, "e": email, "v": user.version}
    )
    record_user_event(session, actor, user, "request_email_change", {"email": [user.email, email]})
    return email, token


def confirm_email_change(session: Session, token: str, *, secret: str) -> User:
    """Apply a confirmed change (the link from the mail); a stale or forged link is refused."""
    try:
        data = URLSafeTimedSerializer(secret, salt=EMAIL_CHANGE_SALT).loads(
            token, max_age=EMAIL_CHANGE_MAX_AGE
        )
    except (BadSignature, SignatureExpired):
        raise DomainError(_("Länken är ogiltig eller för gammal. Be om en ny ändring.")) from None
    user = session.get(User, int(data.get("u", 0)))
    if user is None or user.version != data.get("v"):
        raise DomainError(_("Kontot har ändrats sedan länken skickades. Be om en ny ändring."))
    email = checked_email(session, user, data.get("e"))
    return _apply_email(session, user, email, actor=Actor(user=user, source="web"))


def checked_email(session: Session, user: User, new_email: Any) -> str:
    """The new address, normalised; refused naming the field when it cannot be used."""
    errors = v.Errors()
    email = _normalise_email(new_email, errors)
    if user.anonymised_at is not None:
        errors.add("email", _("E-post: kontot är anonymiserat och kan inte få en ny adress."))
    if (
        email
        and email != user.email
        and session.scalar(
            select(User.id).where(func.lower(User.email) == email, User.id != user.id)
        )
    ):
        errors.add("email", _("E-post: adressen används redan av ett annat konto."))
    if errors:
        raise ValidationFailed(dict(errors))
    return email


def _apply_email(session: Session, user: User, email: str, *, actor: Actor) -> User:
    if email == user.email:
        return user
    old = user.email
    user.email = email
    user.session_token = secrets.token_hex(16)
    record_user_event(session, actor, user, "change_email", {"email": [old, email]})
    return user


@dataclass(frozen=True)
class LoginState:
    """Whether logins to an account are held back after failed tries, and how many there were."""

    failures: int
    slowed: bool


def login_state(store: Any, user: User, now: Any, rules: Any) -> LoginState:
    return LoginState(
        failures=throttle.account_failures(store, user.email, now),
        slowed=throttle.is_slowed(store, user.email, now, rules),
    )


def failures_by_user(store: Any, users: list[User], now: Any, rules: Any) -> dict[int, int]:
    """Users whose logins are held back now, with their failed logins (one read for a list)."""
    keys = {throttle.account_key(u.email): u.id for u in users}
    counters = store.read(list(keys), now) if keys else {}
    free = min(rule.free for rule in rules)
    return {keys[k]: n for k, (n, _last) in counters.items() if n > free}


def unlock(session: Session, store: Any, user: User, *, actor: Actor, failures: int) -> None:
    """Forget the account's failed logins so its owner can log in again at once."""
    _require(actor, user)
    throttle.unlock(store, user.email)
    record_user_event(session, actor, user, "unlock", {"failed_logins": [failures, 0]})


def generate_password(session: Session, user: User, *, actor: Actor) -> str:
    """A new random password, returned once to show the administrator; every session ends."""
    _require(actor, user)
    if user.anonymised_at is not None or user.is_service_account:
        raise DomainError(_("Kontot kan inte få något lösenord."))
    password = "-".join(secrets.token_urlsafe(6) for _part in range(3))
    user.password_hash = _hash(password)
    user.session_token = secrets.token_hex(16)
    record_user_event(
        session,
        actor,
        user,
        "reset_password",
        {"password": ["***", "*** (nytt, visat en gång för administratören)"]},
    )
    return password


def anonymise(session: Session, user: User, *, actor: Actor) -> User:
    """Replace a former user's name and e-mail, in the account and everywhere the log and the
    history keep them; one audit event (without the old name) says that it happened.

    Only a deactivated account can be anonymised (a former user), never one's own.
    """
    _require(actor, user)
    if actor.user is not None and actor.user.id == user.id:
        raise DomainError(_("Du kan inte anonymisera ditt eget konto."))
    if user.is_active_account:
        raise DomainError(
            _("Kontot är aktivt. Inaktivera det först; bara en före detta användare anonymiseras.")
        )
    if user.anonymised_at is not None:
        raise DomainError(_("Kontot är redan anonymiserat."))
    old_name, old_email = user.name, user.email
    alias = f"Anonymiserad användare {user.id}"
    user.name = alias
    user.email = f"anonym-{user.id}@{ANONYMOUS_DOMAIN}"
    user.password_hash = _hash(secrets.token_urlsafe(32))
    user.session_token = secrets.token_hex(16)
    user.oidc_issuer = None
    user.oidc_subject = None
    user.calendar_secret = None
    user.anonymised_at = utcnow()
    now = utcnow()
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    # The audit log: the person as actor, as the object, and in the changes of their account.
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.actor_id == user.id)
        .values(actor_name=alias)
        .execution_options(synchronize_session=False)
    )
    own = (AuditEvent.object_type == "user") & (AuditEvent.object_id == str(user.id))
    events = session.scalars(
        select(AuditEvent).where(
            own
            | AuditEvent.object_label.contains(old_email, autoescape=True)
            | AuditEvent.object_label.contains(old_name, autoescape=True)
        )
    ).all()
    replace = {old_name: alias, old_email: user.email}
    for event in events:
        label = event.object_label.replace(old_email, user.email).replace(old_name, alias)
        event.object_label = alias if own_event(event, user) else label
        event.changes = _scrubbed(event.changes, replace)
    for table, name_column, id_column in _NAME_COLUMNS:
        session.execute(
            update(_table(session, table))
            .where(_table(session, table).c[id_column] == user.id)
            .values({name_column: alias})
        )
    session.flush()
    record(
        session,
        actor,
        action="anonymise",
        object_type="user",
        object_id=user.id,
        label=alias,
        municipality_code=user.municipality_code,
        changes={"anonymised": [False, True], "audit_events": [None, len(events)]},
    )
    return user


def own_event(event: AuditEvent, user: User) -> bool:
    return event.object_type == "user" and event.object_id == str(user.id)


def _table(session: Session, name: str) -> Any:
    from coop_tracker.core.models import Base

    return Base.metadata.tables[name]


def _scrubbed(value: Any, replace: dict[str, str]) -> Any:
    if isinstance(value, str):
        return replace.get(value, value)
    if isinstance(value, list):
        return [_scrubbed(v, replace) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, replace) for k, v in value.items()}
    return value
