"""A KS secretary in Vansbro plans the year from the årshjul: the 2026 elections, the 2027
annual reports, marks an election done and sees it on the agreement's Årshjul tab."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

FORBUND = "Räddningstjänstförbundet Västra Dalarna"


def test_secretary_plans_the_year_and_marks_an_election_done(page, live_app, demo_database):
    from coop_tracker.demo.users import DEMO_PASSWORD

    with live_app.app_context():
        demo_database(seed=1)

    login(page, "redaktor@vansbro.demo.se", DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/municipalities/2021/oversight")
    annual = page.locator(
        "section", has=page.get_by_role("heading", name="Årshjul: att göra inom 6 månader")
    )
    assert f"Val av ledamöter och ersättare för 2027–2030: {FORBUND}" in annual.inner_text()
    annual.get_by_role("link", name="Hela årshjulet för 2026").click()
    page.wait_for_url("**/municipalities/2021/year")
    assert page.locator("h1").inner_text() == "Årshjul 2026"
    december = page.get_by_role("table", name="December 2026")
    assert f"Val av ledamöter och ersättare för 2027–2030: {FORBUND}" in december.inner_text()
    assert "Allmänna val hålls 2026-09-13" in page.locator("main").inner_text()
    assert_accessible(page, "annual-01-year-2026")

    page.get_by_role("link", name="2027 →").click()
    april = page.get_by_role("table", name="April 2027")
    assert f"Årsredovisning 2026: {FORBUND}" in april.inner_text()
    june = page.get_by_role("table", name="Juni 2027")
    assert f"Ansvarsprövning 2026 i fullmäktige: {FORBUND}" in june.inner_text()
    assert_accessible(page, "annual-02-year-2027")

    page.get_by_role("link", name="← 2026").click()
    december = page.get_by_role("table", name="December 2026")
    row = december.get_by_role("row").filter(has_text=f"2027–2030: {FORBUND}")
    row.get_by_role("link", name="Markera som klar").click()
    page.get_by_role("button", name="Spara som klar").click()  # no reference yet
    assert (
        "Ange referens (diarienummer eller paragraf)."
        in page.locator(".error-summary").inner_text()
    )
    assert_accessible(page, "annual-03-done-refused")
    page.get_by_label("Referens (diarienummer eller paragraf)").fill("KF 2026-11-30 § 112")
    page.get_by_role("button", name="Spara som klar").click()
    page.wait_for_url("**/municipalities/2021/year?year=2026")
    december = page.get_by_role("table", name="December 2026")
    assert "KF 2026-11-30 § 112" in december.inner_text()

    page.get_by_role(
        "link", name=f"Val av ledamöter och ersättare för 2027–2030: {FORBUND}", exact=True
    ).click()
    assert page.locator("h1").inner_text() == "Årshjul"
    duties = page.get_by_role("table", name="Återkommande uppgifter 2026")
    assert "KF 2026-11-30 § 112" in duties.inner_text()  # Vansbro's; the others still to do
    assert "Att göra" in duties.inner_text()
    assert_accessible(page, "annual-04-agreement-tab")
