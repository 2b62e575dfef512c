"""API: transitions (409 with reasons), exits, the checklist and item PATCH with versions."""

from __future__ import annotations

from sqlalchemy import select

from coop_tracker.checklists.models import ChecklistItem
from tests.lifecycle_support import activate, record_decisions, resolve_items


def _auth(factory, role="editor", municipality="2021"):
    user = factory.user(role, municipality)
    return {"Authorization": f"Bearer {factory.token(user)}"}


def test_transition_refused_lists_reasons_then_succeeds(client, factory, session):
    headers = _auth(factory)
    agreement = factory.agreement()
    url = f"/api/v1/agreements/{agreement.id}/transitions"
    response = client.post(url, json={"to_phase": "active"}, headers=headers)
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "transition_refused"
    assert "Vansbro saknar registrerat beslut (beslutande organ och datum)." in body["reasons"]
    record_decisions(agreement)
    resolve_items(session, agreement, "before")
    session.commit()
    response = client.post(url, json={"to_phase": "active", "reason": "Klart"}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["to_phase"] == "active"
    history = client.get(url, headers=headers).get_json()
    assert history["phase"] == "active"
    assert [c["to_phase"] for c in history["items"]] == ["active"]
    assert [a["to_phase"] for a in history["allowed"]] == ["exiting"]


def test_transition_errors(client, factory, session):
    headers = _auth(factory)
    agreement = factory.agreement()
    url = f"/api/v1/agreements/{agreement.id}/transitions"
    assert client.post(url, json={"to_phase": "ended"}, headers=headers).status_code == 409
    assert client.post(url, json={"to_phase": "x"}, headers=headers).get_json()["reasons"] == [
        "Okänd fas: 'x'."
    ]
    assert client.post(url, json={"bogus": 1}, headers=headers).status_code == 422
    override = client.post(
        url, json={"to_phase": "active", "override": True, "reason": "x"}, headers=headers
    )
    assert override.status_code == 403
    other = _auth(factory, "editor", "0180")
    assert client.get(url, headers=other).status_code == 404  # planned: parties only
    assert client.post(url, json={"to_phase": "active"}).status_code == 401


def test_post_exit_drafts_and_adopts(client, factory, session):
    headers = _auth(factory)
    agreement = activate(
        session,
        factory.agreement([("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")]),
    )
    url = f"/api/v1/agreements/{agreement.id}/exits"
    draft = client.post(url, json={"scope": "party", "leaving_party": "2026"}, headers=headers)
    assert draft.status_code == 201
    assert draft.get_json()["status"] == "draft"
    bad = client.post(url, json={"scope": "agreement", "notice_party": "0180"}, headers=headers)
    assert bad.status_code == 422
    assert bad.get_json()["fields"] == {
        "notice_party": "Kommunen är inte en nuvarande part i samverkan."
    }
    whole = client.post(
        url,
        json={
            "scope": "agreement",
            "notice_party": "2021",
            "notice_given_on": "2026-03-01",
            "effective_on": "2026-06-30",
            "adopted_on": "2026-03-02",
        },
        headers=headers,
    )
    assert whole.status_code == 201
    body = whole.get_json()
    assert body["status"] == "adopted"
    assert body["notice_party"] == "2021"
    assert any(t["party"] == "2023" and t["kind"] == "build-up" for t in body["tasks"])
    agreement_phase = client.get(
        f"/api/v1/agreements/{agreement.id}/transitions", headers=headers
    ).get_json()["phase"]
    assert agreement_phase == "exiting"
    listed = client.get(url, headers=headers).get_json()
    assert listed["total"] == 2
    complete = client.post(
        f"/api/v1/exits/{body['id']}/complete", json={"version": body["version"]}, headers=headers
    )
    assert complete.status_code == 409
    assert complete.get_json()["reasons"]


def test_checklist_get_and_patch_with_versions(client, factory, session):
    headers = _auth(factory)
    agreement = factory.agreement()
    response = client.get(f"/api/v1/agreements/{agreement.id}/checklist", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(body["items"]) > 10
    assert body["progress"]["before"]["resolved"] == 0
    item = next(i for i in body["items"] if i["key"] == "before/party-decision")
    assert item["party"] in {"2021", "2023"} and item["template_revision"] == 1
    url = f"/api/v1/checklist-items/{item['id']}"
    missing_reason = client.patch(
        url, json={"version": 1, "status": "not_applicable"}, headers=headers
    )
    assert missing_reason.status_code == 422
    assert "not_applicable_reason" in missing_reason.get_json()["fields"]
    done = client.patch(
        url,
        json={
            "version": 1,
            "status": "done",
            "responsible_party": "2023",
            "evidence_url": "https://diarium.example.se/KS-2026-12",
        },
        headers=headers,
    )
    assert done.status_code == 200
    assert done.get_json()["status"] == "done" and done.get_json()["version"] == 2
    assert done.get_json()["responsible_party"] == "2023"
    stale = client.patch(url, json={"version": 1, "status": "open"}, headers=headers)
    assert stale.status_code == 409
    assert stale.get_json()["current"]["status"] == "done"
    no_version = client.patch(url, json={"status": "open"}, headers=headers)
    assert no_version.status_code == 422
    reader = _auth(factory, "reader", "2021")
    assert (
        client.patch(url, json={"version": 2, "status": "open"}, headers=reader).status_code == 403
    )
    stored = session.get(ChecklistItem, item["id"])
    session.refresh(stored)
    assert stored.status == "done"
    assert (
        session.scalars(select(ChecklistItem.status).where(ChecklistItem.id == item["id"])).one()
        == "done"
    )
