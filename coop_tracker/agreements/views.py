"""Agreement pages: list with filters, detail, create/edit with parties, contacts, archive."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from coop_tracker.agreements import conflicts, services
from coop_tracker.agreements.forms import AgreementForm, ArchiveForm, ConfirmForm, ContactForm
from coop_tracker.agreements.models import Agreement, Contact, Party
from coop_tracker.agreements.queries import Filters, derived_dates_for, search_agreements
from coop_tracker.agreements.rules import (
    COST_BASIS_LABELS,
    FORM_HINTS,
    FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
    ROLE_SHORT,
)
from coop_tracker.checklists.queries import current_progress, progress_by_agreement
from coop_tracker.core.clock import today
from coop_tracker.core.conflicts import decode, encode
from coop_tracker.core.errors import StaleVersion, ValidationFailed
from coop_tracker.core.forms import amount_text, field_text
from coop_tracker.core.i18n import _, current_language
from coop_tracker.core.permissions import can
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area, Municipality

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@bp.record_once
def _labels(state: Any) -> None:
    """Domain labels as Jinja globals, so imported macros see them too."""
    state.app.jinja_env.globals.update(
        {
            "FORM_LABELS": FORM_LABELS,
            "FORM_HINTS": FORM_HINTS,
            "ROLE_LABELS": ROLE_LABELS,
            "ROLE_SHORT": ROLE_SHORT,
            "PHASE_LABELS": PHASE_LABELS,
            "RENEWAL_LABELS": RENEWAL_LABELS,
            "COST_BASIS_LABELS": COST_BASIS_LABELS,
        }
    )


def filters_from_request(args: Any) -> tuple[Filters, dict[str, str]]:
    """List filters from the query string; bad values are dropped with a message each."""
    problems: dict[str, str] = {}
    max_page = current_app.config["MAX_PAGE_SIZE"]

    def number(name: str, default: int, upper: int) -> int:
        raw = args.get(name, "")
        if raw == "":
            return default
        if not raw.isdigit() or not 1 <= int(raw) <= upper:
            problems[name] = _(
                "%(name)s måste vara ett heltal mellan 1 och %(upper)s.", name=name, upper=upper
            )
            return default
        return int(raw)

    def pick(name: str, allowed: Any) -> str | None:
        raw = args.get(name, "") or None
        if raw is not None and raw not in allowed:
            problems[name] = _("Okänt värde för %(name)s.", name=name)
            return None
        return raw

    sort = args.get("sort", "title")
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in ("title", "form", "phase", "start_on", "end_on", "updated_at"):
        problems["sort"] = _("Okänd sortering.")
        sort, descending = "title", False
    municipality = args.get("municipality", "") or None
    if municipality is not None and not (len(municipality) == 4 and municipality.isdigit()):
        problems["municipality"] = _("Kommunkod måste vara fyra siffror.")
        municipality = None
    filters = Filters(
        municipality=municipality,
        form=pick("form", FORM_LABELS),
        phase=pick("phase", PHASE_LABELS),
        role=pick("role", ROLE_LABELS),
        area=(args.get("area", "") or None),
        q=(args.get("q", "").strip()[:100] or None),
        sort=sort,
        descending=descending,
        page=number("page", 1, 100000),
        per_page=number("per_page", current_app.config["PAGE_SIZE"], max_page),
    )
    return filters, problems


def _choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    municipalities = [
        (code, f"{name} ({code})")
        for code, name in db.session.execute(
            select(Municipality.code, Municipality.name).order_by(Municipality.name)
        )
    ]
    area_label = Area.label_column(current_language())
    areas = [
        (slug, label)
        for slug, label in db.session.execute(
            select(Area.slug, area_label)
            .where(Area.is_active.is_(True))
            .order_by(Area.sort_order, area_label)
        )
    ]
    return municipalities, areas


@bp.get("/")
@login_required
def index() -> Any:
    """Every agreement the user may see, filtered, sorted and paginated."""
    filters, problems = filters_from_request(request.args)
    page = search_agreements(db.session, filters, current_user)
    municipalities, areas = _choices()
    # The list shows notice deadlines, not decide-by dates: no meeting calendars needed.
    derived = derived_dates_for(db.session, page.items, today(), calendars=())
    return render_template(
        "agreements/index.html",
        page=page,
        rows=[(a, derived[a.id]) for a in page.items],
        checklist=current_progress(
            page.items, progress_by_agreement(db.session, [a.id for a in page.items])
        ),
        filters=filters,
        problems=problems,
        municipalities=municipalities,
        areas=areas,
    )


def _get(agreement_id: int) -> Agreement:
    return services.get_visible_agreement(db.session, agreement_id, current_user)


@bp.get("/<int:agreement_id>")
@login_required
def detail(agreement_id: int) -> Any:
    """One agreement: parties, decisions, contacts, dates, purpose and cost."""
    agreement = _get(agreement_id)
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        derived=derived_dates_for(db.session, [agreement], today())[agreement.id],
        confirm=ConfirmForm(),
        today=today(),
        checklist=progress_by_agreement(db.session, [agreement.id])[agreement.id],
    )


def _prefill_own_party(form: AgreementForm) -> None:
    code = current_user.municipality_code
    if code and not form.parties[0].form.municipality_code.data:
        form.parties[0].form.municipality_code.data = code


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> Any:
    """Register a new agreement with any number of parties."""
    if not can(current_user, "agreement.create"):
        abort(403)
    form = AgreementForm()
    municipalities, areas = _choices()
    errors: dict[str, str] = {}
    if request.method == "GET":
        _prefill_own_party(form)
    if form.is_submitted():
        if not form.validate():
            errors.update({k: " ".join(v) for k, v in form.errors.items() if k == "csrf_token"})
        elif form.add_party.data:
            form.parties.append_entry()
        else:
            try:
                outcome = services.create_agreement(db.session, form.to_input(), actor=web_actor())
            except ValidationFailed as failure:
                db.session.rollback()
                errors = failure.fields
            else:
                db.session.commit()
                flash(
                    _("Samverkan ”%(title)s” är registrerad.", title=outcome.agreement.title),
                    "success",
                )
                for warning in outcome.warnings:
                    flash(warning, "warning")
                return redirect(url_for("agreements.detail", agreement_id=outcome.agreement.id))
    form.set_choices(municipalities, areas)
    status = 422 if errors else 200
    return render_template(
        "agreements/form.html", form=form, errors=errors, agreement=None, conflict=None
    ), status


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int) -> Any:
    """Change an agreement; a stale save shows the other person's values beside yours."""
    agreement = _get(agreement_id)
    if not can(current_user, "agreement.edit", agreement):
        abort(403)
    municipalities, areas = _choices()
    errors: dict[str, str] = {}
    conflict: StaleVersion | None = None
    conflict_rows: list[Any] = []
    original = request.form.get("original", "")
    if request.method == "GET":
        original = encode(conflicts.agreement_edit_snapshot(agreement))
        form = AgreementForm(obj=agreement)
        form.version.data = agreement.version
        form.annual_cost.data = amount_text(agreement.annual_cost)
        form.areas.data = [a.slug for a in agreement.areas]
        while len(form.parties):
            form.parties.pop_entry()
        for party in agreement.parties:
            entry = form.parties.append_entry()
            for name in services.PARTY_FIELDS:
                getattr(entry.form, name).data = field_text(getattr(party, name))
            entry.form.id.data = party.id
            entry.form.version.data = party.version
    else:
        form = AgreementForm()
    status = 200
    if form.is_submitted():
        if not form.validate():
            errors.update({k: " ".join(v) for k, v in form.errors.items() if k == "csrf_token"})
        elif form.add_party.data:
            form.parties.append_entry()
        else:
            try:
                outcome = services.update_agreement(
                    db.session,
                    agreement,
                    form.to_input(),
                    expected_version=form.version.data,
                    actor=web_actor(),
                )
            except ValidationFailed as failure:
                db.session.rollback()
                errors = failure.fields
            except StaleVersion as stale:
                db.session.rollback()
                conflict = stale
                status = 409
                current = conflicts.agreement_edit_snapshot(agreement)
                conflict_rows = conflicts.agreement_conflict_rows(
                    db.session,
                    decode(original),
                    current,
                    conflicts.agreement_input_snapshot(form.to_input()),
                )
                original = encode(current)  # saving again now builds on their version
                _refresh_party_versions(form, agreement)
            else:
                db.session.commit()
                flash(_("Ändringarna är sparade."), "success")
                for warning in outcome.warnings:
                    flash(warning, "warning")
                return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    form.set_choices(municipalities, areas)
    if errors:
        status = 422
    return render_template(
        "agreements/form.html",
        form=form,
        errors=errors,
        agreement=agreement,
        conflict=conflict,
        conflict_rows=conflict_rows,
        original=original,
    ), status


def _refresh_party_versions(form: AgreementForm, agreement: Agreement) -> None:
    """After a conflict the typed rows keep their text but carry the parties' saved versions."""
    versions = {p.id: p.version for p in agreement.parties}
    for entry in form.parties:
        party_id = entry.form.id.data
        if party_id and str(party_id).isdigit() and int(party_id) in versions:
            entry.form.version.data = versions[int(party_id)]


@bp.route("/<int:agreement_id>/archive", methods=["GET", "POST"])
@login_required
def archive(agreement_id: int) -> Any:
    """Archive (admins only) after a confirmation with a reason; nothing is deleted."""
    agreement = _get(agreement_id)
    if not can(current_user, "agreement.archive", agreement):
        abort(403)
    if agreement.is_archived:
        flash(_("Samverkan är redan arkiverad."), "info")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    form = ArchiveForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            services.archive_agreement(db.session, agreement, form.reason.data, actor=web_actor())
        except ValidationFailed as failure:
            db.session.rollback()
            errors = failure.fields
        else:
            db.session.commit()
            flash(_("Samverkan är arkiverad. En administratör kan återställa den."), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    elif form.is_submitted():
        errors = {k: " ".join(v) for k, v in form.errors.items()}
    return render_template(
        "agreements/archive.html", agreement=agreement, form=form, errors=errors
    ), (422 if errors else 200)


@bp.post("/<int:agreement_id>/restore")
@login_required
def restore(agreement_id: int) -> Any:
    """Bring an archived agreement back (admins only)."""
    agreement = _get(agreement_id)
    if not can(current_user, "agreement.restore", agreement) or not ConfirmForm().validate():
        abort(403)
    services.restore_agreement(db.session, agreement, actor=web_actor())
    db.session.commit()
    flash(_("Samverkan är återställd."), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


def _party(agreement: Agreement, party_id: int) -> Party:
    party = next((p for p in agreement.parties if p.id == party_id), None)
    if party is None:
        abort(404)
    return party


@bp.route("/<int:agreement_id>/parties/<int:party_id>/contacts/new", methods=["GET", "POST"])
@login_required
def contact_new(agreement_id: int, party_id: int) -> Any:
    """Add a contact person to a party."""
    agreement = _get(agreement_id)
    if not can(current_user, "agreement.edit", agreement):
        abort(403)
    party = _party(agreement, party_id)
    form = ContactForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            services.add_contact(db.session, party, form.to_input(), actor=web_actor())
        except ValidationFailed as failure:
            db.session.rollback()
            errors = failure.fields
        else:
            db.session.commit()
            flash(_("Kontaktpersonen är tillagd."), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id) + "#parter")
    elif form.is_submitted():
        errors = {k: " ".join(v) for k, v in form.errors.items()}
    return render_template(
        "agreements/contact_form.html",
        form=form,
        errors=errors,
        agreement=agreement,
        party=party,
        contact=None,
        conflict=None,
    ), (422 if errors else 200)


def _contact(party: Party, contact_id: int) -> Contact:
    contact = next((c for c in party.contacts if c.id == contact_id), None)
    if contact is None:
        abort(404)
    return contact


@bp.route(
    "/<int:agreement_id>/parties/<int:party_id>/contacts/<int:contact_id>", methods=["GET", "POST"]
)
@login_required
def contact_edit(agreement_id: int, party_id: int, contact_id: int) -> Any:
    """Change or delete a contact person."""
    agreement = _get(agreement_id)
    if not can(current_user, "agreement.edit", agreement):
        abort(403)
    party = _party(agreement, party_id)
    contact = _contact(party, contact_id)
    form = ContactForm(obj=contact) if request.method == "GET" else ContactForm()
    original = request.form.get("original", "")
    if request.method == "GET":
        form.version.data = contact.version
        original = encode(conflicts.contact_edit_snapshot(contact))
    errors: dict[str, str] = {}
    conflict = None
    conflict_rows: list[Any] = []
    if form.validate_on_submit():
        try:
            if request.form.get("delete"):
                services.delete_contact(db.session, contact, actor=web_actor())
                message = _("Kontaktpersonen är borttagen.")
            else:
                services.update_contact(
                    db.session,
                    contact,
                    form.to_input(),
                    expected_version=form.version.data,
                    actor=web_actor(),
                )
                message = _("Kontaktpersonen är uppdaterad.")
        except ValidationFailed as failure:
            db.session.rollback()
            errors = failure.fields
        except StaleVersion as stale:
            db.session.rollback()
            conflict = stale
            current = conflicts.contact_edit_snapshot(contact)
            conflict_rows = conflicts.contact_conflict_rows(
                decode(original), current, conflicts.contact_input_snapshot(form.to_input())
            )
            original = encode(current)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id) + "#parter")
    elif form.is_submitted():
        errors = {k: " ".join(v) for k, v in form.errors.items()}
    status = 409 if conflict else (422 if errors else 200)
    return render_template(
        "agreements/contact_form.html",
        form=form,
        errors=errors,
        agreement=agreement,
        party=party,
        contact=contact,
        conflict=conflict,
        conflict_rows=conflict_rows,
        original=original,
    ), status
