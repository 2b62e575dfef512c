"""The organisations API, parties sent as {"organisation": …}, and per-party reviews."""

from __future__ import annotations

from typing import Any

from coop_tracker.agreements.bodies import add_body
from coop_tracker.core.actor import Actor
from coop_tracker.municipalities.models import Municipality

FK, AF = "202100-5521", "202100-2114"


def _body(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Samordningsförbundet Mitt i Dalarna",
        "form": "samordningsforbund",
        "areas": ["socialtjanst"],
        "start_on": "2025-01-01",
        "parties": [
            {"organisation": FK, "role": "member"},
            {"organisation": AF, "role": "member"},
            {"organisation": "20", "role": "member"},
            {"municipality": "2021", "role": "member"},
            {"organisation": "2080", "role": "member"},
            {"organisation": "2081", "role": "member"},
        ],
        **fields,
    }


def test_list_organisations_by_kind(api_as):
    api = api_as("reader", "2021")
    regions = api.get("/api/v1/organisations?kind=region&per_page=50").get_json()
    assert regions["total"] == 21
    assert {"key": "20", "kind": "region", "name": "Region Dalarna"}.items() <= next(
        r for r in regions["items"] if r["code"] == "20"
    ).items()
    agencies = api.get("/api/v1/organisations?kind=agency").get_json()["items"]
    assert [(a["name"], a["org_number"]) for a in agencies] == [
        ("Arbetsförmedlingen", AF),
        ("Försäkringskassan", FK),
    ]
    kommuner = api.get("/api/v1/organisations?kind=kommun&q=vansbro").get_json()["items"]
    assert [(k["code"], k["municipality"]) for k in kommuner] == [("2021", "2021")]
    refused = api.get("/api/v1/organisations?kind=landsting")
    assert refused.status_code == 422
    assert "kind" in refused.get_json()["fields"]
    assert api.get(f"/api/v1/organisations/{FK}").get_json()["name"] == "Försäkringskassan"
    assert api.get("/api/v1/organisations/999999-9999").status_code == 404


def test_register_a_finsam_over_the_api_with_its_members(api_as, session):
    api = api_as("editor", "2021")
    created = api.post(
        "/api/v1/organisations",
        json={"kind": "finsam", "name": "Samordningsförbundet Mitt i Dalarna"},
    )
    assert created.status_code == 201, created.get_json()
    finsam = created.get_json()
    response = api.post("/api/v1/agreements", json=_body(body_organisation=finsam["id"]))
    assert response.status_code == 201, response.get_json()
    agreement = response.get_json()
    parties = {p["name"]: p for p in agreement["parties"]}
    assert parties["Försäkringskassan"]["organisation_kind"] == "agency"
    assert parties["Försäkringskassan"]["municipality"] is None
    assert parties["Region Dalarna"]["organisation"] == "20"
    assert parties["Vansbro"]["municipality"] == "2021"
    assert agreement["body_organisation"]["name"] == "Samordningsförbundet Mitt i Dalarna"
    members = api.get(f"/api/v1/organisations/{finsam['id']}").get_json()["members"]
    assert {m["name"] for m in members} == set(parties)

    # PATCH matches a party by its organisation and keeps the fields not sent; the responsible
    # nämnd is one from Vansbro's list.
    add_body(session, session.get(Municipality, "2021"), "Socialnämnden", actor=Actor.system())
    session.commit()
    patched = api.patch(
        f"/api/v1/agreements/{agreement['id']}",
        json={
            "version": agreement["version"],
            "parties": [
                *_body()["parties"][:3],
                {"municipality": "2021", "role": "member", "responsible_body": "Socialnämnden"},
                *_body()["parties"][4:],
            ],
        },
    )
    assert patched.status_code == 200, patched.get_json()
    vansbro = next(p for p in patched.get_json()["parties"] if p["name"] == "Vansbro")
    assert vansbro["responsible_body"] == "Socialnämnden"
    assert vansbro["id"] == parties["Vansbro"]["id"]


def test_role_rules_for_kinds_are_refused_with_the_field(api_as):
    api = api_as("editor", "2021")
    body = _body(
        form="kommunalforbund",
        parties=[
            {"municipality": "2021", "role": "member"},
            {"organisation": FK, "role": "member"},
        ],
    )
    refused = api.post("/api/v1/agreements", json=body)
    assert refused.status_code == 422
    assert (
        "Försäkringskassan (statlig myndighet) kan inte vara medlem"
        in (refused.get_json()["fields"]["parties"])
    )
    nothing = api.post(
        "/api/v1/agreements", json=_body(parties=[{"role": "member"}, {"role": "member"}])
    )
    assert nothing.status_code == 422
    assert nothing.get_json()["fields"]["parties.0.organisation"].startswith("Ange organisation")
    wrong = api.post("/api/v1/agreements", json=_body(parties=[{"organisation": True}]))
    assert "parties.0.organisation" in wrong.get_json()["fields"]


def test_asymmetric_is_a_flag_and_the_old_form_still_reads(api_as):
    api = api_as("editor", "2021")
    body = {
        "title": "Gymnasium i Malung för Vansbro",
        "form": "asymmetrisk",
        "areas": ["gymnasieskola"],
        "parties": [
            {"municipality": "2023", "role": "host"},
            {"municipality": "2021", "role": "purchaser"},
        ],
    }
    created = api.post("/api/v1/agreements", json=body).get_json()
    assert (created["form"], created["asymmetric"]) == ("avtalssamverkan", True)
    unflagged = api.patch(
        f"/api/v1/agreements/{created['id']}",
        json={"version": created["version"], "asymmetric": False},
    ).get_json()
    assert unflagged["asymmetric"] is False


def test_each_party_records_its_own_review(api_as, factory):
    agreement = factory.agreement(
        [("1493", "host"), ("1447", "purchaser")], phase="active", start_on="2025-01-01"
    )
    host = api_as("editor", "1493")
    buyer = api_as("editor", "1447")
    url = f"/api/v1/agreements/{agreement.id}/reviews"
    review = {"reviewed_on": "2026-11-02", "goal_attainment": "partly"}
    mine = host.post(url, json={**review, "rating": "green", "party": "1493"})
    assert mine.status_code == 201, mine.get_json()
    assert mine.get_json()["party"]["name"] == "Mariestad"
    theirs = buyer.post(
        url,
        json={
            **review,
            "rating": "yellow",
            "rating_comment": "Vi får för lite insyn i budgeten.",
            "party": "1447",
            "reported_to": "Kommunstyrelsen",
            "reported_on": "2026-11-20",
        },
    )
    assert theirs.status_code == 201
    # An editor cannot record another party's view.
    forged = buyer.post(url, json={**review, "rating": "green", "party": "1493"})
    assert forged.status_code == 403
    outsider = buyer.post(url, json={**review, "rating": "green", "party": "0180"})
    assert outsider.status_code == 422
    assert "inte en nuvarande part" in outsider.get_json()["fields"]["party"]
    listed = host.get(url).get_json()["items"]
    assert sorted((r["party"]["name"], r["rating"]) for r in listed) == [
        ("Gullspång", "yellow"),
        ("Mariestad", "green"),
    ]
    # The joint traffic light is the parties' shared review, not one party's own.
    assert host.get(f"/api/v1/agreements/{agreement.id}").get_json()["latest_review"] is None
