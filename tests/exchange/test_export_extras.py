"""The logged-in export carries what the import does not read: each agreement's documents and
every party's computed cost share (this year, next year, the change from last year), in CSV,
XLSX and JSON; and such a file still imports unchanged (amounts checked by hand below)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from coop_tracker.agreements.queries import Filters, all_matching
from coop_tracker.core.actor import Actor
from coop_tracker.costs.services import (
    CostModelInput,
    PartyFigures,
    save_index_value,
    save_model,
    save_population,
)
from coop_tracker.documents.services import (
    DocumentInput,
    Upload,
    VersionInput,
    add_version,
    create_document,
)
from coop_tracker.exchange.export import render
from coop_tracker.exchange.mapping import auto_mapping
from coop_tracker.exchange.parsing import read_upload
from coop_tracker.exchange.services import run_import
from coop_tracker.municipalities.models import Municipality
from tests.documents.conftest import make_odt
from tests.factories import PASSWORD

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(frozen_clock):
    frozen_clock.set(TODAY)


def _register(session, factory):
    """A förbund of Vansbro (2021) and Malung-Sälen (2023): 1 000 000 kr in 2024 prices, 80 %
    by population on 31 December the year before and 20 % in fixed halves, KPI (test values
    400, 405, 410, 415 for 2024–2027); population 2024-12-31: 5 000 and 15 000; 2025-12-31 (the
    register's figure) and 2026-12-31: 6 000 and 14 000.

    By hand: 2025 = 1 012 500 kr (405/400), Vansbro 0,8 × 0,25 + 0,2 × 0,5 = 30 % = 303 750;
    2026 = 1 025 000 kr, Vansbro 0,8 × 0,3 + 0,1 = 34 % = 348 500 (change +44 750), Malung-Sälen
    66 % = 676 500 (change 676 500 − 708 750 = −32 250); 2027 = 1 037 500 kr, Vansbro 352 750,
    Malung-Sälen 684 750."""
    actor = Actor.system()
    for code, population in (("2021", 6_000), ("2023", 14_000)):
        kommun = session.get(Municipality, code)
        kommun.population, kommun.population_year = population, 2025
        save_population(session, code, "2024-12-31", population - 1_000 + (code == "2023") * 2_000,
                        "SCB", actor=actor)  # fmt: skip
        save_population(session, code, "2026-12-31", population, "Prognos", actor=actor)
    for year, level in ((2024, "400"), (2025, "405"), (2026, "410"), (2027, "415")):
        save_index_value(session, "KPI", year, level, "", "Testvärden", actor=actor)
    agreement = factory.agreement(
        [("2021", "member"), ("2023", "member")],
        form="kommunalforbund",
        phase="active",
        title="Räddningstjänsten Västerdalarna",
        external_id="RV-1",
    )
    save_model(
        session,
        agreement,
        CostModelInput(
            method="key",
            base_year="2024",
            total_amount="1000000",
            weight_population="80",
            weight_fixed="20",
            index_series="KPI",
            parties={code: PartyFigures(fixed_percent="50") for code in ("2021", "2023")},
        ),
        actor=actor,
    )  # fmt: skip
    document = create_document(
        session,
        agreement,
        DocumentInput(
            doc_type="forbundsordning",
            title="Förbundsordning",
            first=VersionInput(reference="KS 2019/4", decided_on="2019-05-01",
                               file=Upload("fo.odt", make_odt(["Första lydelsen."]))),
        ),
        actor=actor,
    )  # fmt: skip
    session.flush()
    add_version(
        session,
        document,
        VersionInput(reference="KS 2025/8", decided_on="2025-11-20",
                     change_note="Ny kostnadsfördelning",
                     link_url="https://vansbro.se/diarium/2025-8"),
        expected_version=document.version,
        actor=actor,
    )  # fmt: skip
    plain = factory.agreement(title="Lön utan kostnadsmodell", external_id="L-1", phase="active")
    session.commit()
    return agreement, plain


def _export(session, fmt):
    agreements = all_matching(session, Filters(), restrict=False)
    body, _mime = render(session, fmt, agreements, TODAY)
    return body


def test_csv_has_documents_and_each_partys_share(session, factory):
    _register(session, factory)
    text = _export(session, "csv").decode("utf-8-sig")
    rows = {r["Externt id"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    row = rows["RV-1"]
    assert row["Dokument"] == "Förbundsordning: Förbundsordning (KS 2025/8, version 2)"
    parts = {row["Part 1: kommunkod"]: 1, row["Part 2: kommunkod"]: 2}
    vansbro, malung = parts["2021"], parts["2023"]
    assert row[f"Part {vansbro}: kostnad 2026 (kr)"] == "348500"
    assert row[f"Part {vansbro}: förändring 2025–2026 (kr)"] == "44750"
    assert row[f"Part {vansbro}: kostnad 2027 (kr)"] == "352750"
    assert row[f"Part {vansbro}: andel 2026 (%)"] == "34,00"
    assert row[f"Part {malung}: kostnad 2026 (kr)"] == "676500"
    assert row[f"Part {malung}: förändring 2025–2026 (kr)"] == "-32250"
    assert row[f"Part {malung}: kostnad 2027 (kr)"] == "684750"
    # No cost model: empty cells, not zeros.
    assert rows["L-1"]["Part 1: kostnad 2026 (kr)"] == "" and rows["L-1"]["Dokument"] == ""


def test_xlsx_has_a_documents_sheet_and_a_cost_shares_sheet(session, factory):
    _register(session, factory)
    book = load_workbook(io.BytesIO(_export(session, "xlsx")))
    assert book.sheetnames == ["Samverkan", "Parter", "Dokument", "Kostnadsandelar"]
    documents = list(book["Dokument"].values)
    header = documents[0]
    [document] = [dict(zip(header, r, strict=True)) for r in documents[1:]]
    assert document["Dokumenttyp"] == "Förbundsordning" and document["Version"] == 2
    assert document["Diarienummer"] == "KS 2025/8"
    assert document["Beslutad"].date() == date(2025, 11, 20)
    assert document["Vad som ändrades"] == "Ny kostnadsfördelning"
    assert document["Länk till diariet"] == "https://vansbro.se/diarium/2025-8"
    costs = list(book["Kostnadsandelar"].values)
    assert costs[0][3:10] == (
        "Part", "Partens namn", "Kostnad 2025 (kr)", "Kostnad 2026 (kr)",
        "Förändring 2025–2026 (kr)", "Kostnad 2027 (kr)", "Andel 2026 (%)",
    )  # fmt: skip
    by_code = {r[3]: r for r in costs[1:]}
    assert set(by_code) == {"2021", "2023"}  # the agreement without a model has no rows
    assert by_code["2021"][5:9] == (303750, 348500, 44750, 352750)
    assert by_code["2023"][5:9] == (708750, 676500, -32250, 684750)


def test_json_has_documents_and_cost_shares(session, factory):
    _register(session, factory)
    items = {i["external_id"]: i for i in json.loads(_export(session, "json"))["items"]}
    [document] = items["RV-1"]["documents"]
    assert (document["type"], document["version"]) == ("forbundsordning", 2)
    shares = {p["party"]: p for p in items["RV-1"]["cost_shares"]["parties"]}
    assert shares["2021"]["this_year"] == "348500.00"
    assert shares["2021"]["change_from_last_year"] == "44750.00"
    assert shares["2023"]["next_year"] == "684750.00"
    assert items["RV-1"]["cost_shares"]["year"] == 2026
    assert items["L-1"]["cost_shares"] is None and items["L-1"]["documents"] == []


@pytest.mark.parametrize(("fmt", "name"), [("csv", "s.csv"), ("xlsx", "s.xlsx")])
def test_an_export_with_documents_and_shares_imports_unchanged(session, factory, fmt,
                                                               name):  # fmt: skip
    _register(session, factory)
    parsed = read_upload(_export(session, fmt), name)
    result = run_import(session, parsed, auto_mapping(parsed.main.headers),
                        actor=Actor.system("import"))  # fmt: skip
    assert result.ok, (result.errors, result.mapping_errors)
    assert result.count("unchanged") == 2 and result.count("update") == 0


def test_export_page_download_carries_the_shares(client, auth, session, factory):
    _register(session, factory)
    auth.login(factory.user("reader", "2021").email, PASSWORD)
    response = client.get("/exchange/export.csv?municipality=2021")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    assert "kostnad 2026 (kr)" in text and "348500" in text
