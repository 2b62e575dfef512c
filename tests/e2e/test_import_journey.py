"""A kommundirektör imports the kommun's own sheet: upload, map columns, preview, import."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_editor_imports_a_sheet_with_their_own_column_names(page, live_app, tmp_path):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        Factory(db.session).user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
    sheet = tmp_path / "vart-register.csv"
    sheet.write_bytes(
        (
            "Löpnummer;Avtalets namn;Typ;Verksamhet;Kommuner\r\n"
            'L-1;Lön i Vansbro och Mora;Avtalssamverkan;Lön;"2021:värd; 2062:beställare"\r\n'
        ).encode("utf-8-sig")
    )

    login(page, "anna@vansbro.se")
    page.wait_for_url("**/")
    page.goto("/agreements/")
    page.get_by_role("link", name="Importera från fil").click()
    assert_accessible(page, "import-01-upload")
    page.get_by_label("Fil att importera").set_input_files(str(sheet))
    page.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    page.wait_for_url("**/exchange/import/mapping")
    assert_accessible(page, "import-02-mapping")
    page.get_by_label("Namn (krävs)").select_option("Avtalets namn")
    page.get_by_label("Samverkansform (krävs)").select_option("Typ")
    page.get_by_label("Områden (krävs)").select_option("Verksamhet")
    page.get_by_label("Parter", exact=True).select_option("Kommuner")
    page.get_by_role("button", name="Spara kopplingen och förhandsgranska").click()
    page.wait_for_url("**/exchange/import/preview")
    assert "Filen är felfri: 1 nya" in page.content()
    assert_accessible(page, "import-03-preview")
    page.get_by_role("button", name="Importera: 1 nya, 0 ändrade, 0 oförändrade").click()
    page.wait_for_url("**/agreements/")
    assert "Importen är klar" in page.content()
    assert "Lön i Vansbro och Mora" in page.content()
