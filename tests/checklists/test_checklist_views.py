"""Checklist pages: toggling with and without JavaScript, editing, conflicts, admin, lists."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop_tracker.checklists.models import ChecklistItem, ChecklistTemplate
from tests.sql_support import counted_statements


def _first(session, agreement, key="before/purpose-goals"):
    return session.scalars(
        select(ChecklistItem).where(
            ChecklistItem.agreement_id == agreement.id, ChecklistItem.key == key
        )
    ).one()


def _an_item_and_its_editor(factory, auth, session):
    """A new agreement and its first "before" item, with a Vansbro editor logged in."""
    factory.user("editor", "2021", email="e@vansbro.se")
    agreement = factory.agreement()
    item = _first(session, agreement)
    auth.login("e@vansbro.se")
    return agreement, item


def _toggle_by_script(client, item, version):
    """Toggle ``item`` as the page's script does (it asks for JSON), from ``version``."""
    return client.post(
        f"/checklist-items/{item.id}/toggle",
        data={"version": version},
        headers={"Accept": "application/json"},
    )


def test_toggle_without_javascript_posts_and_redirects_back(client, factory, auth, session):
    agreement, item = _an_item_and_its_editor(factory, auth, session)
    response = client.post(f"/checklist-items/{item.id}/toggle", data={"version": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/agreements/{agreement.id}/checklista#item-{item.id}"
    )
    session.refresh(item)
    assert item.status == "done"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "är klar." in page
    assert "Markera som ej klar" in page
    overview = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert re.search(r"<dt[^>]*>Före</dt><dd[^>]*>1 av \d+ klara", overview)


def test_toggle_with_javascript_answers_json(client, factory, auth, session):
    agreement, item = _an_item_and_its_editor(factory, auth, session)
    response = _toggle_by_script(client, item, "1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "done" and body["version"] == 2
    assert body["progress"]["phase"] == "before" and body["progress"]["resolved"] == 1
    assert body["progress"]["text"].startswith("1 av ")
    # The same (now stale) version again: 409 with the current values, nothing overwritten.
    stale = _toggle_by_script(client, item, "1")
    assert stale.status_code == 409
    assert stale.get_json()["error"] == "conflict"
    assert stale.get_json()["current"]["status"] == "done"
    session.refresh(item)
    assert item.status == "done"


def test_the_script_is_told_in_the_readers_language(client, factory, auth, session):
    """What the page's script announces after a toggle (read aloud by screen readers)."""
    agreement, item = _an_item_and_its_editor(factory, auth, session)
    client.get("/sprak/en")
    body = _toggle_by_script(client, item, "1").get_json()
    assert body["announcement"].startswith(f"“{item.template_item.text_en}” is done. Before: 1 of ")
    assert body["progress"]["label"].startswith("Before: 1 of ")
    client.get("/sprak/sv")
    body = _toggle_by_script(client, item, "2").get_json()
    assert body["announcement"].startswith(
        f"”{item.template_item.text_sv}” är att göra. Före: 0 av "
    )


def test_stale_toggle_without_javascript_warns(client, factory, auth, session):
    agreement, item = _an_item_and_its_editor(factory, auth, session)
    client.post(f"/checklist-items/{item.id}/toggle", data={"version": "1"})
    response = client.post(
        f"/checklist-items/{item.id}/toggle", data={"version": "1"}, follow_redirects=True
    )
    assert "Någon annan har ändrat punkten" in response.get_data(as_text=True)
    session.refresh(item)
    assert item.status == "done"


def test_readers_and_other_kommuner_cannot_toggle(client, factory, auth, session):
    factory.user("reader", "2021", email="r@vansbro.se")
    factory.user("editor", "0180", email="e@stockholm.se")
    agreement = factory.agreement(phase="active")
    item = _first(session, agreement)
    auth.login("r@vansbro.se")
    assert (
        client.post(f"/checklist-items/{item.id}/toggle", data={"version": "1"}).status_code == 403
    )
    page = client.get(f"/agreements/{agreement.id}/checklista").get_data(as_text=True)
    assert "Markera som klar" not in page
    auth.logout()
    auth.login("e@stockholm.se")
    assert (
        client.post(f"/checklist-items/{item.id}/toggle", data={"version": "1"}).status_code == 403
    )


def test_item_form_not_applicable_needs_a_reason(client, factory, auth, session):
    agreement, item = _an_item_and_its_editor(factory, auth, session)
    assert client.get(f"/checklist-items/{item.id}").status_code == 200
    response = client.post(
        f"/checklist-items/{item.id}", data={"version": "1", "status": "not_applicable"}
    )
    assert response.status_code == 422
    assert "Ange skäl till att punkten inte är tillämplig." in response.get_data(as_text=True)
    response = client.post(
        f"/checklist-items/{item.id}",
        data={
            "version": "1",
            "status": "not_applicable",
            "not_applicable_reason": "Syftet framgår av förbundsordningen",
            "responsible_person": "Eva Lund",
            "due_on": "2026-05-31",
        },
    )
    assert response.status_code == 302
    session.refresh(item)
    assert (item.status, item.responsible_person) == ("not_applicable", "Eva Lund")


def test_item_form_conflict_shows_the_other_persons_values(client, factory, auth, session):
    agreement, item = _an_item_and_its_editor(factory, auth, session)
    client.post(f"/checklist-items/{item.id}/toggle", data={"version": "1"})
    response = client.post(
        f"/checklist-items/{item.id}",
        data={"version": "1", "status": "open", "note": "Min anteckning"},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "status: done" in page
    assert "Min anteckning" in page  # what the user typed is still there


def test_bring_up_to_date_button(client, factory, auth, session):
    factory.user("admin", None, email="a@x.se")
    agreement = factory.agreement()
    auth.login("a@x.se")
    page = client.get(f"/agreements/{agreement.id}/checklista").get_data(as_text=True)
    assert "Uppdatera checklistan" not in page
    response = client.post(
        "/admin/checklistor/before/ny-punkt",
        data={"revision": "1", "text_sv": "Riskerna är analyserade", "is_required": "y"},
    )
    assert response.status_code == 302
    page = client.get(f"/agreements/{agreement.id}/checklista").get_data(as_text=True)
    # Not yet a question on the list; the banner says what the update would add.
    assert page.count("Riskerna är analyserade") == 1
    assert "Ny fråga: Riskerna är analyserade <strong>(obligatorisk)</strong>" in page
    assert "Uppdatera checklistan" in page
    overview = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Ny fråga: Riskerna är analyserade" in overview  # also on the agreement's page
    response = client.post(
        f"/agreements/{agreement.id}/checklista/uppdatera", follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "1 nya punkter" in page
    assert "Riskerna är analyserade" in page
    assert "Ny fråga:" not in page


def test_admin_template_pages_and_editor_refused(client, factory, auth, session):
    factory.user("admin", None, email="a@x.se")
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    assert client.get("/admin/checklistor").status_code == 403
    auth.logout()
    auth.login("a@x.se")
    page = client.get("/admin/checklistor").get_data(as_text=True)
    assert "Före: kommunalförbund och förbundsordning" in page
    response = client.post(
        "/admin/checklistor/before/punkter/purpose-goals",
        data={"revision": "1", "text_sv": ""},
    )
    assert response.status_code == 422
    assert "Ange fråga på svenska." in response.get_data(as_text=True)
    response = client.post(
        "/admin/checklistor/before/punkter/purpose-goals",
        data={
            "revision": "1",
            "text_sv": "Syftet är beskrivet",
            "is_required": "y",
            "roles": ["host"],
            "per_party": "y",
        },
        follow_redirects=True,
    )
    assert "har fått version 2" in response.get_data(as_text=True)
    current = session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.key == "before", ChecklistTemplate.is_current.is_(True)
        )
    )
    edited = next(i for i in current.items if i.key == "purpose-goals")
    assert (edited.text_sv, edited.roles, edited.per_party) == (
        "Syftet är beskrivet",
        ["host"],
        True,
    )
    stale = client.post(
        "/admin/checklistor/before/punkter/purpose-goals",
        data={"revision": "1", "text_sv": "Annat"},
    )
    assert stale.status_code == 409


def test_agreement_list_shows_progress_with_a_constant_number_of_queries(
    client, factory, auth, session
):
    factory.user("editor", "2021", email="e@vansbro.se")
    first = factory.agreement()
    item = _first(session, first)
    item.status = "done"
    session.commit()
    auth.login("e@vansbro.se")
    total = session.query(ChecklistItem).filter_by(agreement_id=first.id).count()

    def queries_for_list() -> tuple[list[str], str]:
        session.remove()  # the test shares the app's session: start each request cold
        with counted_statements(session.get_bind()) as counted:
            page = client.get("/agreements/").get_data(as_text=True)
        return counted, page

    few, page = queries_for_list()
    assert f"Före: 1/{total}" in page
    for _ in range(4):
        factory.agreement()
    many, _page = queries_for_list()
    assert len(few) == len(many), (few, many)


def test_admin_updates_a_selection_and_a_refusal_is_logged(client, factory, auth, session):
    factory.user("admin", None, email="a@x.se")
    first = factory.agreement(title="Första planerade")
    second = factory.agreement(title="Andra planerade")
    ended = factory.agreement(title="Slutförd samverkan", phase="ended")
    auth.login("a@x.se")
    client.post(
        "/admin/checklistor/before/ny-punkt",
        data={"revision": "1", "text_sv": "Riskerna är analyserade", "is_required": "y"},
    )
    page = client.get("/admin/checklistor/versioner?mall=before").get_data(as_text=True)
    assert "Första planerade" in page and "Andra planerade" in page
    assert "Slutförd samverkan" not in page  # closed agreements are not offered
    refused = client.post(
        "/admin/checklistor/versioner", data={"agreement": [str(first.id), str(ended.id)]}
    )
    assert refused.status_code == 422
    assert "”Slutförd samverkan” är avslutad eller arkiverad" in refused.get_data(as_text=True)
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Nekad" in log and "Uppdatera checklistor i en omgång" in log
    response = client.post(
        "/admin/checklistor/versioner",
        data={"agreement": [str(first.id), str(second.id)]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "2 samverkan följer nu de senaste mallarna: 2 nya punkter" in page
    assert "Alla pågående och planerade samverkan följer de senaste mallversionerna." in page
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Checklistor uppdaterade i en omgång" in log
