"""An agreement as its audit events name it, and one event about the agreement itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.audit.services import record
from coop_tracker.core.actor import Actor


def agreement_about(agreement: Agreement) -> dict[str, Any]:
    """The agreement as the object of an audit event (the naming arguments of ``record``)."""
    return {
        "object_type": "agreement",
        "object_id": agreement.id,
        "label": agreement.title,
        "agreement_id": agreement.id,
    }


def record_agreement_event(
    session: Session, actor: Actor, agreement: Agreement, action: str, changes: dict[str, Any]
) -> None:
    """Add an audit event about the agreement itself (the caller has flushed the change)."""
    record(session, actor, action=action, changes=changes, **agreement_about(agreement))
