"""Helpers for lifecycle and checklist tests: bring an agreement to a phase the honest way."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.checklists.models import ChecklistItem, ItemStatus
from coop_tracker.core.actor import Actor
from coop_tracker.lifecycle import services
from coop_tracker.lifecycle.services import ExitInput

TODAY = date(2026, 3, 2)
SYSTEM = Actor.system("cli")


def record_decisions(agreement: Agreement) -> None:
    """Give every party a decision record (set-up, not the behaviour under test)."""
    for party in agreement.parties:
        party.decision_body = "Kommunfullmäktige"
        party.decision_on = date(2025, 11, 20)


def resolve_items(session: Any, agreement: Agreement, phase: str) -> int:
    """Mark every open item of a phase done; returns how many."""
    items = session.scalars(
        select(ChecklistItem).where(
            ChecklistItem.agreement_id == agreement.id,
            ChecklistItem.phase == phase,
            ChecklistItem.status == ItemStatus.OPEN,
        )
    ).all()
    for item in items:
        item.status = ItemStatus.DONE
    session.flush()
    return len(items)


def activate(session: Any, agreement: Agreement) -> Agreement:
    record_decisions(agreement)
    resolve_items(session, agreement, "before")
    services.transition(session, agreement, "active", actor=SYSTEM, today=TODAY)
    session.commit()
    return agreement


def notice(agreement: Agreement, **extra: Any) -> ExitInput:
    """An exit of the whole agreement with notice from the first party."""
    values = {
        "scope": "agreement",
        "notice_party_id": agreement.parties[0].id,
        "notice_given_on": "2026-03-01",
        "effective_on": "2027-12-31",
        "transition_starts_on": "2026-06-01",
        "transition_ends_on": "2027-12-31",
    }
    values.update(extra)
    return ExitInput(**values)
