"""Document pages: upload through the form, the check on the agreement, versions, downloads
behind the login and the permission check, public files, and the search page."""

from __future__ import annotations

import io

from sqlalchemy import select

from coop_tracker.core.actor import Actor
from coop_tracker.documents.services import DocumentInput, Upload, VersionInput, create_document
from tests.documents.pages import text_of


def _form(data: bytes | None, filename: str = "fo.odt", **fields):
    form = {
        "doc_type": "forbundsordning",
        "title": "Förbundsordning",
        "reference": "KS 2026/5",
        "decided_on": "2026-03-01",
        "scope": "",
        **fields,
    }
    if data is not None:
        form["file"] = (io.BytesIO(data), filename)
    return form


def _stored(session, agreement, data, *, public=False, kind="odt"):
    document = create_document(
        session,
        agreement,
        DocumentInput(
            doc_type="avtal",
            title="Avtalet",
            is_public=public,
            first=VersionInput(file=Upload(f"avtalet.{kind}", data)),
        ),
        actor=Actor.system(),
    )
    session.commit()
    return document


def _post_version(client, make_file, document, version, change_note, text):
    """Send the new-version form of ``document`` as opened at ``version``: an ODT file holding
    ``text``, and the change note."""
    return client.post(
        f"/documents/{document.id}/versions/new",
        data={
            "version": str(version),
            "change_note": change_note,
            "file": (io.BytesIO(make_file("odt", [text])), "ny.odt"),
        },
        content_type="multipart/form-data",
    )


def test_upload_through_the_form_and_see_it_on_the_agreement(client, auth, factory, make_file):
    agreement = factory.agreement(
        [("2021", "member"), ("2023", "member")], form="kommunalforbund", phase="active"
    )
    user = factory.user("editor", "2021")
    auth.login(user.email)
    before = client.get(f"/agreements/{agreement.id}/documents")
    assert "Förbundsordning saknas." in text_of(before.data)
    data = make_file("odt", ["Förbundet har hand om räddningstjänsten."])
    response = client.post(
        f"/agreements/{agreement.id}/documents/new",
        data=_form(data),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]).data)
    assert "Version 1" in page and "Gällande" in page and "KS 2026/5" in page
    after = text_of(client.get(f"/agreements/{agreement.id}/documents").data)
    assert "Förbundsordning saknas." not in after
    assert "De styrande dokumenten finns" in after
    overview = text_of(client.get(f"/agreements/{agreement.id}").data)
    assert "Gällande dokument" in overview and "Förbundsordning" in overview


def test_a_wrong_file_is_refused_with_the_field_named(client, auth, factory):
    agreement = factory.agreement(phase="active")
    auth.login(factory.user("editor", "2021").email)
    response = client.post(
        f"/agreements/{agreement.id}/documents/new",
        data=_form(b"GIF89a not a document", "bild.pdf"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = text_of(response.data)
    assert "Det finns fel att rätta" in page
    assert "Filen ”bild.pdf” är inte en PDF-, Word- (DOCX) eller OpenDocument-fil (ODT)" in page
    assert 'href="#file"' in response.get_data(as_text=True)


def test_a_file_larger_than_the_limit(client, auth, factory, app, make_file):
    app.config["DOCUMENT_MAX_BYTES"] = 4096
    agreement = factory.agreement(phase="active")
    auth.login(factory.user("editor", "2021").email)
    response = client.post(
        f"/agreements/{agreement.id}/documents/new",
        data=_form(make_file("docx", ["Text."]), "stor.docx"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "den får vara högst 4 kB" in text_of(response.data)


def test_a_new_version_from_the_form(client, auth, factory, session, make_file):
    agreement = factory.agreement(phase="active")
    first = make_file("odt", ["Första lydelsen."])
    document = _stored(session, agreement, first)
    auth.login(factory.user("editor", "2021").email)
    form = client.get(f"/documents/{document.id}/versions/new")
    assert form.status_code == 200
    response = _post_version(
        client, make_file, document, document.version, "Ny kostnadsfördelning.", "Andra lydelsen."
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/documents/{document.id}").data)
    assert "Version 2" in page and "Ersatt" in page and "Ny kostnadsfördelning." in page
    old = client.get(f"/documents/{document.id}/versions/1/file")
    assert old.status_code == 200 and old.data == first  # the first version's own file


def test_downloads_need_login_and_visibility(client, auth, factory, session, make_file):
    planned = factory.agreement(phase="planned")
    data = make_file("odt", ["Utkast."])
    document = _stored(session, planned, data)
    anonymous = client.get(f"/documents/{document.id}/file")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    auth.login(factory.user("editor", "0180").email)  # Stockholm: not a party
    assert client.get(f"/documents/{document.id}/file").status_code == 404
    assert client.get(f"/documents/{document.id}").status_code == 404
    auth.logout()
    auth.login(factory.user("reader", "2021").email)  # Vansbro: a party
    response = client.get(f"/documents/{document.id}/file")
    assert response.status_code == 200 and response.data == data
    assert response.headers["Content-Type"] == "application/vnd.oasis.opendocument.text"


def test_public_files_only_where_marked_public(client, factory, session, make_file):
    agreement = factory.agreement(phase="active", is_public=True)
    data = make_file("odt", ["Offentligt avtal."])
    public = _stored(session, agreement, data, public=True)
    private = _stored(session, agreement, data, public=False)
    assert client.get(f"/public/documents/{public.id}/file").data == data
    assert client.get(f"/public/documents/{private.id}/file").status_code == 404
    hidden = factory.agreement(phase="active", is_public=False)
    marked = _stored(session, hidden, data, public=True)
    assert client.get(f"/public/documents/{marked.id}/file").status_code == 404


def test_the_search_page_shows_the_passage(client, auth, factory, session, make_file):
    agreement = factory.agreement(phase="active", title="Lönesamverkan")
    _stored(session, agreement, make_file("odt", ["Lönecentret betalar ut lönerna varje månad."]))
    auth.login(factory.user("reader", "2023").email)
    response = client.get("/search?q=lön")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 träff" in text_of(response.data)
    assert "<mark>lönerna</mark>" in page and "Lönesamverkan" in page


def test_the_public_register_shows_metadata_and_public_files_only(
    client, factory, session, make_file
):
    agreement = factory.agreement(phase="active", is_public=True, title="Gemensam tillsyn")
    data = make_file("odt", ["Avtalet i sin helhet."])
    shown = _stored(session, agreement, data, public=True)
    create_document(
        session,
        agreement,
        DocumentInput(
            doc_type="protokollsutdrag",
            title="Protokollsutdrag KF Vansbro",
            first=VersionInput(
                reference="KF 2026/9",
                decided_on="2026-02-01",
                file=Upload("kf.odt", make_file("odt", ["Internt."])),
            ),
        ),
        actor=Actor.system(),
    )
    session.commit()
    page = client.get(f"/public/{agreement.id}")
    html = page.get_data(as_text=True)
    text = text_of(page.data)
    assert "Protokollsutdrag KF Vansbro" in text and "KF 2026/9" in text
    assert "Begär ut från kommunen" in text  # its file is not public
    assert f"/public/documents/{shown.id}/file" in html
    record = client.get(f"/public/api/agreements/{agreement.id}").get_json()
    by_title = {d["title"]: d for d in record["documents"]}
    assert by_title["Protokollsutdrag KF Vansbro"]["file_url"] is None
    assert by_title["Protokollsutdrag KF Vansbro"]["decided_on"] == "2026-02-01"
    assert by_title["Avtalet"]["file_url"].endswith(f"/public/documents/{shown.id}/file")
    assert client.get(by_title["Avtalet"]["file_url"]).data == data
    csv = client.get("/public/data/agreements.csv")
    assert csv.status_code == 200


def test_marking_a_file_public_afterwards(client, auth, factory, session, make_file):
    agreement = factory.agreement(phase="active", is_public=True)
    data = make_file("odt", ["Avtalstext."])
    document = _stored(session, agreement, data, public=False)
    assert client.get(f"/public/documents/{document.id}/file").status_code == 404
    auth.login(factory.user("editor", "2021").email)
    form = client.get(f"/documents/{document.id}/edit")
    assert form.status_code == 200
    response = client.post(
        f"/documents/{document.id}/edit",
        data={
            "version": str(document.version),
            "doc_type": "avtal",
            "title": "Avtalet (undertecknat)",
            "scope": "",
            "note": "",
            "is_public": "y",
        },
    )
    assert response.status_code == 302
    assert client.get(f"/public/documents/{document.id}/file").data == data
    page = text_of(client.get(f"/documents/{document.id}").data)
    assert "Avtalet (undertecknat)" in page and "Uppgifterna och filen" in page
    stale = client.post(
        f"/documents/{document.id}/edit",
        data={"version": str(document.version - 1), "doc_type": "avtal", "title": "Krock"},
    )
    assert stale.status_code == 409
    reader = factory.user("reader", "2021")
    auth.logout()
    auth.login(reader.email)
    assert client.get(f"/documents/{document.id}/edit").status_code == 403


def test_document_pages_in_english(client, auth, factory, session, make_file):
    agreement = factory.agreement(
        [("2021", "member"), ("2023", "member")], form="kommunalforbund", phase="active"
    )
    document = _stored(session, agreement, make_file("odt", ["Förbundet sköter lönerna."]))
    auth.login(factory.user("editor", "2021").email)
    assert client.get("/sprak/en?next=/").status_code == 302
    pages = {
        "list": f"/agreements/{agreement.id}/documents",
        "detail": f"/documents/{document.id}",
        "new": f"/agreements/{agreement.id}/documents/new",
        "version": f"/documents/{document.id}/versions/new",
        "edit": f"/documents/{document.id}/edit",
        "search": "/search?q=lön",
    }
    text = {name: text_of(client.get(url).data) for name, url in pages.items()}
    assert "Federation charter (förbundsordning) is missing." in text["list"]
    assert "Documents in force" in text["list"] and "Gällande dokument" not in text["list"]
    assert "In force" in text["detail"] and "Add a new version" in text["detail"]
    assert "Document type" in text["new"] and "Dokumenttyp" not in text["new"]
    assert "What changed" in text["version"] and "Save the version" in text["version"]
    assert "Save the details" in text["edit"]
    assert "1 result" in text["search"] and "Search words" in text["search"]


def test_documents_about_one_exit_plan_or_review(client, auth, factory, session):
    from datetime import date
    from urllib.parse import unquote

    from coop_tracker.lifecycle.services import ExitInput, create_exit
    from tests.factories import green_review

    agreement = factory.agreement(phase="active")
    plan = create_exit(
        session, agreement, ExitInput(), actor=Actor.system(), today=date(2026, 3, 2)
    ).exit
    review = green_review(session, agreement, "2026-03-01")
    for title, scope in (("Avvecklingsplan, bilaga", {"exit_id": plan.id}), ("Rapport", {})):
        create_document(
            session,
            agreement,
            DocumentInput(
                doc_type="ovrigt",
                title=title,
                first=VersionInput(link_url="https://d.se/1"),
                **scope,
            ),
            actor=Actor.system(),
        )
    session.commit()
    auth.login(factory.user("editor", "2021").email)
    exit_page = unquote(
        client.get(f"/agreements/{agreement.id}/avveckling/{plan.id}").get_data(as_text=True)
    )
    assert f"concerns=exit:{plan.id}" in exit_page
    only = text_of(client.get(f"/agreements/{agreement.id}/documents?concerns=exit:{plan.id}").data)
    assert "Avvecklingsplan, bilaga" in only and "Rapport" not in only
    assert "Dokument som gäller Avvecklingsplan:" in only
    every = text_of(client.get(f"/agreements/{agreement.id}/documents?concerns=exit:999").data)
    assert "Avvecklingsplan, bilaga" in every and "Rapport" in every
    reviews = unquote(client.get(f"/agreements/{agreement.id}/reviews").get_data(as_text=True))
    assert f"concerns=review:{review.id}" in reviews
    form = client.get(f"/agreements/{agreement.id}/documents/new?concerns=review:{review.id}")
    assert f'value="review:{review.id}" selected' in form.get_data(as_text=True)


def test_a_protokollsutdrag_for_one_party_through_the_form(client, auth, factory, session):
    from coop_tracker.documents.models import Document

    agreement = factory.agreement(phase="active")
    party = agreement.parties[1]
    auth.login(factory.user("editor", "2021").email)
    form = client.get(f"/agreements/{agreement.id}/documents/new").get_data(as_text=True)
    assert f'<option value="party:{party.id}">Part: Malung-Sälen</option>' in form
    assert '<option value="" selected>Välj typ</option>' in form
    response = client.post(
        f"/agreements/{agreement.id}/documents/new",
        data=_form(
            None,
            doc_type="protokollsutdrag",
            title="Protokollsutdrag KF Malung-Sälen",
            scope=f"party:{party.id}",
            link_url="https://diarium.malung-salen.se/kf/12",
        ),
    )
    assert response.status_code == 302
    document = session.scalars(select(Document)).one()
    assert document.party_id == party.id
    listing = text_of(client.get(f"/agreements/{agreement.id}/documents").data)
    assert "Protokollsutdrag KF Malung-Sälen Part: Malung-Sälen" in listing


def test_a_stale_new_version_keeps_what_was_typed_and_builds_on_the_latest(
    client, auth, factory, session, make_file
):
    agreement = factory.agreement(phase="active")
    document = _stored(session, agreement, make_file("odt", ["Första lydelsen."]))
    opened = document.version
    auth.login(factory.user("editor", "2021").email)
    first = _post_version(
        client, make_file, document, opened, "Ny kostnadsfördelning.", "Andra lydelsen."
    )
    assert first.status_code == 302
    late = _post_version(client, make_file, document, opened, "Sen ändring.", "Tredje lydelsen.")
    assert late.status_code == 409
    page = text_of(late.data)
    assert "Den senaste versionen är nu version 2." in page
    assert "Sen ändring." in late.get_data(as_text=True)
    session.expire_all()
    assert [v.number for v in document.versions] == [1, 2]
    assert f'value="{document.version}"' in late.get_data(as_text=True)
