"""A kommun administrator in the browser: its own kommun's people, never another kommun's."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def _world(live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("kommun_admin", "2021", email="karin@vansbro.se", name="Karin Ask")
        factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
        mora = factory.user("editor", "2062", email="maria@mora.se", name="Maria Nyström")
        factory.user("admin", None, email="admin@region.se", name="Ada Admin")
        return mora.id


def test_kommun_admin_manages_its_own_people(page, live_app):
    mora_id = _world(live_app)
    login(page, "karin@vansbro.se")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Administration").click()
    page.wait_for_url("**/admin/users")
    table = page.locator("table").inner_text()
    assert "Anna Berg" in table and "Karin Ask" in table
    assert "Maria Nyström" not in table and "Ada Admin" not in table
    assert page.get_by_role("link", name="Händelselogg").count() == 0
    assert_accessible(page, "kommun-admin-01-users")

    page.get_by_role("link", name="Skapa användare").click()
    roles = page.get_by_label("Roll").locator("option").all_inner_texts()
    assert "Administratör" not in roles and "Kommunadministratör" in roles
    kommuner = page.get_by_label("Hemkommun").locator("option").all_inner_texts()
    assert [k for k in kommuner if "(" in k] == ["Vansbro (2021)"]
    page.get_by_label("E-post").fill("olle@vansbro.se")
    page.get_by_label("Namn").fill("Olle Lind")
    page.get_by_label("Roll").select_option("reader")
    page.get_by_label("Hemkommun").select_option("2021")
    page.get_by_label("Lösenord").fill("ett-nytt-bra-losenord")
    page.get_by_role("button", name="Skapa användaren").click()
    page.wait_for_url("**/admin/users")
    assert "Kontot för Olle Lind är skapat." in page.content()
    assert "Olle Lind" in page.locator("table").inner_text()

    # Another kommun's person is not there for a kommun administrator.
    response = page.goto(f"/admin/users/{mora_id}")
    assert response is not None and response.status == 404


def test_kommun_admin_sets_the_kommuns_deadlines_and_reminders(page, live_app):
    _world(live_app)
    login(page, "karin@vansbro.se")
    page.wait_for_url("**/")
    page.goto("/admin/users")
    page.get_by_role("link", name="Kommunens inställningar").click()
    page.wait_for_url("**/municipalities/2021/settings")
    assert_accessible(page, "kommun-admin-02-settings")
    page.get_by_label("Tid för justering, anslag och delgivning (dagar)").fill("tre veckor")
    page.get_by_role("button", name="Spara").click()
    summary = page.locator(".error-summary")
    assert "måste vara ett heltal" in summary.inner_text()
    assert_accessible(page, "kommun-admin-03-settings-error")
    page.get_by_label("Tid för justering, anslag och delgivning (dagar)").fill("21")
    page.get_by_label("Avsändarnamn i påminnelser").fill("Vansbro kommun")
    page.get_by_label("Svarsadress").fill("registrator@vansbro.se")
    page.get_by_role("button", name="Spara").click()
    assert "Inställningarna för Vansbro är sparade." in page.content()
    assert (
        page.get_by_label("Tid för justering, anslag och delgivning (dagar)").input_value() == "21"
    )

    page.get_by_role("link", name="Publicering").click()
    page.wait_for_url("**/municipalities/2021/publication")
    assert_accessible(page, "kommun-admin-04-publication")

    page.get_by_role("link", name="Personuppgifter").click()
    page.wait_for_url("**/personuppgifter")
    assert "Personuppgiftsansvarig" in page.content()
    assert_accessible(page, "kommun-admin-05-personal-data")
