"""Documents without HTTP: real files in, type by content, text out, versions, limits, audit."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from coop_tracker.documents import extract
from coop_tracker.documents.services import (
    DocumentInput,
    Upload,
    VersionInput,
    add_version,
    create_document,
    get_visible_document,
    read_version_file,
)

TEXT = [
    "Förbundsordning för Räddningstjänsten Dala Mitt.",
    "Personuppgiftsbiträdet behandlar uppgifterna för medlemskommunernas räkning.",
]


def _document(session, agreement, actor, *, filename="fil.pdf", data=b"", **changes):
    first = VersionInput(
        reference=changes.pop("reference", "KS 2026/12"),
        decided_on=changes.pop("decided_on", "2026-02-10"),
        valid_from=changes.pop("valid_from", "2026-03-01"),
        valid_to=changes.pop("valid_to", None),
        link_url=changes.pop("link_url", ""),
        file=Upload(filename, data) if data else None,
    )
    data_in = DocumentInput(
        doc_type=changes.pop("doc_type", "forbundsordning"),
        title=changes.pop("title", "Förbundsordning"),
        first=first,
        **changes,
    )
    return create_document(session, agreement, data_in, actor=actor)


@pytest.fixture
def editor(factory):
    return Actor(factory.user("editor", "2021"), "web")


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("pdf", extract.PDF), ("docx", extract.DOCX), ("odt", extract.ODT)],
)
def test_a_real_file_is_stored_with_its_type_and_text(
    session, factory, editor, make_file, kind, content_type
):
    agreement = factory.agreement(phase="active")
    data = make_file(kind, TEXT)
    document = _document(session, agreement, editor, filename=f"Förbundsordning.{kind}", data=data)
    session.commit()
    version = document.current
    assert version.content_type == content_type
    assert version.filename == f"Förbundsordning.{kind}"
    assert version.size_bytes == len(data)
    assert "Personuppgiftsbiträdet behandlar uppgifterna" in version.text
    assert read_version_file(version) == data  # the store gives back the very bytes


def test_type_is_read_from_the_content_not_the_name(session, factory, editor, make_file):
    agreement = factory.agreement(phase="active")
    document = _document(
        session, agreement, editor, filename="avtal.pdf", data=make_file("docx", TEXT)
    )
    assert document.current.content_type == extract.DOCX
    assert document.current.filename == "avtal.pdf.docx"


@pytest.mark.parametrize(
    ("filename", "data", "words"),
    [
        ("avtal.pdf", b"MZ\x90\x00 ett program, inte ett avtal", "inte en PDF"),
        ("avtal.docx", b"PK\x03\x04 trasig zip", "inte en PDF"),
        ("avtal.pdf", b"%PDF-1.7\n trasig pdf utan innehall", "skadad"),
        ("avtal.txt", "Vanlig text med å ä ö om avtal".encode(), "inte en PDF"),
    ],
)
def test_other_or_damaged_files_are_refused_naming_the_file(
    session, factory, editor, filename, data, words
):
    agreement = factory.agreement(phase="active")
    with pytest.raises(ValidationFailed) as failure:
        _document(session, agreement, editor, filename=filename, data=data)
    assert words in failure.value.fields["file"]
    assert filename in failure.value.fields["file"]


def test_a_zip_that_unpacks_to_too_much_is_refused(session, factory, editor, monkeypatch):
    monkeypatch.setattr(extract, "MAX_UNPACKED_BYTES", 1_000_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * 2_000_000 + "</w:document>")
    agreement = factory.agreement(phase="active")
    with pytest.raises(ValidationFailed) as failure:
        _document(session, agreement, editor, filename="bomb.docx", data=out.getvalue())
    assert "packas upp till för mycket" in failure.value.fields["file"]


def test_size_limit_names_the_sizes(app, session, factory, editor, make_file):
    app.config["DOCUMENT_MAX_BYTES"] = 2048
    agreement = factory.agreement(phase="active")
    with pytest.raises(ValidationFailed) as failure:
        _document(session, agreement, editor, data=make_file("docx", TEXT))
    size = len(make_file("docx", TEXT)) // 1024
    assert failure.value.fields["file"] in (
        f"Filen är {size} kB; den får vara högst 2 kB.",
        f"Filen är {size + 1} kB; den får vara högst 2 kB.",
    )


def test_a_link_to_the_diarium_instead_of_a_file(session, factory, editor):
    agreement = factory.agreement(phase="active")
    document = _document(
        session, agreement, editor, link_url="https://diarium.vansbro.se/arende/2026-12"
    )
    assert document.current.link_url.startswith("https://diarium")
    assert not document.current.has_file
    with pytest.raises(NotFound):
        read_version_file(document.current)


def test_file_or_link_is_required_and_not_both(session, factory, editor, make_file):
    agreement = factory.agreement(phase="active")
    with pytest.raises(ValidationFailed) as neither:
        _document(session, agreement, editor)
    assert "Välj en fil" in neither.value.fields["file"]
    with pytest.raises(ValidationFailed) as both:
        _document(
            session,
            agreement,
            editor,
            data=make_file("odt", TEXT),
            link_url="https://diarium.vansbro.se/1",
        )
    assert "inte båda" in both.value.fields["link_url"]


def test_every_bad_field_is_named(session, factory, editor):
    agreement = factory.agreement(phase="active")
    with pytest.raises(ValidationFailed) as failure:
        _document(
            session,
            agreement,
            editor,
            doc_type="kontrakt",
            title="",
            decided_on="10 februari",
            valid_from="2026-05-01",
            valid_to="2026-04-01",
            link_url="ftp://diarium",
            party_id="999999",
        )
    fields = failure.value.fields
    assert set(fields) >= {"doc_type", "title", "decided_on", "valid_to", "link_url", "party_id"}
    assert "Dokumenttyp" in fields["doc_type"]
    assert "hör inte till" in fields["party_id"]


def test_a_new_version_keeps_the_old_with_what_changed(session, factory, editor, make_file):
    agreement = factory.agreement(
        [("2021", "member"), ("2023", "member")], phase="active", form="kommunalforbund"
    )
    first_file = make_file("odt", ["Medlemmar: Vansbro och Malung-Sälen."])
    document = _document(session, agreement, editor, filename="fo.odt", data=first_file)
    session.commit()
    with pytest.raises(ValidationFailed) as no_note:
        add_version(
            session,
            document,
            VersionInput(link_url="https://diarium.vansbro.se/2"),
            expected_version=document.version,
            actor=editor,
        )
    assert no_note.value.fields["change_note"] == "Ange vad ändrades."
    session.rollback()
    second_file = make_file("odt", ["Medlemmar: Vansbro, Malung-Sälen och Mora."])
    version = add_version(
        session,
        document,
        VersionInput(
            decided_on="2026-11-20",
            valid_from="2027-01-01",
            change_note="Mora inträder som medlem.",
            file=Upload("fo2.odt", second_file),
        ),
        expected_version=document.version,
        actor=editor,
    )
    session.commit()
    assert [v.number for v in document.versions] == [1, 2]
    assert document.current is version and version.change_note == "Mora inträder som medlem."
    assert read_version_file(document.versions[0]) == first_file  # the old one is kept
    assert read_version_file(version) == second_file
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "document").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes["change_note"] == ["", "Mora inträder som medlem."]
    assert events[1].changes["number"] == [1, 2]


def test_a_stale_version_is_refused(session, factory, editor):
    agreement = factory.agreement(phase="active")
    document = _document(session, agreement, editor, link_url="https://diarium.vansbro.se/1")
    session.commit()
    stale = document.version
    add_version(
        session,
        document,
        VersionInput(link_url="https://diarium.vansbro.se/2", change_note="Ny lydelse."),
        expected_version=stale,
        actor=editor,
    )
    session.commit()
    with pytest.raises(StaleVersion):
        add_version(
            session,
            document,
            VersionInput(link_url="https://diarium.vansbro.se/3", change_note="Krock."),
            expected_version=stale,
            actor=editor,
        )


def test_only_editors_of_a_party_add_documents(session, factory):
    agreement = factory.agreement(phase="active")  # Vansbro and Malung-Sälen
    outsider = Actor(factory.user("editor", "0180"), "web")
    reader = Actor(factory.user("reader", "2021"), "web")
    for actor in (outsider, reader):
        with pytest.raises(PermissionDenied):
            _document(session, agreement, actor, link_url="https://diarium.vansbro.se/1")


def test_planned_agreements_documents_are_hidden_from_others(session, factory, editor):
    planned = factory.agreement(phase="planned")
    document = _document(session, planned, editor, link_url="https://diarium.vansbro.se/1")
    session.commit()
    assert get_visible_document(session, document.id, editor.user) is document
    stockholm = factory.user("reader", "0180")
    with pytest.raises(NotFound):
        get_visible_document(session, document.id, stockholm)


def test_a_document_about_one_party(session, factory, editor, frozen_clock):
    agreement = factory.agreement(phase="active")
    party = agreement.parties[1]
    document = _document(
        session,
        agreement,
        editor,
        doc_type="protokollsutdrag",
        title="Protokollsutdrag KF Malung-Sälen",
        party_id=str(party.id),
        link_url="https://diarium.malung-salen.se/kf/2026-14",
    )
    assert document.party_id == party.id
    assert frozen_clock.today() == date(2026, 12, 7)


def test_changing_what_a_document_is_is_audited_and_searched(session, factory, editor):
    from coop_tracker.documents.search import search_documents
    from coop_tracker.documents.services import update_document

    agreement = factory.agreement(phase="active")
    document = _document(session, agreement, editor, link_url="https://diarium.vansbro.se/1")
    session.commit()
    update_document(
        session,
        document,
        DocumentInput(doc_type="reglemente", title="Reglemente för tillsynsnämnden"),
        expected_version=document.version,
        actor=editor,
    )
    session.commit()
    assert document.doc_type == "reglemente" and len(document.versions) == 1
    assert search_documents(session, "tillsynsnämnden", editor.user).total == 1
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "document")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.changes["doc_type"] == ["forbundsordning", "reglemente"]
    with pytest.raises(ValidationFailed) as failure:
        update_document(
            session,
            document,
            DocumentInput(doc_type="", title=""),
            expected_version=document.version,
            actor=editor,
        )
    assert set(failure.value.fields) == {"doc_type", "title"}
