"""Who answers for an agreement in each kommun: the kommun administrator keeps the list of
nämnder, an editor picks the responsible nämnd from it, and the agreement list is filtered by
that nämnd and by a party that is not a kommun (Region Dalarna)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def _setup(live_app: Any) -> None:
    from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement
    from coop_tracker.core.actor import Actor
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("kommun_admin", "2080", email="admin@falun.se", name="Alva Admin")
        factory.user("editor", "2080", email="erik@falun.se", name="Erik Redaktör")
        create_agreement(
            db.session,
            AgreementInput(
                title="Hjälpmedelsnämnden Dalarna",
                form="gemensam_namnd",
                area_slugs=["kommunal-halso-sjukvard"],
                start_on="2020-01-01",
                parties=[
                    PartyInput(organisation="20", role="host"),
                    PartyInput(municipality_code="2080", role="member"),
                    PartyInput(municipality_code="2081", role="member"),
                ],
            ),
            actor=Actor.system(),
        )
        create_agreement(
            db.session,
            AgreementInput(
                title="Socialjour Falun och Borlänge",
                form="avtalssamverkan",
                area_slugs=["socialtjanst"],
                start_on="2022-01-01",
                parties=[
                    PartyInput(municipality_code="2080", role="host"),
                    PartyInput(municipality_code="2081", role="purchaser"),
                ],
            ),
            actor=Actor.system(),
        )
        db.session.commit()


def test_kommun_keeps_its_nämnder_and_the_list_is_filtered_by_them(page, live_app):
    _setup(live_app)
    login(page, "admin@falun.se")
    page.wait_for_url("**/")
    page.goto("/municipalities/2080/settings")
    page.get_by_role("link", name="Nämnder").click()
    page.wait_for_url("**/municipalities/2080/bodies")
    assert "Kommunfullmäktige" in page.content() and "Kommunstyrelsen" in page.content()
    page.get_by_label("Nämndens namn").fill("kommunstyrelsen")
    page.get_by_role("button", name="Lägg till nämnden").click()
    assert "finns redan i listan för Falun" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "responsible-01-bodies-error")
    for name in ("Socialnämnden", "Miljö- och byggnadsnämnden"):
        page.get_by_label("Nämndens namn").fill(name)
        page.get_by_role("button", name="Lägg till nämnden").click()
        assert f"”{name}” är tillagd i listan." in page.content()
    assert_accessible(page, "responsible-02-bodies")
    page.get_by_role("link", name="Miljö- och byggnadsnämnden").click()
    page.get_by_label("Nämndens namn").fill("Samhällsbyggnadsnämnden")
    assert_accessible(page, "responsible-03-body-edit")
    page.get_by_role("button", name="Spara namnet").click()
    assert "heter nu ”Samhällsbyggnadsnämnden”" in page.content()

    page.context.clear_cookies()
    login(page, "erik@falun.se")
    page.wait_for_url("**/")
    page.goto("/agreements/?q=Socialjour")
    page.get_by_role("link", name="Socialjour Falun och Borlänge").click()
    page.get_by_role("link", name="Ändra uppgifter").click()
    choice = page.locator("#parties-0-responsible_body")
    options = choice.locator("option").all_inner_texts()
    assert options == [
        "Ingen vald",
        "Kommunfullmäktige",
        "Kommunstyrelsen",
        "Samhällsbyggnadsnämnden",
        "Socialnämnden",
    ]
    choice.select_option("Socialnämnden")
    assert_accessible(page, "responsible-04-party-form")
    page.get_by_role("button", name="Spara").first.click()
    page.wait_for_url("**/agreements/*")
    assert "Ansvarig: Socialnämnden" in page.content()

    page.goto("/agreements/")
    page.get_by_label("Ansvarig nämnd eller tjänsteperson").fill("socialnämnden")
    page.get_by_role("button", name="Visa").click()
    results = page.locator("table").inner_text()
    assert "Socialjour Falun och Borlänge" in results
    assert "Hjälpmedelsnämnden Dalarna" not in results
    assert "Urval: ansvarig nämnd eller person: ”socialnämnden”" in page.content()
    assert_accessible(page, "responsible-05-list-by-nämnd")

    page.get_by_label("Ansvarig nämnd eller tjänsteperson").fill("")
    page.get_by_label("Region, förbund eller annan part").select_option(label="Region Dalarna")
    page.get_by_role("button", name="Visa").click()
    results = page.locator("table").inner_text()
    assert "Hjälpmedelsnämnden Dalarna" in results
    assert "Socialjour Falun och Borlänge" not in results
    assert "Urval: part: Region Dalarna" in page.content()
    assert_accessible(page, "responsible-06-list-by-region")
