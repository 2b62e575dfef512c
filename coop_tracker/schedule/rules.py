"""An agreement's derived dates as of a day: notice, decide-by, continuation and review."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements import dates
from coop_tracker.agreements.models import Agreement, Party, Phase, Term
from coop_tracker.agreements.queries import terms_of
from coop_tracker.core.i18n import _, _l, gettext
from coop_tracker.meetings.models import Body
from coop_tracker.meetings.queries import MeetingIndex
from coop_tracker.meetings.rules import BODY_SHORT, party_deciding_body
from coop_tracker.municipalities.models import KommunSetting
from coop_tracker.organisations.models import OrgKind


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


# What a decide-by date says aloud beside it (on the page, in the API, and stored after a
# reminder's detail, where ``reminders.rules.shown_detail`` shows each in the reader's language).
CALENDAR_MISSING_WARNING = _l(
    "Sammanträdesplan för %(year)s saknas för %(kommun)s %(body)s: datumet bygger på "
    "den interna förberedelsetiden."
)
NO_MEETING_WARNING = _l(
    "%(kommun)s %(body)s har inget sammanträde senast %(date)s i sammanträdesplanen: "
    "ett extra sammanträde behövs, eller ett beslut vid ett tidigare sammanträde. Datumet "
    "bygger på den interna förberedelsetiden."
)
AGENCY_WARNING = _l(
    "%(name)s är en statlig myndighet utan fullmäktige: datumet är sista dag för "
    "uppsägning minus tiden för delgivning och %(n)s dagars intern förberedelsetid."
)
DECIDE_BY_WARNINGS = (CALENDAR_MISSING_WARNING, NO_MEETING_WARNING, AGENCY_WARNING)


def warning_text(warning: dates.DateWarning, municipality: str) -> str:
    """A decide-by warning as the Swedish sentence the page, reminder and API say aloud."""
    params = warning.params
    body = str(params.get("body", ""))
    label = str(params.get("body_name") or BODY_SHORT.get(body, body))
    if warning.code == "calendar_missing":
        return gettext(
            CALENDAR_MISSING_WARNING.source,
            year=params.get("year"),
            kommun=municipality,
            body=label,
        )
    latest = params.get("latest_on")
    return gettext(
        NO_MEETING_WARNING.source,
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
            gettext(
                AGENCY_WARNING.source,
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
