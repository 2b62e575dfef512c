"""Export → import round trips, all-or-nothing imports and idempotent re-imports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.queries import Filters, all_matching
from coop_tracker.agreements.services import PartyInput
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.exchange.export import template_csv, template_xlsx, to_csv, to_xlsx
from coop_tracker.exchange.mapping import auto_mapping
from coop_tracker.exchange.parsing import read_upload
from coop_tracker.exchange.services import run_import
from tests.exchange.registers import canonical_register, rich_register

TODAY = date(2026, 3, 1)


def _import(session, body: bytes, name: str, actor=None):
    parsed = read_upload(body, name)
    return run_import(
        session, parsed, auto_mapping(parsed.main.headers), actor=actor or Actor.system("import")
    )


@pytest.mark.parametrize(("fmt", "name"), [("csv", "samverkan.csv"), ("xlsx", "samverkan.xlsx")])
def test_export_then_import_reproduces_every_field_and_party(session, factory, fmt, name):
    rich_register(factory, session)
    agreements = all_matching(session, Filters(), restrict=False)
    before = canonical_register(agreements)
    body = (to_csv if fmt == "csv" else to_xlsx)(agreements, TODAY)
    for agreement in agreements:
        session.delete(agreement)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0

    result = _import(session, body, name)
    assert result.errors == [] and result.mapping_errors == []
    assert result.count("create") == 2
    session.commit()
    session.expire_all()
    after = canonical_register(all_matching(session, Filters(), restrict=False))
    assert after == before


@pytest.mark.parametrize(("fmt", "name"), [("csv", "samverkan.csv"), ("xlsx", "samverkan.xlsx")])
def test_reimporting_the_same_file_changes_nothing(session, factory, fmt, name):
    rich_register(factory, session)
    factory.agreement(title="Lön utan externt id", areas=["lon"])  # matched on its Id
    agreements = all_matching(session, Filters(), restrict=False)
    body = (to_csv if fmt == "csv" else to_xlsx)(agreements, TODAY)
    versions = {a.id: (a.version, [p.version for p in a.parties]) for a in agreements}
    events = session.scalar(select(func.count()).select_from(AuditEvent))

    result = _import(session, body, name)
    assert result.ok, result.errors
    assert result.count("unchanged") == 3 and result.count("update") == 0
    session.commit()
    session.expire_all()
    again = all_matching(session, Filters(), restrict=False)
    assert {a.id: (a.version, [p.version for p in a.parties]) for a in again} == versions
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_one_bad_row_writes_nothing_and_names_the_row(session, factory):
    body = (
        "\ufeffExternt id;Namn;Samverkansform;Områden;Parter;Startdatum\r\n"
        'A-1;Lön för tre kommuner;Avtalssamverkan;Lön;"2021:värd; 2023:beställare";2025-01-01\r\n'
        "A-2;Överförmyndare;Gemensam nämnd;Överförmyndare;2021:värd,2023:medlem;2025-13-01\r\n"
        "A-3;IT-drift;Avtalssamverkan;IT och digitalisering;2021:värd;2024-02-01\r\n"
    ).encode()
    result = _import(session, body, "fil.csv")
    assert not result.ok
    by_row = {(e.row, e.column): e.message for e in result.errors}
    assert by_row[(3, "Startdatum")] == "datumet finns inte i kalendern; skriv t.ex. 2020-01-01"
    assert {e.value for e in result.errors if e.row == 3} == {"2025-13-01"}
    assert "beställande" in by_row[(4, "Parter")]
    assert {e.row for e in result.errors} == {3, 4}
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_an_update_keeps_what_the_file_does_not_mention(session, factory):
    rich_register(factory, session)
    body = (
        "Externt id;Namn;Samverkansform;Områden;Parter\r\n"
        "KS 2024/118;Miljö och hälsa i tre kommuner;Avtalssamverkan;"
        "Miljö- och hälsoskydd;2021:värd,2023:beställare,2039:beställare\r\n"
    ).encode("cp1252")
    result = _import(session, body, "andring.csv")
    assert result.ok, result.errors
    assert [o.action for o in result.outcomes] == ["update"]
    assert set(result.outcomes[0].changed) == {"title", "areas"}
    session.commit()
    agreement = session.scalar(select(Agreement).where(Agreement.external_id == "KS 2024/118"))
    assert agreement.document_url == "https://vansbro.se/avtal/miljo.pdf"
    assert agreement.parties[0].decision_body == "Kommunfullmäktige"
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.agreement_id == agreement.id).order_by(AuditEvent.id)
    ).all()[-1]
    assert event.source == "import" and "title" in event.changes


def test_editor_imports_only_agreements_of_their_own_kommun(session, factory):
    editor = factory.user("editor", "2021")
    factory.agreement(
        [("2023", "host"), ("2039", "purchaser")],
        title="Mora och Orsa",
        external_id="MO-1",
        phase="active",
    )
    body = (
        "Externt id;Namn;Samverkansform;Områden;Parter\r\n"
        "MO-1;Mora och Orsa nytt namn;Avtalssamverkan;Lön;2023:värd,2039:beställare\r\n"
        "NY-1;Ny utan Vansbro;Avtalssamverkan;Lön;2023:värd,2039:beställare\r\n"
        "NY-2;Ny med Vansbro;Avtalssamverkan;Lön;2021:värd,2039:beställare\r\n"
    ).encode()
    result = _import(session, body, "f.csv", actor=Actor(editor, "import"))
    messages = {e.row: e.message for e in result.errors}
    assert "din kommun" in messages[2].lower()
    assert "egen kommun" in messages[3]
    assert 4 not in messages
    session.rollback()


def test_templates_import_cleanly(session):
    for body, name in ((template_csv(), "mall.csv"), (template_xlsx(), "mall.xlsx")):
        result = _import(session, body, name)
        assert result.ok, result.errors
        assert result.count("create") == 1
        session.rollback()


def test_parties_sheet_disagreeing_with_parties_column_is_an_error(session, factory):
    factory.agreement(title="Lön i två kommuner", external_id="L-1", areas=["lon"])
    body = to_xlsx(all_matching(session, Filters(), restrict=False), TODAY)
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(body))
    book["Samverkan"]["H2"].value = "2021:värd; 2039:beställare"
    buffer = BytesIO()
    book.save(buffer)
    result = _import(session, buffer.getvalue(), "x.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(2, "Parter")]
    assert "fliken Parter" in result.errors[0].message


def test_party_input_defaults_are_not_shared():
    assert PartyInput().decision_body == ""


def test_who_decides_on_notice_is_read_per_party_and_a_wrong_word_names_the_column(
    session, factory
):
    body = (
        "Externt id;Namn;Samverkansform;Områden;Parter;Startdatum;"
        "Part 1: beslutar om uppsägning;Part 2: beslutar om uppsägning;"
        "Part 2: beslutande nämnd\r\n"
        "M-1;Miljö i två kommuner;Avtalssamverkan;Miljö- och hälsoskydd;"
        "2021:värd,2023:beställare;2025-01-01;Kommunstyrelsen;nämnd;Miljö- och byggnämnden\r\n"
    ).encode()
    result = _import(session, body, "beslut.csv")
    assert result.ok, result.errors
    session.commit()
    agreement = session.scalar(select(Agreement).where(Agreement.external_id == "M-1"))
    assert [(p.deciding_body, p.deciding_body_name) for p in agreement.parties] == [
        ("ks", ""),
        ("namnd", "Miljö- och byggnämnden"),
    ]
    wrong = body.replace(b"M-1;", b"M-2;").replace(b"Kommunstyrelsen", b"Direktionen")
    result = _import(session, wrong, "fel.csv")
    assert [e.column for e in result.errors] == ["Parter: beslutar om uppsägning"]
    session.rollback()


def test_responsible_nämnd_by_name_from_the_kommuns_list_and_an_unknown_name_names_the_column(
    session, factory
):
    """A file names the responsible nämnd as the list writes it (any case); a name the kommun's
    list does not have stops the import with the column, the kommun and the names to pick."""
    from coop_tracker.agreements.bodies import add_body
    from coop_tracker.municipalities.models import Municipality

    add_body(session, session.get(Municipality, "2021"), "Socialnämnden", actor=factory.actor)
    session.commit()
    body = (
        "Externt id;Namn;Samverkansform;Områden;Parter;Startdatum;"
        "Part 1: ansvarig nämnd;Part 2: ansvarig nämnd\r\n"
        "S-1;Socialjour;Avtalssamverkan;Socialtjänst;"
        "2021:värd,2023:beställare;2025-01-01;socialnämnden;Kommunstyrelsen\r\n"
    ).encode()
    result = _import(session, body, "ansvar.csv")
    assert result.ok, result.errors
    session.commit()
    agreement = session.scalar(select(Agreement).where(Agreement.external_id == "S-1"))
    assert [p.responsible_body for p in agreement.parties] == ["Socialnämnden", "Kommunstyrelsen"]
    wrong = body.replace(b"S-1;", b"S-2;").replace(
        b"socialn\xc3\xa4mnden", b"Omsorgsn\xc3\xa4mnden"
    )
    result = _import(session, wrong, "fel.csv")
    assert [e.column for e in result.errors] == ["Parter: ansvarig nämnd"]
    assert (
        "ansvarig nämnd ”Omsorgsnämnden” finns inte i listan över nämnder för Vansbro. Välj en av: "
        "Kommunfullmäktige, Kommunstyrelsen, Socialnämnden." in result.errors[0].message
    )
    session.rollback()
