"""Archiving and restoring an agreement: hidden from everyone but administrators, nothing is
deleted, and the reason is kept in the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.agreements.audited import record_agreement_event
from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.schemas import CheckedArchiveSchema
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import PermissionDenied
from coop_tracker.core.permissions import can


def archive_agreement(
    session: Session, agreement: Agreement, reason: Any, *, actor: Actor
) -> Agreement:
    """Hide an agreement from everyone but administrators; nothing is deleted and an admin can
    restore it. The reason is required and kept in the audit log."""
    if actor.user is not None and not can(actor.user, "agreement.archive", agreement):
        raise PermissionDenied()
    reason = CheckedArchiveSchema().clean({"reason": reason})["reason"]
    if agreement.archived_at is None:
        agreement.archived_at = utcnow()
        session.flush()
        changes = {"archived": [False, True], "archive_reason": [None, reason]}
        record_agreement_event(session, actor, agreement, "archive", changes)
    return agreement


def restore_agreement(session: Session, agreement: Agreement, *, actor: Actor) -> Agreement:
    """Bring an archived agreement back."""
    if actor.user is not None and not can(actor.user, "agreement.restore", agreement):
        raise PermissionDenied()
    if agreement.archived_at is not None:
        agreement.archived_at = None
        session.flush()
        record_agreement_event(session, actor, agreement, "restore", {"archived": [True, False]})
    return agreement
