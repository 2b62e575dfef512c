"""Writing audit events; every service that changes data calls ``record``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

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
