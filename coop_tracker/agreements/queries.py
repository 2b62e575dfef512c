"""Read-side queries over agreements: filtered, sorted, paginated lists and counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements import dates
from coop_tracker.agreements.models import Agreement, Party, Phase, agreement_area
from coop_tracker.core.i18n import current_language
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.core.validation import strip_control
from coop_tracker.meetings.queries import MeetingIndex, meeting_index
from coop_tracker.meetings.rules import deciding_body
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.reviews.queries import latest_reviews

SORTS: dict[str, Any] = {
    "title": Agreement.title,
    "form": Agreement.form,
    "phase": Agreement.phase,
    "start_on": Agreement.start_on,
    "end_on": Agreement.end_on,
    "updated_at": Agreement.updated_at,
}


@dataclass
class Filters:
    """What the list is filtered and sorted by (all optional)."""

    municipality: str | None = None
    form: str | None = None
    area: str | None = None
    phase: str | None = None
    q: str | None = None
    role: str | None = None
    public_only: bool = False
    sort: str = "title"
    descending: bool = False
    page: int = 1
    per_page: int = 50


@dataclass
class Page:
    """One page of results plus the totals for pagination."""

    items: list[Agreement]
    total: int
    page: int
    per_page: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def _filtered(query: Select[Any], filters: Filters) -> Select[Any]:
    if filters.municipality:
        # "id IN (the kommun's parties)" reads the kommun's ~100 party rows by index; an
        # EXISTS per agreement would probe the party table for all 10,000 agreements.
        parties = select(Party.agreement_id).where(Party.municipality_code == filters.municipality)
        if filters.role:
            parties = parties.where(Party.role == filters.role)
        query = query.where(Agreement.id.in_(parties))
    if filters.form:
        query = query.where(Agreement.form == filters.form)
    if filters.phase:
        query = query.where(Agreement.phase == filters.phase)
    if filters.public_only:
        query = query.where(
            Agreement.is_public.is_(True),
            Agreement.phase != Phase.PLANNED,
            Agreement.phase != Phase.ABANDONED,
            Agreement.archived_at.is_(None),
        )
    if filters.area:
        query = query.where(
            exists(
                select(agreement_area.c.agreement_id)
                .join(Area, Area.id == agreement_area.c.area_id)
                .where(agreement_area.c.agreement_id == Agreement.id, Area.slug == filters.area)
            )
        )
    if filters.q:
        term = f"%{_escape_like(filters.q.strip()[:100])}%"
        # The kommun names are few: match them once (an uncorrelated subquery the database
        # evaluates a single time), then look for parties of those kommuner.
        named = select(Municipality.code).where(Municipality.name.ilike(term, escape="\\"))
        by_party = exists(
            select(Party.id).where(
                Party.agreement_id == Agreement.id, Party.municipality_code.in_(named)
            )
        )
        query = query.where(
            or_(
                Agreement.title.ilike(term, escape="\\"),
                Agreement.purpose.ilike(term, escape="\\"),
                Agreement.document_ref.ilike(term, escape="\\"),
                by_party,
            )
        )
    return query


def _escape_like(text: str) -> str:
    return strip_control(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def with_children(query: Select[Any], *, contacts: bool = False) -> Select[Any]:
    """Load parties (with their kommun) and areas in two extra queries, whatever the page size.

    ``contacts`` loads every party's contacts too (one more query), for the API.
    """
    parties = selectinload(Agreement.parties)
    options = [parties.selectinload(Party.municipality), selectinload(Agreement.areas)]
    if contacts:
        options.append(parties.selectinload(Party.contacts))
    return query.options(*options)


def search_agreements(
    session: Session,
    filters: Filters,
    user: Any = None,
    *,
    restrict: bool = True,
    load_contacts: bool = False,
) -> Page:
    """A page of agreements the user may see, matching the filters.

    A deferred join: the first query walks only ids and the sort column and counts every
    match in the same pass (a window count), the second loads the page's rows and children.
    A page past the end falls back to a plain count so the pagination still knows the total.
    """
    base = select(Agreement.id)
    if restrict:
        base = restrict_agreements(base, user)
    base = _filtered(base, filters)
    column = SORTS.get(filters.sort, Agreement.title)
    order = column.desc() if filters.descending else column.asc()
    window = (
        base.add_columns(func.count().over().label("total"))
        .order_by(order, Agreement.id)
        .offset((filters.page - 1) * filters.per_page)
        .limit(filters.per_page)
    )
    rows = session.execute(window).all()
    if rows:
        total = rows[0].total
    elif filters.page > 1:
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    else:
        total = 0
    ids = [row.id for row in rows]
    items: list[Agreement] = []
    if ids:
        loaded = session.scalars(
            with_children(select(Agreement).where(Agreement.id.in_(ids)), contacts=load_contacts)
        ).unique()
        by_id = {agreement.id: agreement for agreement in loaded}
        items = [by_id[i] for i in ids]
    return Page(items=items, total=total, page=filters.page, per_page=filters.per_page)


def all_matching(
    session: Session,
    filters: Filters,
    user: Any = None,
    *,
    restrict: bool = True,
    contacts: bool = False,
) -> list[Agreement]:
    """Every agreement matching the filters (for exports), children loaded (``contacts``: the
    parties' contacts too, for the JSON export)."""
    base = select(Agreement)
    if restrict:
        base = restrict_agreements(base, user)
    query = with_children(
        _filtered(base, filters).order_by(Agreement.title, Agreement.id), contacts=contacts
    )
    return list(session.scalars(query).unique())


@dataclass
class PartyDecideBy:
    """When one party must act: its deciding body's last meeting before the notice deadline."""

    municipality_code: str
    body: str
    decide_by_on: date | None
    meeting_on: date | None = None
    case_deadline_on: date | None = None

    @property
    def from_calendar(self) -> bool:
        """True when the date comes from the kommun's meeting calendar (not the fallback)."""
        return self.meeting_on is not None


@dataclass
class DerivedDates:
    """The computed dates of one agreement as of ``today``.

    ``decide_by_on`` is the earliest of the parties' decide-by dates; ``parties`` has each
    current party's own (its deciding body's meeting calendar, else the internal lead time).
    """

    current_term_end_on: date | None
    notice_deadline_on: date | None
    decide_by_on: date | None
    next_review_on: date | None
    latest_review: Any = None
    parties: dict[str, PartyDecideBy] = field(default_factory=dict)
    notice_term_end_on: date | None = None  # the term end the notice deadline belongs to

    def decide_by_for(self, municipality_code: str | None) -> date | None:
        """The decide-by date of one kommun's party, else the agreement's earliest."""
        own = self.parties.get(municipality_code or "")
        return own.decide_by_on if own is not None else self.decide_by_on


def derived_dates(
    agreement: Agreement,
    today: date,
    *,
    latest_review: Any = None,
    meetings: MeetingIndex | None = None,
) -> DerivedDates:
    """Compute notice deadline, term end, decide-by and next review for an agreement.

    Pure: the latest review and the meeting calendars are passed in (load them for a whole
    page with :func:`derived_dates_for`). Without a review the next review is start plus the
    interval; with one, its explicit next date, else its date plus the interval.
    """
    if agreement.start_on is None:
        return DerivedDates(None, None, None, None, latest_review)
    terms = terms_of(agreement)
    deadline = dates.notice_deadline_on(terms, today)
    parties: dict[str, PartyDecideBy] = {}
    if deadline is not None:
        for party in agreement.parties:
            if party.left_on is not None:
                continue
            body = deciding_body(party.decision_body)
            calendar = (meetings or {}).get(party.municipality_code, {}).get(body, [])
            meeting = dates.decision_meeting_for(deadline, calendar)
            parties[party.municipality_code] = PartyDecideBy(
                municipality_code=party.municipality_code,
                body=body,
                decide_by_on=dates.decide_by_on(deadline, agreement.internal_lead_days, calendar),
                meeting_on=meeting[0] if meeting else None,
                case_deadline_on=meeting[1] if meeting else None,
            )
    party_dates = [p.decide_by_on for p in parties.values() if p.decide_by_on is not None]
    return DerivedDates(
        current_term_end_on=dates.current_term_end_on(terms, today),
        notice_deadline_on=deadline,
        decide_by_on=(
            min(party_dates)
            if party_dates
            else dates.decide_by_on(deadline, agreement.internal_lead_days)
        ),
        next_review_on=dates.next_review_on(
            agreement.start_on,
            agreement.review_interval_months,
            latest_review.reviewed_on if latest_review is not None else None,
            latest_review.next_review_on if latest_review is not None else None,
        ),
        latest_review=latest_review,
        parties=parties,
        notice_term_end_on=dates.term_end_for_deadline(terms, today),
    )


MEETING_LOOKBACK_DAYS = 400


def derived_dates_for(
    session: Session,
    agreements: list[Agreement],
    today: date,
    *,
    calendars: Iterable[str] | None = None,
) -> dict[int, DerivedDates]:
    """Derived dates for a page of agreements in a constant number of queries.

    One grouped query for the latest reviews and one for the meeting calendars of every
    party's kommun (parties must already be loaded, as :func:`with_children` does).

    ``calendars`` narrows which kommuner's meeting calendars are read: a list page that shows
    only notice deadlines passes ``()`` (no calendar query), a page about one kommun passes
    its code. Parties whose calendar was not read get the fallback decide-by (the internal
    lead time), so a caller must only show the decide-by of the kommuner it asked for.
    """
    if not agreements:
        return {}
    latest = latest_reviews(session, [a.id for a in agreements])
    codes = {p.municipality_code for a in agreements for p in a.parties if p.left_on is None}
    if calendars is not None:
        codes &= set(calendars)
    deadlines = [
        dates.notice_deadline_on(terms_of(a), today)
        for a in agreements
        if a.start_on is not None and a.renewal == "tacit" and a.end_on is not None
    ]
    deadlines = [d for d in deadlines if d is not None]
    meetings: MeetingIndex = {}
    if deadlines and codes:
        meetings = meeting_index(
            session,
            codes,
            min(deadlines) - timedelta(days=MEETING_LOOKBACK_DAYS),
            max(deadlines),
        )
    return {
        a.id: derived_dates(a, today, latest_review=latest.get(a.id), meetings=meetings)
        for a in agreements
    }


def terms_of(agreement: Agreement) -> dates.Terms:
    """The agreement's terms for the date arithmetic."""
    assert agreement.start_on is not None
    return dates.Terms(
        start_on=agreement.start_on,
        end_on=agreement.end_on,
        notice_months=agreement.notice_months,
        renewal=agreement.renewal,
        renewal_months=agreement.renewal_months,
    )


def counts_by(session: Session, user: Any, municipality: str | None) -> dict[str, dict[str, int]]:
    """Counts per form, phase and area for a kommun's (or every visible) agreement."""
    base = restrict_agreements(select(Agreement.id), user)
    base = base.where(Agreement.phase.notin_([Phase.ENDED, Phase.ABANDONED]))
    if municipality:
        base = base.where(
            Agreement.id.in_(
                select(Party.agreement_id).where(
                    Party.municipality_code == municipality, Party.left_on.is_(None)
                )
            )
        )
    ids = base.subquery()
    by_form: dict[str, int] = {}
    by_phase: dict[str, int] = {}
    for form, phase, count in session.execute(
        select(Agreement.form, Agreement.phase, func.count())
        .where(Agreement.id.in_(select(ids.c.id)))
        .group_by(Agreement.form, Agreement.phase)
    ):
        by_form[form] = by_form.get(form, 0) + count
        by_phase[phase] = by_phase.get(phase, 0) + count
    area_label = Area.label_column(current_language())
    by_area = dict(
        session.execute(
            select(area_label, func.count())
            .join(agreement_area, agreement_area.c.area_id == Area.id)
            .where(agreement_area.c.agreement_id.in_(select(ids.c.id)))
            .group_by(area_label)
            .order_by(func.count().desc(), area_label)
        ).all()
    )
    return {"form": by_form, "phase": by_phase, "area": by_area}
