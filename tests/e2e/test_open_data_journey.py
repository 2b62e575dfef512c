"""A journalist, not logged in, finds Mora's cooperation in the public register — the costs,
the decisions' diarienummer, the honest dates, how many agreements are not published — and
downloads the data; every page checked with axe-core."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

TODAY = date(2026, 12, 7)


def test_journalist_finds_mora_and_downloads_the_data(page, live_app, frozen_clock):
    from coop_tracker.demo.services import load_demo
    from coop_tracker.extensions import db

    frozen_clock.set(TODAY)
    with live_app.app_context():
        load_demo(db.session, scale="small", seed=1, today=TODAY)
        db.session.commit()

    page.goto("/login")
    page.get_by_role("link", name="Publikt register").first.click()
    page.wait_for_url("**/public/")
    assert_accessible(page, "opendata-01-register")

    page.get_by_label("Kommun").select_option(label="Mora")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**/public/?**municipality=2062**")
    notice = page.get_by_role("note").inner_text()
    assert "Mora deltar i 7 pågående samverkan." in notice
    assert "5 av dem är publicerade här" in notice  # the hjälpmedelsnämnd too
    assert "Avtal om livsmedelskontroll åt Orsa och Älvdalen" not in page.content()  # not public
    assert_accessible(page, "opendata-02-mora-filtered")

    page.get_by_role("link", name="Kommunens sida i registret").click()
    page.wait_for_url("**/public/municipalities/2062")
    running = page.get_by_role("table", name="Publicerad pågående samverkan där Mora är part")
    it_row = running.get_by_role("row").filter(has_text="IT-nämnden Mora, Orsa och Älvdalen")
    assert "Dnr KS 2014.163" in it_row.inner_text()
    assert "18\u00a0850\u00a0000\u00a0kr" in it_row.inner_text()  # Mora's 58 % of 32.5 Mkr
    assert_accessible(page, "opendata-03-mora-page")

    it_row.get_by_role("link", name="IT-nämnden Mora, Orsa och Älvdalen").click()
    page.wait_for_url("**/public/*")
    heading = page.get_by_role("heading", name="Avtalstid och uppsägning")
    dates = page.locator("section", has=heading)
    text = dates.inner_text()
    assert "Nuvarande period slutar\n2028-05-31" in text
    assert "Första avtalsperioden\n2014-06-01 – 2018-05-31" in text
    assert "Sista dag för uppsägning\n2027-05-31" in text
    parties = page.get_by_role("table", name="Parter, roller, beslut och kostnader")
    assert "KS 2014.163" in parties.inner_text() and "Kommunfullmäktige" in parties.inner_text()
    assert_accessible(page, "opendata-04-agreement")

    page.go_back()
    page.wait_for_url("**/public/municipalities/2062")
    with page.expect_download() as info:
        page.get_by_role("link", name="Parter, beslut och kostnader som CSV (kommatecken)").click()
    download = info.value
    assert download.suggested_filename == "parter.csv"
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    mora = {r["agreement_title"]: r for r in rows if r["municipality"] == "2062"}
    assert len(mora) == 5  # as many as the page says are published
    assert mora["IT-nämnden Mora, Orsa och Älvdalen"]["decision_ref"] == "KS 2014.163"
    assert mora["IT-nämnden Mora, Orsa och Älvdalen"]["annual_cost"] == "18850000.00"

    page.get_by_role("contentinfo").get_by_role("link", name="Öppna data").click()
    page.wait_for_url("**/public/open-data")
    assert page.get_by_role("link", name="CC0 1.0 Universell (Public Domain Dedication)").count()
    assert_accessible(page, "opendata-05-documentation")

    catalogue = page.request.get("/public/catalog.jsonld")
    assert catalogue.ok and "dcat:Catalog" in catalogue.text()
    items = json.loads(page.request.get("/public/data/agreements.json?municipality=2062").text())
    it = next(i for i in items["items"] if i["title"] == "IT-nämnden Mora, Orsa och Älvdalen")
    assert it["current_term_end_on"] == "2028-05-31" and it["first_term_end_on"] == "2018-05-31"


def test_a_kommun_publishes_more_and_a_journalist_finds_it_in_page_and_files(
    page, live_app, frozen_clock
):
    """Vansbro's administrator publishes its responsible nämnd and its follow-up results; the
    journalist sees Vansbro's side (and only Vansbro's) on the page and in the files."""
    from sqlalchemy import select

    from coop_tracker.agreements.models import Agreement
    from coop_tracker.demo.services import load_demo
    from coop_tracker.extensions import db
    from tests.factories import Factory

    frozen_clock.set(TODAY)
    with live_app.app_context():
        load_demo(db.session, scale="small", seed=1, today=TODAY)
        db.session.commit()
        Factory(db.session).user("kommun_admin", "2021", email="karin@vansbro.se")
        title = "Gemensam hjälpmedelsnämnd i Dalarna"
        agreement = db.session.scalars(select(Agreement).where(Agreement.title == title)).one()
        body = agreement.party_for("2021").responsible_body
        assert body  # the demo names each kommun's responsible nämnd

    page.goto("/public/municipalities/2021")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url("**/public/*")
    agreement_url = page.url
    assert page.get_by_role("heading", name="Uppföljning").count() == 0
    parties = page.get_by_role("table", name="Parter, roller, beslut och kostnader")
    assert "Ansvarig nämnd" not in parties.inner_text()
    assert_accessible(page, "pub22-01-agreement-before")

    def vansbro_row() -> dict[str, str]:
        body = page.request.get("/public/data/parties.csv?municipality=2021").text()
        rows = csv.DictReader(io.StringIO(body))
        return next(
            r for r in rows if r["agreement_title"] == title and r["municipality"] == "2021"
        )

    before = vansbro_row()
    assert before["responsible_body"] == "" and before["own_review_rating"] == ""
    assert before["published_extras"] == ""

    login(page, "karin@vansbro.se")
    page.wait_for_url("**/")
    page.goto("/municipalities/2021/publication")
    assert not page.get_by_label("Ansvarig nämnd för varje samverkan").is_checked()
    assert_accessible(page, "pub22-02-settings-before")
    page.get_by_label("Ansvarig nämnd för varje samverkan").check()
    page.get_by_label("Uppföljningens resultat", exact=False).check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/municipalities/2021/publication")
    assert "Publiceringen för Vansbro är sparad." in page.content()
    assert page.get_by_label("Ansvarig nämnd för varje samverkan").is_checked()
    assert not page.get_by_label("Budget och utfall från uppföljningen").is_checked()
    assert_accessible(page, "pub22-03-settings-after")

    page.context.clear_cookies()  # the journalist again, not logged in
    page.goto(agreement_url)
    parties = page.get_by_role("table", name="Parter, roller, beslut och kostnader")
    vansbro = parties.get_by_role("row").filter(has_text="Vansbro").inner_text()
    assert body in vansbro
    assert "Publiceras inte" in parties.inner_text()  # the other parties keep the default
    reviews = page.get_by_role("table", name="Publicerade uppföljningar").inner_text()
    assert "Vansbro" in reviews and "Gul" in reviews
    assert "Region Dalarna" not in reviews  # the region has no such choice here
    assert "Långa leveranstider" not in page.content()  # comments are never published
    assert_accessible(page, "pub22-04-agreement-after")

    after = vansbro_row()
    assert after["responsible_body"] == body
    assert after["own_review_rating"] == "yellow" and after["own_review_cost_outcome"] == ""
    assert after["published_extras"] == "responsible_body;review_results"
    items = json.loads(page.request.get("/public/data/agreements.json?municipality=2021").text())
    item = next(i for i in items["items"] if i["title"] == title)
    by_party = {p["municipality_name"]: p for p in item["parties"]}
    assert by_party["Vansbro"]["own_review_rating"] == "yellow"
    assert "own_review_cost_outcome" not in by_party["Vansbro"]
    assert "responsible_body" not in by_party["Mora"]
    assert "joint_review_rating" not in item  # the other kommuner did not choose it
