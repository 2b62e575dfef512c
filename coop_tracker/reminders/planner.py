"""The planner: every open deadline of every running agreement, turned into reminder rows.

Idempotent: a row's key is (subject, kind, due date, recipient, lead time), so running the
planner twice inserts nothing new. Rows of deadlines that have gone away (a review recorded,
a party left, a date changed) are cancelled, never deleted, so sent reminders stay on record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.agreements.queries import DerivedDates, derived_dates_for
from coop_tracker.core.clock import utcnow
from coop_tracker.core.i18n import swedish
from coop_tracker.meetings.rules import BODY_SHORT
from coop_tracker.reminders.models import OVERDUE, Kind, Reminder
from coop_tracker.reminders.rules import DEFAULT_LEAD_DAYS, OVERDUE_KINDS, lead_days_of
from coop_tracker.users.models import User, UserRole

PLANNED_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.EXITING)
# Dates of the agreement itself (review, notice, term end) matter once it runs; a planned
# agreement only has its "before" checklist items.
RUNNING_PHASES = (Phase.ACTIVE, Phase.EXITING)
RECENT_DAYS = 400  # cancelled rows older than this are never revived


@dataclass(frozen=True)
class Deadline:
    """One date someone must act by. ``municipality_code`` is set when it concerns one party
    (decide-by); otherwise it concerns every current party."""

    kind: str
    subject_type: str
    subject_id: int
    agreement_id: int
    agreement_title: str
    due_on: date
    title: str
    detail: str = ""
    municipality_code: str | None = None

    @property
    def key(self) -> tuple[str, str, int, date]:
        return (self.kind, self.subject_type, self.subject_id, self.due_on)

    @property
    def uid(self) -> str:
        """Stable across date changes: the same deadline keeps its calendar event."""
        return (
            f"{self.kind}-{self.subject_type}-{self.subject_id}-{self.municipality_code or 'alla'}"
        )


@dataclass(frozen=True)
class Recipient:
    """A user (editor of the party's kommun) or a contact who opted in."""

    key: str
    email: str
    name: str
    lead_days: tuple[int, ...]
    user_id: int | None = None
    contact_id: int | None = None


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


def agreements_to_plan(
    session: Session,
    *,
    agreement_ids: Iterable[int] | None = None,
    municipality_codes: Iterable[str] | None = None,
) -> list[Agreement]:
    """Running, non-archived agreements (with parties and contacts) in the given scope."""
    query = (
        select(Agreement)
        .where(Agreement.phase.in_(PLANNED_PHASES), Agreement.archived_at.is_(None))
        .options(
            selectinload(Agreement.parties).selectinload(Party.municipality),
            selectinload(Agreement.parties).selectinload(Party.contacts),
        )
        .order_by(Agreement.id)
    )
    if agreement_ids is not None:
        query = query.where(Agreement.id.in_(sorted(set(agreement_ids))))
    if municipality_codes is not None:
        codes = sorted(set(municipality_codes))
        query = query.where(
            exists(
                select(Party.id).where(
                    Party.agreement_id == Agreement.id,
                    Party.municipality_code.in_(codes),
                    Party.left_on.is_(None),
                )
            )
        )
    return list(session.scalars(query))


def deadlines_of(agreement: Agreement, derived: DerivedDates) -> Iterator[Deadline]:
    """The open deadlines of one agreement, from its derived dates."""
    title = agreement.title

    def deadline(kind: str, due_on: date, text: str, **extra: Any) -> Deadline:
        return Deadline(
            kind=kind,
            subject_type="agreement",
            subject_id=agreement.id,
            agreement_id=agreement.id,
            agreement_title=title,
            due_on=due_on,
            title=text,
            **extra,
        )

    if derived.next_review_on is not None:
        yield deadline(Kind.REVIEW_DUE, derived.next_review_on, f"Uppföljning av {title}")
    if derived.notice_deadline_on is not None:
        yield deadline(
            Kind.NOTICE_DEADLINE,
            derived.notice_deadline_on,
            f"Sista dag för uppsägning av {title}",
            detail=f"Annars förlängs avtalet till {_renewed_end(agreement, derived)}.",
        )
        names = {p.municipality_code: p.municipality.name for p in agreement.parties}
        for code, party in derived.parties.items():
            if party.decide_by_on is None:
                continue
            if party.from_calendar:
                detail = (
                    f"Sista dag för ärenden till {swedish(BODY_SHORT.get(party.body, party.body))} "
                    f"{party.meeting_on}; uppsägning senast {derived.notice_deadline_on}."
                )
            else:
                detail = (
                    f"Ingen sammanträdesplan: uppsägning senast {derived.notice_deadline_on} "
                    f"minus {agreement.internal_lead_days} dagars förberedelse."
                )
            yield deadline(
                Kind.DECIDE_BY,
                party.decide_by_on,
                f"Ärendet om uppsägning av {title} ({names.get(code, code)})",
                detail=detail,
                municipality_code=code,
            )
    if agreement.renewal == "none" and agreement.end_on is not None:
        yield deadline(Kind.END_OF_TERM, agreement.end_on, f"{title} upphör")


def _renewed_end(agreement: Agreement, derived: DerivedDates) -> str:
    """The day the agreement ends if notice comes one day after the deadline."""
    from coop_tracker.agreements.dates import earliest_end_on
    from coop_tracker.agreements.queries import terms_of

    assert derived.notice_deadline_on is not None
    late = derived.notice_deadline_on + timedelta(days=1)
    return earliest_end_on(terms_of(agreement), late).isoformat()


def deadlines_for(
    session: Session,
    today: date,
    *,
    agreement_ids: Iterable[int] | None = None,
    municipality_codes: Iterable[str] | None = None,
) -> tuple[list[Agreement], list[Deadline]]:
    """Every open deadline in scope (constant number of queries)."""
    agreements = agreements_to_plan(
        session, agreement_ids=agreement_ids, municipality_codes=municipality_codes
    )
    derived = derived_dates_for(session, agreements, today)
    found: list[Deadline] = []
    for agreement in agreements:
        if agreement.phase in RUNNING_PHASES:
            found.extend(deadlines_of(agreement, derived[agreement.id]))
    found.extend(_lifecycle_deadlines(session, agreements))
    return agreements, found


def _lifecycle_deadlines(session: Session, agreements: list[Agreement]) -> list[Deadline]:
    """Open checklist items and exit tasks with a due date (two queries).

    They come from the lifecycle capability's models; where those are not installed, none.
    An item or task for one party (its responsible party, else the party it concerns) reminds
    that party's people; one for nobody in particular reminds every party.
    """
    try:
        from coop_tracker.checklists.models import ChecklistItem, ChecklistTemplateItem
        from coop_tracker.lifecycle.models import Exit, ExitTask
    except ImportError:  # the lifecycle models are not part of this installation
        return []
    by_id = {a.id: a for a in agreements}
    if not by_id:
        return []
    codes = {p.id: p.municipality_code for a in agreements for p in a.parties}
    found: list[Deadline] = []
    items = session.execute(
        select(
            ChecklistItem.id,
            ChecklistItem.agreement_id,
            ChecklistItem.due_on,
            ChecklistItem.responsible_party_id,
            ChecklistItem.party_id,
            ChecklistTemplateItem.text_sv,
        )
        .join(ChecklistTemplateItem, ChecklistTemplateItem.id == ChecklistItem.template_item_id)
        .where(
            ChecklistItem.agreement_id.in_(sorted(by_id)),
            ChecklistItem.status == "open",
            ChecklistItem.due_on.is_not(None),
            ChecklistItem.retired_at.is_(None),
        )
    )
    for item_id, agreement_id, due_on, responsible_id, party_id, text in items:
        agreement = by_id[agreement_id]
        found.append(
            Deadline(
                kind=Kind.CHECKLIST_ITEM_DUE,
                subject_type="checklist_item",
                subject_id=item_id,
                agreement_id=agreement_id,
                agreement_title=agreement.title,
                due_on=due_on,
                title=f"{text} ({agreement.title})",
                municipality_code=codes.get(responsible_id or party_id or -1),
            )
        )
    tasks = session.execute(
        select(ExitTask.id, Exit.agreement_id, ExitTask.due_on, ExitTask.party_id, ExitTask.title)
        .join(Exit, Exit.id == ExitTask.exit_id)
        .where(
            Exit.agreement_id.in_(sorted(by_id)),
            ExitTask.status == "open",
            ExitTask.due_on.is_not(None),
        )
    )
    for task_id, agreement_id, due_on, party_id, title in tasks:
        agreement = by_id[agreement_id]
        found.append(
            Deadline(
                kind=Kind.EXIT_TASK_DUE,
                subject_type="exit_task",
                subject_id=task_id,
                agreement_id=agreement_id,
                agreement_title=agreement.title,
                due_on=due_on,
                title=f"{title} ({agreement.title})",
                municipality_code=codes.get(party_id or -1),
            )
        )
    return found


def recipients_by_kommun(
    session: Session, agreements: list[Agreement]
) -> dict[str, list[Recipient]]:
    """Per kommun: its active editors and the opted-in contacts of its parties."""
    codes = {p.municipality_code for a in agreements for p in a.parties}
    result: dict[str, list[Recipient]] = defaultdict(list)
    if not codes:
        return result
    editors = session.scalars(
        select(User).where(
            User.role == UserRole.EDITOR,
            User.is_active_account.is_(True),
            User.municipality_code.in_(sorted(codes)),
        )
    )
    for user in editors:
        result[user.municipality_code or ""].append(
            Recipient(
                key=f"u:{user.id}",
                email=user.email,
                name=user.name,
                lead_days=lead_days_of(user.reminder_lead_days),
                user_id=user.id,
            )
        )
    return result


def _contacts(party: Party) -> list[Recipient]:
    return [
        Recipient(
            key=f"c:{c.id}",
            email=c.email,
            name=c.name,
            lead_days=DEFAULT_LEAD_DAYS,
            contact_id=c.id,
        )
        for c in party.contacts
        if c.wants_reminders and c.email
    ]


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
                "title": deadline.title[:300],
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
    agreements, deadlines = deadlines_for(
        session, today, agreement_ids=agreement_ids, municipality_codes=municipality_codes
    )
    by_kommun = recipients_by_kommun(session, agreements)
    parties = {a.id: [p for p in a.parties if p.left_on is None] for a in agreements}
    result = PlanResult(deadlines=len(deadlines))
    wanted_deadlines: set[tuple[Any, ...]] = set()
    wanted_leads: dict[tuple[Any, ...], set[int]] = {}
    new_rows: list[dict[str, Any]] = []
    for deadline in deadlines:
        for party in parties.get(deadline.agreement_id, []):
            if deadline.municipality_code not in (None, party.municipality_code):
                continue
            for recipient in by_kommun.get(party.municipality_code, []) + _contacts(party):
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
    inserts = []
    for values in new_rows:
        full_key = (
            values["kind"],
            values["subject_type"],
            values["subject_id"],
            values["due_on"],
            values["recipient_key"],
            values["lead_days"],
        )
        row = by_key.get(full_key)
        if row is None:
            inserts.append({**values, "created_at": now, "attempts": 0, "last_error": ""})
        elif row.cancelled_at is not None:
            to_revive.append(row.id)
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
    table = Reminder.__table__
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        if dialect == "postgresql":
            statement = postgresql.insert(table).on_conflict_do_nothing()
        elif dialect == "sqlite":
            statement = sqlite.insert(table).on_conflict_do_nothing()
        else:  # pragma: no cover - other databases are not supported
            statement = table.insert()
        session.execute(statement, chunk)
