"""The document forms: raw fields; the service validates (one set of rules for page and API)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _l
from coop_tracker.documents.models import Document
from coop_tracker.documents.rules import TYPE_LABELS
from coop_tracker.documents.services import DocumentInput, Upload, VersionInput


def _upload(field: FileField) -> Upload | None:
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return Upload(storage.filename, storage.read())


class VersionForm(FlaskForm):
    """A new version of a document (also the first version's fields of a new document)."""

    version = HiddenField()
    file = FileField(_l("Fil"))
    link_url = StringField(_l("Länk till diariet"))
    reference = StringField(_l("Diarienummer"))
    decided_on = StringField(_l("Beslutsdatum"))
    valid_from = StringField(_l("Gäller från"))
    valid_to = StringField(_l("Gäller till"))
    change_note = TextAreaField(_l("Vad ändrades"))

    def to_version_input(self) -> VersionInput:
        return VersionInput(
            reference=self.reference.data,
            decided_on=self.decided_on.data,
            valid_from=self.valid_from.data,
            valid_to=self.valid_to.data,
            change_note=self.change_note.data,
            link_url=self.link_url.data,
            file=_upload(self.file),
        )


class DocumentFields(FlaskForm):
    """What a document is: type, title, note, what it concerns, whether its file is public."""

    version = HiddenField()
    doc_type = SelectField(_l("Dokumenttyp"), validate_choice=False)
    title = StringField(_l("Titel"))
    scope = SelectField(_l("Gäller"), validate_choice=False)
    note = TextAreaField(_l("Anteckning"))
    is_public = BooleanField(_l("Filen får visas i det publika registret"))

    def set_choices(self, scopes: list[tuple[str, str]]) -> None:
        self.doc_type.choices = choices([("", _l("Välj typ")), *TYPE_LABELS.items()])  # type: ignore[assignment]
        self.scope.choices = choices(scopes)  # type: ignore[assignment]

    def document_input(self, first: VersionInput | None = None) -> DocumentInput:
        scope: dict[str, Any] = {}
        kind, _sep, number = (self.scope.data or "").partition(":")
        if kind in ("party", "exit", "review") and number:
            scope[f"{kind}_id"] = number
        return DocumentInput(
            doc_type=self.doc_type.data,
            title=self.title.data,
            note=self.note.data,
            is_public=bool(self.is_public.data),
            first=first,
            **scope,
        )


class DocumentForm(VersionForm, DocumentFields):
    """A new document with its first version."""

    def to_input(self) -> DocumentInput:
        return self.document_input(first=self.to_version_input())


class DocumentEditForm(DocumentFields):
    """A document's own fields, changed; its versions are not touched."""

    def fill(self, document: Document) -> None:
        self.version.data = str(document.version)
        self.doc_type.data = document.doc_type
        self.title.data = document.title
        self.note.data = document.note
        self.is_public.data = document.is_public
        for kind in ("party", "exit", "review"):
            value = getattr(document, f"{kind}_id")
            if value is not None:
                self.scope.data = f"{kind}:{value}"

    def to_input(self) -> DocumentInput:
        return self.document_input()
