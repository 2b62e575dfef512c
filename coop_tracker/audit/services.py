"""Writing audit events; every service that changes data calls ``record``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow


def plain(value: Any) -> Any:
    """A JSON-safe copy of a field value."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for the fields that changed."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = plain(before.get(key)), plain(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    object_type: str,
    object_id: Any,
    label: str,
    agreement_id: int | None = None,
    municipality_code: str | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event to the session (flushed with the change it describes)."""
    event = AuditEvent(
        created_at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.name,
        source=actor.source,
        request_id=actor.request_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=label[:250],
        agreement_id=agreement_id,
        municipality_code=municipality_code,
        changes=changes or {},
    )
    session.add(event)
    return event


def record_update(
    session: Session,
    actor: Actor,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    object_type: str,
    object_id: Any,
    label: str,
    agreement_id: int | None = None,
    municipality_code: str | None = None,
    action: str = "update",
    also: dict[str, list[Any]] | None = None,
    flush: bool = True,
    even_unchanged: bool = False,
) -> dict[str, list[Any]]:
    """Audit an update as the fields that differ between two snapshots (``before`` and
    ``after``, plus changes of its own in ``also``); nothing is written when nothing changed,
    unless ``even_unchanged``.

    The change is flushed first (``flush=False`` leaves that to the caller), so a refusal by
    the database comes before the event and the row's version is the new one. Returns the
    changes. It lives here rather than in ``core``: the floor may not import the audit model.
    """
    changes = diff(before, after)
    if also:
        changes.update(also)
    if changes or even_unchanged:
        if flush:
            session.flush()
        record(
            session,
            actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            label=label,
            agreement_id=agreement_id,
            municipality_code=municipality_code,
            changes=changes,
        )
    return changes


def record_saved(
    session: Session, actor: Actor, before: dict[str, Any], after: dict[str, Any], **about: Any
) -> None:
    """Audit an upsert: a "create" when there was nothing ``before``, else an "update".

    Unlike a plain ``record_update`` the event is written even when nothing changed (saving a
    row again is itself recorded); the caller has flushed. ``about`` names the object as for
    ``record_update`` (``object_type``, ``object_id``, ``label``, ``agreement_id``,
    ``municipality_code``, ``also``).
    """
    action = "update" if before else "create"
    record_update(
        session, actor, before, after, action=action, flush=False, even_unchanged=True, **about
    )


def record_refusal(
    session: Session,
    actor: Actor,
    *,
    attempted: str,
    reason: str,
    object_type: str,
    object_id: Any,
    label: str,
    agreement_id: int | None = None,
    municipality_code: str | None = None,
) -> AuditEvent:
    """Log that a change was refused: what was tried (in words) and why.

    The caller has rolled the refused change back; this event is the one thing its transaction
    keeps, so a revisor sees refusals beside the changes.
    """
    return record(
        session,
        actor,
        action="refused",
        object_type=object_type,
        object_id=object_id,
        label=label,
        agreement_id=agreement_id,
        municipality_code=municipality_code,
        changes={"attempted": [None, attempted], "reason": [None, reason[:500]]},
    )


# -- Retention: personal data in old events ---------------------------------------------------

# Events about these objects are about a person (an account, a contact person, a person's API
# key, calendar feed or reminder e-mail): their label and values are personal data.
PERSONAL_OBJECT_TYPES = ("user", "contact", "api_token", "calendar_feed", "reminder")
ANONYMISED = "(anonymiserad)"


@dataclass
class PruneResult:
    """What a retention run removed (or, in a dry run, would remove)."""

    cutoff: datetime
    events: int
    login_failures: int


def prune_personal_data(
    session: Session,
    *,
    retention_days: int,
    now: datetime,
    actor: Actor,
    login_failures: int = 0,
    dry_run: bool = False,
) -> PruneResult:
    """Anonymise the personal data of audit events about people older than the retention.

    The event itself stays (when, by whom, what kind of change, which fields), so the log of
    the register's own records is kept whole; the name, e-mail and values of the person it
    was about become "(anonymiserad)". The run is itself written to the audit log, with the
    number of expired login-failure counters the caller removed in the same run
    (``users.throttle.prune_login_failures``). Flushes, never commits.
    """
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    cutoff = now - timedelta(days=retention_days)
    old = select(AuditEvent).where(
        AuditEvent.created_at < cutoff,
        AuditEvent.object_type.in_(PERSONAL_OBJECT_TYPES),
        AuditEvent.object_label != ANONYMISED,
    )
    if dry_run:
        count = session.scalar(select(func.count()).select_from(old.subquery())) or 0
        return PruneResult(cutoff, count, login_failures)
    count = 0
    for event in session.scalars(old.order_by(AuditEvent.id)).all():
        event.object_label = ANONYMISED
        event.changes = {key: [ANONYMISED, ANONYMISED] for key in event.changes or {}}
        count += 1
    session.flush()
    record(
        session,
        actor,
        action="prune",
        object_type="audit_log",
        object_id="personal_data",
        label=f"Gallring av personuppgifter äldre än {retention_days} dagar",
        changes={
            "retention_days": [None, retention_days],
            "cutoff": [None, cutoff.isoformat()],
            "events": [None, count],
            "login_failures": [None, login_failures],
        },
    )
    session.flush()
    return PruneResult(cutoff, count, login_failures)
