"""A politician in Vansbro opens the demo register: attention list, search, one agreement."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_demo_register_reads_well_for_a_reader(page, live_app, demo_database):
    from coop_tracker.demo.users import DEMO_PASSWORD

    with live_app.app_context():
        demo_database(seed=1)

    login(page, "lasare@vansbro.demo.se", DEMO_PASSWORD)
    page.wait_for_url("**/")
    attention = page.locator(
        "section", has=page.get_by_role("heading", name="Behöver uppmärksamhet")
    )
    assert "ärendet om uppsägning" in attention.inner_text()
    assert page.get_by_role("link", name="Registrera ny samverkan").count() == 0  # a reader
    assert_accessible(page, "demo-01-start")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Samverkan").click()
    page.get_by_label("Sök").fill("överförmyndar")
    page.get_by_role("button", name="Visa").click()
    assert_accessible(page, "demo-02-list")

    page.get_by_role("link", name="Gemensam överförmyndarnämnd i norra och västra Dalarna").click()
    assert (
        page.locator("h1").inner_text() == "Gemensam överförmyndarnämnd i norra och västra Dalarna"
    )
    parties = page.locator("section", has=page.get_by_role("heading", name="Parter", exact=True))
    assert "Värd" in parties.inner_text() and "Kommunfullmäktige" in parties.inner_text()
    assert_accessible(page, "demo-03-detail")
