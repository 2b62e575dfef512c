"""Derived dates of a cooperation agreement: term ends, notice deadlines, decide-by dates.

Everything here is pure: no database, no clock. The current date is always passed in
as ``today`` (or as the date notice was given), so every answer is reproducible and
testable.

Vocabulary (Swedish practice):

* *tills vidare* -- ``end_on is None``: the agreement runs until someone gives notice;
  it then ends ``notice_months`` after the notice.
* *uppsägningstid* -- ``notice_months``: notice must be given at least this many
  months before the end of a term.
* *tyst förlängning* -- ``renewal == "tacit"``: unless notice is given in time, the
  agreement silently renews for another ``renewal_months``.

Month arithmetic follows :func:`add_months`, including its end-of-month rule, so an
agreement that ends at a month end always has its notice deadlines at month ends.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "RENEWAL_KINDS",
    "RENEWAL_NONE",
    "RENEWAL_TACIT",
    "Terms",
    "add_months",
    "current_term_end_on",
    "days_until",
    "decide_by_on",
    "decision_meeting_for",
    "earliest_end_on",
    "is_notice_late",
    "next_review_on",
    "notice_deadline_on",
]

RENEWAL_NONE = "none"
"""The agreement ends by itself on ``end_on``."""
RENEWAL_TACIT = "tacit"
"""The agreement is silently renewed by ``renewal_months`` unless notice is given."""
RENEWAL_KINDS: frozenset[str] = frozenset({RENEWAL_NONE, RENEWAL_TACIT})


@dataclass(frozen=True, slots=True)
class Terms:
    """The date-relevant terms of an agreement.

    * ``start_on`` -- first day of the agreement.
    * ``end_on`` -- last day of the first (fixed) term; ``None`` means *tills vidare*.
    * ``notice_months`` -- uppsägningstid in months; ``None`` is treated as 0.
    * ``renewal`` -- ``"none"`` or ``"tacit"`` (see :data:`RENEWAL_KINDS`).
    * ``renewal_months`` -- length of each tacit renewal period; required (>= 1) when
      ``renewal == "tacit"`` and ``end_on`` is set, ignored otherwise.

    Inconsistent terms raise :class:`ValueError` on construction, so the date functions
    never have to guess.
    """

    start_on: date
    end_on: date | None = None
    notice_months: int | None = None
    renewal: str = RENEWAL_NONE
    renewal_months: int | None = None

    def __post_init__(self) -> None:
        if self.renewal not in RENEWAL_KINDS:
            raise ValueError(
                f"renewal must be one of {sorted(RENEWAL_KINDS)}, got {self.renewal!r}"
            )
        if self.end_on is not None and self.end_on < self.start_on:
            raise ValueError(f"end_on {self.end_on} is before start_on {self.start_on}")
        if self.notice_months is not None and self.notice_months < 0:
            raise ValueError(f"notice_months must not be negative, got {self.notice_months}")
        if self.renewal_months is not None and self.renewal_months < 0:
            raise ValueError(f"renewal_months must not be negative, got {self.renewal_months}")
        if self.renewal == RENEWAL_TACIT and self.end_on is not None and not self.renewal_months:
            raise ValueError("tacit renewal needs renewal_months >= 1")

    @property
    def is_until_further_notice(self) -> bool:
        """True for *tills vidare* agreements (no fixed end date)."""
        return self.end_on is None


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
    year, month0 = divmod(_month_index(d) + months, 12)
    month = month0 + 1
    if not date.min.year <= year <= date.max.year:
        raise ValueError(f"{d} + {months} months is out of range")
    last_day = calendar.monthrange(year, month)[1]
    day = last_day if _is_month_end(d) else min(d.day, last_day)
    return date(year, month, day)


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

    * *tills vidare* (``end_on is None``) -> ``None``.
    * ``renewal == "none"`` -> ``end_on`` (also after it has passed).
    * tacit renewal -> ``end_on`` while ``today <= end_on``; afterwards the end of the
      renewal period containing ``today``, i.e. ``add_months(end_on, k * renewal_months)``
      for the smallest ``k`` that is still ``>= today``. A term's last day belongs to
      that term.
    """
    if terms.end_on is None:
        return None
    if terms.renewal == RENEWAL_NONE or today <= terms.end_on:
        return terms.end_on
    end_on, step = _tacit_anchor(terms)
    return _term_end(end_on, step, _first_term(end_on, step, today, 0))


def notice_deadline_on(terms: Terms, today: date) -> date | None:
    """Last day on which notice can be given to stop the next tacit renewal.

    The deadline for a term is ``add_months(term_end, -notice_months)``. The deadline
    day itself still counts: when ``today == deadline`` that deadline is returned. Once
    it has passed (``today > deadline``), the current term renews anyway and the
    deadline of the next term that can still be met is returned instead. So for tacit
    renewal the result is always ``>= today``.

    Returns ``None`` when there is no deadline to watch:

    * *tills vidare*: notice can be given at any time (see :func:`earliest_end_on`);
    * ``renewal == "none"``: the agreement ends by itself on ``end_on``.

    With tacit renewal and no notice period (``notice_months`` ``None`` or 0) the
    deadline is the term end itself.
    """
    if terms.end_on is None or terms.renewal == RENEWAL_NONE:
        return None
    lead = terms.notice_months or 0
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
    if terms.end_on is None or terms.renewal == RENEWAL_NONE:
        return None
    lead = terms.notice_months or 0
    end_on, step = _tacit_anchor(terms)
    return _term_end(end_on, step, _first_term(end_on, step, today, lead))


def earliest_end_on(terms: Terms, notice_given_on: date) -> date:
    """The day the agreement ends if notice is given on ``notice_given_on``.

    * *tills vidare*: ``add_months(notice_given_on, notice_months or 0)``.
    * ``renewal == "none"``: ``end_on`` -- it ends then whether or not notice is given.
    * tacit renewal: the end of the first term whose notice deadline is
      ``>= notice_given_on``. Notice given in time (on or before the deadline) ends the
      current term; given late, the term renews and notice ends a later one.

    (Never ``None``; typed as ``date``.)
    """
    lead = terms.notice_months or 0
    if terms.end_on is None:
        return add_months(notice_given_on, lead)
    if terms.renewal == RENEWAL_NONE:
        return terms.end_on
    end_on, step = _tacit_anchor(terms)
    return _term_end(end_on, step, _first_term(end_on, step, notice_given_on, lead))


def is_notice_late(terms: Terms, notice_given_on: date, effective_on: date) -> bool:
    """True when ``effective_on`` is earlier than the agreement can end.

    That is, when the requested effective date is before
    ``earliest_end_on(terms, notice_given_on)``.
    """
    return effective_on < earliest_end_on(terms, notice_given_on)


def decision_meeting_for(
    notice_deadline: date | None,
    meetings: Sequence[tuple[date, date]],
) -> tuple[date, date] | None:
    """The decision-body meeting at which notice should be decided.

    ``meetings`` are ``(meeting_on, case_deadline_on)`` pairs in any order. The chosen
    meeting is the latest one held on or before ``notice_deadline`` (a meeting on the
    deadline day itself still counts; a decision after the deadline is too late).
    Should two entries share that meeting date, the one with the earlier case deadline
    wins. ``None`` if ``notice_deadline`` is ``None`` or no meeting qualifies.
    """
    if notice_deadline is None:
        return None
    eligible = [m for m in meetings if m[0] <= notice_deadline]
    if not eligible:
        return None
    # Latest meeting; on a tie, the earlier (safer) case deadline.
    return max(eligible, key=lambda m: (m[0], -m[1].toordinal()))


def decide_by_on(
    notice_deadline: date | None,
    internal_lead_days: int | None,
    meeting_case_deadlines: Sequence[tuple[date, date]] = (),
) -> date | None:
    """The date by which the kommun must act to give notice in time.

    * If a decision meeting qualifies (see :func:`decision_meeting_for`), its case
      deadline (when the matter must be submitted to the meeting).
    * Otherwise ``notice_deadline - internal_lead_days`` days (``None`` counts as 0).
    * ``None`` when there is no notice deadline.

    Raises :class:`ValueError` for negative ``internal_lead_days``.
    """
    if notice_deadline is None:
        return None
    if internal_lead_days is not None and internal_lead_days < 0:
        raise ValueError(f"internal_lead_days must not be negative, got {internal_lead_days}")
    meeting = decision_meeting_for(notice_deadline, meeting_case_deadlines)
    if meeting is not None:
        return meeting[1]
    return notice_deadline - timedelta(days=internal_lead_days or 0)


def next_review_on(
    start_on: date,
    review_interval_months: int | None,
    last_review_on: date | None,
    scheduled_next_on: date | None = None,
) -> date | None:
    """When the agreement is next due for review.

    An explicitly scheduled date wins (even without an interval); otherwise the last
    review plus the interval; otherwise the start plus the interval. ``None`` when there
    is no schedule and no interval (``None`` or 0). Raises :class:`ValueError` for a
    negative interval.
    """
    if scheduled_next_on is not None:
        return scheduled_next_on
    if review_interval_months is not None and review_interval_months < 0:
        raise ValueError(
            f"review_interval_months must not be negative, got {review_interval_months}"
        )
    if not review_interval_months:
        return None
    base = last_review_on if last_review_on is not None else start_on
    return add_months(base, review_interval_months)


def days_until(d: date | None, today: date) -> int | None:
    """Days from ``today`` to ``d`` (negative if ``d`` has passed); ``None`` if no ``d``."""
    if d is None:
        return None
    return (d - today).days
