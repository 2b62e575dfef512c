"""A förbund's secretary adds the förbundsordning as a PDF, a member joins, the check says the
förbundsordning is out of date, a new version is uploaded as DOCX, and a colleague finds it by
an inflected word in the full-text search and downloads it; another kommun's editor cannot add
documents. Every page passes axe-core."""

from __future__ import annotations

from datetime import date

import pytest

from tests.documents.conftest import make_docx, make_pdf
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_documents_versions_check_search_and_download(page, live_app, tmp_path):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("editor", "2021", email="sekreterare@vansbro.se", name="Sara Sekreterare")
        factory.user("reader", "2023", email="politiker@malung.se", name="Per Politiker")
        agreement = factory.agreement(
            [("2021", "member"), ("2023", "member")],
            form="kommunalforbund",
            phase="active",
            title="Räddningstjänstförbundet Västerdalarna",
            start_on="2020-01-01",
        )
        agreement_id = agreement.id

    first = tmp_path / "Förbundsordning 2020.pdf"
    first.write_bytes(
        make_pdf(
            [
                "Förbundsordning för Räddningstjänstförbundet Västerdalarna.",
                "Medlemmar är Vansbro kommun och Malung-Sälens kommun.",
            ]
        )
    )
    login(page, "sekreterare@vansbro.se")
    page.goto(f"/agreements/{agreement_id}")
    check = page.locator("#document-check")
    assert "Förbundsordning saknas." in check.inner_text()
    page.get_by_role("link", name="Dokument", exact=True).click()
    page.get_by_role("link", name="Lägg till dokument").click()
    assert_accessible(page, "documents-01-new")

    # A file of the wrong kind is refused with the field named.
    wrong = tmp_path / "förbundsordning.pdf"
    wrong.write_text("Det här är bara text, ingen PDF.", encoding="utf-8")
    page.get_by_label("Dokumenttyp").select_option("forbundsordning")
    page.get_by_label("Titel").fill("Förbundsordning")
    page.get_by_label("Fil", exact=True).set_input_files(str(wrong))
    page.get_by_role("button", name="Spara dokumentet").click()
    summary = page.locator(".error-summary")
    assert "inte en PDF-, Word- (DOCX) eller OpenDocument-fil" in summary.inner_text()
    assert_accessible(page, "documents-02-wrong-file")

    page.get_by_label("Fil", exact=True).set_input_files(str(first))
    page.get_by_label("Diarienummer").fill("KS 2019/88")
    page.get_by_label("Beslutsdatum").fill("2019-11-25")
    page.get_by_label("Gäller från").fill("2020-01-01")
    page.get_by_role("button", name="Spara dokumentet").click()
    page.wait_for_url("**/documents/*")
    assert "Version 1" in page.locator("main").inner_text()
    assert_accessible(page, "documents-03-detail")

    # Mora joins in 2025: the förbundsordning of 2019 no longer names every member.
    with live_app.app_context():
        from coop_tracker.agreements.models import Agreement, Party

        row = db.session.get(Agreement, agreement_id)
        row.parties.append(
            Party(municipality_code="2062", role="member", joined_on=date(2025, 1, 1))
        )
        db.session.commit()
    page.goto(f"/agreements/{agreement_id}/documents")
    assert (
        "äldre än den senaste ändringen av parterna (2025-01-01)"
        in page.locator("#document-check").inner_text()
    )
    assert_accessible(page, "documents-04-outdated")

    second = tmp_path / "Förbundsordning 2025.docx"
    second.write_bytes(
        make_docx(
            [
                "Förbundsordning för Räddningstjänstförbundet Västerdalarna.",
                "Medlemmar är Vansbro, Malung-Sälen och Mora. Medlemskommunernas andelar "
                "räknas efter invånarantal.",
            ]
        )
    )
    page.get_by_role("link", name="Förbundsordning").first.click()
    page.get_by_role("link", name="Lägg till ny version").click()
    page.get_by_label("Fil", exact=True).set_input_files(str(second))
    page.get_by_label("Beslutsdatum").fill("2024-11-20")
    page.get_by_label("Gäller från").fill("2025-01-01")
    page.get_by_label("Vad ändrades").fill("Mora inträder som medlem; andelarna räknas om.")
    page.get_by_role("button", name="Spara versionen").click()
    page.wait_for_url("**/documents/*")
    main = page.locator("main").inner_text()
    assert "Version 2" in main and "Ersatt" in main and "Mora inträder som medlem" in main
    # The kommun decides the förbundsordning's file may be shown in the public register.
    page.get_by_role("link", name="Ändra uppgifter").click()
    assert_accessible(page, "documents-05-edit")
    page.get_by_label("Filen får visas i det publika registret").check()
    page.get_by_role("button", name="Spara uppgifterna").click()
    assert "Uppgifterna och filen" in page.locator("main").inner_text()
    page.goto(f"/agreements/{agreement_id}")
    assert "De styrande dokumenten finns" in page.locator("#document-check").inner_text()
    assert_accessible(page, "documents-06-agreement-current")

    # A politician in Malung-Sälen finds it by another inflection and downloads it.
    page.get_by_role("button", name="Logga ut").click()
    login(page, "politiker@malung.se")
    page.get_by_role("link", name="Sök i dokument").first.click()
    page.get_by_label("Sökord").fill("medlemskommun")
    page.get_by_role("button", name="Sök", exact=True).click()
    results = page.locator(".search-results")
    assert "Förbundsordning" in results.inner_text()
    assert "Medlemskommunernas" in results.locator("mark").first.inner_text()
    assert_accessible(page, "documents-07-search")
    results.get_by_role("link", name="Förbundsordning").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ned Förbundsordning 2025.docx").click()
    saved = tmp_path / "hämtad.docx"
    download.value.save_as(saved)
    assert saved.read_bytes() == second.read_bytes()
    assert page.get_by_role("link", name="Lägg till ny version").count() == 0

    # "kommun" is only in the first version's text (2020): the hit says so and links it.
    page.goto("/search?q=kommunen")
    result = page.locator(".search-results li").first
    assert "Äldre version" in result.inner_text()
    assert "Orden finns i version 1, inte i den gällande." in result.inner_text()
    assert "kommun" in result.locator("mark").first.inner_text()
    assert_accessible(page, "documents-08-search-older-version")
    result.get_by_role("link", name="Visa version 1").click()
    page.wait_for_url("**/documents/*#version-1")
    assert "Förbundsordning 2020.pdf" in page.locator("#version-1").locator("..").inner_text()
