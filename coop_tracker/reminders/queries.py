"""Read-side queries: a user's to-do items grouped by ISO week, and the nav badge count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.core.i18n import _, _l
from coop_tracker.reminders.models import OVERDUE, Reminder

MONTHS = (
    _l("januari"), _l("februari"), _l("mars"), _l("april"), _l("maj"), _l("juni"),
    _l("juli"), _l("augusti"), _l("september"), _l("oktober"), _l("november"), _l("december"),
)  # fmt: skip


@dataclass
class TodoItem:
    """One deadline on a user's Att göra page (its lead-time rows folded together)."""

    reminder_id: int
    kind: str
    agreement_id: int
    title: str
    detail: str
    due_on: date
    snoozed_until: date | None
    last_sent_at: Any

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today

    def is_snoozed(self, today: date) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > today


@dataclass
class WeekGroup:
    """Items due in one ISO week (or the overdue ones)."""

    key: str
    heading: str
    items: list[TodoItem]


def todo_items(session: Session, user_id: int, today: date) -> list[TodoItem]:
    """The user's open deadlines (not cancelled), one per deadline, by date."""
    rows = session.execute(
        select(
            func.min(Reminder.id),
            Reminder.kind,
            Reminder.subject_type,
            Reminder.subject_id,
            Reminder.agreement_id,
            func.max(Reminder.title),
            func.max(Reminder.detail),
            Reminder.due_on,
            func.max(Reminder.snoozed_until),
            func.max(Reminder.sent_at),
        )
        .where(Reminder.recipient_user_id == user_id, Reminder.cancelled_at.is_(None))
        .group_by(
            Reminder.kind,
            Reminder.subject_type,
            Reminder.subject_id,
            Reminder.agreement_id,
            Reminder.due_on,
        )
        .order_by(Reminder.due_on, func.max(Reminder.title))
    )
    return [
        TodoItem(
            reminder_id=r[0],
            kind=r[1],
            agreement_id=r[4],
            title=r[5],
            detail=r[6],
            due_on=r[7],
            snoozed_until=r[8],
            last_sent_at=r[9],
        )
        for r in rows
    ]


def by_week(items: list[TodoItem], today: date) -> list[WeekGroup]:
    """Overdue first, then one group per ISO week ("Vecka 14, 2026 (30 mars–5 april)")."""
    groups: list[WeekGroup] = []
    overdue = [i for i in items if i.is_overdue(today)]
    if overdue:
        groups.append(WeekGroup("overdue", _("Försenat"), overdue))
    upcoming = [i for i in items if not i.is_overdue(today)]
    for (year, week), chunk in groupby(upcoming, key=lambda i: i.due_on.isocalendar()[:2]):
        monday = date.fromisocalendar(year, week, 1)
        sunday = monday + timedelta(days=6)
        if monday.month == sunday.month:
            span = f"{monday.day}–{sunday.day} {MONTHS[sunday.month - 1]}"
        else:
            span = (
                f"{monday.day} {MONTHS[monday.month - 1]}–{sunday.day} {MONTHS[sunday.month - 1]}"
            )
        label = _("Vecka %(week)s, %(year)s (%(span)s)", week=week, year=year, span=span)
        if (year, week) == today.isocalendar()[:2]:
            label = _("Denna vecka – %(label)s", label=label)
        groups.append(WeekGroup(f"{year}-W{week:02d}", label, list(chunk)))
    return groups


def badge_count(session: Session, user_id: int, today: date) -> int:
    """Deadlines whose reminder has started (or that are overdue), not snoozed: one query."""
    deadlines = (
        select(Reminder.kind, Reminder.subject_type, Reminder.subject_id, Reminder.due_on)
        .where(
            Reminder.recipient_user_id == user_id,
            Reminder.cancelled_at.is_(None),
            Reminder.remind_on <= today,
            (Reminder.snoozed_until.is_(None)) | (Reminder.snoozed_until <= today),
        )
        .distinct()
        .subquery()
    )
    return session.scalar(select(func.count()).select_from(deadlines)) or 0


__all__ = ["OVERDUE", "TodoItem", "WeekGroup", "badge_count", "by_week", "todo_items"]
