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
    unknown = client.post(url, json={"to_phase": "x"}, headers=headers)
    assert unknown.status_code == 422  # the schema lists the phases
    assert "to_phase" in unknown.get_json()["fields"]
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


def test_api_client_owns_the_exit_plan(client, factory, session):
    """Kind, PATCH with versions, own tasks, not applicable with a reason, decisions, the
    övergångsavtal and deleting a draft: everything the pages do."""
    headers = _auth(factory)
    agreement = activate(
        session,
        factory.agreement([("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")]),
    )
    created = client.post(
        f"/api/v1/agreements/{agreement.id}/exits",
        json={"kind": "withdrawal", "leaving_party": "2026"},
        headers=headers,
    )
    assert created.status_code == 201
    plan = created.get_json()
    assert plan["kind"] == "withdrawal" and plan["scope"] == "party"
    assert {"delegation", "taxa", "personal-data"} <= {
        t["kind"] for t in plan["tasks"] if t["party"] == "2026"
    }
    assert any(i["key"] == "exit-avtalssamverkan/taxa" for i in plan["checklist"])
    url = f"/api/v1/exits/{plan['id']}"

    stale = client.patch(url, json={"version": 99, "title": "x"}, headers=headers)
    assert stale.status_code == 409
    patched = client.patch(
        url,
        json={"version": plan["version"], "notice_party": "2026", "notice_given_on": "2026-03-01"},
        headers=headers,
    )
    assert patched.status_code == 200
    plan = patched.get_json()
    assert plan["notice_party"] == "2026" and plan["kind"] == "withdrawal"
    assert client.get(url, headers=headers).get_json()["version"] == plan["version"]

    no_title = client.post(f"{url}/tasks", json={"title": ""}, headers=headers)
    assert no_title.status_code == 422 and "title" in no_title.get_json()["fields"]
    own = client.post(
        f"{url}/tasks",
        json={"title": "Flytta e-tjänsten för anmälan", "party": "2026", "due_on": "2026-10-01"},
        headers=headers,
    )
    assert own.status_code == 201
    task = own.get_json()
    assert task["is_custom"] and task["is_required"] and task["party"] == "2026"
    generated = next(t for t in plan["tasks"] if t["kind"] == "supervisors")
    task_url = f"/api/v1/exit-tasks/{generated['id']}"
    missing_reason = client.patch(
        task_url,
        json={"version": generated["version"], "status": "not_applicable"},
        headers=headers,
    )
    assert missing_reason.status_code == 422
    assert "not_applicable_reason" in missing_reason.get_json()["fields"]
    na = client.patch(
        task_url,
        json={
            "version": generated["version"],
            "status": "not_applicable",
            "not_applicable_reason": "Ingen tillsynsmyndighet berörs av uppgiften.",
        },
        headers=headers,
    )
    assert na.status_code == 200 and na.get_json()["status"] == "not_applicable"
    refused = client.delete(f"{task_url}?version={generated['version'] + 1}", headers=headers)
    assert refused.status_code == 422  # a generated task is not removed
    removed = client.delete(
        f"/api/v1/exit-tasks/{task['id']}?version={task['version']}", headers=headers
    )
    assert removed.status_code == 204

    future = client.put(
        f"{url}/decisions/2026",
        json={"body": "Kommunfullmäktige", "decided_on": "2099-01-01"},
        headers=headers,
    )
    assert future.status_code == 422 and "decided_on" in future.get_json()["fields"]
    decided = client.put(
        f"{url}/decisions/2026",
        json={
            "body": "Kommunfullmäktige",
            "decided_on": "2026-02-23",
            "paragraph": "§ 9",
            "case_number": "KS 2026/14",
        },
        headers=headers,
    )
    assert decided.status_code == 200
    assert decided.get_json()["decisions"] == [
        {
            "party": "2026",
            "body": "Kommunfullmäktige",
            "decided_on": "2026-02-23",
            "paragraph": "§ 9",
            "case_number": "KS 2026/14",
            "note": "",
            "version": 1,
        }
    ]

    transition = client.post(f"{url}/transition-agreement", headers=headers)
    assert transition.status_code == 201
    new_id = transition.get_json()["agreement_id"]
    linked = client.get(f"/api/v1/agreements/{new_id}", headers=headers).get_json()
    assert linked["form"] == "avtalssamverkan" and linked["phase"] == "planned"

    version = client.get(url, headers=headers).get_json()["version"]
    assert client.delete(f"{url}?version={version}", headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_patch_moves_the_day_the_notice_reached_the_others(client, factory, session):
    """Sandviken leaves an avtalssamverkan hosted by Ljusdal with Bollnäs. Its notice, dated
    26 June, reached the other parties on 2 July: with six months' notice before a term ending
    31 December it came too late, and the agreement runs on for a further two-year term. The
    planner records the day through the API and sees it."""
    headers = _auth(factory, municipality="2161")
    agreement = activate(
        session,
        factory.agreement(
            [("2161", "host"), ("2181", "purchaser"), ("2183", "purchaser")],
            start_on="2023-01-01",
            end_on="2026-12-31",
            renewal="tacit",
            renewal_months=24,
            notice_months=6,
        ),
    )
    created = client.post(
        f"/api/v1/agreements/{agreement.id}/exits",
        json={
            "scope": "party",
            "leaving_party": "2181",
            "notice_party": "2181",
            "notice_given_on": "2026-06-26",
            "effective_on": "2026-12-31",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    plan = created.get_json()
    assert plan["notice_received_on"] is None
    assert plan["is_notice_late"] is False and plan["earliest_end_on"] == "2026-12-31"

    late = client.patch(
        f"/api/v1/exits/{plan['id']}",
        json={"version": plan["version"], "notice_received_on": "2026-07-02"},
        headers=headers,
    )
    assert late.status_code == 200, late.get_json()
    body = late.get_json()
    assert body["notice_received_on"] == "2026-07-02"
    assert body["notice_given_on"] == "2026-06-26"
    assert body["is_notice_late"] is True and body["earliest_end_on"] == "2028-12-31"
    assert any("2028-12-31" in w for w in body["warnings"])

    before_notice = client.patch(
        f"/api/v1/exits/{plan['id']}",
        json={"version": body["version"], "notice_received_on": "2026-06-20"},
        headers=headers,
    )
    assert before_notice.status_code == 422
    assert "notice_received_on" in before_notice.get_json()["fields"]

    cleared = client.patch(
        f"/api/v1/exits/{plan['id']}",
        json={"version": body["version"], "notice_received_on": None},
        headers=headers,
    )
    assert cleared.status_code == 200
    assert cleared.get_json()["notice_received_on"] is None
    assert cleared.get_json()["is_notice_late"] is False
