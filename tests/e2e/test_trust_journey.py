"""Trust, in the browser: history, a refused stale save, user administration, API tokens, the
audit log and the public register — each page checked with axe-core."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def _world(live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("admin", None, email="admin@example.se", name="Ada Admin")
        factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
        agreement = factory.agreement(
            title="Överförmyndare Vansbro–Malung-Sälen",
            phase="active",
            is_public=True,
            purpose="Ett gemensamt kansli.",
            internal_note="Intern fråga om lokaler",
        )
        return agreement.id


def test_editor_sees_history_and_a_conflict_keeps_the_typed_text(
    page, browser, live_server, live_app
):
    agreement_id = _world(live_app)
    login(page, "anna@vansbro.se")
    page.wait_for_url("**/")
    page.goto(f"/agreements/{agreement_id}/edit")
    # Someone else saves first, in another browser.
    other = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    login(other, "anna@vansbro.se")
    other.goto(f"/agreements/{agreement_id}/edit")
    other.get_by_label("Namn på samverkan").fill("Överförmyndare i Västerdalarna")
    other.get_by_role("button", name="Spara ändringarna").click()
    other.wait_for_url(f"**/agreements/{agreement_id}")
    other.context.close()

    page.get_by_label("Syfte").fill("Ett gemensamt kansli med två handläggare.")
    page.get_by_role("button", name="Spara ändringarna").click()
    assert "Någon annan hann spara först" in page.content()
    row = page.locator('tr[data-field="title"]')
    assert "Överförmyndare i Västerdalarna" in row.inner_text()
    assert page.get_by_label("Syfte").input_value() == "Ett gemensamt kansli med två handläggare."
    assert_accessible(page, "trust-01-conflict")
    page.get_by_role("button", name="Spara ändringarna").click()
    page.wait_for_url(f"**/agreements/{agreement_id}")

    page.get_by_role("link", name="Historik").click()
    assert page.locator(".diff__new", has_text="Ett gemensamt kansli med två handläggare.").count()
    assert "Anna Berg" in page.content()
    assert_accessible(page, "trust-02-history")

    page.goto("/account/tokens")
    page.get_by_label("Namn på nyckeln").fill("Ekonomisystemet")
    page.get_by_role("button", name="Skapa API-nyckel").click()
    assert page.locator(".token-value").inner_text().startswith("ck_")
    assert_accessible(page, "trust-03-tokens")


def test_admin_manages_users_and_reads_the_log(page, live_app):
    _world(live_app)
    login(page, "admin@example.se")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Administration").click()
    assert_accessible(page, "trust-04-users")
    page.get_by_role("link", name="Skapa användare").click()
    page.get_by_label("E-post").fill("bo@malung.se")
    page.get_by_label("Namn").fill("Bo Ek")
    page.get_by_label("Roll").select_option("reader")
    page.get_by_label("Hemkommun").select_option("2023")
    page.get_by_label("Lösenord").fill("kort")
    page.get_by_role("button", name="Skapa användaren").click()
    assert "minst 12 tecken" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "trust-05-user-errors")
    page.get_by_label("Lösenord").fill("ett-riktigt-bra-losenord")
    page.get_by_role("button", name="Skapa användaren").click()
    page.get_by_role("link", name="Bo Ek").click()
    assert_accessible(page, "trust-06-user-edit")
    page.get_by_role("button", name="Inaktivera kontot").click()
    assert "är inaktiverat" in page.content()

    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Händelselogg").click()
    page.get_by_label("Vem").fill("Ada")
    page.get_by_role("button", name="Visa").click()
    assert "Inaktiverad" in page.content()
    # At 1280 px the changes get half the table: field names and values on one line each,
    # not a word (or a syllable) per line.
    page.set_viewport_size({"width": 1280, "height": 900})
    diff = page.locator("td .diff").first
    assert diff.bounding_box()["width"] > 450
    label = diff.locator("tbody th").first
    assert label.inner_text() == "Aktivt konto"
    assert label.bounding_box()["height"] < 2 * 24  # one line
    assert_accessible(page, "trust-07-audit-log")


def test_admin_archives_with_a_reason_and_restores(page, live_app):
    agreement_id = _world(live_app)
    login(page, "admin@example.se")
    page.wait_for_url("**/")
    page.goto(f"/agreements/{agreement_id}")
    page.get_by_role("link", name="Arkivera", exact=True).click()
    page.wait_for_url(f"**/agreements/{agreement_id}/archive")
    page.get_by_role("button", name="Arkivera samverkan").click()
    assert "Ange skäl till arkiveringen." in page.locator(".error-summary").inner_text()
    assert_accessible(page, "trust-10-archive-reason")
    page.get_by_label("Skäl till arkiveringen").fill("Registrerad två gånger.")
    page.get_by_role("button", name="Arkivera samverkan").click()
    assert "Samverkan är arkiverad." in page.locator(".flash-list").inner_text()
    page.goto("/agreements/")
    row = page.locator("tr", has_text="Överförmyndare Vansbro–Malung-Sälen")
    assert row.locator(".tag", has_text="Arkiverad").count() == 1
    page.goto(f"/agreements/{agreement_id}/history")
    assert page.locator(".diff__new", has_text="Registrerad två gånger.").count() == 1
    page.goto(f"/agreements/{agreement_id}")
    page.get_by_role("button", name="Återställ").click()
    assert "Samverkan är återställd." in page.locator(".flash-list").inner_text()
    page.goto(f"/agreements/{agreement_id}/history")
    assert "Återställd:" in page.locator(".timeline").inner_text()


def test_public_register_without_login(page, live_app):
    agreement_id = _world(live_app)
    page.goto("/login")
    page.get_by_role("link", name="Se det publika registret utan att logga in").click()
    assert_accessible(page, "trust-08-public-list")
    page.get_by_role("link", name="Överförmyndare Vansbro–Malung-Sälen").click()
    page.wait_for_url(f"**/public/{agreement_id}")
    assert "Ett gemensamt kansli." in page.content()
    assert "Intern fråga om lokaler" not in page.content()
    assert_accessible(page, "trust-09-public-detail")
