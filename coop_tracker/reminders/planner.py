"""The planner: every open deadline of every running agreement, turned into reminder rows.

Idempotent: a row's key is (subject, kind, due date, recipient, lead time), so running the
planner twice inserts nothing new. Rows of deadlines that have gone away (a review recorded,
a party left, a date changed) are cancelled, never deleted, so sent reminders stay on record.
The deadlines come from ``deadlines``, the people to remind from ``recipients``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from flask_babel import force_locale
from sqlalchemy import Table, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from coop_tracker.core.clock import utcnow
from coop_tracker.core.i18n import DEFAULT_LANGUAGE
from coop_tracker.reminders.deadlines import Deadline, deadlines_for
from coop_tracker.reminders.models import OVERDUE, Reminder
from coop_tracker.reminders.recipients import (
    Recipient,
    contacts_of,
    kommun_lead_days,
    recipients_by_kommun,
)
from coop_tracker.reminders.rules import DEFAULT_LEAD_DAYS, OVERDUE_KINDS, fitted_title

RECENT_DAYS = 400  # cancelled rows older than this are never revived


@dataclass
class PlanResult:
    """What a planning run did."""

    deadlines: int = 0
    inserted: int = 0
    cancelled: int = 0
    revived: int = 0
    recipients: set[str] = field(default_factory=set)

    def summary(self) -> str:
        return (
            f"Planering: {self.deadlines} datum, {self.inserted} nya påminnelser, "
            f"{self.cancelled} avbokade, {self.revived} återställda."
        )


def _rows_for(deadline: Deadline, recipient: Recipient, today: date) -> list[dict[str, Any]]:
    """The lead-time rows to create for one deadline and recipient (may be empty).

    Before the date: a row per lead time still ahead, plus the most recent one already
    reached (so a deadline that appears late is still announced once). After the date: one
    overdue row, for kinds where acting late still helps.
    """
    leads: list[int] = []
    if deadline.due_on < today:
        if deadline.kind in OVERDUE_KINDS:
            leads = [OVERDUE]
    else:
        ahead = [d for d in recipient.lead_days if deadline.due_on - timedelta(days=d) > today]
        reached = [d for d in recipient.lead_days if deadline.due_on - timedelta(days=d) <= today]
        leads = ahead + ([min(reached)] if reached else [])
        if deadline.kind in OVERDUE_KINDS:
            leads.append(OVERDUE)
    rows = []
    for lead in leads:
        remind_on = deadline.due_on + timedelta(days=1 if lead == OVERDUE else -lead)
        rows.append(
            {
                "kind": deadline.kind,
                "subject_type": deadline.subject_type,
                "subject_id": deadline.subject_id,
                "agreement_id": deadline.agreement_id,
                "municipality_code": deadline.municipality_code,
                "due_on": deadline.due_on,
                "lead_days": lead,
                "remind_on": remind_on,
                "recipient_key": recipient.key,
                "recipient_user_id": recipient.user_id,
                "recipient_contact_id": recipient.contact_id,
                "recipient_email": recipient.email,
                "recipient_name": recipient.name,
                "title": fitted_title(deadline.kind, deadline.title),
                "detail": deadline.detail[:300],
            }
        )
    return rows


def _in_horizon(deadline: Deadline, recipient: Recipient, today: date) -> bool:
    """A deadline is planned for a recipient once its earliest reminder is due (or overdue)."""
    if deadline.due_on < today:
        return deadline.kind in OVERDUE_KINDS
    return deadline.due_on - timedelta(days=max(recipient.lead_days)) <= today


def plan_reminders(
    session: Session,
    today: date,
    *,
    agreement_ids: Iterable[int] | None = None,
    municipality_codes: Iterable[str] | None = None,
    now: datetime | None = None,
) -> PlanResult:
    """Bring the reminder rows in scope in line with today's deadlines; flushes, no commit."""
    now = now or utcnow()
    agreement_ids = None if agreement_ids is None else sorted(set(agreement_ids))
    # Stored in Swedish whoever plans (Att göra plans while a reader of English reads it):
    # the e-mails are Swedish, and rows written in another language would be rewritten.
    with force_locale(DEFAULT_LANGUAGE):
        agreements, deadlines = deadlines_for(
            session, today, agreement_ids=agreement_ids, municipality_codes=municipality_codes
        )
    by_kommun = recipients_by_kommun(session, agreements)
    contact_leads = kommun_lead_days(session)
    parties = {a.id: [p for p in a.parties if p.left_on is None] for a in agreements}
    result = PlanResult(deadlines=len(deadlines))
    wanted_deadlines: set[tuple[Any, ...]] = set()
    wanted_leads: dict[tuple[Any, ...], set[int]] = {}
    new_rows: list[dict[str, Any]] = []
    for deadline in deadlines:
        for party in parties.get(deadline.agreement_id, []):
            if deadline.municipality_code not in (None, party.municipality_code):
                continue
            contacts = contacts_of(
                party, contact_leads.get(party.municipality_code or "", DEFAULT_LEAD_DAYS)
            )
            for recipient in by_kommun.get(party.municipality_code or "", []) + contacts:
                if not _in_horizon(deadline, recipient, today):
                    continue
                key = (*deadline.key, recipient.key)
                if key in wanted_deadlines:
                    continue
                wanted_deadlines.add(key)
                wanted_leads[key] = {*recipient.lead_days, OVERDUE}
                new_rows.extend(_rows_for(deadline, recipient, today))
                result.recipients.add(recipient.email)

    scope_ids = [a.id for a in agreements] if agreement_ids is None else agreement_ids
    existing = _existing_rows(
        session,
        scope_ids,
        today,
        all_agreements=(agreement_ids is None and municipality_codes is None),
    )
    by_key = {row.full_key: row for row in existing}
    to_cancel: list[int] = []
    to_revive: list[int] = []
    for row in existing:
        deadline_key = row.full_key[:5]
        gone = deadline_key not in wanted_deadlines
        lead_dropped = (
            not gone and row.sent_at is None and row.lead_days not in wanted_leads[deadline_key]
        )
        if row.cancelled_at is None and (gone or lead_dropped):
            to_cancel.append(row.id)
    inserts: list[dict[str, Any]] = []
    for values in new_rows:
        full_key = (
            values["kind"],
            values["subject_type"],
            values["subject_id"],
            values["due_on"],
            values["recipient_key"],
            values["lead_days"],
        )
        found = by_key.get(full_key)
        if found is None:
            inserts.append({**values, "created_at": now, "attempts": 0, "last_error": ""})
        elif found.cancelled_at is not None:
            to_revive.append(found.id)
    _insert_ignoring_duplicates(session, inserts)
    if to_cancel:
        session.execute(
            update(Reminder)
            .where(Reminder.id.in_(to_cancel), Reminder.cancelled_at.is_(None))
            .values(cancelled_at=now)
        )
    if to_revive:
        session.execute(
            update(Reminder).where(Reminder.id.in_(to_revive)).values(cancelled_at=None)
        )
    session.flush()
    result.inserted, result.cancelled, result.revived = (
        len(inserts),
        len(to_cancel),
        len(to_revive),
    )
    return result


@dataclass(frozen=True)
class _Row:
    id: int
    full_key: tuple[Any, ...]
    lead_days: int
    cancelled_at: datetime | None
    sent_at: datetime | None


def _existing_rows(
    session: Session, agreement_ids: list[int], today: date, *, all_agreements: bool
) -> list[_Row]:
    """Rows that the plan may cancel or revive: open ones, and recent cancelled ones."""
    query = select(
        Reminder.id,
        Reminder.kind,
        Reminder.subject_type,
        Reminder.subject_id,
        Reminder.due_on,
        Reminder.recipient_key,
        Reminder.lead_days,
        Reminder.cancelled_at,
        Reminder.sent_at,
    ).where(
        or_(
            Reminder.cancelled_at.is_(None),
            Reminder.due_on >= today - timedelta(days=RECENT_DAYS),
        )
    )
    if not all_agreements:
        if not agreement_ids:
            return []
        query = query.where(Reminder.agreement_id.in_(agreement_ids))
    return [
        _Row(
            id=r.id,
            full_key=(r.kind, r.subject_type, r.subject_id, r.due_on, r.recipient_key, r.lead_days),
            lead_days=r.lead_days,
            cancelled_at=r.cancelled_at,
            sent_at=r.sent_at,
        )
        for r in session.execute(query)
    ]


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk insert; a row another planner inserted meanwhile is skipped, not an error."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    table = cast(Table, Reminder.__table__)
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        statement: Executable
        if dialect == "postgresql":
            statement = postgresql.insert(table).on_conflict_do_nothing()
        elif dialect == "sqlite":
            statement = sqlite.insert(table).on_conflict_do_nothing()
        else:  # pragma: no cover - other databases are not supported
            statement = table.insert()
        session.execute(statement, chunk)
