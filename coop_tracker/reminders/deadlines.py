"""The open deadlines of running agreements: the dates someone must act by, before they are
turned into reminder rows (``planner``), digests and calendar feeds (``ics``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Self

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.core.i18n import swedish
from coop_tracker.meetings.rules import BODY_SHORT
from coop_tracker.reminders.models import Kind
from coop_tracker.reminders.rules import (
    CONTINUATION_TITLE,
    DECIDE_BY_TITLE,
    ENDS_TITLE,
    EXIT_TASK_TITLE,
    EXPIRED_TITLE,
    LEAD_DETAIL,
    LEAVES_TITLE,
    MEETING_DETAIL,
    NOTICE_REACHED,
    NOTICE_TITLE,
    PREPARED_CHAIN,
    RENEWS_DETAIL,
    REVIEW_TITLE,
    RUNS_ON_DETAIL,
    TERM_ENDS_WHAT,
    TRANSITION_ENDS_TITLE,
    TRANSITION_STARTS_TITLE,
    stored,
)
from coop_tracker.schedule import attention
from coop_tracker.schedule.attention import attention_items
from coop_tracker.schedule.queries import derived_dates_for
from coop_tracker.schedule.rules import DerivedDates, PartyDecideBy, notice_text

PLANNED_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.EXITING)
# Dates of the agreement itself (review, notice, term end) matter once it runs; a planned
# agreement only has its "before" checklist items.
RUNNING_PHASES = (Phase.ACTIVE, Phase.EXITING)


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

    @classmethod
    def of(
        cls,
        agreement: Agreement,
        kind: str,
        subject: tuple[str, int],
        due_on: date,
        title: str,
        **extra: Any,
    ) -> Self:
        """A deadline in ``agreement`` about ``subject`` (its type and id)."""
        subject_type, subject_id = subject
        # The fields in their order above.
        fields = (kind, subject_type, subject_id, agreement.id, agreement.title, due_on, title)
        return cls(*fields, **extra)

    @property
    def key(self) -> tuple[str, str, int, date]:
        return (self.kind, self.subject_type, self.subject_id, self.due_on)

    @property
    def uid(self) -> str:
        """Stable across date changes: the same deadline keeps its calendar event."""
        return (
            f"{self.kind}-{self.subject_type}-{self.subject_id}-{self.municipality_code or 'alla'}"
        )


DeadlineSource = Callable[[Session, list[Agreement], date], list[Deadline]]
DEADLINE_SOURCES: list[DeadlineSource] = []


def register_deadline_source(source: DeadlineSource) -> None:
    """Let a domain above this one (the årshjul) add its deadlines to every plan, digest and
    calendar feed; registered once, whatever the number of apps."""
    if source not in DEADLINE_SOURCES:
        DEADLINE_SOURCES.append(source)


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
        return Deadline.of(agreement, kind, ("agreement", agreement.id), due_on, text, **extra)

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
                subject = ("exit", notice.exit_id)
                detail = notice_text(notice)
                yield Deadline.of(
                    agreement, Kind.EXIT_MILESTONE, subject, due_on, text, detail=detail
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
        code = codes.get(responsible_id or party_id or -1)
        subject = ("checklist_item", item_id)
        label = f"{text} ({agreement.title})"
        found.append(
            Deadline.of(
                agreement, Kind.CHECKLIST_ITEM_DUE, subject, due_on, label, municipality_code=code
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
        code = codes.get(party_id or -1)
        subject = ("exit_task", task_id)
        label = stored(EXIT_TASK_TITLE, task=title, title=agreement.title)
        found.append(
            Deadline.of(
                agreement, Kind.EXIT_TASK_DUE, subject, due_on, label, municipality_code=code
            )
        )
    return found
