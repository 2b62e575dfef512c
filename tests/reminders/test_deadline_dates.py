"""Date arithmetic behind reminders: tacit renewals, month ends, meetings around a deadline."""

from __future__ import annotations

from datetime import date

import pytest

from coop_tracker.agreements.queries import derived_dates_for
from coop_tracker.core.actor import Actor
from coop_tracker.meetings.services import MeetingInput, add_meeting


@pytest.fixture
def tacit(factory):
    """3 years from 2024-01-01, then 1-year tacit renewals, 6 months' notice, 45 days lead."""
    return factory.agreement(
        phase="active",
        start_on="2024-01-01",
        end_on="2026-12-31",
        renewal="tacit",
        renewal_months=12,
        notice_months=6,
        internal_lead_days=45,
    )


def _kf(session, day, deadline, code="2021"):
    add_meeting(session, code, MeetingInput("kf", "", day, deadline), actor=Actor.system())
    session.commit()


def test_notice_deadline_rolls_over_to_the_next_term(session, tacit):
    derived = derived_dates_for(session, [tacit], date(2026, 6, 30))[tacit.id]
    assert derived.notice_deadline_on == date(2026, 6, 30)  # the deadline day still counts
    derived = derived_dates_for(session, [tacit], date(2026, 7, 1))[tacit.id]
    assert derived.current_term_end_on == date(2026, 12, 31)
    assert derived.notice_deadline_on == date(2027, 6, 30)  # renewed: next term's deadline


def test_month_end_terms_keep_month_end_deadlines(session, factory):
    agreement = factory.agreement(
        phase="active",
        start_on="2023-03-01",
        end_on="2025-02-28",
        renewal="tacit",
        renewal_months=12,
        notice_months=3,
    )
    derived = derived_dates_for(session, [agreement], date(2027, 1, 1))[agreement.id]
    assert derived.current_term_end_on == date(2027, 2, 28)
    assert derived.notice_deadline_on == date(2027, 11, 30)  # term ends 2028-02-29 (leap)


def test_without_a_calendar_decide_by_is_deadline_minus_lead_days(session, tacit):
    derived = derived_dates_for(session, [tacit], date(2026, 1, 10))[tacit.id]
    assert derived.notice_deadline_on == date(2026, 6, 30)
    assert derived.parties["2021"].decide_by_on == date(2026, 5, 16)  # 45 days before
    assert not derived.parties["2021"].from_calendar


def test_meetings_on_both_sides_of_the_deadline(session, tacit):
    _kf(session, "2026-06-15", "2026-05-25")  # last KF before the deadline
    _kf(session, "2026-06-30", "2026-06-08")  # on the deadline day: still in time
    _kf(session, "2026-08-31", "2026-08-10")  # after: too late
    _kf(session, "2026-04-20", "2026-03-30", code="2023")  # the other party's KF
    _kf(session, "2026-09-14", "2026-08-24", code="2023")
    derived = derived_dates_for(session, [tacit], date(2026, 1, 10))[tacit.id]
    vansbro, malung = derived.parties["2021"], derived.parties["2023"]
    assert (vansbro.meeting_on, vansbro.decide_by_on) == (date(2026, 6, 30), date(2026, 6, 8))
    assert vansbro.from_calendar and vansbro.body == "kf"
    assert (malung.meeting_on, malung.decide_by_on) == (date(2026, 4, 20), date(2026, 3, 30))
    assert derived.decide_by_on == date(2026, 3, 30)  # the earliest party


def test_ks_meetings_do_not_count_for_a_kf_decision(session, tacit):
    add_meeting(
        session, "2021", MeetingInput("ks", "", "2026-06-22", "2026-06-01"), actor=Actor.system()
    )
    session.commit()
    derived = derived_dates_for(session, [tacit], date(2026, 1, 10))[tacit.id]
    assert not derived.parties["2021"].from_calendar
    assert derived.parties["2021"].decide_by_on == date(2026, 5, 16)


def test_a_party_whose_decision_body_is_ks_uses_ks_meetings(session, factory):
    agreement = factory.agreement(
        phase="active",
        start_on="2024-01-01",
        end_on="2026-12-31",
        renewal="tacit",
        renewal_months=12,
        notice_months=6,
    )
    agreement.parties[0].decision_body = "Kommunstyrelsen"
    session.commit()
    add_meeting(
        session, "2021", MeetingInput("ks", "", "2026-06-22", "2026-06-01"), actor=Actor.system()
    )
    session.commit()
    derived = derived_dates_for(session, [agreement], date(2026, 1, 10))[agreement.id]
    assert derived.parties["2021"].body == "ks"
    assert derived.parties["2021"].decide_by_on == date(2026, 6, 1)


def test_a_party_that_left_has_no_decide_by(session, factory):
    agreement = factory.agreement(
        [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
        phase="active",
        start_on="2024-01-01",
        end_on="2026-12-31",
        renewal="tacit",
        renewal_months=12,
        notice_months=6,
    )
    agreement.parties[2].left_on = date(2025, 12, 31)
    session.commit()
    derived = derived_dates_for(session, [agreement], date(2026, 1, 10))[agreement.id]
    assert set(derived.parties) == {"2021", "2023"}
