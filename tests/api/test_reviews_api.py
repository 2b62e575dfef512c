"""POST and GET /api/v1/agreements/<id>/reviews, and the review in the agreement JSON."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent


def _agreement(factory):
    return factory.agreement(phase="active", start_on="2025-01-01", review_interval_months=12)


def test_post_review_then_list_and_see_it_on_the_agreement(api, factory, session):
    agreement = _agreement(factory)
    url = f"/api/v1/agreements/{agreement.id}/reviews"
    refused = api.post(
        url, json={"reviewed_on": "2026-03-01", "rating": "red", "goal_attainment": "partly"}
    )
    assert refused.status_code == 422
    assert "rating_comment" in refused.get_json()["fields"]
    bad = api.post(
        url,
        json={
            "reviewed_on": "2026-03-01",
            "rating": "green",
            "goal_attainment": "met",
            "answers": {"carrier_left": {"answer": "kanske"}, "okänd": {"answer": "yes"}},
        },
    )
    assert bad.status_code == 422
    fields = bad.get_json()["fields"]
    assert fields["answers.carrier_left.value.answer"] == "Måste vara ett av: yes, partly, no."
    assert fields["answers.okänd.key"].startswith("Måste vara ett av: initial_choices")
    created = api.post(
        url,
        json={
            "reviewed_on": "2026-03-01",
            "rating": "red",
            "rating_comment": "Handläggningstiderna har fördubblats.",
            "goal_attainment": "not_met",
            "cost_budget": "200000.00",
            "cost_outcome": 260000,
            "answers": {"carrier_left": {"answer": "yes", "comment": "Chefen slutade."}},
            "reported_to": "Kommunstyrelsen",
            "reported_on": "2026-03-10",
            "next_review_on": "2026-09-01",
        },
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["cost_outcome"] == "260000.00"
    assert body["answers"] == {"carrier_left": {"answer": "yes", "comment": "Chefen slutade."}}
    listed = api.get(url).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    shown = api.get(f"/api/v1/agreements/{agreement.id}").get_json()
    assert shown["latest_review"] == {
        "id": body["id"],
        "reviewed_on": "2026-03-01",
        "rating": "red",
    }
    assert shown["next_review_on"] == "2026-09-01"
    event = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "review"))
    assert event.source == "api"


def test_readers_and_outsiders_may_not_post(api_as, factory):
    agreement = _agreement(factory)
    url = f"/api/v1/agreements/{agreement.id}/reviews"
    body = {"reviewed_on": "2026-03-01", "rating": "green", "goal_attainment": "met"}
    assert api_as("reader", "2021").post(url, json=body).status_code == 403
    assert api_as("editor", "0180").post(url, json=body).status_code == 403
    assert api_as("reader", "2021").get(url).status_code == 200
    assert api_as("editor", "2021").get("/api/v1/agreements/99999/reviews").status_code == 404


def test_agreement_json_has_each_partys_decide_by(api, factory):
    agreement = factory.agreement(
        phase="active",
        start_on="2024-01-01",
        end_on="2099-12-31",
        renewal="tacit",
        renewal_months=12,
        notice_months=6,
        internal_lead_days=30,
    )
    body = api.get(f"/api/v1/agreements/{agreement.id}").get_json()
    assert body["notice_deadline_on"] == "2099-06-30"
    names = {"2021": "Vansbro", "2023": "Malung-Sälen"}
    for party in body["parties"]:
        # No calendar: the deadline minus the 14-day buffer and 30 days' lead time, said aloud.
        assert party["decide_by"] == {
            "decide_by_on": "2099-05-17",
            "body": "kf",
            "body_name": "",
            "meeting_on": None,
            "case_deadline_on": None,
            "prepared_on": None,
            "prepared_case_deadline_on": None,
            "from_calendar": False,
            "warnings": [
                f"Sammanträdesplan för 2099 saknas för {names[party['municipality']]} KF: "
                "datumet bygger på den interna förberedelsetiden."
            ],
        }


def test_a_review_dated_in_the_future_is_refused(api, factory, frozen_clock):
    frozen_clock.set(date(2026, 4, 15))
    agreement = _agreement(factory)
    url = f"/api/v1/agreements/{agreement.id}/reviews"
    body = {"reviewed_on": "2026-04-16", "rating": "green", "goal_attainment": "met"}
    refused = api.post(url, json=body)
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["reviewed_on"].startswith(
        "Datum för uppföljningen kan inte vara i framtiden"
    )
    assert api.post(url, json={**body, "reviewed_on": "2026-04-15"}).status_code == 201
