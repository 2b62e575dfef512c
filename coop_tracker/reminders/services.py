"""A user's reminder settings, the private calendar secret, and snoozing a reminder."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coop_tracker.audit.services import record
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import NotFound, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.reminders.models import Reminder
from coop_tracker.reminders.rules import parse_lead_days
from coop_tracker.users.models import User

MAX_SNOOZE_DAYS = 365


def set_lead_days(session: Session, user: User, raw: Any, *, actor: Actor) -> User:
    """Change the days before a deadline on which the user is reminded."""
    errors = v.Errors()
    stored = parse_lead_days(raw, errors)
    if errors:
        raise ValidationFailed(dict(errors))
    if stored != user.reminder_lead_days:
        before = user.reminder_lead_days
        user.reminder_lead_days = stored
        session.flush()
        record(
            session,
            actor,
            action="update",
            object_type="user",
            object_id=user.id,
            label=f"{user.name} <{user.email}>",
            changes={"reminder_lead_days": [before, stored]},
        )
    return user


def user_for_calendar(session: Session, secret: str) -> User | None:
    """The active user whose calendar secret this is."""
    if not secret or len(secret) > 64:
        return None
    user = session.scalar(select(User).where(User.calendar_secret == secret))
    if user is None or not user.is_active_account:
        return None
    return user


def snooze(
    session: Session, user: User, reminder_id: Any, until: Any, today: date, *, actor: Actor
) -> date:
    """Hide one of the user's deadlines (all its lead-time rows) until a date.

    Neither the Att göra page nor the e-mail mentions it again before ``until``.
    """
    errors = v.Errors()
    snooze_until = v.a_date(until, "until", _("Påminn igen"), errors, required=True)
    if snooze_until is not None and snooze_until <= today:
        errors.add("until", _("Påminn igen måste vara ett datum efter i dag."))
    elif snooze_until is not None and snooze_until > today + timedelta(days=MAX_SNOOZE_DAYS):
        errors.add("until", _("Du kan skjuta upp högst %(n)s dagar.", n=MAX_SNOOZE_DAYS))
    try:
        row_id = int(reminder_id)
    except (TypeError, ValueError):
        row_id = 0
    reminder = session.get(Reminder, row_id) if row_id else None
    if reminder is None or reminder.recipient_user_id != user.id:
        raise NotFound(_("Påminnelsen hittades inte."))
    if errors:
        raise ValidationFailed(dict(errors))
    assert snooze_until is not None
    session.execute(
        update(Reminder)
        .where(
            Reminder.recipient_user_id == user.id,
            Reminder.kind == reminder.kind,
            Reminder.subject_type == reminder.subject_type,
            Reminder.subject_id == reminder.subject_id,
            Reminder.due_on == reminder.due_on,
        )
        .values(snoozed_until=snooze_until)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    record(
        session,
        actor,
        action="snooze",
        object_type="reminder",
        object_id=reminder.id,
        label=reminder.title,
        agreement_id=reminder.agreement_id,
        municipality_code=reminder.municipality_code,
        changes={"snoozed_until": [None, snooze_until.isoformat()]},
    )
    return snooze_until
