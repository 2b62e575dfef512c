"""Unit tests for coop_tracker.agreements.dates (pure date logic, no app or database)."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta

import pytest

from coop_tracker.agreements import dates
from coop_tracker.agreements.dates import (
    RENEWAL_KINDS,
    RENEWAL_NONE,
    RENEWAL_TACIT,
    Terms,
    add_months,
    current_term_end_on,
    days_until,
    earliest_end_on,
    is_notice_late,
    months_from,
    next_review_on,
    notice_deadline_on,
)

D = date

# Fixed term 2020-2022, then silently renewed one year at a time, 3 months' notice.
YEARLY = Terms(
    start_on=D(2020, 1, 1),
    end_on=D(2022, 12, 31),
    notice_months=3,
    renewal=RENEWAL_TACIT,
    renewal_months=12,
)
# Fixed term ending 2025-12-31, no renewal.
FIXED = Terms(start_on=D(2023, 1, 1), end_on=D(2025, 12, 31), notice_months=6)
# Tills vidare with 3 months' notice.
OPEN_ENDED = Terms(start_on=D(2021, 7, 1), notice_months=3)
# Monthly renewals anchored on a month end / not on a month end.
MONTHLY_EOM = Terms(D(2025, 1, 1), D(2026, 1, 31), 1, RENEWAL_TACIT, 1)
MONTHLY_30TH = Terms(D(2025, 1, 1), D(2026, 1, 30), 1, RENEWAL_TACIT, 1)


# --------------------------------------------------------------------------- add_months


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        # clamping to shorter months
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2026, 1, 30), 1, D(2026, 2, 28)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
        (D(2024, 5, 31), -1, D(2024, 4, 30)),
        # end-of-month rule
        (D(2026, 2, 28), 1, D(2026, 3, 31)),
        (D(2026, 6, 30), -3, D(2026, 3, 31)),
        (D(2024, 4, 30), 1, D(2024, 5, 31)),
        (D(2024, 4, 30), -2, D(2024, 2, 29)),
        (D(2024, 2, 29), 1, D(2024, 3, 31)),
        (D(2023, 2, 28), 1, D(2023, 3, 31)),
        (D(2024, 2, 28), 1, D(2024, 3, 28)),  # not a month end in a leap year
        (D(2024, 4, 29), 1, D(2024, 5, 29)),
        (D(2026, 9, 30), 3, D(2026, 12, 31)),
        (D(2026, 12, 31), -3, D(2026, 9, 30)),
        # leap years
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), -12, D(2023, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2028, 2, 29), -48, D(2024, 2, 29)),
        (D(2027, 2, 28), 12, D(2028, 2, 29)),  # month end -> month end
        (D(2024, 2, 28), 12, D(2025, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2100, 1, 31), 1, D(2100, 2, 28)),  # 2100 is not a leap year
        (D(2000, 1, 31), 1, D(2000, 2, 29)),  # 2000 is
        # negative months across year boundaries
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2026, 1, 31), -2, D(2025, 11, 30)),
        (D(2026, 3, 31), -13, D(2025, 2, 28)),
        (D(2026, 1, 10), -25, D(2023, 12, 10)),
        (D(2026, 2, 28), -12, D(2025, 2, 28)),
        (D(2025, 3, 30), -1, D(2025, 2, 28)),
        # positive months across year boundaries
        (D(2025, 11, 15), 3, D(2026, 2, 15)),
        (D(2025, 12, 31), 1, D(2026, 1, 31)),
        (D(2025, 10, 31), 28, D(2028, 2, 29)),
        # zero is the identity
        (D(2026, 1, 30), 0, D(2026, 1, 30)),
        (D(2026, 2, 28), 0, D(2026, 2, 28)),
    ],
)
def test_add_months(d: date, months: int, expected: date) -> None:
    assert add_months(d, months) == expected


def test_add_months_chaining_can_drift_so_anchor_instead() -> None:
    # Documented pitfall: a clamped result is a month end, and the end-of-month rule
    # then carries it forward. Offsetting from the anchor does not drift.
    chained = add_months(add_months(D(2026, 1, 30), 1), 1)
    assert chained == D(2026, 3, 31)
    assert add_months(D(2026, 1, 30), 2) == D(2026, 3, 30)


@pytest.mark.parametrize(("d", "months"), [(D(9999, 12, 1), 1), (D(1, 1, 31), -1)])
def test_add_months_out_of_range(d: date, months: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        add_months(d, months)


# --------------------------------------------------------------------------- Terms


def test_terms_defaults_and_frozen() -> None:
    terms = Terms(start_on=D(2024, 1, 1))
    assert terms.end_on is None
    assert terms.notice_months is None
    assert terms.renewal == RENEWAL_NONE
    assert terms.renewal_months is None
    assert terms.is_until_further_notice
    assert not FIXED.is_until_further_notice
    assert {RENEWAL_NONE, RENEWAL_TACIT} == RENEWAL_KINDS
    with pytest.raises(dataclasses.FrozenInstanceError):
        terms.end_on = D(2025, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"renewal": "automatic"}, "renewal must be one of"),
        ({"end_on": D(2023, 12, 31)}, "before start_on"),
        ({"notice_months": -1}, "notice_months"),
        ({"renewal_months": -1}, "renewal_months"),
        ({"end_on": D(2025, 1, 1), "renewal": RENEWAL_TACIT}, "renewal_months >= 1"),
        (
            {"end_on": D(2025, 1, 1), "renewal": RENEWAL_TACIT, "renewal_months": 0},
            "renewal_months >= 1",
        ),
    ],
)
def test_terms_rejects_inconsistent_values(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Terms(start_on=D(2024, 1, 1), **kwargs)  # type: ignore[arg-type]


def test_terms_accepts_tacit_tills_vidare_without_renewal_months() -> None:
    # Without an end date the renewal setting is irrelevant.
    terms = Terms(start_on=D(2024, 1, 1), renewal=RENEWAL_TACIT)
    assert current_term_end_on(terms, D(2030, 1, 1)) is None
    assert notice_deadline_on(terms, D(2030, 1, 1)) is None


def test_terms_end_on_start_day_is_allowed() -> None:
    terms = Terms(start_on=D(2024, 1, 1), end_on=D(2024, 1, 1))
    assert current_term_end_on(terms, D(2024, 1, 1)) == D(2024, 1, 1)


# --------------------------------------------------------------------------- current_term_end_on


@pytest.mark.parametrize(
    ("terms", "today", "expected"),
    [
        # yearly tacit renewal
        (YEARLY, D(2019, 6, 1), D(2022, 12, 31)),  # before start
        (YEARLY, D(2022, 12, 30), D(2022, 12, 31)),
        (YEARLY, D(2022, 12, 31), D(2022, 12, 31)),  # on the term end
        (YEARLY, D(2023, 1, 1), D(2023, 12, 31)),
        (YEARLY, D(2026, 11, 27), D(2026, 12, 31)),
        (YEARLY, D(2026, 12, 31), D(2026, 12, 31)),  # several terms out, on the end
        (YEARLY, D(2027, 1, 1), D(2027, 12, 31)),
        # monthly renewals from a month end: no drift, always month ends
        (MONTHLY_EOM, D(2026, 1, 31), D(2026, 1, 31)),
        (MONTHLY_EOM, D(2026, 2, 1), D(2026, 2, 28)),
        (MONTHLY_EOM, D(2026, 2, 28), D(2026, 2, 28)),
        (MONTHLY_EOM, D(2026, 3, 1), D(2026, 3, 31)),
        (MONTHLY_EOM, D(2026, 4, 15), D(2026, 4, 30)),
        (MONTHLY_EOM, D(2027, 2, 1), D(2027, 2, 28)),
        (MONTHLY_EOM, D(2028, 2, 1), D(2028, 2, 29)),
        # monthly renewals from the 30th: clamped in February, back to the 30th after
        (MONTHLY_30TH, D(2026, 1, 30), D(2026, 1, 30)),
        (MONTHLY_30TH, D(2026, 1, 31), D(2026, 2, 28)),
        (MONTHLY_30TH, D(2026, 3, 1), D(2026, 3, 30)),  # not 03-31: no chaining drift
        (MONTHLY_30TH, D(2026, 3, 30), D(2026, 3, 30)),
        (MONTHLY_30TH, D(2026, 3, 31), D(2026, 4, 30)),
        (MONTHLY_30TH, D(2026, 5, 1), D(2026, 5, 30)),
        (MONTHLY_30TH, D(2028, 2, 15), D(2028, 2, 29)),
        (MONTHLY_30TH, D(2028, 3, 1), D(2028, 3, 30)),
        # quarterly renewals
        (Terms(D(2024, 4, 1), D(2025, 3, 31), 1, "tacit", 3), D(2026, 5, 1), D(2026, 6, 30)),
        (Terms(D(2024, 4, 1), D(2025, 3, 31), 1, "tacit", 3), D(2026, 7, 1), D(2026, 9, 30)),
        # long renewal periods, far out
        (Terms(D(1998, 7, 1), D(2000, 6, 30), 6, "tacit", 24), D(2100, 1, 1), D(2100, 6, 30)),
        (Terms(D(1998, 7, 1), D(2000, 6, 30), 6, "tacit", 24), D(2100, 7, 1), D(2102, 6, 30)),
        # no renewal: the end date, even once it has passed
        (FIXED, D(2024, 5, 5), D(2025, 12, 31)),
        (FIXED, D(2027, 5, 5), D(2025, 12, 31)),
        # tills vidare
        (OPEN_ENDED, D(2026, 1, 1), None),
    ],
)
def test_current_term_end_on(terms: Terms, today: date, expected: date | None) -> None:
    assert current_term_end_on(terms, today) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2027, 2, 28), 1, D(2027, 3, 28)),  # the last of February is not kept as a month end
        (D(2027, 1, 31), 1, D(2027, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2027, 3, 14), 36, D(2030, 3, 14)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
    ],
)
def test_a_notice_period_runs_date_to_date(start: date, months: int, expected: date) -> None:
    assert months_from(start, months) == expected


def test_current_term_end_on_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real_add_months = dates.add_months

    def counting(d: date, months: int) -> date:
        nonlocal calls
        calls += 1
        return real_add_months(d, months)

    monkeypatch.setattr(dates, "add_months", counting)
    terms = Terms(D(2000, 1, 1), D(2000, 1, 31), 1, RENEWAL_TACIT, 1)
    assert current_term_end_on(terms, D(9000, 3, 15)) == D(9000, 3, 31)
    assert notice_deadline_on(terms, D(9000, 3, 15)) == D(9000, 3, 31)  # term 9000-04-30
    assert earliest_end_on(terms, D(9000, 3, 15)) == D(9000, 4, 30)
    assert calls < 30


# --------------------------------------------------------------------------- notice_deadline_on


@pytest.mark.parametrize(
    ("terms", "today", "expected"),
    [
        # yearly tacit renewal, 3 months' notice
        (YEARLY, D(2020, 5, 1), D(2022, 9, 30)),
        (YEARLY, D(2022, 9, 29), D(2022, 9, 30)),
        (YEARLY, D(2022, 9, 30), D(2022, 9, 30)),  # the deadline day itself still counts
        (YEARLY, D(2022, 10, 1), D(2023, 9, 30)),  # the day after: next term's deadline
        (YEARLY, D(2022, 12, 31), D(2023, 9, 30)),  # on the term end
        (YEARLY, D(2026, 9, 30), D(2026, 9, 30)),
        (YEARLY, D(2026, 10, 1), D(2027, 9, 30)),
        (YEARLY, D(2026, 11, 27), D(2027, 9, 30)),  # term ends 2026-12-31, deadline passed
        (YEARLY, D(2026, 12, 31), D(2027, 9, 30)),
        (YEARLY, D(2027, 1, 1), D(2027, 9, 30)),
        # notice period longer than the renewal period: skip several terms
        (Terms(D(2025, 1, 1), D(2025, 12, 31), 6, "tacit", 3), D(2025, 6, 30), D(2025, 6, 30)),
        (Terms(D(2025, 1, 1), D(2025, 12, 31), 6, "tacit", 3), D(2025, 7, 1), D(2025, 9, 30)),
        (Terms(D(2025, 1, 1), D(2025, 12, 31), 6, "tacit", 3), D(2026, 1, 1), D(2026, 3, 31)),
        # no notice period: the deadline is the term end
        (
            Terms(D(2025, 1, 1), D(2025, 12, 31), None, "tacit", 12),
            D(2025, 12, 31),
            D(2025, 12, 31),
        ),
        (Terms(D(2025, 1, 1), D(2025, 12, 31), 0, "tacit", 12), D(2026, 1, 1), D(2026, 12, 31)),
        # monthly from a month end: deadlines are month ends
        (MONTHLY_EOM, D(2026, 1, 31), D(2026, 1, 31)),  # for the term ending 02-28
        (MONTHLY_EOM, D(2026, 2, 1), D(2026, 2, 28)),  # for the term ending 03-31
        (MONTHLY_EOM, D(2026, 3, 1), D(2026, 3, 31)),  # for the term ending 04-30
        # a term end on the 28th (not a month end) with a deadline in February
        (Terms(D(2025, 1, 1), D(2026, 3, 28), 1, "tacit", 12), D(2026, 2, 28), D(2026, 2, 28)),
        (Terms(D(2025, 1, 1), D(2026, 3, 28), 1, "tacit", 12), D(2026, 3, 1), D(2027, 2, 28)),
        # leap day term end
        (Terms(D(2023, 1, 1), D(2024, 2, 29), 1, "tacit", 12), D(2024, 2, 1), D(2025, 1, 31)),
        (Terms(D(2023, 1, 1), D(2024, 2, 29), 1, "tacit", 12), D(2026, 2, 1), D(2027, 1, 31)),
        # no renewal: the agreement ends by itself, nothing to watch
        (FIXED, D(2024, 5, 5), None),
        (FIXED, D(2027, 5, 5), None),
        (Terms(D(2023, 1, 1), D(2025, 12, 31)), D(2024, 5, 5), None),  # notice None
        (Terms(D(2023, 1, 1), D(2025, 12, 31), 0), D(2024, 5, 5), None),
        # tills vidare: notice any time
        (OPEN_ENDED, D(2026, 1, 1), None),
        (Terms(D(2021, 1, 1), None, 3, "tacit", 12), D(2026, 1, 1), None),
    ],
)
def test_notice_deadline_on(terms: Terms, today: date, expected: date | None) -> None:
    assert notice_deadline_on(terms, today) == expected


# --------------------------------------------------------------------------- earliest_end_on


@pytest.mark.parametrize(
    ("terms", "given_on", "expected"),
    [
        # tacit: in time ends the current term, late ends the next one
        (YEARLY, D(2022, 6, 1), D(2022, 12, 31)),
        (YEARLY, D(2022, 9, 30), D(2022, 12, 31)),
        (YEARLY, D(2022, 10, 1), D(2023, 12, 31)),
        (YEARLY, D(2025, 3, 10), D(2025, 12, 31)),  # mid-term, in time
        (YEARLY, D(2026, 9, 30), D(2026, 12, 31)),  # on the deadline
        (YEARLY, D(2026, 10, 1), D(2027, 12, 31)),  # a day late
        (YEARLY, D(2026, 11, 27), D(2027, 12, 31)),
        (YEARLY, D(2026, 12, 31), D(2027, 12, 31)),  # on the term end: far too late
        (MONTHLY_EOM, D(2026, 2, 1), D(2026, 3, 31)),
        (Terms(D(2025, 1, 1), D(2026, 3, 28), 1, "tacit", 12), D(2026, 2, 28), D(2026, 3, 28)),
        # tills vidare: notice period from the day notice is given
        (OPEN_ENDED, D(2026, 3, 15), D(2026, 6, 15)),
        (OPEN_ENDED, D(2026, 11, 30), D(2027, 2, 28)),
        # date to date from the notice: a month end does not carry to a later month end
        (OPEN_ENDED, D(2026, 2, 28), D(2026, 5, 28)),
        (OPEN_ENDED, D(2028, 2, 29), D(2028, 5, 29)),
        (OPEN_ENDED, D(2027, 4, 30), D(2027, 7, 30)),
        (Terms(D(2021, 1, 1)), D(2026, 3, 15), D(2026, 3, 15)),  # no notice period
        # no renewal: ends on end_on whenever notice is given
        (FIXED, D(2024, 1, 1), D(2025, 12, 31)),
        (FIXED, D(2025, 11, 1), D(2025, 12, 31)),
        (FIXED, D(2026, 2, 1), D(2025, 12, 31)),
    ],
)
def test_earliest_end_on(terms: Terms, given_on: date, expected: date) -> None:
    assert earliest_end_on(terms, given_on) == expected


# --------------------------------------------------------------------------- is_notice_late


@pytest.mark.parametrize(
    ("terms", "given_on", "effective_on", "late"),
    [
        (YEARLY, D(2026, 9, 15), D(2026, 12, 31), False),  # mid-term, in time
        (YEARLY, D(2026, 9, 30), D(2026, 12, 31), False),  # on the deadline
        (YEARLY, D(2026, 10, 1), D(2026, 12, 31), True),  # a day late
        (YEARLY, D(2026, 10, 15), D(2027, 12, 31), False),  # late, but asks for next term
        (YEARLY, D(2026, 9, 15), D(2027, 6, 30), False),  # later than needed is fine
        (YEARLY, D(2026, 9, 15), D(2026, 11, 30), True),  # before the term end
        (OPEN_ENDED, D(2026, 3, 15), D(2026, 6, 14), True),
        (OPEN_ENDED, D(2026, 3, 15), D(2026, 6, 15), False),
        (FIXED, D(2024, 3, 1), D(2024, 12, 31), True),  # cannot end a fixed term early
        (FIXED, D(2024, 3, 1), D(2025, 12, 31), False),
    ],
)
def test_is_notice_late(terms: Terms, given_on: date, effective_on: date, late: bool) -> None:
    assert is_notice_late(terms, given_on, effective_on) is late


# --------------------------------------------------------------------------- next_review_on


@pytest.mark.parametrize(
    ("start_on", "interval", "last", "scheduled", "expected"),
    [
        (D(2020, 1, 1), 12, D(2025, 5, 1), D(2025, 9, 1), D(2025, 9, 1)),  # scheduled wins
        (D(2020, 1, 1), None, None, D(2025, 9, 1), D(2025, 9, 1)),  # ... even w/o interval
        (D(2020, 1, 1), 12, None, D(2019, 1, 1), D(2019, 1, 1)),  # ... even if odd
        (D(2020, 1, 1), 24, D(2025, 5, 15), None, D(2027, 5, 15)),  # last + interval
        (D(2020, 1, 1), 12, D(2024, 2, 29), None, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, None, None, D(2024, 2, 29)),  # start + interval
        (D(2023, 6, 30), 6, None, None, D(2023, 12, 31)),  # month end -> month end
        (D(2020, 1, 1), None, D(2025, 5, 1), None, None),  # no interval
        (D(2020, 1, 1), 0, None, None, None),
    ],
)
def test_next_review_on(
    start_on: date,
    interval: int | None,
    last: date | None,
    scheduled: date | None,
    expected: date | None,
) -> None:
    assert next_review_on(start_on, interval, last, scheduled) == expected


def test_next_review_on_default_schedule() -> None:
    assert next_review_on(D(2020, 1, 1), 36, None) == D(2023, 1, 1)


def test_next_review_on_rejects_negative_interval() -> None:
    with pytest.raises(ValueError, match="review_interval_months"):
        next_review_on(D(2020, 1, 1), -12, None)


# --------------------------------------------------------------------------- days_until


@pytest.mark.parametrize(
    ("d", "today", "expected"),
    [
        (None, D(2026, 11, 27), None),
        (D(2026, 11, 27), D(2026, 11, 27), 0),
        (D(2026, 12, 31), D(2026, 11, 27), 34),
        (D(2026, 9, 30), D(2026, 11, 27), -58),
        (D(2024, 3, 1), D(2024, 2, 28), 2),  # leap day in between
        (D(2023, 3, 1), D(2023, 2, 28), 1),
    ],
)
def test_days_until(d: date | None, today: date, expected: int | None) -> None:
    assert days_until(d, today) == expected


# --------------------------------------------------------------------------- tills vidare


@pytest.mark.parametrize("renewal", sorted(RENEWAL_KINDS))
def test_tills_vidare_across_all_functions(renewal: str) -> None:
    terms = Terms(start_on=D(2021, 7, 1), notice_months=3, renewal=renewal)
    today = D(2026, 11, 27)
    assert current_term_end_on(terms, today) is None
    assert notice_deadline_on(terms, today) is None
    assert earliest_end_on(terms, today) == D(2027, 2, 27)
    assert is_notice_late(terms, today, D(2027, 2, 26)) is True
    assert is_notice_late(terms, today, D(2027, 2, 27)) is False
    assert days_until(current_term_end_on(terms, today), today) is None
    assert days_until(earliest_end_on(terms, today), today) == 92


# --------------------------------------------------------------------------- properties

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    HAVE_HYPOTHESIS = False
else:
    HAVE_HYPOTHESIS = True


def _brute_first_term(terms: Terms, on: date) -> int:
    """Reference: walk terms one by one until the notice deadline is >= ``on``."""
    assert terms.end_on is not None and terms.renewal_months
    lead = terms.notice_months or 0
    k = 0
    while add_months(add_months(terms.end_on, k * terms.renewal_months), -lead) < on:
        k += 1
    return k


def _brute_current_term(terms: Terms, today: date) -> int:
    assert terms.end_on is not None and terms.renewal_months
    k = 0
    while add_months(terms.end_on, k * terms.renewal_months) < today:
        k += 1
    return k


if HAVE_HYPOTHESIS:
    PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, database=None)
    any_date = st.dates(min_value=D(1990, 1, 1), max_value=D(2110, 12, 31))

    @st.composite
    def terms_strategy(draw: st.DrawFn, renewal: str | None = None) -> Terms:
        start_on = draw(st.dates(min_value=D(1995, 1, 1), max_value=D(2040, 12, 31)))
        kind = renewal if renewal is not None else draw(st.sampled_from(sorted(RENEWAL_KINDS)))
        open_ended = renewal is None and draw(st.booleans())
        end_on = None if open_ended else start_on + timedelta(days=draw(st.integers(0, 5000)))
        notice = draw(st.none() | st.integers(0, 36))
        if kind == RENEWAL_TACIT:
            renewal_months: int | None = draw(st.integers(1, 36))
        else:
            renewal_months = draw(st.none() | st.integers(0, 36))
        return Terms(start_on, end_on, notice, kind, renewal_months)

    @PROPERTY_SETTINGS
    @given(d=any_date, months=st.integers(-600, 600))
    def test_property_add_months(d: date, months: int) -> None:
        result = add_months(d, months)
        assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
        if dates._is_month_end(d):
            assert dates._is_month_end(result)
            assert add_months(result, -months) == d
        else:
            last_day = calendar.monthrange(result.year, result.month)[1]
            assert result.day == min(d.day, last_day)
        if d.day <= 27:  # never clamped, never a month end: exact round trip
            assert result.day == d.day
            assert add_months(result, -months) == d

    @PROPERTY_SETTINGS
    @given(d=any_date, a=st.integers(-120, 120), b=st.integers(-120, 120))
    def test_property_add_months_composes_for_month_ends(d: date, a: int, b: int) -> None:
        last = add_months(d.replace(day=1), 1) - timedelta(days=1)
        assert add_months(add_months(last, a), b) == add_months(last, a + b)

    @PROPERTY_SETTINGS
    @given(terms=terms_strategy(renewal=RENEWAL_TACIT), today=any_date)
    def test_property_tacit_matches_reference(terms: Terms, today: date) -> None:
        assert terms.end_on is not None and terms.renewal_months
        lead = terms.notice_months or 0

        term_end = current_term_end_on(terms, today)
        k_current = _brute_current_term(terms, today)
        assert term_end == add_months(terms.end_on, k_current * terms.renewal_months)
        assert term_end is not None and term_end >= today

        deadline = notice_deadline_on(terms, today)
        k = _brute_first_term(terms, today)
        ends = add_months(terms.end_on, k * terms.renewal_months)
        assert deadline == add_months(ends, -lead)
        # The deadline can still be met, and it ends a term that has not yet ended.
        assert deadline >= today
        assert ends >= term_end >= today
        assert earliest_end_on(terms, today) == ends
        # It is the first such deadline: the previous term's deadline has passed.
        if k > 0:
            previous = add_months(terms.end_on, (k - 1) * terms.renewal_months)
            assert add_months(previous, -lead) < today

        # Giving notice on the deadline day ends that term; a day later, a later one.
        assert earliest_end_on(terms, deadline) == ends
        assert notice_deadline_on(terms, deadline) == deadline
        assert earliest_end_on(terms, deadline + timedelta(days=1)) > ends
        assert notice_deadline_on(terms, deadline + timedelta(days=1)) > deadline

    @PROPERTY_SETTINGS
    @given(terms=terms_strategy(), today=any_date)
    def test_property_all_terms(terms: Terms, today: date) -> None:
        deadline = notice_deadline_on(terms, today)
        term_end = current_term_end_on(terms, today)
        end = earliest_end_on(terms, today)
        if terms.end_on is None:
            assert deadline is None and term_end is None
            assert end == months_from(today, terms.notice_months or 0)
        elif terms.renewal == RENEWAL_NONE:
            assert deadline is None
            assert term_end == end == terms.end_on
        else:
            assert deadline is not None and today <= deadline <= end
        assert not is_notice_late(terms, today, end)
        assert is_notice_late(terms, today, end - timedelta(days=1))


def _tacit(end_on: date, notice: int | None, step: int = 12) -> dates.Terms:
    return dates.Terms(
        start_on=date(2024, 1, 1),
        end_on=end_on,
        notice_months=notice,
        renewal="tacit",
        renewal_months=step,
    )


@pytest.mark.parametrize(
    ("today", "term_end"),
    [
        (date(2026, 6, 30), date(2026, 12, 31)),  # deadline day: still the current term
        (date(2026, 7, 1), date(2027, 12, 31)),  # passed: the next term's end
        (date(2027, 12, 31), date(2028, 12, 31)),  # last day of a renewed term
    ],
)
def test_term_end_for_deadline(today: date, term_end: date) -> None:
    terms = _tacit(date(2026, 12, 31), 6)
    assert dates.term_end_for_deadline(terms, today) == term_end
    deadline = dates.notice_deadline_on(terms, today)
    assert deadline is not None
    assert deadline == dates.add_months(term_end, -6)


def test_term_end_for_deadline_month_ends_and_none() -> None:
    # Term ends 2026-02-28, renewals end 2027-02-28, 2028-02-29; 3 months' notice.
    terms = _tacit(date(2026, 2, 28), 3)
    assert dates.term_end_for_deadline(terms, date(2026, 12, 1)) == date(2028, 2, 29)
    assert dates.notice_deadline_on(terms, date(2026, 12, 1)) == date(2027, 11, 30)
    assert dates.term_end_for_deadline(_tacit(date(2026, 2, 28), None), date(2026, 3, 1)) == (
        date(2027, 2, 28)
    )
    fixed = dataclasses.replace(terms, renewal="none", term=None)
    assert dates.term_end_for_deadline(fixed, date(2026, 1, 1)) is None
    assert (
        dates.term_end_for_deadline(
            dataclasses.replace(terms, end_on=None, term=None), date(2026, 1, 1)
        )
        is None
    )
