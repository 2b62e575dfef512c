"""A politician (reader) opens the uppsikt page, filters it, reads the report and downloads the
PDF for the kommunstyrelse meeting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_politician_reviews_oversight_and_downloads_the_report(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("reader", "2021", email="karin@vansbro.se", name="Karin Ordförande")
        miljo = factory.agreement(
            [("2021", "host"), ("2023", "purchaser")],
            title="Miljötillsyn Vansbro och Malung-Sälen",
            areas=["miljo-halsoskydd"],
            annual_cost="200000",
            phase="active",
        )
        miljo.parties[0].cost_share_percent = Decimal("40")
        db.session.commit()
        factory.agreement(
            [("2062", "host"), ("2021", "purchaser")],
            title="Lönecenter Mora",
            areas=["lon"],
            phase="active",
        )
        factory.agreement(
            [("2021", "member"), ("2023", "member")],
            form="kommunalforbund",
            title="Räddningstjänsten Dala Mitt",
            areas=["raddningstjanst"],
            phase="planned",
        )

    login(page, "karin@vansbro.se")
    page.wait_for_url("**/")
    page.goto("/municipalities/2021")
    page.get_by_role("link", name="Uppsikt: samverkan att följa upp").click()
    page.wait_for_url("**/municipalities/2021/oversight")
    assert page.locator("h1").inner_text() == "Uppsikt över kommunens samverkan"
    table = page.get_by_role("table", name="Samverkan där Vansbro är part")
    assert "Lönecenter Mora" in table.inner_text()
    assert "försenad" in table.inner_text()
    assert_accessible(page, "oversight-01-page")
    # At 1280 px every column is visible: the table does not scroll sideways.
    page.set_viewport_size({"width": 1280, "height": 900})
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1")

    page.get_by_label("Kommunens roll").select_option("host")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**/oversight?*role=host*")
    table = page.get_by_role("table", name="Samverkan där Vansbro är part")
    assert "Miljötillsyn Vansbro och Malung-Sälen" in table.inner_text()
    assert "Lönecenter Mora" not in table.inner_text()
    assert_accessible(page, "oversight-02-filtered")

    page.get_by_role("link", name="Visa rapporten som webbsida").click()
    page.wait_for_url("**/oversight/report?*")
    assert "Karin Ordförande" in page.content()
    assert_accessible(page, "oversight-03-report")
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner mötesrapport (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("uppsikt-2021-")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
