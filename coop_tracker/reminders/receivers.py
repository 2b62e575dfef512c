"""What reminders do when a lower domain announces a change (``core/signals.py``); connected in
``routes.signal_receivers``."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.reminders.planner import plan_reminders


def replan_agreement(session: Session, *, agreement: Any, today: date) -> None:
    """Bring the agreement's reminder rows in line with its dates at once, in the sender's
    transaction (flushes, never commits)."""
    plan_reminders(session, today, agreement_ids=[agreement.id])
