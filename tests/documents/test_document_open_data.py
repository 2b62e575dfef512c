"""Documents in the public register's open data (documents.csv, JSON, JSON-LD), read as an
outside client would: the metadata of a published agreement's documents, the file only where
the kommun has marked it public, and nothing at all of a planned or unpublished agreement."""

from __future__ import annotations

import csv
import io
import json

from rdflib import Graph, Literal, URIRef

from coop_tracker.core.actor import Actor
from coop_tracker.documents.services import DocumentInput, Upload, VersionInput, create_document

BASE = "http://localhost"


def _add(session, agreement, title, *, public, data=None, link="", note="", ref="", doc="avtal"):
    document = create_document(
        session,
        agreement,
        DocumentInput(
            doc_type=doc,
            title=title,
            note=note,
            is_public=public,
            first=VersionInput(
                reference=ref,
                decided_on="2026-02-01",
                file=Upload("fil.odt", data) if data else None,
                link_url=link,
            ),
        ),
        actor=Actor.system(),
    )
    session.commit()
    return document


def _rows(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_documents_in_open_data_without_anything_that_is_not_public(
    client, session, factory, make_file
):
    published = factory.agreement(phase="active", is_public=True, title="Tillsyn i två kommuner")
    shown = _add(
        session,
        published,
        "Samverkansavtal tillsyn",
        public=True,
        data=make_file("odt", ["Avtalets text om tillsynen."]),
        note="Intern anteckning om förhandlingen",
        ref="KS 2026/12",
        doc="samverkansavtal",
    )
    private = _add(
        session,
        published,
        "Protokollsutdrag KF",
        public=False,
        link="https://diarium.example.se/arende/hemligt",
        note="Får inte spridas",
        ref="KF 2026/9",
        doc="protokollsutdrag",
    )
    attachment = _add(
        session,
        published,
        "Bilaga löner",
        public=False,
        data=make_file("odt", ["Hemlig bilaga om löner."]),
        doc="ovrigt",
    )
    planned = factory.agreement(phase="planned", is_public=True, title="Planerad räddningstjänst")
    draft = make_file("odt", ["Utkast."])
    _add(session, planned, "Utkast förbundsordning", public=True, data=draft)
    unpublished = factory.agreement(phase="active", is_public=False, title="Opublicerad lön")
    _add(session, unpublished, "Lönesamverkan avtal", public=True, link="https://x.example.se/l")

    files = {
        "csv": client.get("/public/data/documents.csv"),
        "semicolon": client.get("/public/data/documents-semicolon.csv"),
        "json": client.get("/public/data/agreements.json"),
        "jsonld": client.get("/public/data/agreements.jsonld"),
        "agreements": client.get("/public/data/agreements.csv"),
        "parties": client.get("/public/data/parties.csv"),
    }
    assert all(r.status_code == 200 for r in files.values())
    private_file = f"/public/documents/{private.id}/file"
    for name, response in files.items():
        body = response.get_data(as_text=True)
        for secret in (
            "Hemlig",
            "diarium.example.se",
            "Intern anteckning",
            "Får inte spridas",
            "Avtalets text",
            "Planerad räddningstjänst",
            "Utkast förbundsordning",
            "Opublicerad lön",
            "Lönesamverkan avtal",
            "x.example.se",
            private_file,
            f"/public/documents/{attachment.id}/file",
        ):
            assert secret not in body, (name, secret)

    rows = {r["title"]: r for r in _rows(files["csv"].data)}
    assert set(rows) == {"Samverkansavtal tillsyn", "Protokollsutdrag KF", "Bilaga löner"}
    assert rows["Bilaga löner"]["file_url"] == ""
    public_row = rows["Samverkansavtal tillsyn"]
    assert public_row["agreement_id"] == str(published.id)
    assert public_row["type"] == "samverkansavtal" and public_row["type_label"] == "Samverkansavtal"
    assert (public_row["reference"], public_row["decided_on"]) == ("KS 2026/12", "2026-02-01")
    assert public_row["file_url"] == f"{BASE}/public/documents/{shown.id}/file"
    assert client.get(public_row["file_url"]).status_code == 200
    # The metadata of a document whose file is not public, but neither its file nor its link.
    private_row = rows["Protokollsutdrag KF"]
    assert private_row["reference"] == "KF 2026/9"
    assert private_row["file_url"] == "" and private_row["link_url"] == ""
    assert {r["title"] for r in _rows(files["semicolon"].data)} == set(rows)

    items = json.loads(files["json"].data)["items"]
    documents = {d["title"]: d for d in items[0]["documents"]}
    assert documents["Samverkansavtal tillsyn"]["type_label"] == "Samverkansavtal"
    assert "agreement_id" not in documents["Samverkansavtal tillsyn"]
    assert documents["Protokollsutdrag KF"]["file_url"] is None

    graph = Graph().parse(data=files["jsonld"].data, format="json-ld")
    vocab = f"{BASE}/public/open-data#"
    file_urls = set(graph.objects(None, URIRef(f"{vocab}file_url")))
    assert file_urls == {URIRef(f"{BASE}/public/documents/{shown.id}/file")}
    decided = set(graph.objects(None, URIRef(f"{vocab}decided_on")))
    assert all(d.datatype == URIRef("http://www.w3.org/2001/XMLSchema#date") for d in decided)
    titles = {str(t) for t in graph.objects(None, URIRef("http://purl.org/dc/terms/title"))}
    assert {"Samverkansavtal tillsyn", "Protokollsutdrag KF"} <= titles
    assert Literal("Utkast förbundsordning") not in set(graph.objects())


def test_open_data_page_documents_the_document_fields(client):
    page = client.get("/public/open-data").get_data(as_text=True)
    assert "/public/data/documents.csv" in page
    assert 'id="type_label"' in page and 'id="file_url"' in page
