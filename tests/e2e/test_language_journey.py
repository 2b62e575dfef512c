"""A reader switches to English, reads the register and a form in English, and switches back."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_english_pages_and_back_to_swedish(page, live_app):
    from coop_tracker.extensions import db
    from tests.core.test_i18n import MO_FILE, PO_FILE
    from tests.factories import Factory

    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        pytest.fail("the English catalogue is not compiled: run `make translations`")
    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
        agreement = factory.agreement(
            [("2021", "host"), ("2023", "member"), ("2026", "member")],
            form="gemensam_namnd",
            areas=["overformyndare"],
            title="Gemensam överförmyndarnämnd Västerdalarna",
            end_on="2027-12-31",
            renewal="tacit",
            renewal_months=24,
            notice_months=12,
            purpose="Rättssäker tillsyn över gode män och förvaltare.",
            phase="active",
        )
        agreement_id = agreement.id

    login(page, "anna@vansbro.se")
    page.wait_for_url("**/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Needs attention").is_visible()
    assert "Behöver uppmärksamhet" not in page.content()
    assert_accessible(page, "en-01-start")

    page.goto(f"/agreements/{agreement_id}")
    assert page.get_by_role("heading", name="Dates and terms").is_visible()
    assert "Joint committee" in page.content()
    assert "Guardianship supervision" in page.content()  # the area in English
    assert "Gemensam överförmyndarnämnd Västerdalarna" in page.content()  # data as typed
    assert_accessible(page, "en-02-detail")

    page.goto("/agreements/new")
    page.get_by_role("button", name="Register the cooperation").click()
    summary = page.locator(".error-summary")
    assert "There are errors to correct" in summary.inner_text()
    assert "Enter name." in summary.inner_text()
    assert_accessible(page, "en-03-form-errors")

    # The scripts speak English too: the network graph's status, key and side panel.
    page.goto("/network?overview=kommuner")
    page.wait_for_selector("#network-canvas[data-ready=true]")
    assert page.locator("#network-status").inner_text() == (
        "The graph is drawn: 290 municipalities and 3 links."
    )
    assert page.get_by_role("heading", name="Key").is_visible()
    page.get_by_label("Search for a municipality in the graph").fill("Atlantis")
    page.locator("[data-network-search]").get_by_role("button", name="Show").click()
    assert page.locator("#network-search-error").inner_text() == (
        "Found no municipality called “Atlantis” in the graph."
    )
    page.get_by_label("Search for a municipality in the graph").fill("Vansbro")
    page.locator("[data-network-search]").get_by_role("button", name="Show").click()
    panel = page.locator("#network-panel")
    panel.get_by_role("heading", name="Vansbro").wait_for()
    assert "Joint committee, host; with Malung-Sälen, Gagnef" in panel.inner_text()
    assert "Host for" in panel.inner_text() and "2 municipalities" in panel.inner_text()
    assert panel.get_by_role("link", name="Show the municipality's neighbourhood").is_visible()
    assert "Teckenförklaring" not in page.content() and "Grafen är ritad" not in page.content()
    assert_accessible(page, "en-05-network")

    # Someone else ticks a checklist item while the page is open: the script's note is English.
    page.goto(f"/agreements/{agreement_id}/checklista")
    first = page.locator("form[data-checklist-toggle]").first
    item_id = int(first.evaluate("f => f.closest('li').id").removeprefix("item-"))
    with live_app.app_context():
        from coop_tracker.checklists.items import toggle_item
        from coop_tracker.checklists.models import ChecklistItem
        from coop_tracker.core.actor import Actor

        item = db.session.get(ChecklistItem, item_id)
        toggle_item(db.session, item, expected_version=item.version, actor=Actor.system("cli"))
        db.session.commit()
    first.get_by_role("button").click()
    note = page.locator(f"#item-{item_id} [data-toggle-error]")
    note.wait_for()
    assert note.inner_text().endswith("Reload the page to see the latest version.")
    assert_accessible(page, "en-06-checklist-stale")

    page.goto("/municipalities/2021")
    assert "As host municipality or provider" in page.content()
    assert_accessible(page, "en-04-municipality")

    page.get_by_role("link", name="Svenska").click()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert "Som värdkommun eller utförare" in page.content()
