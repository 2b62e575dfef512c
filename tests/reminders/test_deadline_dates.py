"""Date arithmetic behind reminders: tacit renewals, month ends, meetings around a deadline."""

from __future__ import annotations

from datetime import date

import pytest

from coop_tracker.core.actor import Actor
from coop_tracker.meetings.services import MeetingInput, add_meeting
from coop_tracker.schedule.queries import derived_dates_for, what_if


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


def test_without_a_calendar_decide_by_is_deadline_minus_buffer_and_lead_days(session, tacit):
    derived = derived_dates_for(session, [tacit], date(2026, 1, 10))[tacit.id]
    assert derived.notice_deadline_on == date(2026, 6, 30)
    vansbro = derived.parties["2021"]
    # 14 days for justering, anslag and delivery, then 45 days' own preparation.
    assert vansbro.decide_by_on == date(2026, 5, 2)
    assert not vansbro.from_calendar
    assert vansbro.warnings == [
        "Sammanträdesplan för 2026 saknas för Vansbro KF: datumet bygger på den interna "
        "förberedelsetiden."
    ]


def _ks(session, day, deadline, code="2021"):
    add_meeting(session, code, MeetingInput("ks", "", day, deadline), actor=Actor.system())
    session.commit()


def test_kf_chain_leaves_the_buffer_and_starts_at_the_ks_case_deadline(session, tacit):
    _kf(session, "2026-06-15", "2026-05-25")  # the last KF leaving 14 days before 06-30
    _kf(session, "2026-06-22", "2026-06-01")  # 8 days before the deadline: no time to deliver
    _kf(session, "2026-08-31", "2026-08-10")  # after the deadline
    _ks(session, "2026-05-19", "2026-05-05")  # prepares the 06-15 KF
    _ks(session, "2026-06-02", "2026-05-19")  # after the KF case deadline: too late for it
    _kf(session, "2026-04-20", "2026-03-30", code="2023")  # the other party's KF
    _ks(session, "2026-03-24", "2026-03-10", code="2023")
    derived = derived_dates_for(session, [tacit], date(2026, 1, 10))[tacit.id]
    vansbro, malung = derived.parties["2021"], derived.parties["2023"]
    assert (vansbro.meeting_on, vansbro.prepared_on) == (date(2026, 6, 15), date(2026, 5, 19))
    assert vansbro.decide_by_on == date(2026, 3, 21)  # 2026-05-05 minus 45 days
    assert vansbro.from_calendar and vansbro.body == "kf" and vansbro.warnings == []
    assert (malung.meeting_on, malung.decide_by_on) == (date(2026, 4, 20), date(2026, 1, 24))
    assert derived.decide_by_on == date(2026, 1, 24)  # the earliest party


def test_entering_the_calendar_never_moves_the_warning_later(session, tacit):
    before = derived_dates_for(session, [tacit], date(2026, 1, 10))[tacit.id]
    _kf(session, "2026-06-15", "2026-06-10")
    _ks(session, "2026-06-09", "2026-06-05")
    after = derived_dates_for(session, [tacit], date(2026, 1, 10))[tacit.id]
    assert after.parties["2021"].from_calendar
    assert after.parties["2021"].decide_by_on <= before.parties["2021"].decide_by_on


def test_a_missing_next_year_calendar_is_said_aloud(session, tacit):
    # Only 2025's calendar: the 2026 deadline must not silently use a 2025 meeting.
    _kf(session, "2025-12-08", "2025-11-17")
    _ks(session, "2025-11-18", "2025-11-04")
    derived = derived_dates_for(session, [tacit], date(2025, 10, 1))[tacit.id]
    vansbro = derived.parties["2021"]
    assert not vansbro.from_calendar
    assert vansbro.decide_by_on == date(2026, 5, 2)
    assert vansbro.warnings[0].startswith("Sammanträdesplan för 2026 saknas för Vansbro KF")


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
        session, "2021", MeetingInput("ks", "", "2026-06-15", "2026-06-01"), actor=Actor.system()
    )
    session.commit()
    derived = derived_dates_for(session, [agreement], date(2026, 1, 10))[agreement.id]
    assert derived.parties["2021"].body == "ks"
    assert derived.parties["2021"].decide_by_on == date(2026, 4, 2)  # 06-01 minus 60 days


def test_a_kommunalforbund_member_decides_in_kf_whatever_its_first_decision_said(session, factory):
    agreement = factory.agreement(
        [("2021", "member"), ("2023", "member")],
        form="kommunalforbund",
        phase="active",
        start_on="2024-01-01",
        notice_months=24,
        term="indefinite",
        end_alignment="year_end",
    )
    agreement.parties[0].decision_body = "Kommunstyrelsen"
    agreement.parties[1].deciding_body = "namnd"
    agreement.parties[1].deciding_body_name = "Socialnämnden"
    session.commit()
    notice = what_if(session, agreement, date(2027, 3, 15), date(2026, 12, 1))
    assert notice.earliest_end_on == date(2029, 12, 31)
    bodies = {party.municipality_code: (d.body, d.body_name) for party, d in notice.decide_by}
    assert bodies == {"2021": ("kf", ""), "2023": ("namnd", "Socialnämnden")}


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
