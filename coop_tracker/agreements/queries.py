"""Read-side queries over agreements: filtered, sorted, paginated lists and counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements import dates
from coop_tracker.agreements.models import (
    Agreement,
    Contact,
    Party,
    Phase,
    Term,
    agreement_area,
)
from coop_tracker.agreements.rules import FORM_LABELS, PHASE_LABELS, ROLE_LABELS
from coop_tracker.core.collation import matches, swedish
from coop_tracker.core.i18n import _, _l, current_language
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.core.validation import strip_control
from coop_tracker.meetings.models import Body
from coop_tracker.meetings.queries import MeetingIndex, meeting_index
from coop_tracker.meetings.rules import BODY_SHORT, party_deciding_body
from coop_tracker.municipalities.models import Area, KommunSetting, Municipality
from coop_tracker.organisations.models import Organisation, OrgKind
from coop_tracker.reviews.queries import latest_reviews
from coop_tracker.users.models import User

SORTS: dict[str, Any] = {
    "title": swedish(Agreement.title),
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
    # Any party (a kommun, region, förbund, Finsam, company or agency): the key as asked for
    # (länskod, organisationsnummer, ``org-<id>``…) and the organisation it names.
    organisation: str | None = None
    organisation_id: int | None = None
    # Part of the name of a party's responsible nämnd or official (with ``municipality``: that
    # kommun's party only).
    responsible: str | None = None
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
    elif filters.role:
        query = query.where(
            Agreement.id.in_(select(Party.agreement_id).where(Party.role == filters.role))
        )
    if filters.organisation_id is not None:
        query = query.where(
            Agreement.id.in_(
                select(Party.agreement_id).where(Party.organisation_id == filters.organisation_id)
            )
        )
    if filters.responsible:
        query = query.where(Agreement.id.in_(_responsible_parties(filters)))
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
        term = strip_control(filters.q).strip()[:100]
        # The kommun names are few: match them once (an uncorrelated subquery the database
        # evaluates a single time), then look for parties of those kommuner.
        named = select(Municipality.code).where(matches(Municipality.name, term))
        by_party = exists(
            select(Party.id).where(
                Party.agreement_id == Agreement.id, Party.municipality_code.in_(named)
            )
        )
        query = query.where(
            or_(
                matches(Agreement.title, term),
                matches(Agreement.purpose, term),
                matches(Agreement.document_ref, term),
                by_party,
            )
        )
    return query


def describe_filters(session: Session, filters: Filters) -> list[str]:
    """The list's filters in words, for the page's "Urval" line (empty when nothing narrows)."""
    parts: list[str] = []
    if filters.q:
        parts.append(_("sökning: ”%(q)s”", q=filters.q))
    if filters.municipality:
        name = session.scalar(
            select(Municipality.name).where(Municipality.code == filters.municipality)
        )
        parts.append(_("kommun: %(name)s", name=name or filters.municipality))
    if filters.organisation_id is not None:
        org = session.get(Organisation, filters.organisation_id)
        if org is not None:
            parts.append(_("part: %(name)s", name=org.name))
    if filters.responsible:
        parts.append(_("ansvarig nämnd eller person: ”%(text)s”", text=filters.responsible))
    if filters.role:
        label = str(ROLE_LABELS[filters.role]).lower()
        if filters.municipality:
            parts.append(_("kommunens roll: %(role)s", role=label))
        else:
            parts.append(_("någon part med rollen: %(role)s", role=label))
    if filters.form:
        parts.append(_("form: %(form)s", form=str(FORM_LABELS[filters.form]).lower()))
    if filters.area:
        area = session.scalar(
            select(Area.label_column(current_language())).where(Area.slug == filters.area)
        )
        parts.append(_("område: %(area)s", area=(area or filters.area).lower()))
    if filters.phase:
        parts.append(_("fas: %(phase)s", phase=str(PHASE_LABELS[filters.phase]).lower()))
    return parts


def responsible_parties(term: str) -> Select[Any]:
    """Parties whose responsible nämnd, responsible user or responsible contact has ``term`` in
    its name. Users and contacts are matched once each (uncorrelated subqueries), as the kommun
    names are for ``q``."""
    term = strip_control(term).strip()[:100]
    users = select(User.id).where(matches(User.name, term))
    contacts = select(Contact.party_id).where(
        Contact.is_responsible.is_(True), matches(Contact.name, term)
    )
    return select(Party.id).where(
        or_(
            matches(Party.responsible_body, term),
            Party.responsible_user_id.in_(users),
            Party.id.in_(contacts),
        )
    )


def _responsible_parties(filters: Filters) -> Select[Any]:
    """Agreements whose party (the filtered kommun's, else any) has a matching responsible."""
    parties = select(Party.agreement_id).where(
        Party.id.in_(responsible_parties(filters.responsible or ""))
    )
    if filters.municipality:
        parties = parties.where(Party.municipality_code == filters.municipality)
    return parties


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
    column = SORTS.get(filters.sort, SORTS["title"])
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
        _filtered(base, filters).order_by(swedish(Agreement.title), Agreement.id), contacts=contacts
    )
    return list(session.scalars(query).unique())


@dataclass
class PartyDecideBy:
    """When one party must act: its deciding body's meeting chain before the target date.

    ``warnings`` are Swedish sentences to show beside the date (a missing meeting calendar,
    no meeting early enough); the API gives them as they are.
    """

    municipality_code: str
    body: str
    decide_by_on: date | None
    meeting_on: date | None = None
    case_deadline_on: date | None = None
    body_name: str = ""
    prepared_on: date | None = None  # the KS meeting that prepares a KF decision
    prepared_case_deadline_on: date | None = None
    latest_meeting_on: date | None = None
    warnings: list[str] = field(default_factory=list)
    lead_days: int = 0  # the internal preparation time used (the agreement's or the kommun's)
    target_on: date | None = None  # the day the decision must have effect by

    @property
    def from_calendar(self) -> bool:
        """True when the date comes from the kommun's meeting calendar (not the fallback)."""
        return self.meeting_on is not None

    @property
    def body_label(self) -> str:
        """KF, KS or the nämnd's name, for sentences (a party that is not a kommun: its own
        body's name, e.g. regionfullmäktige)."""
        if self.body_name and (self.body == Body.NAMND or not self.municipality_code):
            return self.body_name
        return str(BODY_SHORT.get(self.body, self.body))


@dataclass
class PartyNotice:
    """A party that has given notice (an exit with a recorded notice): it leaves on
    ``effective_on``; ``scope`` is ``party`` (utträde) or ``agreement`` (the whole ends)."""

    municipality_code: str
    name: str
    given_on: date
    received_on: date
    effective_on: date | None
    scope: str
    status: str
    exit_id: int
    transition_starts_on: date | None = None
    transition_ends_on: date | None = None


@dataclass
class DerivedDates:
    """The computed dates of one agreement as of ``today``.

    ``decide_by_on`` is the earliest of the parties' decide-by dates; ``parties`` has each
    current party's own (its deciding body's meeting chain, else the fallback). A party that
    has given notice has no decide-by. For a fixed term, ``continuation_on`` is the day the
    parties should have decided on extending or replacing it, with ``continuation`` per party
    through the same chain.
    """

    current_term_end_on: date | None
    notice_deadline_on: date | None
    decide_by_on: date | None
    next_review_on: date | None
    latest_review: Any = None
    parties: dict[str, PartyDecideBy] = field(default_factory=dict)
    notice_term_end_on: date | None = None  # the term end the notice deadline belongs to
    term: str | None = None
    continuation_on: date | None = None
    continuation: dict[str, PartyDecideBy] = field(default_factory=dict)
    continuation_decide_by_on: date | None = None
    expired_on: date | None = None  # an active agreement past its end date: that end date
    notices: dict[str, PartyNotice] = field(default_factory=dict)
    ends_by_notice_on: date | None = None  # the whole agreement ends (avveckling) on this day
    # Parties that are not kommuner (regioner, förbund, companies, agencies), by their key: no
    # meeting calendar can be kept for them here, so their decide-by is the fallback from the
    # internal lead time, said in words. Not in ``decide_by_on`` (the kommuner's earliest).
    others: dict[str, PartyDecideBy] = field(default_factory=dict)

    def decide_by_for(self, municipality_code: str | None) -> date | None:
        """The decide-by date of one kommun's party, else the agreement's earliest."""
        own = self.parties.get(municipality_code or "")
        return own.decide_by_on if own is not None else self.decide_by_on


@dataclass(frozen=True)
class KommunDeadlines:
    """One kommun's own deadline settings; None means the installation's default."""

    buffer_days: int | None = None
    lead_days: int | None = None
    continuation_lead_months: int | None = None


@dataclass(frozen=True)
class DateSettings:
    """The deadline settings: the installation's (``NOTICE_BUFFER_DAYS``,
    ``CONTINUATION_LEAD_MONTHS``) and each kommun's own values, which override them for that
    kommun's party (set on the kommun's settings page)."""

    buffer_days: int = dates.DEFAULT_NOTICE_BUFFER_DAYS
    continuation_lead_months: int = dates.DEFAULT_CONTINUATION_LEAD_MONTHS
    kommuner: Mapping[str, KommunDeadlines] = field(default_factory=dict)

    @classmethod
    def current(cls, session: Session | None = None) -> DateSettings:
        """From the app's configuration and, given a session, every kommun's own settings
        (one query); the defaults outside an app."""
        if not has_app_context():
            return cls()
        config = current_app.config
        kommuner: dict[str, KommunDeadlines] = {}
        if session is not None:
            rows = session.execute(
                select(
                    KommunSetting.municipality_code,
                    KommunSetting.notice_buffer_days,
                    KommunSetting.internal_lead_days,
                    KommunSetting.continuation_lead_months,
                )
            ).tuples()
            kommuner = {code: KommunDeadlines(b, lead, c) for code, b, lead, c in rows}
        return cls(
            int(config.get("NOTICE_BUFFER_DAYS", dates.DEFAULT_NOTICE_BUFFER_DAYS)),
            int(config.get("CONTINUATION_LEAD_MONTHS", dates.DEFAULT_CONTINUATION_LEAD_MONTHS)),
            kommuner,
        )

    def _own(self, code: str) -> KommunDeadlines:
        return self.kommuner.get(code) or KommunDeadlines()

    def buffer_days_for(self, code: str) -> int:
        own = self._own(code).buffer_days
        return self.buffer_days if own is None else own

    def continuation_months_for(self, code: str) -> int:
        own = self._own(code).continuation_lead_months
        return self.continuation_lead_months if own is None else own

    def lead_days_for(self, code: str, agreement_lead_days: int | None) -> int:
        """The agreement's internal lead time, or the kommun's minimum when that is longer."""
        own = self._own(code).lead_days
        agreed = agreement_lead_days or 0
        return agreed if own is None else max(agreed, own)


def warning_text(warning: dates.DateWarning, municipality: str) -> str:
    """A decide-by warning as the Swedish sentence the page, reminder and API say aloud."""
    params = warning.params
    body = str(params.get("body", ""))
    label = str(params.get("body_name") or BODY_SHORT.get(body, body))
    if warning.code == "calendar_missing":
        return _(
            "Sammanträdesplan för %(year)s saknas för %(kommun)s %(body)s: datumet bygger på "
            "den interna förberedelsetiden.",
            year=params.get("year"),
            kommun=municipality,
            body=label,
        )
    latest = params.get("latest_on")
    return _(
        "%(kommun)s %(body)s har inget sammanträde senast %(date)s i sammanträdesplanen: "
        "ett extra sammanträde behövs, eller ett beslut vid ett tidigare sammanträde. Datumet "
        "bygger på den interna förberedelsetiden.",
        kommun=municipality,
        body=label,
        date=latest.isoformat() if isinstance(latest, date) else "",
    )


def party_decide_by(
    agreement: Agreement,
    party: Party,
    target_on: date,
    meetings: MeetingIndex | None,
    settings: DateSettings,
) -> PartyDecideBy:
    """One party's decide-by date for a target date (notice deadline or continuation)."""
    body, body_name = party_deciding_body(
        agreement.form, party.deciding_body, party.deciding_body_name, party.decision_body
    )
    code = party.municipality_code or ""
    lead_days = settings.lead_days_for(code, agreement.internal_lead_days)
    result = dates.decide_by(
        target_on,
        body=body,
        body_name=body_name,
        meetings=(meetings or {}).get(code, []),
        lead_days=lead_days,
        buffer_days=settings.buffer_days_for(code),
    )
    name = party.name
    return PartyDecideBy(
        municipality_code=party.municipality_code or "",
        body=body,
        body_name=body_name,
        decide_by_on=result.on,
        meeting_on=result.meeting_on,
        case_deadline_on=result.case_deadline_on,
        prepared_on=result.prepared_on,
        prepared_case_deadline_on=result.prepared_case_deadline_on,
        latest_meeting_on=result.latest_meeting_on,
        warnings=[warning_text(w, name) for w in result.warnings],
        lead_days=lead_days,
        target_on=target_on,
    )


# How a region names its bodies: a notice is decided in regionfullmäktige or regionstyrelsen.
REGION_BODIES: dict[str, Any] = {Body.KF: _l("regionfullmäktige"), Body.KS: _l("regionstyrelsen")}


def other_party_decide_by(
    agreement: Agreement, party: Party, target_on: date, settings: DateSettings
) -> PartyDecideBy:
    """The decide-by of a party that is not a kommun, from the agreement's internal lead time.

    A region decides in regionfullmäktige or regionstyrelsen like a kommun in KF or KS, but no
    meeting calendar is kept for it here: the fallback, with the "sammanträdesplan saknas"
    sentence. A state agency has no fullmäktige at all: its date is the notice deadline less
    the time for delivery and its internal lead time, said so. A förbund, Finsam or company
    decides in its own direktion or styrelse, whose calendar is not kept here either.
    """
    body, body_name = party_deciding_body(
        agreement.form, party.deciding_body, party.deciding_body_name, party.decision_body
    )
    kind = party.kind
    if kind == OrgKind.REGION and body in REGION_BODIES:
        body_name = str(REGION_BODIES[body])
    elif kind != OrgKind.REGION:
        body, body_name = Body.NAMND, str(_l("direktionen eller styrelsen"))
    lead_days = agreement.internal_lead_days or 0
    result = dates.decide_by(
        target_on,
        body=body,
        body_name=body_name,
        meetings=[],
        lead_days=lead_days,
        buffer_days=settings.buffer_days,
    )
    if kind == OrgKind.AGENCY:
        body_name = str(_l("myndighetens beslut"))
        warnings = [
            _(
                "%(name)s är en statlig myndighet utan fullmäktige: datumet är sista dag för "
                "uppsägning minus tiden för delgivning och %(n)s dagars intern förberedelsetid.",
                name=party.name,
                n=lead_days,
            )
        ]
    else:
        warnings = [warning_text(w, party.name) for w in result.warnings]
    return PartyDecideBy(
        municipality_code="",
        body=body,
        body_name=body_name,
        decide_by_on=result.on,
        latest_meeting_on=result.latest_meeting_on,
        warnings=warnings,
        lead_days=lead_days,
        target_on=target_on,
    )


def derived_dates(
    agreement: Agreement,
    today: date,
    *,
    latest_review: Any = None,
    meetings: MeetingIndex | None = None,
    notices: list[PartyNotice] | None = None,
    settings: DateSettings | None = None,
) -> DerivedDates:
    """Compute notice deadline, term end, decide-by and next review for an agreement.

    Pure: the latest review, the meeting calendars and the recorded notices are passed in
    (load them for a whole page with :func:`derived_dates_for`). Without a review the next
    review is the first review date, else start plus the interval; with one, its explicit
    next date, else its date plus the interval.
    """
    settings = settings or DateSettings()
    if agreement.start_on is None:
        return DerivedDates(None, None, None, None, latest_review, term=agreement.term)
    try:
        terms = terms_of(agreement)
    except ValueError:  # inconsistent stored terms (refused on every save): nothing to compute
        return DerivedDates(None, None, None, None, latest_review, term=agreement.term)
    by_code = {n.municipality_code: n for n in notices or []}
    ends_by_notice = next(
        (n.effective_on for n in notices or [] if n.scope == "agreement" and n.effective_on),
        None,
    )
    deadline = dates.notice_deadline_on(terms, today)
    # Decide-by dates follow a kommun's meeting calendar: parties that are not kommuner
    # (regioner, förbund, agencies) have no calendar here and get none.
    current = [p for p in agreement.parties if p.left_on is None and p.municipality_code]
    # A party that has given notice decides nothing more about notice; once the whole
    # agreement is being wound up, no party does.
    deciding = [] if ends_by_notice else [p for p in current if p.municipality_code not in by_code]
    parties: dict[str, PartyDecideBy] = {}
    if deadline is not None:
        for party in deciding:
            parties[party.municipality_code or ""] = party_decide_by(
                agreement, party, deadline, meetings, settings
            )
    # Each kommun may decide on continuation a different number of months ahead.
    continuation: dict[str, PartyDecideBy] = {}
    targets: list[date] = []
    for party in deciding:
        target = dates.continuation_target_on(
            terms, today, settings.continuation_months_for(party.municipality_code or "")
        )
        if target is not None:
            targets.append(target)
            continuation[party.municipality_code or ""] = party_decide_by(
                agreement, party, target, meetings, settings
            )
    continuation_on = (
        min(targets)
        if targets
        else dates.continuation_target_on(terms, today, settings.continuation_lead_months)
    )
    others: dict[str, PartyDecideBy] = {}
    if deadline is not None and not ends_by_notice:
        for party in agreement.parties:
            if party.left_on is None and not party.municipality_code:
                others[party.key] = other_party_decide_by(agreement, party, deadline, settings)
    party_dates = [p.decide_by_on for p in parties.values() if p.decide_by_on is not None]
    continuation_dates = [c.decide_by_on for c in continuation.values() if c.decide_by_on]
    expired = (
        agreement.end_on
        if agreement.term == Term.FIXED
        and agreement.end_on is not None
        and agreement.end_on < today
        and agreement.phase in (Phase.ACTIVE,)
        else None
    )
    first_review = agreement.first_review_on if latest_review is None else None
    return DerivedDates(
        current_term_end_on=dates.current_term_end_on(terms, today),
        notice_deadline_on=deadline,
        decide_by_on=min(party_dates) if party_dates else None,
        next_review_on=dates.next_review_on(
            agreement.start_on,
            agreement.review_interval_months,
            latest_review.reviewed_on if latest_review is not None else None,
            latest_review.next_review_on if latest_review is not None else first_review,
            agreement.imported_on,
        ),
        latest_review=latest_review,
        parties=parties,
        notice_term_end_on=dates.term_end_for_deadline(terms, today),
        term=agreement.term,
        continuation_on=continuation_on,
        continuation=continuation,
        continuation_decide_by_on=min(continuation_dates) if continuation_dates else None,
        expired_on=expired,
        notices=by_code,
        ends_by_notice_on=ends_by_notice,
        others=others,
    )


def notices_by_agreement(
    session: Session, agreement_ids: Iterable[int], today: date | None = None
) -> dict[int, list[PartyNotice]]:
    """Recorded notices (draft or adopted exits with who, when and effective date), one query.

    A draft whose notice date is still ahead of ``today`` is a plan, not a notice: the party
    has not given notice, so its reminders and decide-by dates stay. Where the lifecycle
    capability is not installed there are none.
    """
    ids = sorted(set(agreement_ids))
    if not ids:
        return {}
    try:
        from coop_tracker.lifecycle.models import Exit, ExitStatus
    except ImportError:  # pragma: no cover - the lifecycle models are not installed
        return {}
    rows = session.execute(
        select(Exit, Party.municipality_code, Municipality.name)
        .join(Party, Party.id == Exit.notice_party_id)
        .join(Municipality, Municipality.code == Party.municipality_code)
        .where(
            Exit.agreement_id.in_(ids),
            Exit.status.in_([ExitStatus.DRAFT, ExitStatus.ADOPTED]),
            Exit.notice_given_on.is_not(None),
        )
        .order_by(Exit.id)
    )
    found: dict[int, list[PartyNotice]] = {}
    for plan, code, name in rows.tuples():
        if plan.notice_given_on is None or (
            plan.status == ExitStatus.DRAFT
            and (not plan.has_notice or (today is not None and plan.notice_given_on > today))
        ):
            continue
        leaving = code
        if plan.scope == "party" and plan.leaving_party is not None:
            leaving = plan.leaving_party.municipality_code
            name = plan.leaving_party.name
        found.setdefault(plan.agreement_id, []).append(
            PartyNotice(
                municipality_code=leaving or "",
                name=name,
                given_on=plan.notice_given_on,
                received_on=plan.notice_received_on or plan.notice_given_on,
                effective_on=plan.effective_on,
                scope=plan.scope,
                status=plan.status,
                exit_id=plan.id,
                transition_starts_on=plan.transition_starts_on,
                transition_ends_on=plan.transition_ends_on,
            )
        )
    return found


def derived_dates_for(
    session: Session,
    agreements: list[Agreement],
    today: date,
    *,
    calendars: Iterable[str] | None = None,
) -> dict[int, DerivedDates]:
    """Derived dates for a page of agreements in a constant number of queries.

    One grouped query for the latest reviews, one for the recorded notices and one for the
    meeting calendars of every party's kommun (parties must already be loaded, as
    :func:`with_children` does).

    ``calendars`` narrows which kommuner's meeting calendars are read: a list page that shows
    only notice deadlines passes ``()`` (no calendar query), a page about one kommun passes
    its code. Parties whose calendar was not read get the fallback decide-by (with a warning
    that the calendar is missing), so a caller must only show the decide-by of the kommuner
    it asked for.
    """
    if not agreements:
        return {}
    settings = DateSettings.current(session)
    latest = latest_reviews(session, [a.id for a in agreements])
    notices = notices_by_agreement(session, [a.id for a in agreements], today)
    codes = {
        p.municipality_code
        for a in agreements
        for p in a.parties
        if p.left_on is None and p.municipality_code
    }
    if calendars is not None:
        codes &= set(calendars)
    targets: list[date] = []
    for a in agreements:
        if a.start_on is None:
            continue
        try:
            terms = terms_of(a)
        except ValueError:
            continue
        months = {settings.continuation_lead_months} | {
            settings.continuation_months_for(p.municipality_code or "") for p in a.parties
        }
        for target in (
            dates.notice_deadline_on(terms, today),
            *(dates.continuation_target_on(terms, today, m) for m in months),
        ):
            if target is not None:
                targets.append(target)
    meetings: MeetingIndex = {}
    if targets and codes:
        # Whole calendar years: whether a year's calendar exists is part of the answer.
        meetings = meeting_index(
            session,
            codes,
            date(min(targets).year - 1, 1, 1),
            date(max(targets).year, 12, 31),
        )
    return {
        a.id: derived_dates(
            a,
            today,
            latest_review=latest.get(a.id),
            meetings=meetings,
            notices=notices.get(a.id),
            settings=settings,
        )
        for a in agreements
    }


def terms_of(agreement: Agreement) -> dates.Terms:
    """The agreement's terms for the date arithmetic."""
    assert agreement.start_on is not None
    return dates.Terms(
        start_on=agreement.start_on,
        end_on=agreement.end_on,
        notice_months=agreement.notice_months,
        renewal_months=agreement.renewal_months,
        term=agreement.term,
        end_alignment=agreement.end_alignment or "none",
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
        )
        .tuples()
        .all()
    )
    return {"form": by_form, "phase": by_phase, "area": by_area}


@dataclass
class WhatIf:
    """ "If notice reaches the other parties on ``notice_on``": the answer for one agreement.

    ``decide_by`` has, per current party that has not given notice, when its case must be in
    for its deciding body to decide in time for a notice received that day.
    """

    notice_on: date
    notice_deadline_on: date | None
    earliest_end_on: date | None
    current_term_ends_on: date | None
    decide_by: list[tuple[Party, PartyDecideBy]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def what_if(session: Session, agreement: Agreement, notice_on: date, today: date) -> WhatIf:
    """The dates that follow if notice of ``agreement`` reaches the other parties on
    ``notice_on`` (three queries: the calendars, the notices and the review)."""
    derived = derived_dates_for(session, [agreement], today)[agreement.id]
    if agreement.start_on is None:
        return WhatIf(
            notice_on,
            None,
            None,
            None,
            warnings=[_("Samverkan har inget startdatum, så inga datum kan räknas fram.")],
        )
    try:
        terms = terms_of(agreement)
    except ValueError:
        return WhatIf(
            notice_on,
            None,
            None,
            None,
            warnings=[_("Avtalstiden är ofullständig: rätta uppgifterna om samverkan.")],
        )
    settings = DateSettings.current(session)
    warnings: list[str] = []
    end = dates.earliest_end_on(terms, notice_on)
    deadline = dates.notice_deadline_on(terms, today)
    if notice_on < today:
        warnings.append(
            _("%(date)s har redan passerat: svaret visar vad som hade gällt.", date=notice_on)
        )
    if agreement.term == Term.FIXED:
        assert agreement.end_on is not None
        if agreement.end_on < notice_on:
            warnings.append(
                _(
                    "Avtalstiden gick ut %(end)s – förläng, avsluta eller rätta uppgifterna.",
                    end=agreement.end_on.isoformat(),
                )
            )
        else:
            warnings.append(
                _(
                    "Avtalet är tidsbegränsat och upphör %(end)s utan uppsägning. Beslut om "
                    "förlängning eller nytt avtal behövs i stället.",
                    end=agreement.end_on.isoformat(),
                )
            )
    elif deadline is not None and notice_on > deadline:
        warnings.append(
            _(
                "Uppsägningen kommer för sent för perioden som slutar %(term_end)s (sista dag "
                "%(deadline)s). Avtalet löper då till %(end)s.",
                term_end=(dates.term_end_for_deadline(terms, today) or end).isoformat(),
                deadline=deadline.isoformat(),
                end=end.isoformat(),
            )
        )
    if notice_on < agreement.start_on:
        warnings.append(_("Dagen ligger före avtalets start."))
    for notice in derived.notices.values():
        warnings.append(notice_text(notice))
    codes = [
        p.municipality_code
        for p in agreement.parties
        if p.left_on is None and p.municipality_code and p.municipality_code not in derived.notices
    ]
    meetings = meeting_index(
        session, codes, date(notice_on.year - 1, 1, 1), date(notice_on.year, 12, 31)
    )
    decide_by = [
        (party, party_decide_by(agreement, party, notice_on, meetings, settings))
        for party in agreement.parties
        if party.municipality_code in codes and not derived.ends_by_notice_on
    ]
    return WhatIf(
        notice_on=notice_on,
        notice_deadline_on=deadline,
        earliest_end_on=None if agreement.term == Term.FIXED and end < notice_on else end,
        current_term_ends_on=derived.current_term_end_on,
        decide_by=decide_by,
        warnings=warnings,
    )


def notice_text(notice: PartyNotice) -> str:
    """ "Vansbro har sagt upp – utträder 2027-12-31" (or the whole agreement ends)."""
    when = notice.effective_on.isoformat() if notice.effective_on else _("datum saknas")
    if notice.scope == "agreement":
        return _(
            "%(kommun)s har sagt upp avtalet – samverkan upphör %(date)s.",
            kommun=notice.name,
            date=when,
        )
    return _("%(kommun)s har sagt upp – utträder %(date)s.", kommun=notice.name, date=when)


def if_nobody_acts(agreement: Agreement, derived: DerivedDates, today: date) -> str:
    """What happens to the agreement if no party acts, in one sentence ("" when not known).

    A renewing term is extended automatically (automatisk förlängning) when no notice has
    reached the other parties by the deadline; a fixed first term runs on tills vidare; a
    tills vidare agreement runs until someone gives notice; a fixed term simply ends.
    """
    if agreement.start_on is None or derived.ends_by_notice_on is not None:
        return ""
    try:
        terms = terms_of(agreement)
    except ValueError:
        return ""
    if agreement.term == Term.FIXED:
        if agreement.end_on is None or agreement.end_on < today:
            return ""
        return _(
            "Om ingen gör något upphör avtalet %(end)s utan uppsägning. Ska samverkan "
            "fortsätta behövs beslut om förlängning eller ett nytt avtal före dess.",
            end=agreement.end_on.isoformat(),
        )
    deadline = derived.notice_deadline_on
    if agreement.term == Term.RENEWING and deadline is not None:
        late_end = dates.earliest_end_on(terms, deadline + timedelta(days=1))
        return _(
            "Om ingen uppsägning har nått de andra parterna senast %(deadline)s förlängs avtalet "
            "automatiskt (automatisk förlängning) med %(months)s månader och kan då tidigast "
            "upphöra %(end)s.",
            deadline=deadline.isoformat(),
            months=agreement.renewal_months or 0,
            end=late_end.isoformat(),
        )
    if agreement.term == Term.FIXED_THEN_INDEFINITE and deadline is not None:
        late_end = dates.earliest_end_on(terms, deadline + timedelta(days=1))
        return _(
            "Om ingen uppsägning har nått de andra parterna senast %(deadline)s upphör avtalet "
            "inte %(end)s utan löper vidare tills vidare; en uppsägning dagen därpå ger slut "
            "tidigast %(late)s.",
            deadline=deadline.isoformat(),
            end=(agreement.end_on or deadline).isoformat(),
            late=late_end.isoformat(),
        )
    if agreement.term in (Term.INDEFINITE, Term.FIXED_THEN_INDEFINITE):
        return _(
            "Avtalet löper tills vidare tills någon part säger upp det. En uppsägning som når "
            "de andra parterna i dag ger slut tidigast %(end)s.",
            end=dates.earliest_end_on(terms, today).isoformat(),
        )
    return ""
