"""Lifecycle's receivers of the signals a lower domain sends (``core/signals.py``), connected in
``routes.signal_receivers``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.checklists.exits import ExitPlan
from coop_tracker.lifecycle.models import Exit


def exit_plans_for_checklists(
    session: Session, *, agreement_id: int, **_extra: Any
) -> list[ExitPlan]:
    """An agreement's exit plans as its checklists need them (``exit_plans_wanted``)."""
    plans = session.scalars(select(Exit).where(Exit.agreement_id == agreement_id).order_by(Exit.id))
    return [
        ExitPlan(
            id=plan.id,
            kind=plan.kind,
            leaving_party_id=plan.leaving_party_id,
            title=plan.title,
            is_open=plan.is_open,
        )
        for plan in plans
    ]
