"""Falu kommun's register through the import pages and the command line."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.audit.models import AuditEvent
from coop_tracker.exchange.models import ImportMapping
from tests.exchange.test_own_register import REGISTER, _fixed

ODD_HEADINGS = (
    "Löpnr;Vad;Typ av avtal;Sakområde;Med vem;Som\n"
    "1;Lön åt Säter;Samverkansavtal;Lön;Säter;Utförare\n"
)


def _upload(client, body: bytes, name: str = "avtalsregister.csv", **extra):
    return client.post(
        "/exchange/import",
        data={"file": (io.BytesIO(body), name), **extra},
        content_type="multipart/form-data",
    )


def _confirm_mapping(client):
    page = client.get("/exchange/import/mapping").get_data(as_text=True)
    assert "Vi har känt igen 15 av filens 15 kolumner" in page
    assert "Registret tillhör Falun" in page
    assert '<option value="Motpart" selected>' in page
    assert '<option value="Vår roll" selected>' in page
    assert '<option value="Kostnad/år" selected>' in page
    chosen = {
        name: value
        for name, value in (
            ("map-external_id", "Nr"),
            ("map-title", "Avtal"),
            ("map-form", "Avtalsform"),
            ("map-phase", "Status"),
            ("map-area_slugs", "Verksamhet"),
            ("map-counterparties", "Motpart"),
            ("map-our_role", "Vår roll"),
            ("map-start_on", "Gäller från"),
            ("map-term", "Avtalstid"),
            ("map-notice_months", "Uppsägningstid"),
            ("map-own_annual_cost", "Kostnad/år"),
            ("map-responsible", "Ansvarig"),
            ("map-document_ref", "Dnr"),
            ("map-decision", "Beslut"),
            ("map-comment", "Kommentar"),
        )
    }
    response = client.post("/exchange/import/mapping", data=chosen)
    assert response.status_code == 302 and response.location.endswith("/exchange/import/preview")


def test_an_official_imports_the_register_in_two_uploads(client, auth, factory, session):
    factory.user("editor", "2080", email="registrator@falun.se")
    auth.login("registrator@falun.se")

    response = _upload(client, REGISTER.read_bytes())
    assert response.location.endswith("/exchange/import/mapping")
    _confirm_mapping(client)
    page = client.get("/exchange/import/preview").get_data(as_text=True)
    assert "Filen har 7 fel på 7 av 32 rader" in page
    assert "<td>”Borlnge”</td>" in page and "menade du Borlänge?" in page
    assert "<td>”12 kr/inv”</td>" in page
    assert "<td>”31/6 2021”</td>" in page
    assert "Bara år angivet; tolkat som 2010-01-01" in page
    assert "Kommunkod 380 tolkad som 0380 (Uppsala)" in page
    assert "Importera:" not in page
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0

    response = _upload(client, _fixed(REGISTER.read_bytes()))
    # The mapping is offered again (confirmed by the user), now remembered only after apply.
    _confirm_mapping(client)
    page = client.get("/exchange/import/preview").get_data(as_text=True)
    assert "Filen är felfri: 32 nya, 0 ändrade, 0 oförändrade." in page
    response = client.post("/exchange/import/apply")
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(Agreement)) == 32

    saved = session.scalar(select(ImportMapping).where(ImportMapping.municipality_code == "2080"))
    assert saved.columns["Motpart"] == "counterparties" and saved.columns["Nr"] == "external_id"
    assert session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.object_type == "import_mapping")
    )


def test_the_remembered_mapping_is_offered_next_time(client, auth, factory, session):
    factory.user("editor", "2080", email="registrator@falun.se")
    auth.login("registrator@falun.se")
    body = ODD_HEADINGS.replace("\n", "\r\n")
    _upload(client, body.encode("cp1252"))
    mapping = {
        "map-external_id": "Löpnr",
        "map-title": "Vad",
        "map-form": "Typ av avtal",
        "map-area_slugs": "Sakområde",
        "map-counterparties": "Med vem",
        "map-our_role": "Som",
    }
    assert client.post("/exchange/import/mapping", data=mapping).status_code == 302
    assert client.post("/exchange/import/apply").status_code == 302
    assert session.scalar(select(func.count()).select_from(Agreement)) == 1

    _upload(client, body.replace("Lön åt Säter", "Lönehantering åt Säter").encode("cp1252"))
    page = client.get("/exchange/import/mapping").get_data(as_text=True)
    assert "Kopplingen ni använde förra gången är ifylld." in page
    assert '<option value="Med vem" selected>' in page and '<option value="Som" selected>' in page


def test_an_admin_says_whose_register_it_is(client, auth, factory, session):
    factory.user("admin", None, email="admin@region.se")
    auth.login("admin@region.se")
    page = client.get("/exchange/import").get_data(as_text=True)
    assert '<option value="2080">Falun (2080)</option>' in page
    response = _upload(client, _fixed(REGISTER.read_bytes()), municipality="2080")
    assert response.location.endswith("/exchange/import/mapping")
    _confirm_mapping(client)
    page = client.get("/exchange/import/preview").get_data(as_text=True)
    assert "Filen är felfri: 32 nya" in page
    response = _upload(client, REGISTER.read_bytes(), municipality="9999")
    assert response.status_code == 422
    assert "Välj en kommun i listan." in response.get_data(as_text=True)


def test_the_command_line_takes_a_kommun_a_mapping_and_prints_json(runner, session, tmp_path):
    register = tmp_path / "avtalsregister.csv"
    register.write_bytes(REGISTER.read_bytes())
    result = runner.invoke(
        args=["exchange", "import", str(register), "--municipality", "2080", "--json"]
    )
    assert result.exit_code == 1
    preview = json.loads(result.stdout)
    assert preview["ok"] is False and preview["rows"] == 32
    assert {(e["row"], e["column"], e["value"]) for e in preview["errors"]} >= {
        (19, "Motpart", "Borlnge"),
        (27, "Uppsägningstid", "enl. avtal"),
    }
    assert len(preview["errors"]) == 7

    register.write_bytes(_fixed(REGISTER.read_bytes()))
    result = runner.invoke(
        args=["exchange", "import", str(register), "--municipality", "2080", "--dry-run", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == 32
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0

    # Headings no guess recognises, mapped with a file.
    odd = tmp_path / "udda.csv"
    odd.write_text(ODD_HEADINGS, encoding="utf-8")
    mapping = tmp_path / "koppling.json"
    mapping.write_text(
        json.dumps(
            {
                "Löpnr": "Externt id",
                "Vad": "Namn",
                "Typ av avtal": "form",
                "Sakområde": "Områden",
                "Med vem": "Motpart",
                "Som": "Vår roll",
            }
        ),
        encoding="utf-8",
    )
    args = ["exchange", "import", str(odd), "--municipality", "2080", "--mapping", str(mapping)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Importen är klar: 1 nya, 0 ändrade, 0 oförändrade." in result.output
    agreement = session.scalar(select(Agreement))
    assert (agreement.external_id_owner, agreement.external_id) == ("2080", "1")
    assert {(p.municipality_code, p.role) for p in agreement.parties} == {
        ("2080", "host"),
        ("2082", "purchaser"),
    }
    mapping.write_text('{"Vad": "Något okänt"}', encoding="utf-8")
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "Okänd kolumn ”Något okänt”" in result.output


def test_an_export_goes_straight_to_the_preview(client, auth, factory, session):
    factory.agreement([("2080", "host"), ("2082", "purchaser")], title="Lön åt Säter")
    factory.user("editor", "2080", email="registrator@falun.se")
    auth.login("registrator@falun.se")
    export = client.get("/exchange/export.csv").data
    response = _upload(client, export, "samverkan.csv")
    assert response.location.endswith("/exchange/import/preview")
    page = client.get("/exchange/import/preview").get_data(as_text=True)
    assert "Allt i filen finns redan" in page
