"""Adding documents and new versions of them, with validation, storage and the audit log.

A file is written to the store before the row is flushed: a failed transaction may leave an
unreferenced file behind, never a row without its file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.audit.services import diff, plain, record, record_update
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import NotFound, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can
from coop_tracker.documents import search
from coop_tracker.documents.extract import EXTENSIONS, UnreadableFile, read_file
from coop_tracker.documents.models import Document, DocumentVersion
from coop_tracker.documents.rules import TYPE_LABELS
from coop_tracker.documents.storage import StorageError, new_key, storage
from coop_tracker.lifecycle.models import Exit
from coop_tracker.reviews.models import Review

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass
class Upload:
    """A file as received: the name the sender gave it and its bytes."""

    filename: str
    data: bytes


@dataclass
class VersionInput:
    """One version as typed or sent (unvalidated): a file or a link, and its dates."""

    reference: Any = ""
    decided_on: Any = None
    valid_from: Any = None
    valid_to: Any = None
    change_note: Any = ""
    link_url: Any = ""
    file: Upload | None = None


@dataclass
class DocumentInput:
    """A new document as typed or sent (unvalidated), with its first version."""

    doc_type: Any = None
    title: Any = ""
    note: Any = ""
    is_public: Any = False
    party_id: Any = None
    exit_id: Any = None
    review_id: Any = None
    first: VersionInput | None = None


def max_bytes() -> int:
    return int(current_app.config.get("DOCUMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def size_text(size: int) -> str:
    """A file size as people say it: "850 kB", "12,5 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def document_snapshot(document: Document) -> dict[str, Any]:
    return {
        "doc_type": document.doc_type,
        "title": document.title,
        "note": document.note,
        "is_public": document.is_public,
        "party_id": document.party_id,
        "exit_id": document.exit_id,
        "review_id": document.review_id,
    }


def version_snapshot(version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "reference": version.reference,
        "decided_on": plain(version.decided_on),
        "valid_from": plain(version.valid_from),
        "valid_to": plain(version.valid_to),
        "change_note": version.change_note,
        "link_url": version.link_url,
        "filename": version.filename,
        "size_bytes": version.size_bytes,
        "sha256": version.sha256,
    }


def _safe_filename(name: str, content_type: str) -> str:
    """The sender's file name without folders or control characters, ending in the extension
    of the type its content has."""
    base = UNSAFE_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" ._")
    extension = EXTENSIONS[content_type]
    stem = base[: -len(extension)] if base.lower().endswith(extension) else base
    stem = stem[: 200 - len(extension)] or "dokument"
    return stem + extension


def _validate_version(
    data: VersionInput, errors: v.Errors, *, first: bool
) -> tuple[dict[str, Any], Upload | None]:
    values: dict[str, Any] = {
        "reference": v.text(data.reference, "reference", _("Diarienummer"), errors, max_length=60),
        "decided_on": v.a_date(data.decided_on, "decided_on", _("Beslutsdatum"), errors),
        "valid_from": v.a_date(data.valid_from, "valid_from", _("Gäller från"), errors),
        "valid_to": v.a_date(data.valid_to, "valid_to", _("Gäller till"), errors),
        "change_note": v.text(
            data.change_note,
            "change_note",
            _("Vad ändrades"),
            errors,
            max_length=5000,
            multiline=True,
            required=not first,
        ),
        "link_url": v.url(data.link_url, "link_url", _("Länk till diariet"), errors),
    }
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        errors.add("valid_to", _("Gäller till kan inte vara före Gäller från."))
    upload = data.file if data.file is not None and data.file.filename else None
    if upload is None and not values["link_url"] and "link_url" not in errors:
        errors.add(
            "file",
            _("Välj en fil att ladda upp (PDF, DOCX eller ODT) eller ange en länk till diariet."),
        )
    elif upload is not None and values["link_url"]:
        errors.add("link_url", _("Ange antingen en fil eller en länk till diariet, inte båda."))
    elif upload is not None:
        limit = max_bytes()
        if not upload.data:
            errors.add("file", _("Filen ”%(name)s” är tom.", name=upload.filename[:100]))
        elif len(upload.data) > limit:
            errors.add(
                "file",
                _(
                    "Filen är %(size)s; den får vara högst %(limit)s.",
                    size=size_text(len(upload.data)),
                    limit=size_text(limit),
                ),
            )
    return values, upload


def _read_upload(upload: Upload, errors: v.Errors) -> tuple[str, str] | None:
    """(content type, text) of an accepted file; else a message on the field ``file``."""
    try:
        found = read_file(upload.data)
    except UnreadableFile as failure:
        name = upload.filename[:100]
        if failure.reason == "type":
            message = _(
                "Filen ”%(name)s” är inte en PDF-, Word- (DOCX) eller OpenDocument-fil (ODT). "
                "Typen avgörs av filens innehåll, inte av namnet.",
                name=name,
            )
        elif failure.reason == "too_large_unpacked":
            message = _("Filen ”%(name)s” packas upp till för mycket data.", name=name)
        else:
            message = _(
                "Filen ”%(name)s” går inte att läsa; den verkar vara skadad. Spara den på "
                "nytt och försök igen.",
                name=name,
            )
        errors.add("file", message)
        return None
    return found.content_type, found.text


def _store(version: DocumentVersion, upload: Upload, content_type: str, text: str) -> None:
    key = new_key()
    try:
        storage().put(key, upload.data, content_type)
    except StorageError as error:
        raise ValidationFailed(
            {"file": _("Filen kunde inte sparas just nu. Försök igen om en stund.")}
        ) from error
    version.storage_key = key
    version.filename = _safe_filename(upload.filename, content_type)
    version.content_type = content_type
    version.size_bytes = len(upload.data)
    version.sha256 = hashlib.sha256(upload.data).hexdigest()
    version.text = text


def _check_permission(agreement: Agreement, actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "document.edit", agreement):
        raise PermissionDenied(
            _("Du kan bara lägga in dokument för samverkan där din kommun är part.")
        )


def _label(document: Document) -> str:
    """The document as its audit events name it: its type and title."""
    return f"{TYPE_LABELS[document.doc_type]}: {document.title}"


def _described(
    session: Session, agreement: Agreement, data: DocumentInput, errors: v.Errors
) -> dict[str, Any]:
    """What a document is, as typed for a new one or a change: its type, title and note, and
    what it concerns (``_scope``); each problem added to ``errors``."""
    doc_type = v.choice(
        data.doc_type, "doc_type", _("Dokumenttyp"), errors, TYPE_LABELS, required=True
    )
    title = v.text(data.title, "title", _("Titel"), errors, max_length=200, required=True)
    note = v.text(data.note, "note", _("Anteckning"), errors, max_length=5000, multiline=True)
    scope = _scope(session, agreement, data, errors)
    return {"doc_type": doc_type, "title": title, "note": note, **scope}


def _scope(session: Session, agreement: Agreement, data: DocumentInput, errors: v.Errors) -> dict:
    """The party, exit plan or review the document is about: of this agreement, at most one."""
    found: dict[str, int | None] = {"party_id": None, "exit_id": None, "review_id": None}
    labels = {
        "party_id": (Party, _("Part")),
        "exit_id": (Exit, _("Avvecklingsplan")),
        "review_id": (Review, _("Uppföljning")),
    }
    for name, (model, label) in labels.items():
        raw = getattr(data, name)
        if raw in (None, ""):
            continue
        number = v.integer(raw, name, label, errors, minimum=1, maximum=v.MAX_ROW_ID)
        if number is None:
            continue
        row = session.get(model, number)
        if row is None or getattr(row, "agreement_id", None) != agreement.id:
            errors.add(name, _("%(label)s hör inte till den här samverkan.", label=label))
            continue
        found[name] = number
    if sum(1 for value in found.values() if value is not None) > 1:
        errors.add(
            "party_id",
            _("Ett dokument kan gälla en part, en avvecklingsplan eller en uppföljning – välj en."),
        )
    return found


def create_document(
    session: Session, agreement: Agreement, data: DocumentInput, *, actor: Actor
) -> Document:
    """Add a document with its first version (a stored file or a link to the diarium)."""
    _check_permission(agreement, actor)
    errors = v.Errors()
    described = _described(session, agreement, data, errors)
    values, upload = _validate_version(data.first or VersionInput(), errors, first=True)
    read = _read_upload(upload, errors) if upload is not None and not errors else None
    if errors:
        raise ValidationFailed(dict(errors))
    document = Document(
        agreement_id=agreement.id,
        is_public=bool(data.is_public),
        created_by_id=actor.user_id,
        **described,
    )
    version = DocumentVersion(number=1, created_by_id=actor.user_id, **values)
    if upload is not None and read is not None:
        _store(version, upload, *read)
    document.versions.append(version)
    session.add(document)
    session.flush()
    search.index_document(session, document)
    record(
        session,
        actor,
        action="create",
        object_type="document",
        object_id=document.id,
        label=_label(document),
        agreement_id=agreement.id,
        changes=diff({}, {**document_snapshot(document), **version_snapshot(version)}),
    )
    return document


def add_version(
    session: Session,
    document: Document,
    data: VersionInput,
    *,
    expected_version: Any,
    actor: Actor,
) -> DocumentVersion:
    """A new version of a document; the earlier ones are kept unchanged as its history."""
    agreement = session.get(Agreement, document.agreement_id)
    assert agreement is not None
    _check_permission(agreement, actor)
    check_version(
        expected_version,
        document.version,
        lambda: {**document_snapshot(document), **version_snapshot(document.current)},
    )
    errors = v.Errors()
    values, upload = _validate_version(data, errors, first=False)
    read = _read_upload(upload, errors) if upload is not None and not errors else None
    if errors:
        raise ValidationFailed(dict(errors))
    version = DocumentVersion(
        number=document.current.number + 1, created_by_id=actor.user_id, **values
    )
    if upload is not None and read is not None:
        _store(version, upload, *read)
    document.versions.append(version)
    document.updated_at = utcnow()  # the document row changes, so its version moves on
    session.flush()
    search.index_document(session, document)
    record(
        session,
        actor,
        action="update",
        object_type="document",
        object_id=document.id,
        label=_label(document),
        agreement_id=agreement.id,
        changes=diff(version_snapshot(document.versions[-2]), version_snapshot(version)),
    )
    return version


def update_document(
    session: Session,
    document: Document,
    data: DocumentInput,
    *,
    expected_version: Any,
    actor: Actor,
) -> Document:
    """Change what a document is (type, title, note, what it concerns, whether its file is
    public); its versions stay as they are."""
    agreement = session.get(Agreement, document.agreement_id)
    assert agreement is not None
    _check_permission(agreement, actor)
    check_version(expected_version, document.version, lambda: document_snapshot(document))
    errors = v.Errors()
    described = _described(session, agreement, data, errors)
    if errors:
        raise ValidationFailed(dict(errors))
    before = document_snapshot(document)
    for name, value in described.items():
        setattr(document, name, value)
    document.is_public = bool(data.is_public)
    changes = record_update(
        session,
        actor,
        before,
        document_snapshot(document),
        object_type="document",
        object_id=document.id,
        label=_label(document),
        agreement_id=agreement.id,
    )
    if changes:
        search.index_document(session, document)
    return document


def get_visible_document(session: Session, document_id: int, user: Any) -> Document:
    """A document of an agreement the user may see, or NotFound (planned ones stay hidden)."""
    document = session.get(Document, document_id) if v.is_row_id(document_id) else None
    agreement = session.get(Agreement, document.agreement_id) if document is not None else None
    if document is None or agreement is None or not can(user, "document.view", agreement):
        raise NotFound(_("Dokumentet hittades inte."))
    return document


def get_version(document: Document, number: int) -> DocumentVersion:
    for version in document.versions:
        if version.number == number:
            return version
    raise NotFound(_("Versionen hittades inte."))


def read_version_file(version: DocumentVersion) -> bytes:
    """The stored file's bytes; NotFound when the version is a link or the store lost it."""
    if not version.storage_key:
        raise NotFound(_("Versionen har ingen fil; den finns i diariet (se länken)."))
    try:
        return storage().get(version.storage_key)
    except StorageError as error:
        raise NotFound(_("Filen finns inte i lagringen. Kontakta administratören.")) from error


def documents_of(session: Session, agreement_id: int) -> list[Document]:
    """An agreement's documents by type and title."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.agreement_id == agreement_id)
            .order_by(Document.doc_type, Document.title, Document.id)
        )
    )
