"""An administrator enters KPI values; an editor gives a förbund its cost model by population
with a KPI clause; a politician reads the kommun's share on Uppsikt."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_cost_model_by_population_with_kpi_from_entry_to_uppsikt(page, live_app):
    from coop_tracker.extensions import db
    from coop_tracker.municipalities.models import Municipality
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("admin", None, email="admin@example.se")
        factory.user("editor", "2021", email="ingrid@vansbro.se")
        for code, population in (("2021", 5_000), ("2023", 12_000), ("2062", 28_000)):
            kommun = db.session.get(Municipality, code)
            kommun.population, kommun.population_year = population, 2025
        db.session.commit()
        agreement = factory.agreement(
            [("2021", "member"), ("2023", "member"), ("2062", "member")],
            form="kommunalforbund",
            title="Räddningstjänsten Västerdalarna",
            phase="active",
        )
        agreement_id = agreement.id

    login(page, "admin@example.se")
    page.wait_for_url("**/")
    page.goto("/costs/reference")
    for year, level in (("2024", "400"), ("2025", "405"), ("2026", "410")):
        page.get_by_label("Indexserie").fill("KPI")
        page.get_by_label("År", exact=True).fill(year)
        page.get_by_label("Indexnivå").fill(level)
        page.get_by_label("Källa", exact=True).first.fill("Testvärden")
        page.get_by_role("button", name="Spara indexvärde").click()
    assert "410,0000" in page.get_by_role("table", name="Inlagda indexvärden").inner_text()
    assert_accessible(page, "costs-01-reference")
    page.get_by_role("button", name="Logga ut").click()

    login(page, "ingrid@vansbro.se")
    page.wait_for_url("**/")
    page.goto(f"/agreements/{agreement_id}/costs")
    page.get_by_label("Totalbelopp per år (kr)").fill("1 000 000")
    page.get_by_label("Basår (prisnivå)").fill("2024")
    page.get_by_label("Indexserie").fill("KPI")
    page.get_by_role("button", name="Spara kostnadsmodellen").click()
    table = page.get_by_role("table", name="Kostnad 2026 (i år)")
    text = table.inner_text().replace("\u00a0", " ")
    assert "113 889 kr" in text and "1 025 000 kr" in text
    assert_accessible(page, "costs-02-agreement-tab")

    page.goto("/municipalities/2021/oversight")
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Kommunens andel enligt kostnadsmodell")
    )
    assert "113 889 kr" in section.inner_text().replace("\u00a0", " ")
    assert_accessible(page, "costs-03-oversight")
