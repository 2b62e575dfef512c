"""Export formats as a user opens them (Excel with Swedish settings), export-what-you-see, the
CLI, and hostile or malformed uploads that must give a Swedish message, never a crash."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.exchange.parsing import MAX_ROWS, FileRejected, read_upload
from tests.sql_support import counted_statements


@pytest.fixture
def agreements(factory, session):
    first = factory.agreement(
        title="Miljötillsyn Vansbro och Malung-Sälen",
        external_id="KS 2024/118",
        annual_cost="850000.50",
        end_on="2026-12-31",
        notice_months=6,
        renewal="tacit",
        renewal_months=12,
        goals='=HYPERLINK("http://evil")',
        is_public=True,
        phase="active",
    )
    first.parties[1].cost_share_percent = Decimal("35.5")
    factory.agreement(
        [("2062", "host"), ("2034", "purchaser")],
        title="Lönecenter Mora och Orsa",
        areas=["lon"],
        external_id="MO-7",
    )
    session.commit()
    factory.user("reader", "2021", email="las@vansbro.se")
    return first


def _login(auth):
    auth.login("las@vansbro.se")


def test_csv_opens_in_swedish_excel(client, auth, agreements):
    _login(auth)
    response = client.get("/exchange/export.csv?municipality=2021")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads å, ä, ö right
    text = body.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[-1] == "" and "\n" not in lines[0]  # CRLF line endings
    header = lines[0].split(";")
    assert header[:5] == ["Externt id", "Externt id tillhör", "Id", "Namn", "Samverkansform"]
    assert "Part 2: kostnadsandel (%)" in header
    assert "850000,50" in text  # decimal comma, no thousands separator
    assert "35,50" in text
    assert "2026-12-31" in text  # ISO dates
    assert "Pågående" in text and "Avtalssamverkan" in text
    assert "'=HYPERLINK" in text  # never a live formula
    assert "Lönecenter" not in text  # same filter as the list: Vansbro only


def test_xlsx_has_typed_cells_frozen_filterable_header_and_its_sheets(client, auth, agreements):
    _login(auth)
    response = client.get("/exchange/export.xlsx?q=Miljö")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    # The documents and the computed cost shares follow; the import does not read them.
    assert book.sheetnames == ["Samverkan", "Parter", "Dokument", "Kostnadsandelar"]
    sheet = book["Samverkan"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    headers = [c.value for c in sheet[1]]
    row = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert sheet.max_row == 2  # the filter applied: one agreement
    assert isinstance(row["Startdatum"], datetime) and row["Startdatum"].date() == date(2024, 1, 1)
    assert sheet.cell(row=2, column=headers.index("Startdatum") + 1).number_format == "yyyy-mm-dd"
    assert row["Årlig kostnad totalt (kr)"] == pytest.approx(850000.5)
    assert isinstance(row["Uppsägningstid (månader)"], int)
    assert row["Visas publikt"] is True
    goals = sheet.cell(row=2, column=headers.index("Mål och förväntade effekter") + 1)
    assert goals.data_type == "s"  # text, not a formula
    assert sheet.column_dimensions["D"].width >= 30  # Namn
    parties = book["Parter"]
    assert parties.freeze_panes == "A2" and parties.auto_filter.ref
    party_rows = [[c.value for c in r] for r in parties.iter_rows(min_row=2)]
    assert [(r[3], r[5]) for r in party_rows] == [("2021", "värd"), ("2023", "beställare")]
    share = [r[12] for r in party_rows]
    assert share[1] == pytest.approx(35.5)


def test_json_export(client, auth, agreements):
    _login(auth)
    response = client.get("/exchange/export.json?municipality=2021")
    data = json.loads(response.data)
    assert data["total"] == 1
    item = data["items"][0]
    assert item["form"] == "avtalssamverkan" and item["phase"] == "active"
    assert item["parties"][0] == item["parties"][0] | {"municipality": "2021", "role": "host"}
    assert item["start_on"] == "2024-01-01" and item["notice_deadline_on"]
    assert item["areas"] == ["miljo-halsoskydd"]


def test_export_links_carry_the_list_filters(client, auth, agreements):
    _login(auth)
    page = client.get("/agreements/?form=avtalssamverkan&page=1").get_data(as_text=True)
    assert "/exchange/export.xlsx?form=avtalssamverkan" in page
    assert "page=1" not in page.split("export.xlsx")[1].split('"')[0]


def test_cli_export_and_dry_run_import(runner, agreements, tmp_path, session):
    target = tmp_path / "ut.xlsx"
    result = runner.invoke(args=["exchange", "export", "--format", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 samverkan" in result.output
    result = runner.invoke(args=["exchange", "import", str(target), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Oförändrad" in result.output and "Inget har sparats" in result.output


def test_cli_import_with_errors_exits_1_and_lists_them(runner, tmp_path, session):
    path = tmp_path / "fel.csv"
    path.write_text(
        "Externt id;Namn;Samverkansform;Områden;Parter\nX-1;Ab;Avtalssamverkan;Lön;2021:värd\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 1
    assert "Fel rad 2, Namn: ”Ab” – namn måste ha minst 3 tecken" in result.output
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_cli_import_writes_in_one_go(runner, tmp_path, session):
    path = tmp_path / "ok.csv"
    path.write_text(
        "Externt id,Namn,Samverkansform,Områden,Parter,Fas\n"
        'X-1,Lön i Dalarna,Avtalssamverkan,Lön,"2021:värd, 2023:beställare",Pågående\n',
        encoding="utf-8",
    )
    result = runner.invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 0, result.output
    agreement = session.scalar(select(Agreement))
    assert agreement.phase == "active" and agreement.external_id == "X-1"


# --- hostile and malformed files ---------------------------------------------------------------


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_not_a_zip_named_xlsx():
    with pytest.raises(FileRejected) as rejected:
        read_upload(b"this is not a spreadsheet", "samverkan.xlsx")
    assert "inte en giltig Excel-fil" in rejected.value.message


def test_old_xls_is_refused_with_advice():
    with pytest.raises(FileRejected) as rejected:
        read_upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "gammal.xls")
    assert ".xls" in rejected.value.message and "xlsx" in rejected.value.message


def test_zip_bomb_is_refused_before_openpyxl():
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<a>" + b" " * (200 * 1024 * 1024) + b"</a>",
        }
    )
    assert len(bomb) < 1024 * 1024
    with pytest.raises(FileRejected) as rejected:
        read_upload(bomb, "bomb.xlsx")
    assert "zip-bomb" in rejected.value.message


def test_xml_entities_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>'
    )
    hostile = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": laughs})
    with pytest.raises(FileRejected) as rejected:
        read_upload(hostile, "x.xlsx")
    assert "DOCTYPE" in rejected.value.message


def test_a_zip_that_is_not_a_workbook():
    with pytest.raises(FileRejected) as rejected:
        read_upload(_zip({"readme.txt": b"hej"}), "x.xlsx")
    assert "inte en Excel-arbetsbok" in rejected.value.message


def test_broken_workbook_parts_give_a_message():
    broken = _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<workbook"})
    with pytest.raises(FileRejected) as rejected:
        read_upload(broken, "x.xlsx")
    assert "kunde inte läsas" in rejected.value.message


def test_huge_csv_line():
    body = b"Namn;Syfte\r\nA;" + b"x" * 300_000 + b"\r\n"
    with pytest.raises(FileRejected) as rejected:
        read_upload(body, "stor.csv")
    assert "Rad" in rejected.value.message


def test_too_many_rows():
    body = ("Namn\r\n" + "rad\r\n" * (MAX_ROWS + 5)).encode()
    with pytest.raises(FileRejected) as rejected:
        read_upload(body, "lang.csv")
    assert f"fler än {MAX_ROWS} rader" in rejected.value.message


@pytest.mark.parametrize(
    "body",
    [
        "Namn;Syfte\r\nÅre;ö\r\n".encode("utf-16"),  # UTF-16 with BOM
        b"Namn;Syfte\r\nx\x81\x8d;\xff\xfe\x00\x01\r\n",  # neither UTF-8 nor Windows-1252
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # a picture renamed .csv
    ],
)
def test_wrong_encoding_or_binary_csv(body):
    with pytest.raises(FileRejected) as rejected:
        read_upload(body, "fil.csv")
    assert "Spara filen som" in rejected.value.message


def test_windows_1252_and_comma_csv_are_read():
    body = "Namn,Syfte\r\nMiljö i Älvdalen,Bättre tillsyn\r\n".encode("cp1252")
    parsed = read_upload(body, "fil.csv")
    assert parsed.main.headers == ["Namn", "Syfte"]
    assert parsed.main.rows == [(2, ["Miljö i Älvdalen", "Bättre tillsyn"])]


def test_duplicate_header_is_named():
    with pytest.raises(FileRejected) as rejected:
        read_upload(b"Namn;namn\r\na;b\r\n", "fil.csv")
    assert "två gånger" in rejected.value.message


def test_title_rows_above_the_header_are_passed_over_in_a_csv():
    # As a kommun's own register often starts: a title and a date line, then the headings.
    body = (
        "Vansbro kommun – register över samverkansavtal\r\n"
        "Senast uppdaterad 2024-11-15\r\n"
        "\r\n"
        "Avtal;Motpart;Startdatum\r\n"
        "Räddningstjänst;Malung-Sälen;2019-01-01\r\n"
    ).encode("cp1252")
    parsed = read_upload(body, "register.csv")
    assert parsed.main.headers == ["Avtal", "Motpart", "Startdatum"]
    assert parsed.main.rows == [(5, ["Räddningstjänst", "Malung-Sälen", "2019-01-01"])]


def test_a_workbook_with_merged_title_rows_and_a_notes_sheet_first():
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    notes.title = "Läs mig"
    notes["A1"] = "Registret förs av kommunledningskontoret."
    notes["A2"] = "Frågor till kanslichefen."
    register = book.create_sheet("Avtal 2024")
    register["A1"] = "VANSBRO KOMMUN – Register över samverkansavtal"
    register.merge_cells("A1:D1")
    register["A2"] = "Kommunledningskontoret"
    register.append([])
    register.append(["Löpnr", "Avtal", "Motpart", "Kostnad/år"])
    register.append([1, "Överförmyndare", "Mora", 120000])
    out = io.BytesIO()
    book.save(out)
    parsed = read_upload(out.getvalue(), "register.xlsx")
    assert parsed.main.name == "Avtal 2024"
    assert parsed.main.headers == ["Löpnr", "Avtal", "Motpart", "Kostnad/år"]
    assert parsed.main.rows == [(5, [1, "Överförmyndare", "Mora", 120000])]


def test_a_one_column_file_keeps_its_first_row_as_header():
    parsed = read_upload("Avtal\r\nRäddningstjänst\r\n".encode(), "fil.csv")
    assert parsed.main.headers == ["Avtal"]
    assert parsed.main.rows == [(2, ["Räddningstjänst"])]


def _calendar_agreement(factory, **fields):
    """A tacitly renewed agreement whose notice deadline is 2026-06-30 (as of 2026-04-15)."""
    return factory.agreement(
        phase="active",
        end_on="2026-12-31",
        notice_months=6,
        renewal="tacit",
        renewal_months=12,
        internal_lead_days=14,
        **fields,
    )


def test_export_dates_use_meeting_calendars_like_the_agreement_page(
    client, auth, factory, session, frozen_clock
):
    from coop_tracker.core.actor import Actor
    from coop_tracker.meetings.services import MeetingInput, add_meeting

    frozen_clock.set(date(2026, 4, 15))
    _calendar_agreement(factory, title="Tillsyn med sammanträdesplan")
    # Vansbro's fullmäktige meets 2026-06-15 (matters in by 2026-05-25), prepared by its
    # kommunstyrelse on 2026-05-19 (matters in by 2026-05-05). The decide-by date is the KS
    # case deadline less the 14 days' lead time: 2026-04-21. Without the calendar it would be
    # the deadline less the 14-day buffer and the lead time: 2026-06-02.
    add_meeting(
        session, "2021", MeetingInput("kf", "", "2026-06-15", "2026-05-25"), actor=Actor.system()
    )
    add_meeting(
        session, "2021", MeetingInput("ks", "", "2026-05-19", "2026-05-05"), actor=Actor.system()
    )
    session.commit()
    factory.user("reader", "2021", email="las@vansbro.se")
    auth.login("las@vansbro.se")

    text = client.get("/exchange/export.csv").data.decode("utf-8-sig")
    [values] = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    assert values["Uppsägning senast"] == "2026-06-30"
    assert values["Beslut senast"] == "2026-04-21"

    book = load_workbook(io.BytesIO(client.get("/exchange/export.xlsx").data))
    sheet = book["Samverkan"]
    headers = [c.value for c in sheet[1]]
    cells = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert cells["Beslut senast"].date() == date(2026, 4, 21)

    item = json.loads(client.get("/exchange/export.json").data)["items"][0]
    assert item["decide_by_on"] == "2026-04-21"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_queries_do_not_grow_with_the_number_of_agreements(
    client, auth, factory, session, fmt
):

    from coop_tracker.agreements.services import ContactInput, add_contact
    from coop_tracker.core.actor import Actor
    from coop_tracker.meetings.services import MeetingInput, add_meeting
    from tests.factories import green_review

    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    codes = iter(["2023", "2062", "2034", "2039", "2061", "2080", "2081", "2082", "2083"])

    def add(n):
        for _ in range(n):
            code = next(codes)
            agreement = _calendar_agreement(
                factory, parties=[("2021", "host"), (code, "purchaser")]
            )
            add_meeting(
                session,
                code,
                MeetingInput("kf", "", "2026-06-01", "2026-05-11"),
                actor=Actor.system(),
            )
            green_review(session, agreement, "2026-01-10")
            for party in agreement.parties:
                add_contact(session, party, ContactInput(name="Kim"), actor=Actor.system())
        session.commit()

    def count_queries():
        with counted_statements() as statements:
            response = client.get(f"/exchange/export.{fmt}")
        assert response.status_code == 200
        return len(statements)

    add(2)
    few = count_queries()
    add(6)
    many = count_queries()
    assert many == few, f"{fmt}: {few} queries for 2 agreements, {many} for 8"
