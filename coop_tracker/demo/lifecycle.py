"""Demo step: checklists, phase history and exits for the demo agreements.

``demo_lifecycle(session, context)`` is a step of ``load_demo``: deterministic (only
``context.random("lifecycle")`` and dates from ``context.today``), flushes, never commits. It
works the same for both scales with SQLAlchemy Core bulk inserts, so the national load (~10,000
agreements) gets its ~200,000 checklist items in seconds. Agreements that already have a phase's
items (the small scale goes through ``create_agreement``, which adds the "before" list) keep
them; only their statuses are filled in.

The small register gets every checklist an agreement has passed through. The national load
stands for a register of cooperations that mostly ran long before they were registered: an
agreement that started more than three years ago gets only the checklist of its current phase;
younger ones were prepared in the register and keep every list they passed through (about
200,000 items in all).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Phase
from coop_tracker.audit.services import record
from coop_tracker.checklists.items import plan_items
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.checklists.rules import PHASE_CHECKLIST, REACHED
from coop_tracker.demo.checklists import (
    CHUNK,
    DEMO_NAME,
    ID_CHUNK,
    DemoAgreementLike,
    DemoContextLike,
    answer_existing,
    answer_item,
    chunks,
    instantiated_phases,
    parties_by_agreement,
    registered_from_the_start,
    stamp_at,
    table,
    templates_by_phase_and_form,
)
from coop_tracker.demo.data import read
from coop_tracker.demo.exits import add_exits, mtg_worked_example, phase_dates
from coop_tracker.lifecycle.models import (
    PhaseChange,
)


def demo_lifecycle(session: Session, context: DemoContextLike) -> None:
    """Checklists with believable progress, phase history and exit plans for every agreement."""
    rng = context.random("lifecycle")
    today = context.today
    agreements = list(context.agreements)
    ids = [a.id for a in agreements]
    parties = parties_by_agreement(session, ids)
    templates = templates_by_phase_and_form(session)
    instantiated = instantiated_phases(session, ids)

    # Answer the items that were there before this step, then add the missing lists.
    answered = answer_existing(session, agreements, sorted(instantiated), rng, today)
    new_items: list[dict[str, Any]] = []
    stamp = stamp_at(today)
    for agreement in agreements:
        current = [(p.id, p.role) for p in parties[agreement.id] if p.left_on is None]
        phases = (
            REACHED[agreement.phase]
            if context.scale == "small" or registered_from_the_start(agreement, today)
            else (PHASE_CHECKLIST[agreement.phase],)
        )
        for phase in phases:
            # Exit lists belong to exit plans: ``add_exits`` adds them with each plan.
            if phase == "exit" or (agreement.id, phase) in instantiated:
                continue
            for row in plan_items(templates[(phase, agreement.form)], current):  # type: ignore[arg-type]
                answer = answer_item(rng, agreement, phase, row["is_required"], today)
                new_items.append(
                    {
                        **row,
                        **answer,
                        "agreement_id": agreement.id,
                        "version": 1,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
    connection = session.connection()
    for chunk in chunks(new_items, CHUNK):
        connection.execute(insert(table(ChecklistItem)), list(chunk))

    answered += len(new_items)
    changes = _phase_history(session, agreements, today, rng)

    def keeps_exit_list(agreement: DemoAgreementLike) -> bool:
        return (
            context.scale == "small"
            or registered_from_the_start(agreement, today)
            or PHASE_CHECKLIST[agreement.phase] == "exit"
        )

    exits, tasks, exit_items = add_exits(
        session, agreements, parties, templates, today, rng, keeps_exit_list
    )
    answered += exit_items
    session.flush()

    if context.scale == "small":
        mtg_worked_example(session, context)
        session.flush()

    context.counts["checklistpunkter"] = answered
    context.counts["fasbyten"] = changes
    context.counts["avvecklingsplaner"] = exits
    record(
        session,
        context.actor,
        action="demo_lifecycle",
        object_type="demo",
        object_id=context.scale,
        label="Demodata: checklistor, fasbyten och avvecklingsplaner",
        changes={
            "checklist_items": [None, answered],
            "phase_changes": [None, changes],
            "exits": [None, exits],
            "exit_tasks": [None, tasks],
        },
    )


PATHS: dict[str, tuple[tuple[str, str], ...]] = {
    Phase.ACTIVE: (("planned", "active"),),
    Phase.EXITING: (("planned", "active"), ("active", "exiting")),
    Phase.ENDED: (("planned", "active"), ("active", "exiting"), ("exiting", "ended")),
    Phase.ABANDONED: (("planned", "abandoned"),),
}
REASONS: dict[str, str] = read("lifecycle")["phase_change_reasons"]  # by the phase reached


def _phase_history(
    session: Session, agreements: Sequence[DemoAgreementLike], today: date, rng: random.Random
) -> int:
    ids = [a.id for a in agreements if a.phase in PATHS]
    has_history: set[int] = set()
    for chunk in chunks(ids, ID_CHUNK):
        has_history.update(
            session.scalars(
                select(PhaseChange.agreement_id).where(PhaseChange.agreement_id.in_(chunk))
            )
        )
    rows: list[dict[str, Any]] = []
    for agreement in agreements:
        if agreement.phase not in PATHS or agreement.id in has_history:
            continue
        days = phase_dates(agreement, today, rng)
        if agreement.phase == Phase.ABANDONED:
            days = [min(today, (agreement.start_on or today) - timedelta(days=30))]
        for (start, end), on in zip(PATHS[agreement.phase], days, strict=False):
            rows.append(
                {
                    "agreement_id": agreement.id,
                    "from_phase": start,
                    "to_phase": end,
                    "changed_at": stamp_at(on),
                    "changed_on": on,
                    "actor_name": DEMO_NAME,
                    "reason": REASONS[end],
                    "is_override": False,
                    "overridden_reasons": [],
                }
            )
    for chunk in chunks(rows, CHUNK):
        session.execute(insert(table(PhaseChange)), list(chunk))
    return len(rows)
