"""The term model (fixed, fixed then tills vidare, tills vidare, renewing; end alignment) and
the decide-by chain (KS before KF, buffer, lead time, missing calendars): pure, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop_tracker.agreements.dates import (
    Meeting,
    Terms,
    add_months,
    continuation_target_on,
    current_term_end_on,
    decide_by,
    earliest_end_on,
    notice_deadline_on,
)

D = date
# "Avtalet gäller 2024-01-01–2026-12-31 och därefter tills vidare med 12 månaders uppsägningstid"
THEN_OPEN = Terms(D(2024, 1, 1), D(2026, 12, 31), 12, term="fixed_then_indefinite")
# A förbundsordning: tills vidare, 36 months, counted to the year end after the notice.
FORBUND = Terms(D(2010, 1, 1), None, 36, term="indefinite", end_alignment="year_end")
FIXED = Terms(D(2024, 1, 1), D(2026, 6, 30), 6, term="fixed")


def test_fixed_then_indefinite_in_time_ends_with_the_first_term() -> None:
    assert notice_deadline_on(THEN_OPEN, D(2025, 6, 1)) == D(2025, 12, 31)
    assert earliest_end_on(THEN_OPEN, D(2025, 12, 31)) == D(2026, 12, 31)
    assert current_term_end_on(THEN_OPEN, D(2025, 6, 1)) == D(2026, 12, 31)


def test_fixed_then_indefinite_late_notice_runs_its_period_from_the_notice() -> None:
    # The case: notice received 2027-03-15 never ends the agreement before it.
    assert earliest_end_on(THEN_OPEN, D(2027, 3, 15)) == D(2028, 3, 15)
    assert earliest_end_on(THEN_OPEN, D(2026, 1, 1)) == D(2027, 1, 1)
    # Once the first term's deadline has passed there is no deadline: tills vidare.
    assert notice_deadline_on(THEN_OPEN, D(2026, 1, 1)) is None
    assert current_term_end_on(THEN_OPEN, D(2027, 3, 15)) is None


def test_alignment_moves_the_end_to_the_next_month_or_year_end() -> None:
    assert earliest_end_on(FORBUND, D(2027, 3, 15)) == D(2030, 12, 31)
    assert earliest_end_on(FORBUND, D(2027, 12, 31)) == D(2030, 12, 31)
    assert earliest_end_on(FORBUND, D(2028, 1, 1)) == D(2031, 12, 31)
    monthly = Terms(D(2020, 1, 1), None, 3, term="indefinite", end_alignment="month_end")
    assert earliest_end_on(monthly, D(2027, 3, 15)) == D(2027, 6, 30)
    assert earliest_end_on(monthly, D(2027, 3, 31)) == D(2027, 6, 30)
    late = Terms(
        D(2024, 1, 1), D(2026, 12, 31), 6, term="fixed_then_indefinite", end_alignment="year_end"
    )
    assert earliest_end_on(late, D(2026, 6, 30)) == D(2026, 12, 31)  # in time
    assert earliest_end_on(late, D(2026, 7, 1)) == D(2027, 12, 31)  # late: next year end


def test_fixed_term_ends_by_itself_and_has_a_continuation_date() -> None:
    assert notice_deadline_on(FIXED, D(2025, 1, 1)) is None
    assert earliest_end_on(FIXED, D(2025, 1, 1)) == D(2026, 6, 30)
    assert continuation_target_on(FIXED, D(2025, 1, 1)) == D(2025, 12, 31)
    assert continuation_target_on(FIXED, D(2025, 1, 1), 12) == D(2025, 6, 30)
    assert continuation_target_on(FIXED, D(2026, 7, 1)) is None  # it has run out
    assert continuation_target_on(THEN_OPEN, D(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"term": "forever"}, "term must be one of"),
        ({"term": "fixed"}, "needs end_on"),
        ({"term": "fixed_then_indefinite"}, "needs end_on"),
        ({"term": "indefinite", "end_alignment": "week_end"}, "end_alignment"),
    ],
)
def test_inconsistent_terms_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Terms(D(2024, 1, 1), **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- decide-by

KF = "kf"
KS = "ks"


def kf(on: str, case: str) -> Meeting:
    return Meeting("kf", D.fromisoformat(on), D.fromisoformat(case))


def ks(on: str, case: str) -> Meeting:
    return Meeting("ks", D.fromisoformat(on), D.fromisoformat(case))


CALENDAR = [
    kf("2026-06-15", "2026-05-25"),
    kf("2026-06-29", "2026-06-08"),  # too close to a 2026-06-30 deadline
    kf("2026-09-14", "2026-08-24"),
    ks("2026-05-19", "2026-05-05"),
    ks("2026-06-02", "2026-05-19"),  # after the 2026-05-25 KF case deadline: too late
    ks("2026-08-25", "2026-08-11"),
]


def test_kf_decision_goes_through_ks_and_keeps_the_buffer() -> None:
    result = decide_by(D(2026, 6, 30), body=KF, meetings=CALENDAR, lead_days=30)
    assert result.latest_meeting_on == D(2026, 6, 16)
    assert (result.meeting_on, result.case_deadline_on) == (D(2026, 6, 15), D(2026, 5, 25))
    assert (result.prepared_on, result.prepared_case_deadline_on) == (
        D(2026, 5, 19),
        D(2026, 5, 5),
    )
    assert result.on == D(2026, 4, 5)  # KS case deadline minus 30 days
    assert result.warnings == ()


def test_a_ks_decision_uses_the_ks_calendar_only() -> None:
    result = decide_by(D(2026, 6, 30), body=KS, meetings=CALENDAR, lead_days=10)
    assert result.meeting_on == D(2026, 6, 2)
    assert result.on == D(2026, 5, 9)


def test_a_named_namnd_uses_its_own_meetings() -> None:
    meetings = [
        Meeting("namnd", D(2026, 6, 10), D(2026, 5, 27), "Socialnämnden"),
        Meeting("namnd", D(2026, 6, 12), D(2026, 6, 1), "Tekniska nämnden"),
    ]
    result = decide_by(
        D(2026, 6, 30), body="namnd", body_name="socialnämnden", meetings=meetings, lead_days=0
    )
    assert (result.meeting_on, result.on) == (D(2026, 6, 10), D(2026, 5, 27))


def test_a_missing_calendar_year_falls_back_and_says_so() -> None:
    # The deadline is in 2027; only the 2026 calendar exists: no silent 2026 meeting.
    result = decide_by(D(2027, 3, 31), body=KF, meetings=CALENDAR, lead_days=60)
    assert not result.from_calendar
    assert result.on == D(2027, 3, 17) - timedelta(days=60)
    assert [(w.code, w.params["year"], w.params["body"]) for w in result.warnings] == [
        ("calendar_missing", 2027, "kf")
    ]


def test_missing_ks_calendar_is_named_for_a_kf_decision() -> None:
    result = decide_by(D(2026, 6, 30), body=KF, meetings=CALENDAR[:3], lead_days=0)
    assert result.meeting_on == D(2026, 6, 15)
    assert result.on == D(2026, 5, 25)
    assert [(w.code, w.params["body"]) for w in result.warnings] == [("calendar_missing", "ks")]


def test_entering_a_calendar_never_moves_the_warning_later() -> None:
    without = decide_by(D(2026, 6, 30), body=KF, meetings=[], lead_days=30)
    with_calendar = decide_by(D(2026, 6, 30), body=KF, meetings=CALENDAR, lead_days=30)
    assert with_calendar.on <= without.on


# --------------------------------------------------------------------------- properties

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2080, 12, 31))


@st.composite
def any_terms(draw: st.DrawFn) -> Terms:
    term = draw(st.sampled_from(["fixed", "fixed_then_indefinite", "indefinite", "renewing"]))
    start = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)))
    end = None if term == "indefinite" else start + timedelta(days=draw(st.integers(0, 4000)))
    alignment = draw(st.sampled_from(["none", "month_end", "year_end"]))
    return Terms(
        start,
        end,
        draw(st.none() | st.integers(0, 36)),
        renewal_months=draw(st.integers(1, 36)) if term == "renewing" else None,
        term=term,
        end_alignment=alignment if term in ("indefinite", "fixed_then_indefinite") else "none",
    )


@PROPERTY
@given(terms=any_terms(), received=days)
def test_property_earliest_end_is_never_before_the_notice_period(
    terms: Terms, received: date
) -> None:
    end = earliest_end_on(terms, received)
    if terms.term == "fixed":
        assert end == terms.end_on
        return
    notice = terms.notice_months or 0
    # The notice period fits between the day notice was received and the end, counted back
    # from the end the way a deadline is ("senast N månader före").
    assert add_months(end, -notice) >= received
    assert end >= received
    if terms.term in ("fixed_then_indefinite", "renewing"):
        assert terms.end_on is not None and end >= terms.end_on
    if terms.end_alignment == "month_end" and end != terms.end_on:
        assert (end + timedelta(days=1)).day == 1
    if terms.end_alignment == "year_end" and end != terms.end_on:
        assert (end.month, end.day) == (12, 31)


@PROPERTY
@given(terms=any_terms(), today=days)
def test_property_notice_on_the_deadline_ends_the_current_term(terms: Terms, today: date) -> None:
    deadline = notice_deadline_on(terms, today)
    if deadline is None:
        return
    assert deadline >= today
    assert earliest_end_on(terms, deadline) <= earliest_end_on(terms, deadline + timedelta(1))


@PROPERTY
@given(
    target=days,
    body=st.sampled_from(["kf", "ks", "namnd"]),
    lead=st.integers(0, 200),
    buffer=st.integers(0, 60),
    raw=st.lists(
        st.tuples(
            st.sampled_from(["kf", "ks", "namnd"]), st.integers(-500, 60), st.integers(0, 40)
        ),
        max_size=12,
    ),
)
def test_property_decide_by_is_safe(
    target: date, body: str, lead: int, buffer: int, raw: list[tuple[str, int, int]]
) -> None:
    meetings = [
        Meeting(b, target + timedelta(days=offset), target + timedelta(days=offset - prep))
        for b, offset, prep in raw
    ]
    result = decide_by(target, body=body, meetings=meetings, lead_days=lead, buffer_days=buffer)
    # Never after the deadline minus the buffer and the lead time.
    assert result.on <= target - timedelta(days=buffer + lead)
    if result.meeting_on is not None:
        # The deciding meeting leaves the buffer, and the lead time comes off the earliest
        # case deadline in the chain.
        assert result.meeting_on <= target - timedelta(days=buffer)
        case_deadlines = [result.case_deadline_on, result.prepared_case_deadline_on]
        earliest = min(d for d in case_deadlines if d is not None)
        assert result.on <= earliest - timedelta(days=lead)
        if result.prepared_on is not None:
            assert result.prepared_on < result.meeting_on
        # A meeting from an earlier year is never used without its own year being planned.
        assert any(
            m.meeting_on.year == result.latest_meeting_on.year and m.body == body for m in meetings
        )
    else:
        assert result.warnings
