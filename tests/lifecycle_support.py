"""Helpers for lifecycle and checklist tests: bring an agreement to a phase the honest way."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.checklists.models import ChecklistItem, ItemStatus
from coop_tracker.core.actor import Actor
from coop_tracker.lifecycle import plans, services
from coop_tracker.lifecycle.models import Exit
from coop_tracker.lifecycle.services import ExitInput, ExitOutcome

TODAY = date(2026, 3, 2)
SYSTEM = Actor.system("cli")

# A räddningstjänst förbund of five Dalarna kommuner, all members.
RADDNING = [
    ("2021", "member"),  # Vansbro
    ("2023", "member"),  # Malung-Sälen
    ("2026", "member"),  # Gagnef
    ("2029", "member"),  # Leksand
    ("2031", "member"),  # Rättvik
]


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


def active_forbund(factory: Any, session: Any, parties: Any = RADDNING, **fields: Any) -> Agreement:
    """An active kommunalförbund for räddningstjänst (RADDNING's five members unless given)."""
    return activate(
        session,
        factory.agreement(parties, form="kommunalforbund", areas=["raddningstjanst"], **fields),
    )


def plan_exit(
    session: Any, agreement: Agreement, data: ExitInput | None = None, *, today: date = TODAY
) -> Exit:
    """A draft exit plan from ``data`` (``notice(agreement)`` unless given), by the system."""
    data = data if data is not None else notice(agreement)
    return services.create_exit(session, agreement, data, actor=SYSTEM, today=today).exit


def adopt(
    session: Any, plan: Exit, adopted_on: Any, *, today: date = TODAY, decision_ref: str = ""
) -> ExitOutcome:
    """Adopt ``plan`` at its current version, by the system."""
    return services.adopt_exit(
        session,
        plan,
        expected_version=plan.version,
        adopted_on=adopted_on,
        decision_ref=decision_ref,
        actor=SYSTEM,
        today=today,
    )


def adopted_exit(
    session: Any, agreement: Agreement, data: ExitInput, adopted_on: str, *, today: date = TODAY
) -> Exit:
    """An exit plan drafted from ``data`` and adopted on ``adopted_on``, both on ``today``."""
    plan = plan_exit(session, agreement, data, today=today)
    adopt(session, plan, adopted_on, today=today)
    return plan


def utträde(session: Any, agreement: Agreement, code: str, **values: Any) -> Exit:
    """A draft utträde of the party ``code``: notice 2026-06-30, effective 2027-12-31 and the
    transition from 2026-07-01 (``values`` change any of them or add fields)."""
    party = agreement.party_for(code)
    dates = {
        "notice_given_on": "2026-06-30",
        "effective_on": "2027-12-31",
        "transition_starts_on": "2026-07-01",
        "transition_ends_on": "2027-12-31",
    }
    data = notice(
        agreement,
        kind="withdrawal",
        leaving_party_id=party.id,
        notice_party_id=party.id,
        **(dates | values),
    )
    return plan_exit(session, agreement, data)


def decide(
    session: Any, plan: Exit, party: Any, *, expected_version: Any = None, **decision: Any
) -> Any:
    """Record ``party``'s decision on the exit (``decision``: the DecisionInput's fields)."""
    return plans.record_decision(
        session,
        plan,
        party,
        plans.DecisionInput(**decision),
        expected_version=expected_version,
        actor=SYSTEM,
        today=TODAY,
    )
