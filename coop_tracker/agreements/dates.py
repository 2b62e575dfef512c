"""Derived dates of a cooperation agreement: term ends, notice deadlines, decide-by dates.

Everything here is pure: no database, no clock. The current date is always passed in
as ``today`` (or as the day notice reached the other parties), so every answer is
reproducible and testable. ``docs/dates.md`` states the rules in plain Swedish and English,
with worked examples that the test suite runs.

Vocabulary (Swedish practice), one ``term`` per agreement:

* ``fixed`` -- *tidsbegränsat*: the agreement ends by itself on ``end_on``.
* ``fixed_then_indefinite`` -- *avtalstid till ``end_on``, därefter tills vidare*: notice
  received ``notice_months`` before ``end_on`` ends it on ``end_on``; later notice ends it
  ``notice_months`` after the notice, never before ``end_on``.
* ``indefinite`` -- *tills vidare*: it ends ``notice_months`` after notice is received.
* ``renewing`` -- *tyst förlängning*: unless notice is received in time, the agreement
  silently renews for another ``renewal_months`` (the tacit-renewal engine below).

``end_alignment`` (``none`` | ``month_end`` | ``year_end``) says where the tills vidare part
ends: once the notice period has run, at the next month end or year end ("räknat till
närmaste årsskifte"). Notice runs from the day it reached the other parties.

Month arithmetic follows :func:`add_months`, including its end-of-month rule, so an
agreement that ends at a month end always has its notice deadlines at month ends.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = [
    "ALIGNMENTS",
    "DEFAULT_CONTINUATION_LEAD_MONTHS",
    "DEFAULT_NOTICE_BUFFER_DAYS",
    "RENEWAL_KINDS",
    "RENEWAL_NONE",
    "RENEWAL_TACIT",
    "TERMS",
    "DecideBy",
    "Meeting",
    "Terms",
    "add_months",
    "align_end",
    "continuation_target_on",
    "current_term_end_on",
    "days_until",
    "decide_by",
    "earliest_end_on",
    "is_notice_late",
    "next_review_on",
    "notice_deadline_on",
    "term_end_for_deadline",
]

RENEWAL_NONE = "none"
"""Legacy alias: no automatic renewal (``fixed``, or tills vidare without an end date)."""
RENEWAL_TACIT = "tacit"
"""Legacy alias: the agreement is silently renewed by ``renewal_months`` (``renewing``)."""
RENEWAL_KINDS: frozenset[str] = frozenset({RENEWAL_NONE, RENEWAL_TACIT})

TERM_FIXED = "fixed"
TERM_FIXED_THEN_INDEFINITE = "fixed_then_indefinite"
TERM_INDEFINITE = "indefinite"
TERM_RENEWING = "renewing"
TERMS: tuple[str, ...] = (
    TERM_FIXED,
    TERM_FIXED_THEN_INDEFINITE,
    TERM_INDEFINITE,
    TERM_RENEWING,
)
ALIGN_NONE = "none"
ALIGN_MONTH_END = "month_end"
ALIGN_YEAR_END = "year_end"
ALIGNMENTS: tuple[str, ...] = (ALIGN_NONE, ALIGN_MONTH_END, ALIGN_YEAR_END)

DEFAULT_NOTICE_BUFFER_DAYS = 14
"""Days after the deciding meeting for justering, anslag and getting the notice delivered."""
DEFAULT_CONTINUATION_LEAD_MONTHS = 6
"""A fixed term's decision on continuing (or a new agreement) is due this long before it ends."""


def term_from_legacy(end_on: date | None, renewal: str | None) -> str:
    """The ``term`` that the old fields (``end_on`` + ``renewal``) describe."""
    if end_on is None:
        return TERM_INDEFINITE
    return TERM_RENEWING if renewal == RENEWAL_TACIT else TERM_FIXED


def legacy_renewal(term: str) -> str:
    """The old ``renewal`` value of a ``term`` (kept as an alias in the API and exports)."""
    return RENEWAL_TACIT if term == TERM_RENEWING else RENEWAL_NONE


@dataclass(frozen=True, slots=True)
class Terms:
    """The date-relevant terms of an agreement.

    * ``start_on`` -- first day of the agreement.
    * ``end_on`` -- last day of the fixed (first) term; ``None`` for tills vidare.
    * ``notice_months`` -- uppsägningstid in months; ``None`` is treated as 0.
    * ``renewal`` / ``renewal_months`` -- the old description of tacit renewal; kept so the
      tacit-renewal engine and its callers read as before.
    * ``term`` -- one of :data:`TERMS`; derived from ``end_on`` and ``renewal`` when not
      given.
    * ``end_alignment`` -- one of :data:`ALIGNMENTS`, for the tills vidare part.

    Inconsistent terms raise :class:`ValueError` on construction, so the date functions
    never have to guess.
    """

    start_on: date
    end_on: date | None = None
    notice_months: int | None = None
    renewal: str = RENEWAL_NONE
    renewal_months: int | None = None
    term: str | None = None
    end_alignment: str = ALIGN_NONE

    def __post_init__(self) -> None:
        if self.renewal not in RENEWAL_KINDS:
            raise ValueError(
                f"renewal must be one of {sorted(RENEWAL_KINDS)}, got {self.renewal!r}"
            )
        if self.term is None:
            object.__setattr__(self, "term", term_from_legacy(self.end_on, self.renewal))
        elif self.term not in TERMS:
            raise ValueError(f"term must be one of {list(TERMS)}, got {self.term!r}")
        else:
            object.__setattr__(self, "renewal", legacy_renewal(self.term))
        if self.end_alignment not in ALIGNMENTS:
            raise ValueError(
                f"end_alignment must be one of {list(ALIGNMENTS)}, got {self.end_alignment!r}"
            )
        if self.end_on is not None and self.end_on < self.start_on:
            raise ValueError(f"end_on {self.end_on} is before start_on {self.start_on}")
        if self.notice_months is not None and self.notice_months < 0:
            raise ValueError(f"notice_months must not be negative, got {self.notice_months}")
        if self.renewal_months is not None and self.renewal_months < 0:
            raise ValueError(f"renewal_months must not be negative, got {self.renewal_months}")
        if self.term != TERM_INDEFINITE and self.end_on is None:
            raise ValueError(f"a {self.term} term needs end_on")
        if self.term == TERM_RENEWING and not self.renewal_months:
            raise ValueError("tacit renewal needs renewal_months >= 1")

    @property
    def is_until_further_notice(self) -> bool:
        """True for *tills vidare* agreements (no fixed end date)."""
        return self.term == TERM_INDEFINITE

    @property
    def has_indefinite_part(self) -> bool:
        """True when notice can end the agreement at any time (after a first term)."""
        return self.term in (TERM_INDEFINITE, TERM_FIXED_THEN_INDEFINITE)


def _month_index(d: date) -> int:
    """Months since year 0, so that month differences are plain subtraction."""
    return d.year * 12 + d.month - 1


def _is_month_end(d: date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def add_months(d: date, months: int) -> date:
    """Return ``d`` moved by ``months`` calendar months (``months`` may be negative).

    Rules:

    * The day of month is kept, clamped to the length of the target month:
      2024-01-31 + 1 -> 2024-02-29, 2023-01-31 + 1 -> 2023-02-28.
    * End-of-month rule: if ``d`` is the last day of its month, the result is the last
      day of the target month: 2026-02-28 + 1 -> 2026-03-31,
      2026-06-30 - 3 -> 2026-03-31. Hence a contract ending at a month end has its
      notice deadline at a month end, and its renewed terms end at month ends.

    Because of the end-of-month rule, ``add_months(add_months(d, a), b)`` can differ
    from ``add_months(d, a + b)`` (2026-01-30 + 1 -> 2026-02-28, a month end, and
    then + 1 -> 2026-03-31). Always offset from a fixed anchor date instead of chaining.

    Raises :class:`ValueError` if the result falls outside ``date``'s range.
    """
    moved = months_from(d, months)
    if _is_month_end(d):
        return moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    return moved


def months_from(d: date, months: int) -> date:
    """``d`` plus ``months`` months counted date to date, as a notice period runs from the day
    the notice arrived: the same day of the month, or the month's last day where it has no
    such day (2027-02-28 + 1 -> 2027-03-28; 2027-01-31 + 1 -> 2027-02-28).

    Unlike :func:`add_months` a month's last day does not carry to the last day of the later
    month: the day a notice arrives is not the end of a term.
    """
    year, month0 = divmod(_month_index(d) + months, 12)
    if not date.min.year <= year <= date.max.year:
        raise ValueError(f"{d} + {months} months is out of range")
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def align_end(d: date, alignment: str) -> date:
    """``d`` moved forward to the next month end or year end (a month/year end stays put)."""
    if alignment == ALIGN_MONTH_END:
        return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    if alignment == ALIGN_YEAR_END:
        return date(d.year, 12, 31)
    return d


def _term_end(end_on: date, renewal_months: int, k: int) -> date:
    """End of term ``k`` (0 = the first, fixed term), computed from the anchor."""
    return add_months(end_on, k * renewal_months)


def _tacit_anchor(terms: Terms) -> tuple[date, int]:
    """``(end_on, renewal_months)`` of a tacitly renewed agreement with a fixed end."""
    if terms.end_on is None or not terms.renewal_months:
        raise ValueError("tacit renewal needs end_on and renewal_months >= 1")
    return terms.end_on, terms.renewal_months


def _first_term(end_on: date, step: int, on: date, lead_months: int) -> int:
    """Smallest ``k >= 0`` such that ``add_months(term_end(k), -lead_months) >= on``.

    The cutoff is strictly increasing in ``k`` (each step lands in a later month), so
    ``k`` is estimated from month indices and then corrected by at most a step: O(1),
    not a loop over the years.
    """

    def cutoff(k: int) -> date:
        return add_months(_term_end(end_on, step, k), -lead_months)

    # cutoff(k) lies in month index  idx(end_on) + k*step - lead_months; it can only be
    # >= ``on`` if that month index is >= idx(on). Ceiling division gives the first such k.
    months_needed = _month_index(on) - _month_index(end_on) + lead_months
    k = max(0, -(-months_needed // step))
    while cutoff(k) < on:
        k += 1
    while k > 0 and cutoff(k - 1) >= on:
        k -= 1
    return k


def current_term_end_on(terms: Terms, today: date) -> date | None:
    """End of the term that contains ``today``.

    * ``indefinite`` -> ``None``.
    * ``fixed`` -> ``end_on`` (also after it has passed: the agreement has run out).
    * ``fixed_then_indefinite`` -> ``end_on`` while ``today <= end_on``; afterwards ``None``
      (it runs tills vidare).
    * ``renewing`` -> ``end_on`` while ``today <= end_on``; afterwards the end of the
      renewal period containing ``today``, i.e. ``add_months(end_on, k * renewal_months)``
      for the smallest ``k`` that is still ``>= today``. A term's last day belongs to
      that term.
    """
    if terms.term == TERM_INDEFINITE or terms.end_on is None:
        return None
    if terms.term == TERM_FIXED or today <= terms.end_on:
        return terms.end_on
    if terms.term == TERM_FIXED_THEN_INDEFINITE:
        return None
    end_on, step = _tacit_anchor(terms)
    return _term_end(end_on, step, _first_term(end_on, step, today, 0))


def notice_deadline_on(terms: Terms, today: date) -> date | None:
    """Last day on which notice must reach the other parties to end the current term.

    The deadline for a term is ``add_months(term_end, -notice_months)``. The deadline
    day itself still counts: when ``today == deadline`` that deadline is returned.

    * ``renewing``: once a deadline has passed the term renews anyway, and the deadline
      of the next term that can still be met is returned instead (always ``>= today``).
      With no notice period the deadline is the term end itself.
    * ``fixed_then_indefinite``: the deadline for ending on ``end_on``, until it has passed;
      then ``None`` (it runs tills vidare: notice can be given at any time).
    * ``fixed`` and ``indefinite``: ``None`` -- a fixed term ends by itself, and tills vidare
      can be ended at any time (see :func:`earliest_end_on`).
    """
    lead = terms.notice_months or 0
    if terms.term == TERM_FIXED_THEN_INDEFINITE:
        assert terms.end_on is not None
        deadline = add_months(terms.end_on, -lead)
        return deadline if today <= deadline else None
    if terms.term != TERM_RENEWING:
        return None
    end_on, step = _tacit_anchor(terms)
    k = _first_term(end_on, step, today, lead)
    return add_months(_term_end(end_on, step, k), -lead)


def term_end_for_deadline(terms: Terms, today: date) -> date | None:
    """The term end that :func:`notice_deadline_on` (as of ``today``) belongs to.

    Notice given by that deadline ends the agreement on this date. It is the current term
    end while the current term's deadline has not passed, else a later term's end. Note
    that ``add_months(deadline, notice_months)`` is not always this date (month ends).
    ``None`` when there is no notice deadline.
    """
    if terms.term == TERM_FIXED_THEN_INDEFINITE:
        return terms.end_on if notice_deadline_on(terms, today) is not None else None
    if terms.term != TERM_RENEWING:
        return None
    lead = terms.notice_months or 0
    end_on, step = _tacit_anchor(terms)
    return _term_end(end_on, step, _first_term(end_on, step, today, lead))


def earliest_end_on(terms: Terms, notice_received_on: date) -> date:
    """The day the agreement ends if notice reaches the other parties on that day.

    * ``indefinite``: ``notice_months`` after the notice (date to date, :func:`months_from`),
      moved to the next month or year end when the clause says so (``end_alignment``).
    * ``fixed``: ``end_on`` -- it ends then whether or not notice is given.
    * ``fixed_then_indefinite``: ``end_on`` when the notice is in time (on or before
      ``end_on - notice_months``); otherwise as tills vidare, but never before ``end_on``.
    * ``renewing``: the end of the first term whose notice deadline is
      ``>= notice_received_on``. Notice in time ends the current term; late, the term
      renews and notice ends a later one.
    """
    lead = terms.notice_months or 0
    if terms.term == TERM_FIXED:
        assert terms.end_on is not None
        return terms.end_on
    running_out = align_end(months_from(notice_received_on, lead), terms.end_alignment)
    if terms.term == TERM_INDEFINITE:
        return running_out
    assert terms.end_on is not None
    if terms.term == TERM_FIXED_THEN_INDEFINITE:
        if notice_received_on <= add_months(terms.end_on, -lead):
            return terms.end_on
        return max(terms.end_on, running_out)
    end_on, step = _tacit_anchor(terms)
    return _term_end(end_on, step, _first_term(end_on, step, notice_received_on, lead))


def is_notice_late(terms: Terms, notice_received_on: date, effective_on: date) -> bool:
    """True when ``effective_on`` is earlier than the agreement can end.

    That is, when the requested effective date is before
    ``earliest_end_on(terms, notice_received_on)``.
    """
    return effective_on < earliest_end_on(terms, notice_received_on)


def continuation_target_on(
    terms: Terms, today: date, lead_months: int = DEFAULT_CONTINUATION_LEAD_MONTHS
) -> date | None:
    """For a fixed term not yet over: the day a decision on continuing should be made by.

    ``end_on - lead_months``: by then each party should have decided to extend, replace or
    let the agreement end. ``None`` for other terms and once ``end_on`` has passed.
    """
    if terms.term != TERM_FIXED or terms.end_on is None or today > terms.end_on:
        return None
    return add_months(terms.end_on, -lead_months)


# --------------------------------------------------------------------------- decide-by

BODY_KF = "kf"
BODY_KS = "ks"
BODY_NAMND = "namnd"


@dataclass(frozen=True, slots=True)
class Meeting:
    """One meeting of a kommun's KF, KS or a nämnd, and the last day for cases to reach it."""

    body: str
    meeting_on: date
    case_deadline_on: date
    body_name: str = ""


@dataclass(frozen=True, slots=True)
class DateWarning:
    """Something the user must be told about a date: a code and its parameters.

    Codes: ``calendar_missing`` (``year``, ``body``, ``body_name``) -- the meeting calendar
    does not cover the year, so the fallback was used; ``no_meeting`` (``body``,
    ``body_name``, ``latest_on``) -- the calendar has no meeting early enough.
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DecideBy:
    """When one party must act so that its deciding body can decide in time.

    * ``on`` -- the decide-by date: the earliest case deadline of the chain minus the
      internal lead time (or, without a usable calendar, ``latest_meeting_on`` minus it).
    * ``body``/``body_name`` -- the deciding body; ``meeting_on`` its meeting;
      ``case_deadline_on`` that meeting's case deadline.
    * ``prepared_on``/``prepared_case_deadline_on`` -- for a KF decision, the KS meeting
      that prepares it and that meeting's case deadline.
    * ``latest_meeting_on`` -- the target date minus the buffer: no later meeting counts.
    * ``warnings`` -- what the page, the reminder and the API must say aloud.
    """

    on: date
    body: str
    latest_meeting_on: date
    body_name: str = ""
    meeting_on: date | None = None
    case_deadline_on: date | None = None
    prepared_on: date | None = None
    prepared_case_deadline_on: date | None = None
    warnings: tuple[DateWarning, ...] = ()

    @property
    def from_calendar(self) -> bool:
        """True when the date rests on a meeting in the calendar (not the fallback)."""
        return self.meeting_on is not None


def _latest_before(meetings: Sequence[Meeting], last_day: date) -> Meeting | None:
    """The latest meeting on or before ``last_day``; on a tie the earlier case deadline."""
    eligible = [m for m in meetings if m.meeting_on <= last_day]
    if not eligible:
        return None
    return max(eligible, key=lambda m: (m.meeting_on, -m.case_deadline_on.toordinal()))


def decide_by(
    target_on: date,
    *,
    body: str,
    meetings: Sequence[Meeting] = (),
    lead_days: int | None = 0,
    buffer_days: int = DEFAULT_NOTICE_BUFFER_DAYS,
    body_name: str = "",
) -> DecideBy:
    """The decide-by date for one party, safe by construction.

    ``target_on`` is the notice deadline (or a fixed term's continuation date). Only meetings
    on or before ``target_on - buffer_days`` count: after the decision come justering,
    anslag and delivering the notice. For a KF decision the chain is the latest such KF
    meeting, the latest KS meeting before it (and not after the KF case deadline) and that
    KS meeting's case deadline. The internal lead time is taken off the earliest case
    deadline of the chain. ``meetings`` may hold every body's meetings; a nämnd's are
    matched by name when ``body_name`` is given.

    When the calendar does not cover the year of the latest usable meeting day (no meeting
    of that body that year), or has no meeting early enough, the date falls back to
    ``target_on - buffer_days - lead_days`` and a warning says why -- never silently a
    meeting from an earlier year.
    """
    lead = lead_days or 0
    if lead < 0:
        raise ValueError(f"internal_lead_days must not be negative, got {lead}")
    if buffer_days < 0:
        raise ValueError(f"buffer_days must not be negative, got {buffer_days}")
    latest = target_on - timedelta(days=buffer_days)
    fallback = latest - timedelta(days=lead)

    def of(wanted: str) -> list[Meeting]:
        found = [m for m in meetings if m.body == wanted]
        if wanted == BODY_NAMND and body_name:
            name = body_name.strip().casefold()
            found = [m for m in found if m.body_name.strip().casefold() == name]
        return found

    def missing(wanted: str, year: int) -> DateWarning:
        return DateWarning(
            "calendar_missing",
            {"year": year, "body": wanted, "body_name": body_name if wanted == body else ""},
        )

    def result(
        on: date,
        warnings: Sequence[DateWarning] = (),
        *,
        meeting_on: date | None = None,
        case_deadline_on: date | None = None,
        prepared_on: date | None = None,
        prepared_case_deadline_on: date | None = None,
    ) -> DecideBy:
        return DecideBy(
            on=min(on, fallback),
            body=body,
            body_name=body_name,
            latest_meeting_on=latest,
            meeting_on=meeting_on,
            case_deadline_on=case_deadline_on,
            prepared_on=prepared_on,
            prepared_case_deadline_on=prepared_case_deadline_on,
            warnings=tuple(warnings),
        )

    own = of(body)
    if not any(m.meeting_on.year == latest.year for m in own):
        return result(fallback, [missing(body, latest.year)])
    meeting = _latest_before(own, latest)
    if meeting is None:
        no_meeting = DateWarning(
            "no_meeting", {"body": body, "body_name": body_name, "latest_on": latest}
        )
        return result(fallback, [no_meeting])
    found = {"meeting_on": meeting.meeting_on, "case_deadline_on": meeting.case_deadline_on}
    if body != BODY_KF:
        return result(meeting.case_deadline_on - timedelta(days=lead), (), **found)
    board = of(BODY_KS)
    prepared = _latest_before(
        [m for m in board if m.meeting_on < meeting.meeting_on], meeting.case_deadline_on
    )
    if prepared is None or not any(m.meeting_on.year == meeting.meeting_on.year for m in board):
        # Without the KS meeting the chain is not known: the KF case deadline is the last
        # possible day, and the page says the KS calendar is missing.
        warning = (
            missing(BODY_KS, meeting.meeting_on.year)
            if not any(m.meeting_on.year == meeting.meeting_on.year for m in board)
            else DateWarning(
                "no_meeting",
                {"body": BODY_KS, "body_name": "", "latest_on": meeting.case_deadline_on},
            )
        )
        return result(meeting.case_deadline_on - timedelta(days=lead), [warning], **found)
    earliest_case = min(prepared.case_deadline_on, meeting.case_deadline_on)
    return result(
        earliest_case - timedelta(days=lead),
        (),
        meeting_on=meeting.meeting_on,
        case_deadline_on=meeting.case_deadline_on,
        prepared_on=prepared.meeting_on,
        prepared_case_deadline_on=prepared.case_deadline_on,
    )


def next_review_on(
    start_on: date,
    review_interval_months: int | None,
    last_review_on: date | None,
    scheduled_next_on: date | None = None,
    imported_on: date | None = None,
) -> date | None:
    """When the agreement is next due for review.

    An explicitly scheduled date wins (even without an interval); otherwise the last
    review plus the interval; otherwise the start plus the interval — unless the agreement
    was imported after that date had passed: its history is not a backlog, so the first review
    is planned from the import date. ``None`` when there is no schedule and no interval
    (``None`` or 0). Raises :class:`ValueError` for a negative interval.
    """
    if scheduled_next_on is not None:
        return scheduled_next_on
    if review_interval_months is not None and review_interval_months < 0:
        raise ValueError(
            f"review_interval_months must not be negative, got {review_interval_months}"
        )
    if not review_interval_months:
        return None
    if last_review_on is not None:
        return add_months(last_review_on, review_interval_months)
    first = add_months(start_on, review_interval_months)
    if imported_on is not None and first < imported_on:
        return add_months(imported_on, review_interval_months)
    return first


def days_until(d: date | None, today: date) -> int | None:
    """Days from ``today`` to ``d`` (negative if ``d`` has passed); ``None`` if no ``d``."""
    if d is None:
        return None
    return (d - today).days
