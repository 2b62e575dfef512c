"""Falu kommun's registrator imports the kommun's own register of 32 agreements: the first
upload lists every mistake with the value as written, the second goes in."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login
from tests.exchange.test_own_register import REGISTER, _fixed

pytestmark = pytest.mark.e2e


def test_the_register_goes_in_on_the_second_upload(page, live_app, tmp_path):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        Factory(db.session).user("editor", "2080", email="karin@falun.se", name="Karin Ek")
    first = tmp_path / "avtalsregister.csv"
    first.write_bytes(REGISTER.read_bytes())
    second = tmp_path / "avtalsregister-rattad.csv"
    second.write_bytes(_fixed(REGISTER.read_bytes()))

    login(page, "karin@falun.se")
    page.wait_for_url("**/")
    page.goto("/exchange/import")
    page.get_by_text("Vilka värden förstås?").click()
    assert_accessible(page, "own-register-01-upload")
    page.get_by_label("Fil att importera").set_input_files(str(first))
    page.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    page.wait_for_url("**/exchange/import/mapping")
    assert "Vi har känt igen 15 av filens 15 kolumner" in page.content()
    assert page.get_by_label("Motpart").input_value() == "Motpart"
    assert page.get_by_label("Avtalstid").input_value() == "Avtalstid"
    assert_accessible(page, "own-register-02-mapping")
    page.get_by_role("button", name="Spara kopplingen och förhandsgranska").click()
    page.wait_for_url("**/exchange/import/preview")
    content = page.content()
    assert "Filen har 7 fel på 7 av 32 rader" in content  # Region Dalarna is a party now
    assert "menade du Borlänge?" in content and "”31/6 2021”" in content
    assert page.get_by_role("button", name="Importera:").count() == 0
    assert_accessible(page, "own-register-03-preview-errors")

    page.get_by_role("link", name="Välj en annan fil").click()
    page.wait_for_url("**/exchange/import")
    page.get_by_label("Fil att importera").set_input_files(str(second))
    page.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    page.wait_for_url("**/exchange/import/mapping")
    page.get_by_role("button", name="Spara kopplingen och förhandsgranska").click()
    page.wait_for_url("**/exchange/import/preview")
    assert "Filen är felfri: 32 nya, 0 ändrade, 0 oförändrade." in page.content()
    assert "Bara år angivet; tolkat som 2010-01-01" in page.content()
    assert_accessible(page, "own-register-04-preview-clean")
    page.get_by_role("button", name="Importera: 32 nya, 0 ändrade, 0 oförändrade").click()
    page.wait_for_url("**/agreements/")
    assert "Importen är klar: 32 nya" in page.content()
    assert "Räddningstjänsten Dala Mitt" in page.content()
    assert_accessible(page, "own-register-05-list")
