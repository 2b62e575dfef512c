"""Document pages: an agreement's documents and their check, adding documents and versions,
downloads through the permission check, full-text search, and public files."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.clock import today
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can, is_public_record
from coop_tracker.core.validation import is_row_id
from coop_tracker.core.web import Saved, submit, web_actor
from coop_tracker.documents import services
from coop_tracker.documents.forms import DocumentEditForm, DocumentForm, VersionForm
from coop_tracker.documents.models import Document, DocumentVersion
from coop_tracker.documents.queries import agreement_overview
from coop_tracker.documents.rules import TYPE_LABELS
from coop_tracker.documents.search import search_documents
from coop_tracker.extensions import db
from coop_tracker.lifecycle.models import Exit
from coop_tracker.lifecycle.titles import shown_plan_title
from coop_tracker.reviews.models import Review

bp = Blueprint("documents", __name__)

# The request may carry the largest file plus the form's other fields.
FORM_OVERHEAD = 256 * 1024
SEARCH_PAGE = 20


@bp.record_once
def _setup(state: Any) -> None:
    state.app.jinja_env.globals["DOCUMENT_TYPE_LABELS"] = TYPE_LABELS
    audit_labels.register_fields(
        "document",
        _l("Dokument"),
        {
            "doc_type": _l("Dokumenttyp"),
            "title": _l("Titel"),
            "note": _l("Anteckning"),
            "is_public": _l("Filen publik"),
            "party_id": _l("Part"),
            "exit_id": _l("Avvecklingsplan"),
            "review_id": _l("Uppföljning"),
            "number": _l("Version"),
            "reference": _l("Diarienummer"),
            "decided_on": _l("Beslutsdatum"),
            "valid_from": _l("Gäller från"),
            "valid_to": _l("Gäller till"),
            "change_note": _l("Vad ändrades"),
            "link_url": _l("Länk till diariet"),
            "filename": _l("Fil"),
            "size_bytes": _l("Storlek (byte)"),
            "sha256": _l("Kontrollsumma (SHA-256)"),
        },
        {"doc_type": {str(k): str(v) for k, v in TYPE_LABELS.items()}},
        references={"party_id": "party"},
    )


def _allow_upload_size() -> None:
    request.max_content_length = services.max_bytes() + FORM_OVERHEAD


def _scopes(agreement: Agreement) -> list[tuple[str, str]]:
    """The choices of what a document is about: the whole agreement, a party, an exit plan or
    a review of it."""
    scopes: list[tuple[str, str]] = [("", _("Hela samverkan"))]
    scopes += [(f"party:{p.id}", _("Part: %(name)s", name=p.name)) for p in agreement.parties]
    for plan in db.session.scalars(
        db.select(Exit).where(Exit.agreement_id == agreement.id).order_by(Exit.id)
    ):
        scopes.append(
            (f"exit:{plan.id}", _("Avvecklingsplan: %(title)s", title=shown_plan_title(plan.title)))
        )
    for review in db.session.scalars(
        db.select(Review).where(Review.agreement_id == agreement.id).order_by(Review.reviewed_on)
    ):
        scopes.append(
            (f"review:{review.id}", _("Uppföljning %(date)s", date=review.reviewed_on.isoformat()))
        )
    return scopes


@bp.get("/agreements/<int:agreement_id>/documents")
@login_required
def agreement_documents(agreement_id: int) -> Any:
    """An agreement's documents: the current set, the check, and where each belongs."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    overview = agreement_overview(db.session, agreement, today())
    scopes = dict(_scopes(agreement))
    concerns = request.args.get("concerns", "")
    if concerns not in scopes:
        concerns = ""
    if concerns:  # only the documents about one party, exit plan or review
        kind, _sep, number = concerns.partition(":")
        overview = replace(
            overview,
            documents=[d for d in overview.documents if getattr(d, f"{kind}_id") == int(number)],
        )
    return render_template(
        "documents/agreement.html",
        agreement=agreement,
        overview=overview,
        scopes=scopes,
        concerns=concerns,
    )


@bp.route("/agreements/<int:agreement_id>/documents/new", methods=["GET", "POST"])
@login_required
def new(agreement_id: int) -> Any:
    """Add a document: an uploaded file or a link to the diarium."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    if not can(current_user, "document.edit", agreement):
        abort(403)
    _allow_upload_size()
    form = DocumentForm()
    form.set_choices(_scopes(agreement))
    if request.method == "GET" and request.args.get("type") in TYPE_LABELS:
        form.doc_type.data = request.args["type"]
    if request.method == "GET" and request.args.get("concerns"):
        form.scope.data = request.args["concerns"]
    saved = submit(
        form,
        lambda: services.create_document(db.session, agreement, form.to_input(), actor=web_actor()),
        only=["csrf_token"],
    )
    if saved.ok:
        document = saved.result
        flash(_("Dokumentet ”%(title)s” är sparat.", title=document.title), "success")
        return redirect(url_for("documents.detail", document_id=document.id))
    return _form_page(agreement, None, form, saved)


def _form_page(agreement: Agreement, document: Document | None, form: Any, saved: Saved) -> Any:
    """A new document's or a new version's form, first shown or shown again with what the save
    came to."""
    return render_template(
        "documents/form.html",
        agreement=agreement,
        form=form,
        errors=saved.errors,
        document=document,
        conflict=saved.conflict,
        max_mb=services.max_bytes() // (1024 * 1024),
    ), saved.status


def _document(document_id: int) -> tuple[Document, Agreement]:
    document = services.get_visible_document(db.session, document_id, current_user)
    agreement = db.session.get(Agreement, document.agreement_id)
    assert agreement is not None
    return document, agreement


@bp.get("/documents/<int:document_id>")
@login_required
def detail(document_id: int) -> Any:
    """One document with every version: what changed, when, and its file or link."""
    document, agreement = _document(document_id)
    return render_template(
        "documents/detail.html",
        agreement=agreement,
        document=document,
        scope=dict(_scopes(agreement)),
        active_tab="documents.agreement_documents",
    )


@bp.route("/documents/<int:document_id>/versions/new", methods=["GET", "POST"])
@login_required
def new_version(document_id: int) -> Any:
    """A new version (say, a revised förbundsordning); the earlier ones are kept."""
    document, agreement = _document(document_id)
    if not can(current_user, "document.edit", agreement):
        abort(403)
    _allow_upload_size()
    form = VersionForm()
    if request.method == "GET":
        form.version.data = str(document.version)
    saved = submit(
        form,
        lambda: services.add_version(
            db.session,
            document,
            form.to_version_input(),
            expected_version=form.version.data,
            actor=web_actor(),
        ),
        only=["csrf_token"],
    )
    if saved.ok:
        flash(
            _(
                "Version %(n)s av ”%(title)s” är sparad.",
                n=saved.result.number,
                title=document.title,
            ),
            "success",
        )
        return redirect(url_for("documents.detail", document_id=document.id))
    if saved.conflict is not None:  # saving again now builds on the other person's version
        form.version.data = str(saved.conflict.current_version)
    return _form_page(agreement, document, form, saved)


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(document_id: int) -> Any:
    """Change the document's type, title, note, what it concerns or whether its file is
    public; its versions are not touched."""
    document, agreement = _document(document_id)
    if not can(current_user, "document.edit", agreement):
        abort(403)
    form = DocumentEditForm()
    form.set_choices(_scopes(agreement))
    if request.method == "GET":
        form.fill(document)
    saved = submit(
        form,
        lambda: services.update_document(
            db.session,
            document,
            form.to_input(),
            expected_version=form.version.data,
            actor=web_actor(),
        ),
        only=["csrf_token"],
    )
    if saved.ok:
        flash(_("Dokumentet ”%(title)s” är sparat.", title=document.title), "success")
        return redirect(url_for("documents.detail", document_id=document.id))
    if saved.conflict is not None:
        form.version.data = str(saved.conflict.current_version)
    return render_template(
        "documents/edit.html",
        agreement=agreement,
        document=document,
        form=form,
        errors=saved.errors,
        conflict=saved.conflict,
    ), saved.status


def file_response(version: DocumentVersion) -> Any:
    """The stored file as an attachment, never cached by shared caches."""
    data = services.read_version_file(version)
    response = send_file(
        io.BytesIO(data),
        mimetype=version.content_type,
        as_attachment=True,
        download_name=version.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/documents/<int:document_id>/file")
@login_required
def download(document_id: int) -> Any:
    """The current version's file, for users who may see the agreement."""
    document, _agreement = _document(document_id)
    return file_response(document.current)


@bp.get("/documents/<int:document_id>/versions/<int:number>/file")
@login_required
def download_version(document_id: int, number: int) -> Any:
    """An earlier (or the current) version's file."""
    document, _agreement = _document(document_id)
    return file_response(services.get_version(document, number))


@bp.get("/public/documents/<int:document_id>/file")
def public_download(document_id: int) -> Any:
    """A file the kommun marked public, of an agreement in the public register."""
    document = db.session.get(Document, document_id) if is_row_id(document_id) else None
    agreement = db.session.get(Agreement, document.agreement_id) if document else None
    if (
        document is None
        or agreement is None
        or not document.is_public
        or not is_public_record(agreement)
        or not document.current.has_file
    ):
        abort(404)
    return file_response(document.current)


@bp.get("/search")
@login_required
def search() -> Any:
    """Full-text search in the documents of every agreement the user may see."""
    query = request.args.get("q", "")[:200]
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < len(page) < 5 else 1
    results = search_documents(
        db.session, query, current_user, limit=SEARCH_PAGE, offset=(number - 1) * SEARCH_PAGE
    )
    agreements = {
        a.id: a
        for a in db.session.scalars(
            db.select(Agreement).where(
                Agreement.id.in_({h.document.agreement_id for h in results.hits})
            )
        )
    }
    return render_template(
        "documents/search.html",
        query=query,
        results=results,
        agreements=agreements,
        page=number,
        pages=max(1, -(-results.total // SEARCH_PAGE)),
    )
