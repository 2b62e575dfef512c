"""The documents API: multipart upload or a link, the list with its check, downloads only with
permission, and full-text search with the passage."""

from __future__ import annotations

import io

import pytest

from tests.api.conftest import ApiClient


def _upload(api: ApiClient, agreement_id: int, data: bytes, filename: str, **fields):
    form = {"type": "avtal", "title": "Avtal om tillsyn", **fields}
    form["file"] = (io.BytesIO(data), filename)
    return api.post(
        f"/api/v1/agreements/{agreement_id}/documents",
        data=form,
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("kind", ["pdf", "docx", "odt"])
def test_upload_then_find_by_inflected_word_then_download(factory, api_as, make_file, kind):
    agreement = factory.agreement(phase="active")
    editor = api_as("editor", "2021")
    data = make_file(kind, ["Nämnden ansvarar för livsmedelskontrollen i kommunerna."])
    created = _upload(editor, agreement.id, data, f"avtal.{kind}", reference="KS 2026/77")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["current"]["reference"] == "KS 2026/77"
    assert body["current"]["filename"] == f"avtal.{kind}"
    assert created.headers["Location"].endswith(f"/api/v1/documents/{body['id']}")

    found = editor.get("/api/v1/search?q=livsmedelskontroll").get_json()
    assert found["total"] == 1
    assert found["items"][0]["document"]["id"] == body["id"]
    assert "<mark>livsmedelskontrollen</mark>" in found["items"][0]["passage"]

    reader = api_as("reader", "0180")  # another kommun: the agreement is running, so visible
    download = reader.get(f"/api/v1/documents/{body['id']}/file")
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "private, no-store"


def test_a_link_as_json(factory, api):
    agreement = factory.agreement(phase="active")
    response = api.post(
        f"/api/v1/agreements/{agreement.id}/documents",
        json={
            "type": "reglemente",
            "title": "Reglemente",
            "link_url": "https://diarium.vansbro.se/2026-3",
            "decided_on": "2026-01-20",
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["current"]["file_url"] is None
    assert body["current"]["link_url"] == "https://diarium.vansbro.se/2026-3"
    assert api.get(f"/api/v1/documents/{body['id']}/file").status_code == 404


def test_bad_input_names_the_fields(factory, api, make_file):
    agreement = factory.agreement(phase="active")
    wrong = _upload(api, agreement.id, b"just text", "avtal.pdf", type="kontrakt", title="")
    assert wrong.status_code == 422
    fields = wrong.get_json()["fields"]
    assert {"type", "title"} <= set(fields)
    bad_file = _upload(api, agreement.id, b"just text", "avtal.pdf")
    assert "inte en PDF" in bad_file.get_json()["fields"]["file"]
    unknown = api.post(
        f"/api/v1/agreements/{agreement.id}/documents",
        json={"type": "avtal", "title": "x", "link_url": "https://d.se", "colour": "red"},
    )
    assert unknown.status_code == 422
    assert "colour" in unknown.get_json()["fields"]


def test_only_party_editors_upload(factory, api_as, make_file):
    agreement = factory.agreement(phase="active")
    data = make_file("odt", ["Text."])
    assert _upload(api_as("reader", "2021"), agreement.id, data, "a.odt").status_code == 403
    assert _upload(api_as("editor", "0180"), agreement.id, data, "a.odt").status_code == 403
    assert _upload(api_as("admin", None), agreement.id, data, "a.odt").status_code == 201


def test_planned_agreements_files_stay_with_their_parties(factory, api_as, make_file):
    planned = factory.agreement(phase="planned")
    editor = api_as("editor", "2021")
    body = _upload(editor, planned.id, make_file("docx", ["Utkast."]), "utkast.docx").get_json()
    outsider = api_as("editor", "0180")
    assert outsider.get(f"/api/v1/documents/{body['id']}/file").status_code == 404
    assert outsider.get(f"/api/v1/agreements/{planned.id}/documents").status_code == 404
    assert outsider.get("/api/v1/search?q=utkast").get_json()["total"] == 0
    assert editor.get(f"/api/v1/documents/{body['id']}/file").status_code == 200


def test_without_a_token_nothing(client, factory):
    agreement = factory.agreement(phase="active")
    assert client.get(f"/api/v1/agreements/{agreement.id}/documents").status_code == 401
    assert client.get("/api/v1/search?q=avtal").status_code == 401


def test_the_list_carries_the_check(factory, api):
    agreement = factory.agreement(
        [("2021", "member"), ("2023", "member")], form="kommunalforbund", phase="active"
    )
    body = api.get(f"/api/v1/agreements/{agreement.id}/documents").get_json()
    assert body["items"] == []
    assert [(c["kind"], c["type"]) for c in body["check"]] == [("missing", "forbundsordning")]


def test_search_needs_words(api):
    assert api.get("/api/v1/search").status_code == 422
    assert api.get("/api/v1/search?q=").status_code == 422


def test_a_new_version_through_the_api(factory, api_as, make_file):
    agreement = factory.agreement(phase="active")
    editor = api_as("editor", "2021")
    created = _upload(editor, agreement.id, make_file("odt", ["Första lydelsen."]), "a.odt")
    body = created.get_json()
    url = f"/api/v1/documents/{body['id']}/versions"
    missing = editor.post(url, json={"version": body["version"], "link_url": "https://d.se/2"})
    assert missing.status_code == 422
    assert missing.get_json()["fields"]["change_note"] == "Ange vad ändrades."
    second = make_file("docx", ["Andra lydelsen om slamtömningen."])
    added = editor.post(
        url,
        data={
            "version": str(body["version"]),
            "change_note": "Slamtömning läggs till.",
            "file": (io.BytesIO(second), "b.docx"),
        },
        content_type="multipart/form-data",
    )
    assert added.status_code == 201, added.get_json()
    after = added.get_json()
    assert [v["number"] for v in after["versions"]] == [1, 2]
    assert after["current"]["change_note"] == "Slamtömning läggs till."
    assert editor.get(after["current"]["file_url"]).data == second
    assert editor.get("/api/v1/search?q=slamtömning").get_json()["total"] == 1
    stale = editor.post(
        url, json={"version": body["version"], "change_note": "x", "link_url": "https://d.se/3"}
    )
    assert stale.status_code == 409
    reader = api_as("reader", "2021")
    refused = reader.post(
        url, json={"version": after["version"], "change_note": "x", "link_url": "https://d.se/4"}
    )
    assert refused.status_code == 403


def test_documents_may_be_larger_than_other_requests(app, factory, api, make_file):
    """The upload routes raise the request limit to DOCUMENT_MAX_BYTES; others keep theirs."""
    app.config["MAX_CONTENT_LENGTH"] = 20_000
    agreement = factory.agreement(phase="active")
    words = " ".join(f"ord{n}" for n in range(12_000))  # a DOCX of some 40 kB
    data = make_file("docx", [words])
    assert len(data) > 20_000
    created = _upload(api, agreement.id, data, "stor.docx")
    assert created.status_code == 201, created.get_json()
    app.config["DOCUMENT_MAX_BYTES"] = 30_000
    refused = _upload(api, agreement.id, data, "stor.docx")
    assert refused.status_code == 422
    assert "den får vara högst 29 kB" in refused.get_json()["fields"]["file"]
