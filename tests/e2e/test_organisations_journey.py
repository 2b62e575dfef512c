"""Parties that are not kommuner: a Finsam with its four kinds of member, a kommun buying
räddningstjänst from a förbund it is not a member of, and each party's own review seen on both
kommuners' Uppsikt."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def _users(live_app: Any, *users: tuple[str, str]) -> None:
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        for code, email in users:
            factory.user("editor", code, email=email, name=email.split("@")[0].title())


def _party(page: Any, index: int, label: str, role: str) -> None:
    page.locator(f"#parties-{index}-municipality_code").select_option(label=label)
    page.locator(f"#parties-{index}-role").select_option(role)


def test_register_a_finsam_with_its_members(page, live_app):
    _users(live_app, ("2080", "karin@falun.se"))
    login(page, "karin@falun.se")
    page.wait_for_url("**/")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Organisationer"
    ).click()
    assert_accessible(page, "orgs-01-list")
    page.get_by_role("link", name="Registrera förbund eller bolag").click()
    page.get_by_label("Samordningsförbund (Finsam)").check()
    page.get_by_label("Namn", exact=True).fill("Samordningsförbundet Södra Dalarna")
    page.get_by_label("Organisationsnummer").fill("222000-1231")  # wrong check digit
    page.get_by_role("button", name="Registrera").click()
    assert "kontrollsiffra" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "orgs-02-form-error")
    page.get_by_label("Organisationsnummer").fill("")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_url("**/organisations/*")
    assert "Inga medlemmar registrerade" in page.content()

    page.goto("/agreements/new")
    page.get_by_label("Namn på samverkan").fill("Finsam i södra Dalarna")
    page.get_by_label("Samordningsförbund (Finsam)").check()
    page.get_by_label("Socialtjänst").check()
    page.get_by_label("Förbundet eller bolaget som samverkan bildar").select_option(
        label="Samordningsförbundet Södra Dalarna (samordningsförbund (finsam))"
    )
    for _ in range(4):
        page.get_by_role("button", name="Lägg till en part").click()
    _party(page, 0, "Falun (2080)", "member")
    _party(page, 1, "Borlänge (2081)", "member")
    _party(page, 2, "Säter (2082)", "member")
    _party(page, 3, "Region Dalarna (region)", "member")
    _party(page, 4, "Försäkringskassan (statlig myndighet)", "member")
    _party(page, 5, "Försäkringskassan (statlig myndighet)", "member")
    page.get_by_role("button", name="Registrera samverkan").click()
    summary = page.locator(".error-summary").inner_text()
    assert "Försäkringskassan finns redan med som part" in summary
    assert_accessible(page, "orgs-03-finsam-errors")

    _party(page, 5, "Arbetsförmedlingen (statlig myndighet)", "member")
    page.get_by_role("button", name="Registrera samverkan").click()
    page.wait_for_url("**/agreements/*")
    content = page.content()
    for name in ("Försäkringskassan", "Arbetsförmedlingen", "Region Dalarna", "Säter"):
        assert name in content
    assert_accessible(page, "orgs-04-finsam-detail")

    page.get_by_role("link", name="Region Dalarna").first.click()
    assert "Finsam i södra Dalarna" in page.content()
    page.goto("/organisations/?kind=finsam")
    page.get_by_role("link", name="Samordningsförbundet Södra Dalarna").click()
    members = page.locator("#members-heading + ul").inner_text()
    assert "Försäkringskassan" in members and "Borlänge" in members
    assert_accessible(page, "orgs-05-finsam-members")


def test_a_non_member_buys_raddningstjanst_from_a_forbund(page, live_app):
    from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement
    from coop_tracker.core.actor import Actor
    from coop_tracker.extensions import db
    from coop_tracker.organisations.services import OrganisationInput, create_organisation

    _users(live_app, ("2083", "per@hedemora.se"))
    with live_app.app_context():
        forbund = create_organisation(
            db.session,
            OrganisationInput(kind="forbund", name="Räddningstjänsten Dala Mitt"),
            actor=Actor.system(),
        )
        create_agreement(
            db.session,
            AgreementInput(
                title="Räddningstjänsten Dala Mitt (förbundsordning)",
                form="kommunalforbund",
                area_slugs=["raddningstjanst"],
                parties=[PartyInput("2080", "member"), PartyInput("2081", "member")],
                body_organisation=forbund.id,
            ),
            actor=Actor.system(),
        )
        db.session.commit()

    login(page, "per@hedemora.se")
    page.wait_for_url("**/")
    page.goto("/agreements/new")
    page.get_by_label("Namn på samverkan").fill("Räddningstjänst för Hedemora")
    page.get_by_label("Avtalssamverkan").check()
    page.get_by_label("Räddningstjänst", exact=True).check()
    # The förbund as buyer is refused: in avtalssamverkan it may only perform.
    _party(page, 0, "Hedemora (2083)", "host")
    _party(page, 1, "Räddningstjänsten Dala Mitt (kommunalförbund)", "purchaser")
    page.get_by_role("button", name="Registrera samverkan").click()
    assert "kan inte vara beställare" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "orgs-06-forbund-refused")

    _party(page, 0, "Hedemora (2083)", "purchaser")
    _party(page, 1, "Räddningstjänsten Dala Mitt (kommunalförbund)", "host")
    page.get_by_role("button", name="Registrera samverkan").click()
    page.wait_for_url("**/agreements/*")
    assert "är registrerad" in page.content()
    assert_accessible(page, "orgs-07-forbund-sells")

    page.get_by_role("link", name="Räddningstjänsten Dala Mitt").first.click()
    content = page.content()
    # Members of the förbund, and the non-member's agreement where the förbund performs.
    assert "Falun" in content and "Borlänge" in content
    assert "Räddningstjänst för Hedemora" in content
    assert "Hedemora" not in page.locator("#members-heading + ul").inner_text()
    assert_accessible(page, "orgs-08-forbund-page")


def _own_review(page: Any, agreement_id: int, party_label: str, rating: str, **extra: str) -> None:
    page.goto(f"/agreements/{agreement_id}/reviews/new")
    page.get_by_label(party_label).check()
    page.get_by_label(rating, exact=True).check()
    if "comment" in extra:
        page.get_by_label("Kommentar till bedömningen").fill(extra["comment"])
    page.get_by_label("Målen är delvis uppnådda").check()
    page.get_by_label("Rapporterad till").fill("Kommunstyrelsen")
    page.get_by_label("Datum för rapportering").fill("2026-12-07")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_url("**/reviews")


def test_host_and_purchaser_rate_differently_and_both_see_it(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    _users(live_app, ("1493", "ulla@mariestad.se"), ("1447", "olle@gullspang.se"))
    with live_app.app_context():
        agreement = Factory(db.session).agreement(
            [("1493", "host"), ("1447", "purchaser")],
            title="Lönecenter Mariestad–Gullspång",
            phase="active",
            areas=["lon"],
        )
        agreement_id = agreement.id

    login(page, "ulla@mariestad.se")
    page.wait_for_url("**/")
    _own_review(page, agreement_id, "Egen uppföljning: Mariestad", "Grön – fungerar väl")
    page.get_by_role("button", name="Logga ut").click()

    login(page, "olle@gullspang.se")
    page.wait_for_url("**/")
    _own_review(
        page,
        agreement_id,
        "Egen uppföljning: Gullspång",
        "Gul – behöver uppmärksamhet",
        comment="Lönefrågorna tar för lång tid; vi saknar insyn.",
    )
    assert_accessible(page, "orgs-09-reviews")

    page.goto("/municipalities/1447/oversight")
    row = page.locator("tr", has_text="Lönecenter Mariestad–Gullspång")
    text = row.inner_text()
    assert "Egen: Gul" in text and "Mariestad: Grön" in text
    assert "rapporterad till Kommunstyrelsen 2026-12-07" in text
    assert_accessible(page, "orgs-10-oversight-gullspang")

    page.goto("/municipalities/1493/oversight")
    text = page.locator("tr", has_text="Lönecenter Mariestad–Gullspång").inner_text()
    assert "Egen: Grön" in text and "Gullspång: Gul" in text
