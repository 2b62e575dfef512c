"""The import pages: upload → map columns → preview → apply, permissions and bad files."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.audit.models import AuditEvent

THEIR_FILE = (
    "Löpnummer;Avtalets namn;Typ;Verksamhet;Kommuner;Start\r\n"
    'L-1;Lön i Vansbro och Mora;Avtalssamverkan;Lön;"2021:värd; 2062:beställare";2025-01-01\r\n'
    "L-2;E-arkiv gemensamt;Avtalssamverkan;E-arkiv;2021:värd,2034:beställare;2025-02-01\r\n"
).encode("utf-8-sig")


def _upload(client, body: bytes, name: str):
    return client.post(
        "/exchange/import",
        data={"file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def test_readers_may_not_import(client, auth, factory):
    factory.user("reader", "2021", email="las@vansbro.se")
    auth.login("las@vansbro.se")
    assert client.get("/exchange/import").status_code == 403


def test_template_downloads(client, auth, factory):
    factory.user("reader", "2021", email="las@vansbro.se")
    auth.login("las@vansbro.se")
    csv = client.get("/exchange/template.csv")
    assert csv.status_code == 200 and csv.data.startswith(
        "\ufeffExternt id;Externt id tillhör;Id;Namn".encode()
    )
    xlsx = client.get("/exchange/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")


def test_mapping_step_then_preview_then_apply_in_one_transaction(client, auth, factory, session):
    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    response = _upload(client, THEIR_FILE, "vart-register.csv")
    assert response.status_code == 302 and response.location.endswith("/exchange/import/mapping")

    page = client.get("/exchange/import/mapping").get_data(as_text=True)
    assert "Vilken kolumn är vilken?" in page
    assert '<option value="Avtalets namn">' in page
    # "Löpnummer" was recognised as the external id; the rest the user maps.
    assert '<option value="Löpnummer" selected>' in page

    response = client.post(
        "/exchange/import/mapping",
        data={"map-title": "Avtalets namn", "map-external_id": "Löpnummer"},
    )
    assert response.status_code == 422
    assert "Samverkansform" in response.get_data(as_text=True)

    mapping = {
        "map-external_id": "Löpnummer",
        "map-title": "Avtalets namn",
        "map-form": "Typ",
        "map-area_slugs": "Verksamhet",
        "map-parties": "Kommuner",
        "map-start_on": "Start",
    }
    response = client.post("/exchange/import/mapping", data=mapping)
    assert response.status_code == 302 and response.location.endswith("/exchange/import/preview")

    preview = client.get("/exchange/import/preview").get_data(as_text=True)
    assert "Filen är felfri: 2 nya, 0 ändrade, 0 oförändrade." in preview
    assert "Lön i Vansbro och Mora" in preview
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0  # nothing yet

    response = client.post("/exchange/import/apply")
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(Agreement)) == 2
    sources = set(
        session.scalars(select(AuditEvent.source).where(AuditEvent.agreement_id.is_not(None)))
    )
    assert sources == {"import"}
    # The same file again: nothing to do.
    _upload(client, THEIR_FILE, "vart-register.csv")
    client.post("/exchange/import/mapping", data=mapping)
    again = client.get("/exchange/import/preview").get_data(as_text=True)
    assert "0 nya, 0 ändrade, 2 oförändrade" in again
    assert "Allt i filen finns redan" in again


def test_preview_lists_every_error_and_apply_writes_nothing(client, auth, factory, session):
    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    body = (
        "Externt id;Namn;Samverkansform;Områden;Parter\r\n"
        "A;Lön i Vansbro;Avtalssamverkan;Lön;2021:värd,2023:beställare\r\n"
        "B;Fel form;Golfklubb;Lön;2021:värd,2023:beställare\r\n"
        "C;Okänt område;Avtalssamverkan;Golf;2021:värd,2023:chef\r\n"
    ).encode()
    response = _upload(client, body, "fel.csv")
    assert response.location.endswith("/exchange/import/preview")
    page = client.get("/exchange/import/preview").get_data(as_text=True)
    assert "Filen har 3 fel på 2 av 3 rader" in page
    assert "”Golfklubb”" in page and "Okänd samverkansform" in page
    assert "Okänt samverkansområde ”Golf”" in page
    assert "Okänd roll ”chef” för 2023" in page
    assert "Importera:" not in page  # no apply button
    response = client.post("/exchange/import/apply")
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_bad_upload_is_a_swedish_error_on_the_page(client, auth, factory):
    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    response = _upload(client, b"not a zip", "samverkan.xlsx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Det finns fel att rätta" in page and "inte en giltig Excel-fil" in page
    response = _upload(client, b"%PDF-1.7", "avtal.pdf")
    assert "CSV-fil (.csv) eller en Excel-fil (.xlsx)" in response.get_data(as_text=True)


def test_too_large_upload_is_refused(client, auth, factory, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    response = _upload(client, b"a;b\r\n" * 1000, "stor.csv")
    assert response.status_code == 413
    assert "för stor" in response.get_data(as_text=True)


def test_apply_says_what_it_did_or_that_nothing_was_saved(client, auth, factory, session):
    from coop_tracker.exchange.models import ImportMapping

    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    header = "Externt id;Namn;Samverkansform;Områden;Parter\r\n"
    wrong = header + "B;Fel form;Golfklubb;Lön;2021:värd,2023:beställare\r\n"
    assert _upload(client, wrong.encode(), "fel.csv").location.endswith("/import/preview")
    response = client.post("/exchange/import/apply")
    assert response.location.endswith("/exchange/import/preview")
    page = client.get(response.location).get_data(as_text=True)
    assert "Inget har sparats: filen innehåller fel. Se listan nedan." in page
    assert session.scalar(select(func.count()).select_from(ImportMapping)) == 0

    right = header + "A;Lön i Vansbro;Avtalssamverkan;Lön;2021:värd,2023:beställare\r\n"
    assert _upload(client, right.encode(), "rätt.csv").location.endswith("/import/preview")
    response = client.post("/exchange/import/apply")
    assert response.location.endswith("/agreements/")
    page = client.get(response.location).get_data(as_text=True)
    assert "Importen är klar: 1 nya, 0 ändrade, 0 oförändrade." in page
    assert session.scalar(select(func.count()).select_from(Agreement)) == 1
    assert session.scalar(select(func.count()).select_from(ImportMapping)) == 1
