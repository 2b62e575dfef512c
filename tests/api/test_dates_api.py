"""GET /api/v1/agreements/<id>/dates?notice_on=: "if notice reaches the others on day X"."""

from __future__ import annotations

from datetime import date

import pytest

from coop_tracker.core.actor import Actor
from coop_tracker.meetings.services import MeetingInput, add_meeting
from tests.api.conftest import agreement_body
from tests.factories import forbund_without_an_early_meeting


@pytest.fixture(autouse=True)
def frozen_today(frozen_clock):
    return frozen_clock.set(date(2026, 12, 1))


def test_fixed_then_tills_vidare_never_ends_before_the_notice(api, factory):
    agreement = factory.agreement(
        phase="active",
        start_on="2024-01-01",
        end_on="2026-12-31",
        term="fixed_then_indefinite",
        notice_months=12,
        internal_lead_days=30,
    )
    body = api.get(f"/api/v1/agreements/{agreement.id}/dates?notice_on=2027-03-15").get_json()
    assert body["notice_on"] == "2027-03-15"
    assert body["earliest_end_on"] == "2028-03-15"
    assert body["notice_deadline_on"] is None  # 2025-12-31 has passed: tills vidare now
    assert body["current_term_ends_on"] == "2026-12-31"
    assert [(d["municipality"], d["on"], d["body"]) for d in body["decide_by"]] == [
        ("2021", "2027-01-30", "kf"),  # 2027-03-15 less 14 and 30 days, no calendar
        ("2023", "2027-01-30", "kf"),
    ]
    assert body["decide_by"][0]["warnings"] == [
        "Sammanträdesplan för 2027 saknas för Vansbro KF: datumet bygger på den interna "
        "förberedelsetiden."
    ]


def test_year_end_forbundsordning_with_a_ks_kf_chain(api, factory, session):
    forbund = factory.agreement(
        [("2021", "member"), ("2023", "member")],
        form="kommunalforbund",
        areas=["raddningstjanst"],
        phase="active",
        start_on="2010-01-01",
        term="indefinite",
        notice_months=24,
        end_alignment="year_end",
        internal_lead_days=30,
    )
    for body, day, case in (
        ("kf", "2027-02-22", "2027-02-01"),
        ("ks", "2027-01-26", "2027-01-12"),
        ("ks", "2027-02-09", "2027-01-26"),  # after the KF case deadline: cannot prepare it
        ("kf", "2027-03-08", "2027-02-15"),  # too close to 2027-03-15
    ):
        add_meeting(session, "2021", MeetingInput(body, "", day, case), actor=Actor.system())
    session.commit()
    body = api.get(f"/api/v1/agreements/{forbund.id}/dates?notice_on=2027-03-15").get_json()
    assert body["earliest_end_on"] == "2029-12-31"
    vansbro = body["decide_by"][0]
    assert (vansbro["meeting_on"], vansbro["prepared_on"], vansbro["on"]) == (
        "2027-02-22",
        "2027-01-26",
        "2026-12-13",  # the KS case deadline 2027-01-12 less 30 days
    )
    assert vansbro["warnings"] == []


def test_a_fixed_term_says_it_ends_without_notice(api, factory):
    agreement = factory.agreement(
        phase="active", start_on="2024-01-01", end_on="2027-06-30", term="fixed"
    )
    body = api.get(f"/api/v1/agreements/{agreement.id}/dates?notice_on=2027-01-15").get_json()
    assert body["earliest_end_on"] == "2027-06-30"
    assert any("upphör 2027-06-30 utan uppsägning" in w for w in body["warnings"])


def test_bad_dates_are_named_and_outsiders_see_nothing(api, api_as, factory):
    agreement = factory.agreement(phase="active", end_on="2027-06-30", term="fixed")
    response = api.get(f"/api/v1/agreements/{agreement.id}/dates?notice_on=2027-02-30")
    assert response.status_code == 422
    assert "notice_on" in response.get_json()["fields"]
    assert api.get("/api/v1/agreements/999999/dates").status_code == 404


def test_old_renewal_field_still_creates_a_renewing_term(api):
    body = api.post("/api/v1/agreements", json=agreement_body()).get_json()
    assert (body["term"], body["renewal"], body["renewal_months"]) == ("renewing", "tacit", 12)
    body = api.post(
        "/api/v1/agreements",
        json=agreement_body(
            title="Tills vidare efter första perioden",
            term="fixed_then_indefinite",
            end_alignment="month_end",
            renewal_months=None,
        ),
    ).get_json()
    assert (body["term"], body["end_alignment"], body["renewal"]) == (
        "fixed_then_indefinite",
        "month_end",
        "none",
    )


def test_term_rules_are_refused_with_the_field_named(api):
    response = api.post(
        "/api/v1/agreements",
        json=agreement_body(term="indefinite", end_alignment="year_end", end_on="2027-12-31"),
    )
    assert response.status_code == 422
    assert "tills vidare har inget slutdatum" in response.get_json()["fields"]["end_on"]
    response = api.post(
        "/api/v1/agreements", json=agreement_body(term="renewing", end_alignment="year_end")
    )
    assert "end_alignment" in response.get_json()["fields"]
    future = agreement_body(
        parties=[
            {"municipality": "2021", "role": "host", "decision_on": "2027-01-10"},
            {"municipality": "2023", "role": "purchaser"},
        ]
    )
    response = api.post("/api/v1/agreements", json=future)
    assert response.status_code == 422
    assert "ligger i framtiden" in response.get_json()["fields"]["parties.0.decision_on"]


def test_a_calendar_year_without_a_meeting_early_enough_asks_for_an_extra_meeting(
    api, factory, session
):
    agreement = forbund_without_an_early_meeting(factory, session)
    body = api.get(f"/api/v1/agreements/{agreement.id}/dates?notice_on=2027-01-31").get_json()
    vansbro = next(d for d in body["decide_by"] if d["municipality"] == "2021")
    assert vansbro["meeting_on"] is None
    assert vansbro["warnings"] == [
        "Vansbro KF har inget sammanträde senast 2027-01-17 i sammanträdesplanen: ett extra "
        "sammanträde behövs, eller ett beslut vid ett tidigare sammanträde. Datumet bygger på "
        "den interna förberedelsetiden."
    ]
