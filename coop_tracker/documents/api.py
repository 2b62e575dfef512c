"""Documents in the JSON API: ``GET``/``POST /api/v1/agreements/<id>/documents`` (a multipart
upload or a link), ``GET /api/v1/documents/<id>``, ``GET /api/v1/documents/<id>/file`` and
``GET /api/v1/search?q=`` (full text, with the matching passage)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from marshmallow.validate import Length, Range

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.api.common import api_user, error_responses, permission_required, utc
from coop_tracker.api.schemas import PaginationQuerySchema, Schema, envelope, page_of
from coop_tracker.core.clock import today
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.permissions import can
from coop_tracker.core.web import web_actor
from coop_tracker.documents import services
from coop_tracker.documents.models import Document, DocumentVersion
from coop_tracker.documents.queries import overview
from coop_tracker.documents.rules import TYPE_LABELS
from coop_tracker.documents.search import search_documents
from coop_tracker.documents.views import FORM_OVERHEAD, file_response
from coop_tracker.extensions import db

blp = Blueprint(
    "api_documents",
    __name__,
    url_prefix="/api/v1",
    description="Dokument per samverkan (avtal, förbundsordning, reglemente, protokollsutdrag "
    "…) med versioner, filer och fulltextsökning.",
)

TYPES = ", ".join(TYPE_LABELS)
FORM_FIELDS = (
    "type",
    "title",
    "note",
    "is_public",
    "party_id",
    "exit_id",
    "review_id",
    "reference",
    "decided_on",
    "valid_from",
    "valid_to",
    "link_url",
)


class VersionSchema(Schema):
    """One version of a document."""

    number = fields.Integer()
    reference = fields.String(metadata={"description": "Diarienummer."})
    decided_on = fields.Date(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    change_note = fields.String(metadata={"description": "Vad som ändrades mot förra versionen."})
    link_url = fields.String(metadata={"description": "Länk till diariet, om ingen fil."})
    filename = fields.String(allow_none=True)
    content_type = fields.String(allow_none=True)
    size_bytes = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    file_url = fields.String(allow_none=True, metadata={"description": "Hämtas med API-nyckel."})
    created_at = fields.DateTime()


class DocumentSchema(Schema):
    """A document with its current version and its history."""

    id = fields.Integer()
    agreement_id = fields.Integer()
    type = fields.String(metadata={"description": TYPES})
    title = fields.String()
    note = fields.String()
    is_public = fields.Boolean(metadata={"description": "Filen får visas i publika registret."})
    party_id = fields.Integer(allow_none=True)
    exit_id = fields.Integer(allow_none=True)
    review_id = fields.Integer(allow_none=True)
    current = fields.Nested(VersionSchema)
    versions = fields.List(fields.Nested(VersionSchema), metadata={"description": "Äldst först."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer(metadata={"description": "För optimistisk låsning."})


class FindingSchema(Schema):
    """One thing the "gällande dokument" check found."""

    kind = fields.String(
        metadata={"description": "missing, unregistered (bara länk), expired eller outdated."}
    )
    type = fields.String()
    text = fields.String()
    document_id = fields.Integer(allow_none=True)


class DocumentListSchema(Schema):
    """A page of an agreement's documents and the check of its governing documents."""

    items = fields.List(fields.Nested(DocumentSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    check = fields.List(
        fields.Nested(FindingSchema),
        metadata={"description": "Tom lista: de styrande dokumenten är aktuella."},
    )


class SearchQuerySchema(PaginationQuerySchema):
    """The search words and the page."""

    q = fields.String(
        required=True,
        validate=Length(min=1, max=200),
        metadata={"description": "Sökord; alla ord ska finnas, i valfri böjningsform."},
    )
    per_page = fields.Integer(load_default=20, validate=Range(min=1, max=100))


class HitSchema(Schema):
    """A document found, with the passage where the words matched."""

    document = fields.Nested(DocumentSchema)
    agreement_title = fields.String()
    score = fields.Float(metadata={"description": "Högre är bättre."})
    passage = fields.String(metadata={"description": "Textavsnittet; träffarna inom <mark>."})
    field = fields.String(
        metadata={"description": "title, note, text eller version (en äldre version)."}
    )
    version = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Numret på den äldre version där orden finns, när den gällande "
            "versionen inte har dem; annars null."
        },
    )
    version_url = fields.String(
        allow_none=True,
        metadata={"description": "Den äldre versionens fil, när den har en fil."},
    )


class SearchPageSchema(Schema):
    """A page of search results, best first."""

    items = fields.List(fields.Nested(HitSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


def _file_url(document: Document, version: DocumentVersion) -> str | None:
    if not version.has_file:
        return None
    return url_for("api_documents.version_file", document_id=document.id, number=version.number)


def _version_file_url(document: Document, number: int | None) -> str | None:
    """The file of the earlier version a search hit is in (None: the hit is current)."""
    if number is None:
        return None
    version = next((v for v in document.versions if v.number == number), None)
    return _file_url(document, version) if version is not None else None


def version_payload(document: Document, version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "reference": version.reference,
        "decided_on": version.decided_on,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "change_note": version.change_note,
        "link_url": version.link_url,
        "filename": version.filename or None,
        "content_type": version.content_type or None,
        "size_bytes": version.size_bytes,
        "sha256": version.sha256 or None,
        "file_url": _file_url(document, version),
        "created_at": utc(version.created_at),
    }


def document_payload(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "agreement_id": document.agreement_id,
        "type": document.doc_type,
        "title": document.title,
        "note": document.note,
        "is_public": document.is_public,
        "party_id": document.party_id,
        "exit_id": document.exit_id,
        "review_id": document.review_id,
        "current": version_payload(document, document.current),
        "versions": [version_payload(document, v) for v in document.versions],
        "created_at": utc(document.created_at),
        "updated_at": utc(document.updated_at),
        "version": document.version,
    }


def _load(agreement_id: int) -> Any:
    return get_visible_agreement(db.session, agreement_id, api_user())


def _incoming(names: tuple[str, ...] = FORM_FIELDS) -> dict[str, Any]:
    """The fields of a multipart form or a JSON body, as text (the service validates)."""
    if request.mimetype == "multipart/form-data":
        return {key: request.form.get(key) for key in names if key in request.form}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed(
            {"_schema": "Skicka dokumentet som multipart/form-data (med fil) eller JSON (länk)."}
        )
    unknown = sorted(set(body) - set(names))
    if unknown:
        raise ValidationFailed({name: "Okänt fält." for name in unknown})
    return body


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "ja", "on"):
        return True
    if text in ("false", "0", "no", "nej", "off", ""):
        return False
    return None


MULTIPART_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["type", "title"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "PDF, DOCX, ODT"},
                    "type": {"type": "string", "enum": list(TYPE_LABELS)},
                    "title": {"type": "string", "maxLength": 200},
                    "note": {"type": "string"},
                    "is_public": {"type": "boolean"},
                    "party_id": {"type": "integer"},
                    "exit_id": {"type": "integer"},
                    "review_id": {"type": "integer"},
                    "reference": {"type": "string", "maxLength": 60},
                    "decided_on": {"type": "string", "format": "date"},
                    "valid_from": {"type": "string", "format": "date"},
                    "valid_to": {"type": "string", "format": "date"},
                    "link_url": {"type": "string", "description": "I stället för fil."},
                },
            }
        },
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["type", "title", "link_url"],
                "properties": {
                    "type": {"type": "string", "enum": list(TYPE_LABELS)},
                    "title": {"type": "string"},
                    "link_url": {"type": "string"},
                    "note": {"type": "string"},
                    "is_public": {"type": "boolean"},
                    "reference": {"type": "string"},
                    "decided_on": {"type": "string", "format": "date"},
                    "valid_from": {"type": "string", "format": "date"},
                    "valid_to": {"type": "string", "format": "date"},
                    "party_id": {"type": "integer"},
                    "exit_id": {"type": "integer"},
                    "review_id": {"type": "integer"},
                },
            }
        },
    },
}


@blp.route("/agreements/<int:agreement_id>/documents", endpoint="documents")
class AgreementDocuments(MethodView):
    # The bearer-token check lets a multipart body through to this view only.
    accepts_multipart = True

    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, DocumentListSchema)
    @error_responses(blp, 401, 404)
    def get(self, args: dict[str, Any], agreement_id: int) -> Any:
        """Lista dokument

        Gällande version av varje dokument med hela versionshistoriken, och kontrollen av de
        styrande dokumenten (saknas, har gått ut, äldre än senaste ändringen av parterna).
        """
        agreement = _load(agreement_id)
        documents = services.documents_of(db.session, agreement.id)
        found = overview(agreement, documents, today())
        body = page_of(documents, args, document_payload)
        body["check"] = [
            {"kind": f.kind, "type": f.doc_type, "text": f.text, "document_id": f.document_id}
            for f in found.findings
        ]
        return body

    @permission_required("document.edit", load=_load)
    @blp.doc(requestBody=MULTIPART_BODY)
    @blp.response(201, DocumentSchema)
    @error_responses(blp, 401, 403, 404, 413, 422)
    def post(self, agreement_id: int) -> Any:
        """Lägg till ett dokument

        Som multipart/form-data med fältet file (PDF, DOCX eller ODT; typen avgörs av
        innehållet) eller som JSON med link_url till kommunens diarium. Redaktörer lägger bara
        till dokument för samverkan där den egna kommunen är part.
        """
        agreement = _load(agreement_id)
        request.max_content_length = services.max_bytes() + FORM_OVERHEAD
        data = _incoming()
        upload = None
        if request.mimetype == "multipart/form-data" and "file" in request.files:
            storage = request.files["file"]
            upload = services.Upload(storage.filename or "fil", storage.read())
        public = _boolean(data.get("is_public"))
        if public is None:
            raise ValidationFailed({"is_public": "is_public ska vara true eller false."})
        try:
            document = services.create_document(
                db.session,
                agreement,
                services.DocumentInput(
                    doc_type=data.get("type"),
                    title=data.get("title", ""),
                    note=data.get("note", ""),
                    is_public=public,
                    party_id=data.get("party_id"),
                    exit_id=data.get("exit_id"),
                    review_id=data.get("review_id"),
                    first=services.VersionInput(
                        reference=data.get("reference", ""),
                        decided_on=data.get("decided_on"),
                        valid_from=data.get("valid_from"),
                        valid_to=data.get("valid_to"),
                        link_url=data.get("link_url", ""),
                        file=upload,
                    ),
                ),
                actor=web_actor(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            fields_ = {("type" if k == "doc_type" else k): m for k, m in error.fields.items()}
            raise ValidationFailed(fields_, error.message) from None
        db.session.commit()
        location = url_for("api_documents.document", document_id=document.id)
        return document_payload(document), 201, {"Location": location}


def _document(document_id: int) -> Document:
    return services.get_visible_document(db.session, document_id, api_user())


@blp.route("/documents/<int:document_id>", endpoint="document")
class OneDocument(MethodView):
    @blp.response(200, DocumentSchema)
    @error_responses(blp, 401, 404)
    def get(self, document_id: int) -> Any:
        """Läs ett dokument"""
        return document_payload(_document(document_id))


VERSION_FIELDS = (
    "version",
    "reference",
    "decided_on",
    "valid_from",
    "valid_to",
    "change_note",
    "link_url",
)
VERSION_BODY = {
    "required": True,
    "content": {
        kind: {
            "schema": {
                "type": "object",
                "required": ["version", "change_note"],
                "properties": {
                    **({"file": {"type": "string", "format": "binary"}} if multipart else {}),
                    "version": {
                        "type": "integer",
                        "description": "Dokumentets version (optimistisk låsning).",
                    },
                    "change_note": {"type": "string", "description": "Vad som ändrades."},
                    "reference": {"type": "string", "maxLength": 60},
                    "decided_on": {"type": "string", "format": "date"},
                    "valid_from": {"type": "string", "format": "date"},
                    "valid_to": {"type": "string", "format": "date"},
                    "link_url": {"type": "string"},
                },
            }
        }
        for kind, multipart in (("multipart/form-data", True), ("application/json", False))
    },
}


@blp.route("/documents/<int:document_id>/versions", endpoint="versions")
class DocumentVersions(MethodView):
    accepts_multipart = True

    @blp.doc(requestBody=VERSION_BODY)
    @blp.response(201, DocumentSchema)
    @error_responses(blp, 401, 403, 404, 409, 413, 422)
    def post(self, document_id: int) -> Any:
        """Lägg till en ny version

        Den nya versionen blir gällande; de tidigare behålls. change_note (vad som ändrades)
        krävs, och version ska vara dokumentets nuvarande version (409 om någon hann före).
        """
        document = _document(document_id)
        agreement = db.session.get(Agreement, document.agreement_id)
        if not can(api_user(), "document.edit", agreement):
            raise PermissionDenied()
        request.max_content_length = services.max_bytes() + FORM_OVERHEAD
        data = _incoming(VERSION_FIELDS)
        upload = None
        if request.mimetype == "multipart/form-data" and "file" in request.files:
            storage = request.files["file"]
            upload = services.Upload(storage.filename or "fil", storage.read())
        try:
            services.add_version(
                db.session,
                document,
                services.VersionInput(
                    reference=data.get("reference", ""),
                    decided_on=data.get("decided_on"),
                    valid_from=data.get("valid_from"),
                    valid_to=data.get("valid_to"),
                    change_note=data.get("change_note", ""),
                    link_url=data.get("link_url", ""),
                    file=upload,
                ),
                expected_version=data.get("version"),
                actor=web_actor(),
            )
        except ValidationFailed:
            db.session.rollback()
            raise
        db.session.commit()
        location = url_for("api_documents.document", document_id=document.id)
        return document_payload(document), 201, {"Location": location}


FILE_RESPONSE = {
    "description": "Filen (PDF, DOCX eller ODT) som bilaga.",
    "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
            "schema": {"type": "string", "format": "binary"}
        },
        "application/vnd.oasis.opendocument.text": {
            "schema": {"type": "string", "format": "binary"}
        },
    },
}


@blp.route("/documents/<int:document_id>/file", endpoint="file")
class DocumentFile(MethodView):
    @blp.doc(responses={"200": FILE_RESPONSE})
    @error_responses(blp, 401, 404)
    def get(self, document_id: int) -> Any:
        """Hämta filen (gällande version)

        Bara för den som får se samverkan (planerad samverkan syns bara för sina parter).
        404 när versionen är en länk till diariet.
        """
        return file_response(_document(document_id).current)


@blp.route("/documents/<int:document_id>/versions/<int:number>/file", endpoint="version_file")
class VersionFile(MethodView):
    @blp.doc(responses={"200": FILE_RESPONSE})
    @error_responses(blp, 401, 404)
    def get(self, document_id: int, number: int) -> Any:
        """Hämta filen för en viss version"""
        return file_response(services.get_version(_document(document_id), number))


@blp.route("/search", endpoint="search")
class Search(MethodView):
    @blp.arguments(SearchQuerySchema, location="query")
    @blp.response(200, SearchPageSchema)
    @error_responses(blp, 401)
    def get(self, args: dict[str, Any]) -> Any:
        """Sök i dokumentens text

        Fulltext i text, titel och anteckning med svensk ordstamning, bäst först, med
        textavsnittet där orden finns. Bara dokument för samverkan du får se.
        """
        per_page = args["per_page"]
        results = search_documents(
            db.session,
            args["q"],
            api_user(),
            limit=per_page,
            offset=(args["page"] - 1) * per_page,
        )
        titles: dict[int, str] = {
            row.id: row.title
            for row in db.session.execute(
                db.select(Agreement.id, Agreement.title).where(
                    Agreement.id.in_({h.document.agreement_id for h in results.hits})
                )
            )
        }
        items = [
            {
                "document": document_payload(hit.document),
                "agreement_title": titles.get(hit.document.agreement_id, ""),
                "score": round(hit.score, 6),
                "passage": str(hit.passage),
                "field": hit.field,
                "version": hit.version,
                "version_url": _version_file_url(hit.document, hit.version),
            }
            for hit in results.hits
        ]
        return envelope(items, results.total, args["page"], per_page)
