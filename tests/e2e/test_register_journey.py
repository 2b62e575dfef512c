"""A kommundirektör registers an avtalssamverkan, finds it in the list and opens it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_register_find_and_open_an_agreement(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        Factory(db.session).user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")

    login(page, "anna@vansbro.se")
    page.wait_for_url("**/")
    assert "Kommunens samverkan" in page.content()
    assert_accessible(page, "01-start")

    page.get_by_role("link", name="Registrera ny samverkan").first.click()
    assert_accessible(page, "02-new-form")
    page.get_by_label("Namn på samverkan").fill("Miljö- och hälsoskydd Vansbro–Malung-Sälen")
    page.get_by_label("Avtalssamverkan").check()
    page.get_by_label("Miljö- och hälsoskydd").check()
    page.get_by_label("Startdatum").fill("2025-01-01")
    page.get_by_label("Slutdatum").fill("2027-12-31")
    page.get_by_label("Förlängs automatiskt").check()
    page.get_by_label("Förlängningsperiod (månader)").fill("12")
    page.get_by_label("Uppsägningstid (månader)").fill("6")
    page.locator("#parties-0-role").select_option("host")
    page.locator("#parties-1-municipality_code").select_option("2023")
    # Forget the second party's role first: the error summary must name it.
    page.get_by_role("button", name="Registrera samverkan").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Part 2: välj roll" in summary.inner_text()
    assert_accessible(page, "03-form-errors")

    page.locator("#parties-1-role").select_option("purchaser")
    page.get_by_role("button", name="Registrera samverkan").click()
    page.wait_for_url("**/agreements/*")
    assert "är registrerad" in page.content()
    assert_accessible(page, "04-detail")
    assert "2027-06-30" in page.content()  # notice deadline: 6 months before the term end

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Samverkan").click()
    page.get_by_label("Sök").fill("Malung")
    page.get_by_role("button", name="Visa").click()
    assert_accessible(page, "05-list")
    page.set_viewport_size({"width": 1280, "height": 900})
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # no column hidden
    page.get_by_role("link", name="Miljö- och hälsoskydd Vansbro–Malung-Sälen").click()
    assert page.locator("h1").inner_text() == "Miljö- och hälsoskydd Vansbro–Malung-Sälen"
