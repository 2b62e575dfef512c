"""A kommun's own register, kept the way officials keep it, goes in on the second try.

``data/avtalsregister-falun.csv`` is Falu kommun's register of 32 agreements as an official
would keep it in Excel and save it as CSV (Windows-1252, semicolons): headings like "Avtal",
"Motpart", "Vår roll", "Avtalstid", "Kostnad/år"; kommun names with and without "kommun";
"tills vidare", "24 mån räknat från årsskiftet", "52,4 mkr", "820 tkr", "ca 7 500 000 kr",
"1/1 2020", a year alone, a kommunkod whose leading zero Excel dropped, and eight real mistakes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.exchange.mapping import auto_mapping
from coop_tracker.exchange.parsing import read_upload
from coop_tracker.exchange.services import run_import
from coop_tracker.reminders.models import Reminder
from coop_tracker.reminders.planner import plan_reminders
from coop_tracker.schedule.queries import derived_dates_for

REGISTER = Path(__file__).parent / "data" / "avtalsregister-falun.csv"
TODAY = date(2026, 12, 7)
FIXES = {
    # what the official changes after reading the first preview
    ";Gymnasiesamverkan Dalarna;Samverkansavtal;": ";Gymnasiesamverkan Dalarna;Övrig samverkan;",
    ";12 kr/inv;": ";720 000 kr;",
    ";Borlnge;": ";Borlänge;",
    ";Fritid;": ";Kultur;",
    ";enl. avtal;": ";6 mån;",
    ";31/6 2021;": ";1/6 2021;",
    "\r\n;Överförmyndarhandläggning Gagnef;": "\r\n31;Överförmyndarhandläggning Gagnef;",
}


def _import(session, body: bytes, actor: Actor, municipality: str = "2080"):
    parsed = read_upload(body, "avtalsregister.csv")
    mapping = auto_mapping(parsed.main.headers)
    return run_import(session, parsed, mapping, actor=actor, municipality=municipality, today=TODAY)


def _fixed(body: bytes) -> bytes:
    text = body.decode("cp1252")
    for wrong, right in FIXES.items():
        assert wrong in text, wrong
        text = text.replace(wrong, right)
    return text.encode("cp1252")


def test_every_heading_of_the_register_is_recognised():
    parsed = read_upload(REGISTER.read_bytes(), "avtalsregister.csv")
    mapping = auto_mapping(parsed.main.headers)
    assert {header: key for key, header in mapping.items()} == {
        "Nr": "external_id",
        "Avtal": "title",
        "Avtalsform": "form",
        "Verksamhet": "area_slugs",
        "Motpart": "counterparties",
        "Vår roll": "our_role",
        "Status": "phase",
        "Gäller från": "start_on",
        "Avtalstid": "term",
        "Uppsägningstid": "notice_months",
        "Kostnad/år": "own_annual_cost",
        "Ansvarig": "responsible",
        "Dnr": "document_ref",
        "Beslut": "decision",
        "Kommentar": "comment",
    }


def test_first_pass_names_every_remaining_error_then_the_second_pass_goes_in(session, factory):
    editor = factory.user("editor", "2080", email="registrator@falun.se")
    actor = Actor(editor, "import")
    first = _import(session, REGISTER.read_bytes(), actor)
    errors = {(e.row, e.column): e.value for e in first.errors}
    # One pass names every mistake in the file, with the value as written.
    assert errors == {
        (10, "Vår roll"): "Medlem",
        (15, "Kostnad/år"): "12 kr/inv",
        (19, "Motpart"): "Borlnge",
        (26, "Verksamhet"): "Fritid",
        (27, "Uppsägningstid"): "enl. avtal",
        (29, "Gäller från"): "31/6 2021",
        (32, "Nr"): "",
    }
    messages = {e.row: e.message for e in first.errors}
    assert "Avtalssamverkan har inga medlemmar" in messages[10]
    assert "menade du Borlänge?" in messages[19]
    # Region Dalarna performing färdtjänst for Falun (row 17) is a valid avtalssamverkan now
    # that regioner can be parties.
    assert 17 not in messages
    assert messages[27].startswith("skriv antal månader")
    assert "finns inte i kalendern" in messages[29]
    # Everything else was understood, and the preview says how.
    notes = {(n.row, n.column): n.message for n in first.notes}
    assert notes[(4, "Gäller från")] == "bara år angivet; tolkat som 2010-01-01"
    assert notes[(4, "Kostnad/år")] == "tolkat som 52 400 000 kr"
    assert notes[(4, "Uppsägningstid")] == "uppsägningstiden räknas till årsskiftet"
    assert "0380 (Uppsala)" in notes[(18, "Motpart")]
    assert "nollan i början" in notes[(18, "Motpart")]
    assert notes[(7, "Kostnad/år")] == "ungefärligt belopp (”ca”) importerat som 7 500 000 kr"
    assert first.count("create") == 25  # the rows without errors would be created
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0

    second = _import(session, _fixed(REGISTER.read_bytes()), actor)
    assert second.ok, second.errors
    assert second.count("create") == 32
    session.commit()

    agreements = {a.external_id: a for a in session.scalars(select(Agreement)).unique()}
    assert len(agreements) == 32
    assert {a.external_id_owner for a in agreements.values()} == {"2080"}
    # Row 2: "Överförmyndarnämnden Falun Borlänge", gemensam nämnd, Falun värdkommun.
    nämnd = agreements["1"]
    assert nämnd.form == "gemensam_namnd" and nämnd.phase == "active"
    assert {(p.municipality_code, p.role) for p in nämnd.parties} == {
        ("2080", "host"),
        ("2081", "member"),
    }
    falun = nämnd.party_for("2080")
    assert falun.annual_cost == Decimal("2450000.00")
    assert (falun.decision_body, falun.decision_on, falun.decision_paragraph) == (
        "Kommunfullmäktige",
        date(2014, 6, 12),
        "§ 87",
    )
    assert [c.name for c in falun.contacts] == ["Karin Ek"]
    assert nämnd.start_on == date(2015, 1, 1) and nämnd.end_on is None
    assert nämnd.notice_months == 12 and nämnd.document_ref == "KS 2014/233"
    assert nämnd.internal_note == "Nämnden finns i Falun"
    # Row 4: a förbund of four members from a year alone, 52,4 mkr.
    förbund = agreements["3"]
    assert förbund.start_on == date(2010, 1, 1)
    assert {p.municipality_code for p in förbund.parties} == {"2080", "2081", "2082", "2026"}
    assert {p.role for p in förbund.parties} == {"member"}
    assert förbund.party_for("2080").annual_cost == Decimal("52400000.00")
    # Row 5: Falun performs for Säter; a first period, then renewed a year at a time.
    miljö = agreements["4"]
    assert (miljö.start_on, miljö.end_on, miljö.renewal, miljö.renewal_months) == (
        date(2019, 7, 1),
        date(2022, 6, 30),
        "tacit",
        12,
    )
    assert {(p.municipality_code, p.role) for p in miljö.parties} == {
        ("2080", "host"),
        ("2082", "purchaser"),
    }
    # Row 8: Falun buys e-arkiv from Borlänge together with Ludvika and Säter.
    arkiv = agreements["7"]
    assert {(p.municipality_code, p.role) for p in arkiv.parties} == {
        ("2080", "purchaser"),
        ("2081", "host"),
        ("2085", "purchaser"),
        ("2082", "purchaser"),
    }
    # Row 18: Uppsala's kommunkod 0380 lost its zero in the CSV and was restored.
    assert agreements["17"].party_for("0380").role == "host"
    # Statuses set the phase; a planned row stays planned.
    assert agreements["11"].phase == "planned"
    assert agreements["22"].phase == "ended" and agreements["23"].phase == "exiting"
    # The import is in the audit log, as an import by the official.
    sources = set(
        session.scalars(select(AuditEvent.source).where(AuditEvent.agreement_id.is_not(None)))
    )
    assert sources == {"import"}

    # History is imported as history: Familjerådgivning has run since 2011 with yearly
    # reviews, but its first review here is a year after the import, not overdue since 2012,
    # and planning reminders finds nothing overdue to send.
    derived = derived_dates_for(session, [agreements["20"]], TODAY)[agreements["20"].id]
    assert derived.next_review_on == date(2027, 12, 7)
    assert agreements["20"].imported_on == TODAY
    plan_reminders(session, TODAY, now=datetime(2026, 12, 7, 6, 0, tzinfo=UTC))
    due = session.scalars(select(Reminder.due_on).where(Reminder.cancelled_at.is_(None))).all()
    assert due and min(due) >= TODAY
    session.commit()

    # The same file once more changes nothing.
    again = _import(session, _fixed(REGISTER.read_bytes()), actor)
    assert again.ok and again.count("unchanged") == 32, again.errors
    session.rollback()


def _export_csv(session) -> bytes:
    from coop_tracker.agreements.queries import Filters, all_matching
    from coop_tracker.exchange.export import to_csv

    return to_csv(all_matching(session, Filters(), restrict=False), TODAY)


def test_an_editor_reuploads_the_unfiltered_list_with_one_row_changed(session, factory):
    """Rows of other kommuners agreements that the editor did not touch are left alone."""
    own = factory.agreement(
        [("2080", "host"), ("2082", "purchaser")], title="Miljö åt Säter", phase="active"
    )
    for index, pair in enumerate((("2021", "2023"), ("2062", "2034"), ("0180", "0114"))):
        factory.agreement(
            [(pair[0], "host"), (pair[1], "purchaser")],
            title=f"Andras samverkan {index}",
            phase="active",
        )
    editor = factory.user("editor", "2080", email="red@falun.se")
    body = (
        _export_csv(session)
        .decode("utf-8-sig")
        .replace("Miljö åt Säter", "Miljö- och hälsoskydd åt Säter")
    )
    result = _import(session, body.encode("utf-8-sig"), Actor(editor, "import"))
    assert result.ok, result.errors
    assert [(o.title, o.action) for o in result.outcomes if o.action != "unchanged"] == [
        ("Miljö- och hälsoskydd åt Säter", "update")
    ]
    assert result.count("unchanged") == 3
    session.commit()
    session.refresh(own)
    assert own.title == "Miljö- och hälsoskydd åt Säter"

    # Changing another kommun's row is refused, naming what the row would change.
    body = _export_csv(session).decode("utf-8-sig").replace("Andras samverkan 1", "Mitt namn")
    result = _import(session, body.encode("utf-8-sig"), Actor(editor, "import"))
    assert [(e.column, e.value) for e in result.errors] == [("Externt id", result.errors[0].value)]
    assert "din kommun är inte part" in result.errors[0].message
    assert "Namn" in result.errors[0].message
    session.rollback()


def test_each_kommun_numbers_its_own_agreements(session, factory):
    """Falun's row 1 and Borlänge's row 1 are different agreements, and neither import can
    touch the other's."""
    falun = Actor(factory.user("editor", "2080", email="a@falun.se"), "import")
    borlange = Actor(factory.user("editor", "2081", email="b@borlange.se"), "import")
    header = "Nr;Avtal;Avtalsform;Verksamhet;Motpart;Vår roll\r\n"
    falun_file = (header + "1;Lön åt Säter;Avtalssamverkan;Lön;Säter;Utförare\r\n").encode("cp1252")
    borlange_file = (header + "1;E-arkiv åt Gagnef;Avtalssamverkan;E-arkiv;Gagnef;Värd\r\n").encode(
        "cp1252"
    )
    assert _import(session, falun_file, falun, "2080").count("create") == 1
    session.commit()
    result = _import(session, borlange_file, borlange, "2081")
    assert result.ok and result.count("create") == 1, result.errors
    session.commit()
    owners = {
        (a.external_id_owner, a.external_id, a.title) for a in session.scalars(select(Agreement))
    }
    assert owners == {("2080", "1", "Lön åt Säter"), ("2081", "1", "E-arkiv åt Gagnef")}
    again = _import(session, falun_file, falun, "2080")
    assert again.ok and again.count("unchanged") == 1
    session.rollback()


def test_a_likely_duplicate_is_shown_and_can_be_linked(session, factory):
    existing = factory.agreement(
        [("2080", "host"), ("2081", "purchaser")],
        title="Lönesamverkan Falun-Borlänge",
        areas=["lon"],
        phase="active",
    )
    editor = Actor(factory.user("editor", "2080", email="c@falun.se"), "import")
    body = (
        "Nr;Avtal;Avtalsform;Verksamhet;Motpart;Vår roll;Status\r\n"
        "2;Lönesamverkan Falun–Borlänge;Samverkansavtal;Lön;Borlänge kommun;Utförare;Gällande\r\n"
    ).encode("cp1252")
    result = _import(session, body, editor)
    assert [(o.action, o.similar) for o in result.outcomes] == [
        ("create", [(existing.id, "Lönesamverkan Falun-Borlänge")])
    ]
    session.rollback()
    parsed = read_upload(body, "r.csv")
    linked = run_import(
        session,
        parsed,
        auto_mapping(parsed.main.headers),
        actor=editor,
        municipality="2080",
        today=TODAY,
        links={2: existing.id},
    )
    assert linked.ok and [(o.action, o.linked) for o in linked.outcomes] == [("update", True)]
    session.commit()
    session.refresh(existing)
    assert (existing.external_id_owner, existing.external_id) == ("2080", "2")
    assert existing.title == "Lönesamverkan Falun–Borlänge"
    assert session.scalar(select(func.count()).select_from(Agreement)) == 1


def test_without_a_status_column_the_phase_follows_the_dates(session, factory):
    """A register lists what is in force: with no status column, an agreement that started
    before today is running, one whose fixed term ran out has ended, one not yet started is
    planned; the preview says how each was read, and the same file imports again unchanged."""
    editor = Actor(factory.user("editor", "2080", email="f@falun.se"), "import")
    body = (
        "Nr;Avtal;Avtalsform;Verksamhet;Motpart;Vår roll;Gäller från;Gäller till\r\n"
        "1;Lön åt Säter;Samverkansavtal;Lön;Säter;Utförare;2019-01-01;\r\n"
        "2;Tolkförmedling;Samverkansavtal;Lön;Borlänge;Beställare;2020-01-01;2025-06-30\r\n"
        "3;Bygglov åt Gagnef;Samverkansavtal;Lön;Gagnef;Utförare;2027-04-01;\r\n"
    ).encode("cp1252")
    result = _import(session, body, editor)
    assert result.ok, result.errors
    session.commit()
    phases = {a.external_id: a.phase for a in session.scalars(select(Agreement))}
    assert phases == {"1": "active", "2": "ended", "3": "planned"}
    read = {(n.row, n.message) for n in result.notes if n.column.startswith("Status")}
    assert read == {
        (
            2,
            "pågående: avtalet gäller sedan 2019-01-01; lägg till en kolumn Status för att ange "
            "fasen själv",
        ),
        (
            3,
            "avslutad: avtalstiden gick ut 2025-06-30; lägg till en kolumn Status för att ange "
            "fasen själv",
        ),
    }
    again = _import(session, body, editor)
    assert again.ok and again.count("unchanged") == 3, again.errors
    session.rollback()


def test_a_likely_duplicate_with_a_region_among_its_parties_is_shown(session, factory):
    """An existing agreement with a party that is not a kommun (Region Dalarna) is still offered
    as the likely same agreement when the kommuner and the title match."""
    from coop_tracker.agreements.inputs import PartyInput

    existing = factory.agreement(
        [("2080", "host"), ("2081", "purchaser"), PartyInput(organisation="20", role="purchaser")],
        title="Hjälpmedelssamverkan Falun-Borlänge",
        areas=["lon"],
    )
    editor = Actor(factory.user("editor", "2080", email="e@falun.se"), "import")
    body = (
        "Nr;Avtal;Avtalsform;Verksamhet;Motpart;Vår roll;Status\r\n"
        "3;Hjälpmedelssamverkan Falun–Borlänge;Samverkansavtal;Lön;Borlänge kommun;Utförare;"
        "Gällande\r\n"
    ).encode("cp1252")
    result = _import(session, body, editor)
    assert [(o.action, o.similar) for o in result.outcomes] == [
        ("create", [(existing.id, "Hjälpmedelssamverkan Falun-Borlänge")])
    ]
    session.rollback()


def test_a_row_with_an_unreadable_cell_is_still_checked_by_every_other_rule(session, factory):
    editor = Actor(factory.user("editor", "2080", email="d@falun.se"), "import")
    body = (
        "Nr;Avtal;Avtalsform;Verksamhet;Motpart;Vår roll;Gäller från;Avtalstid\r\n"
        "1;Ab;Samverkansavtal;Lön;Säter;Utförare;31/6 2021;2020-01-01 – 2019-12-31\r\n"
    ).encode("cp1252")
    result = _import(session, body, editor)
    assert {(e.column, e.value) for e in result.errors} == {
        ("Avtal", "Ab"),
        ("Gäller från", "31/6 2021"),
        ("Avtalstid", "2020-01-01 – 2019-12-31"),
    }
    session.rollback()


def test_a_total_row_at_the_foot_of_the_register_is_passed_over(session, factory):
    """'Summa' with the year's total under the cost column is no agreement: the preview says
    the row was passed over, and the rows above import."""
    editor = Actor(factory.user("editor", "2080", email="g@falun.se"), "import")
    body = (
        "Nr;Avtal;Avtalsform;Verksamhet;Motpart;Vår roll;Kostnad/år\r\n"
        "1;Lön åt Säter;Samverkansavtal;Lön;Säter;Utförare;420 000\r\n"
        "2;E-arkiv;Samverkansavtal;Lön;Borlänge;Beställare;180 000 kr\r\n"
        ";Summa;;;;;600 000 kr\r\n"
    ).encode("cp1252")
    result = _import(session, body, editor)
    assert result.ok, result.errors
    assert result.count("create") == 2
    assert [(n.row, n.column, n.value, n.message) for n in result.notes if n.row == 4] == [
        (4, "Avtal", "Summa", "en summeringsrad; den hoppas över")
    ]
    session.rollback()
