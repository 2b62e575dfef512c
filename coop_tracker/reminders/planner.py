"""The planner: every open deadline of every running agreement, turned into reminder rows.

Idempotent: a row's key is (subject, kind, due date, recipient, lead time), so running the
planner twice inserts nothing new. Rows of deadlines that have gone away (a review recorded,
a party left, a date changed) are cancelled, never deleted, so sent reminders stay on record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from flask_babel import force_locale
from sqlalchemy import Table, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.expression import Executable

from coop_tracker.agreements import attention
from coop_tracker.agreements.attention import attention_items
from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.agreements.queries import (
    DerivedDates,
    PartyDecideBy,
    derived_dates_for,
    notice_text,
)
from coop_tracker.core.clock import utcnow
from coop_tracker.core.i18n import DEFAULT_LANGUAGE, swedish
from coop_tracker.meetings.rules import BODY_SHORT
from coop_tracker.municipalities.models import KommunSetting
from coop_tracker.reminders.models import OVERDUE, Kind, Reminder
from coop_tracker.reminders.rules import (
    CONTINUATION_TITLE,
    DECIDE_BY_TITLE,
    DEFAULT_LEAD_DAYS,
    ENDS_TITLE,
    EXIT_TASK_TITLE,
    EXPIRED_TITLE,
    LEAD_DETAIL,
    LEAVES_TITLE,
    MEETING_DETAIL,
    NOTICE_REACHED,
    NOTICE_TITLE,
    OVERDUE_KINDS,
    PREPARED_CHAIN,
    RENEWS_DETAIL,
    REVIEW_TITLE,
    RUNS_ON_DETAIL,
    TERM_ENDS_WHAT,
    TRANSITION_ENDS_TITLE,
    TRANSITION_STARTS_TITLE,
    lead_days_of,
    stored,
)
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


DeadlineSource = Callable[[Session, list[Agreement], date], list[Deadline]]
DEADLINE_SOURCES: list[DeadlineSource] = []


def register_deadline_source(source: DeadlineSource) -> None:
    """Let a domain above this one (the årshjul) add its deadlines to every plan, digest and
    calendar feed; registered once, whatever the number of apps."""
    if source not in DEADLINE_SOURCES:
        DEADLINE_SOURCES.append(source)


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


def decide_by_detail(
    party: PartyDecideBy, target_on: date, what: str, lead_days: int | None
) -> str:
    """How a decide-by date was reached, in Swedish, with any warning said aloud."""
    if party.from_calendar:
        body = (
            swedish(BODY_SHORT.get(party.body, party.body))
            if not party.body_name
            else (party.body_name)
        )
        chain = f"{body} {party.meeting_on}"
        if party.prepared_on is not None:
            chain = stored(PREPARED_CHAIN, prepared=str(party.prepared_on), meeting=chain)
        text = stored(
            MEETING_DETAIL, chain=chain, days=str(lead_days or 0), what=what, date=str(target_on)
        )
    else:
        text = stored(LEAD_DETAIL, what=what, date=str(target_on), days=str(lead_days or 0))
    if party.warnings:
        text += " " + " ".join(party.warnings)
    return text


def deadlines_of(agreement: Agreement, derived: DerivedDates, today: date) -> Iterator[Deadline]:
    """The open deadlines of one agreement, from its derived dates. Deadlines that had passed
    when the agreement was imported are its history: nobody is reminded of them."""
    for found in _deadlines_of(agreement, derived, today):
        if agreement.imported_on is None or found.due_on >= agreement.imported_on:
            yield found


def _deadlines_of(agreement: Agreement, derived: DerivedDates, today: date) -> Iterator[Deadline]:
    """The agreement's deadlines as the attention service sees them (with no horizon): the
    parties it asks to decide about notice or continuation, an expired term and the notices
    given are exactly the ones reminded of here, so a reminder never asks for what a page has
    stopped asking for. A party that has given notice gets its exit milestones (transition
    start and end, the day it leaves) instead, and so does every other party, which has its
    own part to do; exit tasks come from :func:`_lifecycle_deadlines`. Reviews and a fixed
    term's end are planned ahead of the pages' horizon."""
    title = agreement.title
    items = attention_items(agreement, derived, today, horizon=date.max)
    reasons: dict[str, set[str | None]] = defaultdict(set)
    for item in items:
        reasons[item.reason].add(item.municipality_code)
    deciding = reasons[attention.DECIDE_BY] | reasons[attention.DECIDE_BY_PASSED]

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

    names = {p.municipality_code: p.name for p in agreement.parties}
    if derived.next_review_on is not None:
        yield deadline(Kind.REVIEW_DUE, derived.next_review_on, stored(REVIEW_TITLE, title=title))
    if derived.notice_deadline_on is not None:
        for code, party in derived.parties.items():
            if code not in deciding or party.decide_by_on is None:
                continue
            yield deadline(
                Kind.NOTICE_DEADLINE,
                derived.notice_deadline_on,
                stored(NOTICE_TITLE, title=title),
                detail=_after_deadline(agreement, derived),
                municipality_code=code,
            )
            yield deadline(
                Kind.DECIDE_BY,
                party.decide_by_on,
                stored(DECIDE_BY_TITLE, title=title, party=names.get(code, code)),
                detail=decide_by_detail(
                    party,
                    derived.notice_deadline_on,
                    NOTICE_REACHED.source,
                    party.lead_days,
                ),
                municipality_code=code,
            )
    if agreement.end_on is not None:
        for code, party in derived.continuation.items():
            if code not in reasons[attention.CONTINUATION] or party.decide_by_on is None:
                continue
            yield deadline(
                Kind.CONTINUATION,
                party.decide_by_on,
                stored(CONTINUATION_TITLE, title=title, party=names.get(code, code)),
                detail=decide_by_detail(
                    party,
                    party.target_on or derived.continuation_on or agreement.end_on,
                    stored(TERM_ENDS_WHAT, end=str(agreement.end_on)),
                    party.lead_days,
                ),
                municipality_code=code,
            )
    if derived.expired_on is not None and attention.TERM_EXPIRED in reasons:
        yield deadline(
            Kind.TERM_EXPIRED,
            derived.expired_on,
            stored(EXPIRED_TITLE, title=title, date=str(derived.expired_on)),
        )
    elif agreement.term == "fixed" and agreement.end_on is not None:
        yield deadline(Kind.END_OF_TERM, agreement.end_on, stored(ENDS_TITLE, title=title))
    for code, notice in derived.notices.items():
        if code not in reasons[attention.NOTICE_GIVEN]:
            continue
        leaving = (
            stored(ENDS_TITLE, title=title)
            if notice.scope == "agreement"
            else stored(LEAVES_TITLE, party=notice.name, title=title)
        )
        for due_on, text in (
            (notice.transition_starts_on, stored(TRANSITION_STARTS_TITLE, what=leaving)),
            (notice.transition_ends_on, stored(TRANSITION_ENDS_TITLE, what=leaving)),
            (notice.effective_on, leaving),
        ):
            if due_on is not None:
                yield Deadline(
                    kind=Kind.EXIT_MILESTONE,
                    subject_type="exit",
                    subject_id=notice.exit_id,
                    agreement_id=agreement.id,
                    agreement_title=title,
                    due_on=due_on,
                    title=text,
                    detail=notice_text(notice),
                )


def _after_deadline(agreement: Agreement, derived: DerivedDates) -> str:
    """What happens when notice comes one day after the deadline."""
    from coop_tracker.agreements.dates import earliest_end_on
    from coop_tracker.agreements.queries import terms_of

    assert derived.notice_deadline_on is not None
    late = derived.notice_deadline_on + timedelta(days=1)
    end = earliest_end_on(terms_of(agreement), late).isoformat()
    if agreement.term == "renewing":
        return stored(RENEWS_DETAIL, end=end)
    return stored(RUNS_ON_DETAIL, end=end)


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
            found.extend(deadlines_of(agreement, derived[agreement.id], today))
    found.extend(_lifecycle_deadlines(session, agreements))
    for source in DEADLINE_SOURCES:
        found.extend(source(session, agreements, today))
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
                title=stored(EXIT_TASK_TITLE, task=title, title=agreement.title),
                municipality_code=codes.get(party_id or -1),
            )
        )
    return found


def recipients_by_kommun(
    session: Session, agreements: list[Agreement]
) -> dict[str, list[Recipient]]:
    """Per kommun: its active editors and the opted-in contacts of its parties."""
    codes = {p.municipality_code for a in agreements for p in a.parties if p.municipality_code}
    result: dict[str, list[Recipient]] = defaultdict(list)
    if not codes:
        return result
    editors = session.scalars(
        select(User).where(
            User.role.in_((UserRole.EDITOR, UserRole.KOMMUN_ADMIN)),
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


def kommun_lead_days(session: Session) -> dict[str, tuple[int, ...]]:
    """The reminder lead times each kommun chose for its contact persons (one query)."""
    rows = session.execute(
        select(KommunSetting.municipality_code, KommunSetting.reminder_lead_days).where(
            KommunSetting.reminder_lead_days != ""
        )
    ).tuples()
    return {code: lead_days_of(stored) for code, stored in rows}


def _contacts(party: Party, lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS) -> list[Recipient]:
    return [
        Recipient(
            key=f"c:{c.id}",
            email=c.email,
            name=c.name,
            lead_days=lead_days,
            contact_id=c.id,
        )
        for c in party.contacts
        # The party's responsible official gets its reminders by default.
        if (c.wants_reminders or c.is_responsible) and c.email
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
            contacts = _contacts(
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
