"""Every change reads as words: no technical field keys, codes or ids in the history, the admin
log or the oversight's list of changes, whatever part of an agreement was changed."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.audit import labels
from coop_tracker.audit.models import AuditEvent
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.history.queries import describe_all
from coop_tracker.lifecycle.models import Exit
from tests.html import main_form
from tests.sql_support import counted_statements

RAW_KEY = re.compile(r"[a-z_.]+")
STORED_PARTY = re.compile(r"\b\d{4}:[a-z]+\b")


def _ok(response):
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:3000]
    return response


def _diff_cells(html: str) -> list[str]:
    """The text of every field name and value in the pages' change tables."""
    tables = re.findall(r'<table class="table table--compact diff">(.*?)</table>', html, re.S)
    cells = []
    for table in tables:
        body = table[table.index("<tbody>") :]
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S):
            cells.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip())
    return cells


def _realistic_flow(client, auth, session) -> Agreement:
    """An editor registers and runs a cooperation; an admin starts it past the gates."""
    auth.login("eva@vansbro.se")
    _ok(
        client.post(
            "/agreements/new",
            data={
                "title": "Livsmedelskontroll i Västerdalarna",
                "form": "avtalssamverkan",
                "areas": ["livsmedelskontroll"],
                "start_on": "2025-01-01",
                "notice_months": "12",
                "term": "indefinite",
                "internal_lead_days": "60",
                "review_interval_months": "12",
                "cost_basis": "per_capita",
                "annual_cost": "450000",
                "parties-0-municipality_code": "2021",
                "parties-0-role": "host",
                "parties-1-municipality_code": "2023",
                "parties-1-role": "purchaser",
                "save": "1",
            },
        )
    )
    agreement = session.scalars(select(Agreement)).one()
    url = f"/agreements/{agreement.id}/edit"
    data = main_form(client.get(url).get_data(as_text=True))
    data.update(
        {
            "notice_months": "6",
            "parties-0-decision_body": "Kommunfullmäktige",
            "parties-0-decision_on": "2025-11-20",
            "parties-2-municipality_code": "2026",
            "parties-2-role": "purchaser",
            "save": "1",
        }
    )
    _ok(client.post(url, data=data))
    vansbro, gagnef = agreement.party_for("2021"), agreement.party_for("2026")
    _ok(
        client.post(
            f"/agreements/{agreement.id}/parties/{vansbro.id}/contacts/new",
            data={"name": "Kim Ek", "title": "Miljöchef", "email": "kim@vansbro.se"},
        )
    )
    item = session.scalars(
        select(ChecklistItem).where(ChecklistItem.agreement_id == agreement.id)
    ).first()
    _ok(client.post(f"/checklist-items/{item.id}/toggle", data={"version": "1"}))
    _ok(
        client.post(
            f"/checklist-items/{item.id}",
            data={
                "version": "2",
                "status": "done",
                "responsible_party_id": str(vansbro.id),
                "responsible_person": "Kim Ek",
                "due_on": "2026-05-01",
            },
        )
    )
    auth.logout()
    auth.login("ada@example.se")
    _ok(
        client.post(
            f"/agreements/{agreement.id}/livscykel/fasbyte",
            data={"to_phase": "active", "override": "y", "reason": "Besluten finns på papper"},
        )
    )
    auth.logout()
    auth.login("eva@vansbro.se")
    _ok(
        client.post(
            f"/agreements/{agreement.id}/reviews/new",
            data={
                "reviewed_on": "2026-03-01",
                "rating": "yellow",
                "rating_comment": "Tillsynen ligger efter.",
                "goal_attainment": "partly",
                "cost_budget": "450000",
                "cost_outcome": "480000",
                "reported_to": "Kommunstyrelsen",
                "reported_on": "2026-03-10",
                "answers-carrier_left-answer": "yes",
                "answers-carrier_left-comment": "Miljöchefen har slutat.",
                "answers-initial_choices-answer": "partly",
            },
        )
    )
    _ok(
        client.post(
            f"/agreements/{agreement.id}/avveckling/ny",
            data={
                "kind": "withdrawal",
                "leaving_party_id": str(gagnef.id),
                "notice_party_id": str(gagnef.id),
                "notice_given_on": "2026-03-01",
                "effective_on": "2026-12-31",
            },
        )
    )
    plan = session.scalars(select(Exit)).one()
    detail = f"/agreements/{agreement.id}/avveckling/{plan.id}"
    _ok(
        client.post(
            f"{detail}/anta",
            data={"version": str(plan.version), "adopted_on": "2026-03-02", "decision_ref": "§ 12"},
        )
    )
    session.refresh(plan)
    task = plan.tasks[0]
    _ok(
        client.post(
            f"{detail}/uppgifter/{task.id}",
            data={
                "version": str(task.version),
                "status": "in_progress",
                "owner_name": "Per Ek",
                "due_on": "2026-09-30",
                "party_id": str(gagnef.id),
            },
        )
    )
    _ok(
        client.post(
            "/municipalities/2021/meetings",
            data={"body": "ks", "meeting_on": "2026-05-04", "case_deadline_on": "2026-04-13"},
        )
    )
    auth.logout()
    return agreement


def test_history_and_admin_log_name_every_field_and_value(client, auth, factory, session):
    factory.user("admin", None, email="ada@example.se", name="Ada Admin")
    factory.user("editor", "2021", email="eva@vansbro.se", name="Eva Lund")
    agreement = _realistic_flow(client, auth, session)
    object_types = set(
        session.scalars(
            select(AuditEvent.object_type).where(AuditEvent.agreement_id == agreement.id)
        )
    )
    assert {"agreement", "party", "contact", "checklist_item", "review", "exit"} <= object_types
    assert {"exit_task", "checklist"} <= object_types

    auth.login("ada@example.se")
    history = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    log = client.get("/admin/audit").get_data(as_text=True)
    for html in (history, log):
        cells = _diff_cells(html)
        assert len(cells) > 60
        assert [c for c in cells if RAW_KEY.fullmatch(c)] == []
        assert STORED_PARTY.findall(html) == []
    # The parties by name and role, the party ids and answer codes as words.
    assert "Vansbro (värd), Malung-Sälen (beställare), Gagnef (beställare)" in history
    assert '<ins class="diff__new">Livsmedelskontroll</ins>' in history  # an area's name
    assert "Budget för året (kr)" in history and "Gul – behöver uppmärksamhet" in history
    assert "Fråga 2: Har någon person som bär samverkan slutat eller bytt uppdrag?" in history
    assert '<ins class="diff__new">Ja: Miljöchefen har slutat.</ins>' in history
    assert re.search(r"Ansvarig part</th>\s*<td>.*?</td>\s*<td><ins[^>]*>Vansbro</ins>", history)
    assert re.search(r"Part som lämnar</th>\s*<td>.*?</td>\s*<td><ins[^>]*>Gagnef</ins>", history)
    # Meetings belong to a kommun, not an agreement: the admin log names their fields.
    assert "Sammanträdesdag" in log and "Kommunstyrelsen (KS)" in log

    client.get("/sprak/en")
    english = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert "Budget for the year (SEK)" in english
    assert "Vansbro (host), Malung-Sälen (purchaser)" in english


def test_oversight_changes_name_parties_and_fields(client, auth, factory, session):
    factory.user("admin", None, email="ada@example.se", name="Ada Admin")
    factory.user("editor", "2021", email="eva@vansbro.se", name="Eva Lund")
    _realistic_flow(client, auth, session)
    auth.login("eva@vansbro.se")
    page = client.get("/municipalities/2021/oversight").get_data(as_text=True)
    curated = page[page.index('id="changes-title"') :]
    curated = re.sub(r"\s+", " ", curated[: curated.rindex("</section>")])
    assert "Vansbro (värd), Malung-Sälen (beställare), Gagnef (beställare)" in curated
    assert "ansvarig part" not in curated  # checklist work: only on request
    page = client.get("/municipalities/2021/oversight?routine=1").get_data(as_text=True)
    section = page[page.index('id="changes-title"') :]
    section = re.sub(r"\s+", " ", section[: section.rindex("</section>")])
    assert "ansvarig part från tomt till Vansbro" in section
    assert "part från tomt till Gagnef" in section
    assert STORED_PARTY.findall(section) == []
    for raw in ("party id", "due on", "owner name", "instantiate", "override_transition"):
        assert raw not in section


def test_names_are_looked_up_once_per_page_not_per_event(client, auth, factory, session):
    factory.user("admin", None, email="ada@example.se")
    auth.login("ada@example.se")

    def municipality_queries(url):
        with counted_statements() as statements:
            assert client.get(url).status_code == 200
        return len([s for s in statements if "FROM municipality" in s])

    factory.agreement()
    few = municipality_queries("/admin/audit")
    for _ in range(5):
        factory.agreement(parties=[("0180", "host"), ("0181", "purchaser"), ("0182", "purchaser")])
    assert municipality_queries("/admin/audit") == few


def test_every_event_of_the_demo_has_named_fields(app, session, demo_database):
    demo_database(seed=1)
    events = list(session.scalars(select(AuditEvent)))
    unnamed = {
        (view.event.object_type, change.field)
        for view in describe_all(session, events)
        for change in view.changes
        if change.label == change.field
    }
    assert unnamed == set()
    types = {e.object_type for e in events}
    assert {t for t in types if labels.object_label(t) == t} == set()
    actions = {e.action for e in events}
    assert {a for a in actions if labels.action_label(a) == a} == set()
