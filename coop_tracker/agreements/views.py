"""Agreement pages: list with filters, detail, create/edit with parties, contacts, archive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from coop_tracker.agreements import conflicts, services
from coop_tracker.agreements.bodies import body_names_by_kommun, listed_name
from coop_tracker.agreements.forms import (
    AgreementForm,
    ArchiveForm,
    ContactForm,
    FormConfirmationForm,
    filters_from_request,
)
from coop_tracker.agreements.labels import register_audit_labels
from coop_tracker.agreements.models import Agreement, Contact, Party
from coop_tracker.agreements.organisation_views import party_choice_label, party_choice_value
from coop_tracker.agreements.panels import agreement_panels
from coop_tracker.agreements.queries import describe_filters, search_agreements
from coop_tracker.agreements.rules import (
    ALIGNMENT_LABELS,
    ASYMMETRIC_HINT,
    ASYMMETRIC_LABEL,
    COST_BASIS_LABELS,
    DECIDING_BODY_LABELS,
    FORM_HINTS,
    FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
    ROLE_SHORT,
    ROLE_SHORT_BY_FORM,
    TERM_HINTS,
    TERM_LABELS,
    agreement_clause,
    clause_sentence,
)
from coop_tracker.core.clock import today
from coop_tracker.core.collation import swedish
from coop_tracker.core.conflicts import decode, encode
from coop_tracker.core.forms import ConfirmForm, amount_text, field_text, form_errors
from coop_tracker.core.i18n import _, current_language
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_digits
from coop_tracker.core.web import Saved, save, submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.municipalities.services import kommun_settings_for
from coop_tracker.organisations.models import REGISTERED_KINDS, OrgKind
from coop_tracker.organisations.queries import party_choices
from coop_tracker.organisations.rules import KIND_PLURALS
from coop_tracker.users.models import User

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@bp.record_once
def _labels(state: Any) -> None:
    """Domain labels as Jinja globals, so imported macros see them too, and the names of the
    coded values in the history pages."""
    register_audit_labels()
    state.app.jinja_env.globals.update(
        {
            "FORM_LABELS": FORM_LABELS,
            "FORM_HINTS": FORM_HINTS,
            "ASYMMETRIC_HINT": ASYMMETRIC_HINT,
            "ASYMMETRIC_LABEL": ASYMMETRIC_LABEL,
            "ROLE_LABELS": ROLE_LABELS,
            "ROLE_SHORT": ROLE_SHORT,
            "ROLE_SHORT_BY_FORM": ROLE_SHORT_BY_FORM,
            "PHASE_LABELS": PHASE_LABELS,
            "RENEWAL_LABELS": RENEWAL_LABELS,
            "COST_BASIS_LABELS": COST_BASIS_LABELS,
            "TERM_LABELS": TERM_LABELS,
            "TERM_HINTS": TERM_HINTS,
            "ALIGNMENT_LABELS": ALIGNMENT_LABELS,
            "DECIDING_BODY_LABELS": DECIDING_BODY_LABELS,
            "agreement_clause": agreement_clause,
        }
    )


def _choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Parties (kommuner by kommunkod first, then the other organisations by kind) and areas."""
    municipalities = [
        (party_choice_value(org), party_choice_label(org)) for org in party_choices(db.session)
    ]
    return municipalities, _area_choices()


def _area_choices() -> list[tuple[str, str]]:
    """Active areas by their label in the page's language."""
    area_label = Area.label_column(current_language())
    return [
        (slug, label)
        for slug, label in db.session.execute(
            select(Area.slug, area_label)
            .where(Area.is_active.is_(True))
            .order_by(Area.sort_order, area_label)
        )
    ]


def _user_choices() -> list[tuple[str, str]]:
    """Active users as possible responsible officials, by kommun."""
    rows = db.session.execute(
        select(User.id, User.name, Municipality.name)
        .outerjoin(Municipality, Municipality.code == User.municipality_code)
        .where(User.is_active_account.is_(True))
        .order_by(swedish(Municipality.name), swedish(User.name))
    )
    return [(str(uid), f"{name} ({kommun})" if kommun else name) for uid, name, kommun in rows]


def _body_lists(form: AgreementForm) -> dict[str, list[str]]:
    """Each party kommun's list of nämnder, for the responsible nämnd selects."""
    codes = {
        str(e.form.municipality_code.data)
        for e in form.parties
        if is_digits(str(e.form.municipality_code.data or ""), 4)
        and len(str(e.form.municipality_code.data)) == 4
    }
    return body_names_by_kommun(db.session, codes)


def _body_choices() -> list[tuple[str, str]]:
    """Registered förbund, Finsam and companies, for the agreement that establishes one."""
    return [
        (party_choice_value(org), party_choice_label(org))
        for org in party_choices(db.session)
        if org.kind in REGISTERED_KINDS
    ]


@bp.get("/")
@login_required
def index() -> Any:
    """Every agreement the user may see, filtered, sorted and paginated."""
    filters, problems = filters_from_request(request.args)
    page = search_agreements(db.session, filters, current_user)
    organisations = party_choices(db.session)
    panels = agreement_panels()
    now = today()
    # The list shows notice deadlines, not decide-by dates: no meeting calendars needed.
    derived = panels.derived_dates_for(db.session, page.items, now, calendars=())
    return render_template(
        "agreements/index.html",
        page=page,
        rows=[(a, derived[a.id]) for a in page.items],
        **{name: panel(db.session, page.items, now) for name, panel in panels.list_panels},
        filters=filters,
        selection=describe_filters(db.session, filters),
        problems=problems,
        municipalities=[(o.code, o.name) for o in organisations if o.kind == OrgKind.KOMMUN],
        other_parties=_other_party_groups(organisations),
        areas=_area_choices(),
    )


def _other_party_groups(organisations: list[Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The organisations that are not kommuner, grouped by kind, for the list's party filter."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for org in organisations:
        if org.kind != OrgKind.KOMMUN:
            groups.setdefault(org.kind, []).append((party_choice_value(org), org.name))
    return [(str(KIND_PLURALS[kind]), rows) for kind, rows in groups.items()]


def _get(agreement_id: int) -> Agreement:
    return services.get_visible_agreement(db.session, agreement_id, current_user)


@bp.get("/form-confirmations")
@login_required
def form_confirmations() -> Any:
    """Agreements whose legal form the system changed, for an administrator to confirm."""
    if not can(current_user, "agreement.confirm_form"):
        abort(403)
    rows = db.session.scalars(
        select(Agreement)
        .where(Agreement.form_needs_confirmation.is_(True), Agreement.archived_at.is_(None))
        .order_by(swedish(Agreement.title))
    ).all()
    return render_template(
        "agreements/form_confirmations.html", rows=rows, form=FormConfirmationForm()
    )


@bp.post("/<int:agreement_id>/confirm-form")
@login_required
def confirm_form(agreement_id: int) -> Any:
    """Confirm or correct one migrated agreement's legal form."""
    agreement = _get(agreement_id)
    if not can(current_user, "agreement.confirm_form", agreement):
        abort(403)
    form = FormConfirmationForm()
    if not form.validate_on_submit():
        flash(_("Formuläret kunde inte skickas. Försök igen."), "warning")
        return redirect(url_for("agreements.form_confirmations"))
    saved = save(
        lambda: services.confirm_form(db.session, agreement, form.form.data, actor=web_actor())
    )
    for message in saved.errors.values():
        flash(f"{agreement.title}: {message}", "warning")
    if saved.ok:
        flash(
            _(
                "Formen för ”%(title)s” är bekräftad: %(form)s.",
                title=agreement.title,
                form=FORM_LABELS[agreement.form],
            ),
            "success",
        )
    return redirect(url_for("agreements.form_confirmations"))


@bp.get("/<int:agreement_id>")
@login_required
def detail(agreement_id: int) -> Any:
    """One agreement: parties, decisions, contacts, dates, purpose and cost."""
    agreement = _get(agreement_id)
    panels = agreement_panels()
    now = today()
    answer, error = None, None
    raw = request.args.get("notice_on", "").strip()
    if raw:
        try:
            notice_on = date.fromisoformat(raw)
        except ValueError:
            error = _(
                "Dagen uppsägningen når de andra parterna måste vara ett datum som "
                "ÅÅÅÅ-MM-DD, t.ex. 2027-03-15."
            )
        else:
            answer = panels.what_if(db.session, agreement, notice_on, now)
    derived = panels.derived_dates_for(db.session, [agreement], now)[agreement.id]
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        derived=derived,
        attention=panels.attention(agreement, derived, now),
        nobody_acts=panels.if_nobody_acts(agreement, derived, now),
        confirm=ConfirmForm(),
        today=now,
        what_if=answer,
        what_if_decide=(
            {p.municipality_code: d for p, d in answer.decide_by} if answer is not None else {}
        ),
        what_if_error=error,
        unlisted_bodies=_unlisted_bodies(agreement),
        **{name: panel(db.session, agreement, now) for name, panel in panels.detail_panels},
    ), (422 if error else 200)


def _unlisted_bodies(agreement: Agreement) -> set[int]:
    """The kommun parties whose responsible nämnd is not in their kommun's list."""
    lists = body_names_by_kommun(
        db.session, {p.municipality_code for p in agreement.parties if p.municipality_code}
    )
    return {
        p.id
        for p in agreement.parties
        if p.municipality_code
        and p.responsible_body
        and listed_name(lists[p.municipality_code], p.responsible_body) is None
    }


def _typed_clause(form: AgreementForm) -> str:
    """The clause sentence of what was typed, when the dates and numbers can be read."""
    try:
        start = date.fromisoformat(form.start_on.data) if form.start_on.data else None
        end = date.fromisoformat(form.end_on.data) if form.end_on.data else None
        notice = int(form.notice_months.data) if form.notice_months.data else None
        renewal = int(form.renewal_months.data) if form.renewal_months.data else None
    except (TypeError, ValueError):
        return ""
    return clause_sentence(
        form.term.data, start, end, notice, renewal, form.end_alignment.data or None
    )


def _prefill_own_party(form: AgreementForm) -> None:
    code = current_user.municipality_code
    if code and not form.parties[0].form.municipality_code.data:
        form.parties[0].form.municipality_code.data = code
    # The kommun chooses on its publication page whether its new agreements start out public.
    if code:
        form.is_public.data = kommun_settings_for(db.session, code).new_agreements_public


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> Any:
    """Register a new agreement with any number of parties."""
    if not can(current_user, "agreement.create"):
        abort(403)
    form = AgreementForm()
    municipalities, areas = _choices()
    if request.method == "GET":
        _prefill_own_party(form)
    saved = _submit(
        form, lambda: services.create_agreement(db.session, form.to_input(), actor=web_actor())
    )
    if saved.ok:
        outcome = saved.result
        flash(_("Samverkan ”%(title)s” är registrerad.", title=outcome.agreement.title), "success")
        for warning in outcome.warnings:
            flash(warning, "warning")
        return redirect(url_for("agreements.detail", agreement_id=outcome.agreement.id))
    form.set_choices(municipalities, areas, _user_choices(), _body_choices(), _body_lists(form))
    return render_template(
        "agreements/form.html",
        form=form,
        errors=saved.errors,
        agreement=None,
        conflict=None,
        clause=_typed_clause(form) if form.is_submitted() else "",
    ), saved.status


def _submit(form: AgreementForm, call: Callable[[], Any]) -> Saved:
    """``submit`` for the agreement form (only its CSRF error is shown above the fields; the
    service names the rest), whose "Lägg till en part" button adds an empty party row instead
    of saving."""
    if not form.add_party.data:
        return submit(form, call, only=["csrf_token"])
    if not form.validate():
        return Saved(errors=form_errors(form, only=["csrf_token"]), called=False)
    form.parties.append_entry()
    return Saved(called=False)


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int) -> Any:
    """Change an agreement; a stale save shows the other person's values beside yours."""
    agreement = _get(agreement_id)
    if not can(current_user, "agreement.edit", agreement):
        abort(403)
    municipalities, areas = _choices()
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
        form.is_asymmetric.data = "y" if agreement.is_asymmetric else "n"
        if agreement.body_organisation is not None:
            form.body_organisation.data = party_choice_value(agreement.body_organisation)
        for party in agreement.parties:
            entry = form.parties.append_entry()
            for name in services.PARTY_FIELDS:
                getattr(entry.form, name).data = field_text(getattr(party, name))
            entry.form.municipality_code.data = party_choice_value(party.organisation)
            entry.form.id.data = party.id
            entry.form.version.data = party.version
    else:
        form = AgreementForm()
    saved = _submit(
        form,
        lambda: services.update_agreement(
            db.session,
            agreement,
            form.to_input(),
            expected_version=form.version.data,
            actor=web_actor(),
        ),
    )
    if saved.ok:
        flash(_("Ändringarna är sparade."), "success")
        for warning in saved.result.warnings:
            flash(warning, "warning")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    if saved.conflict is not None:
        current = conflicts.agreement_edit_snapshot(agreement)
        conflict_rows = conflicts.agreement_conflict_rows(
            db.session,
            decode(original),
            current,
            conflicts.agreement_input_snapshot(form.to_input()),
        )
        original = encode(current)  # saving again now builds on their version
        _refresh_party_versions(form, agreement)
    form.set_choices(municipalities, areas, _user_choices(), _body_choices(), _body_lists(form))
    return render_template(
        "agreements/form.html",
        form=form,
        errors=saved.errors,
        agreement=agreement,
        conflict=saved.conflict,
        conflict_rows=conflict_rows,
        original=original,
        clause=_typed_clause(form) if form.is_submitted() else agreement_clause(agreement),
    ), saved.status


def _refresh_party_versions(form: AgreementForm, agreement: Agreement) -> None:
    """After a conflict the typed rows keep their text but carry the parties' saved versions."""
    versions = {p.id: p.version for p in agreement.parties}
    for entry in form.parties:
        party_id = entry.form.id.data
        if is_digits(str(party_id or "")) and int(party_id) in versions:
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
    saved = submit(
        form,
        lambda: services.archive_agreement(
            db.session, agreement, form.reason.data, actor=web_actor()
        ),
    )
    if saved.ok:
        flash(_("Samverkan är arkiverad. En administratör kan återställa den."), "success")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return render_template(
        "agreements/archive.html", agreement=agreement, form=form, errors=saved.errors
    ), saved.status


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
    saved = submit(
        form, lambda: services.add_contact(db.session, party, form.to_input(), actor=web_actor())
    )
    if saved.ok:
        flash(_("Kontaktpersonen är tillagd."), "success")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id) + "#parter")
    return render_template(
        "agreements/contact_form.html",
        form=form,
        errors=saved.errors,
        agreement=agreement,
        party=party,
        contact=None,
        conflict=None,
    ), saved.status


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
    conflict_rows: list[Any] = []

    def change() -> str:
        if request.form.get("delete"):
            services.delete_contact(db.session, contact, actor=web_actor())
            return _("Kontaktpersonen är borttagen.")
        services.update_contact(
            db.session,
            contact,
            form.to_input(),
            expected_version=form.version.data,
            actor=web_actor(),
        )
        return _("Kontaktpersonen är uppdaterad.")

    saved = submit(form, change)
    if saved.ok:
        flash(saved.result, "success")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id) + "#parter")
    if saved.conflict is not None:
        current = conflicts.contact_edit_snapshot(contact)
        conflict_rows = conflicts.contact_conflict_rows(
            decode(original), current, conflicts.contact_input_snapshot(form.to_input())
        )
        original = encode(current)
    return render_template(
        "agreements/contact_form.html",
        form=form,
        errors=saved.errors,
        agreement=agreement,
        party=party,
        contact=contact,
        conflict=saved.conflict,
        conflict_rows=conflict_rows,
        original=original,
    ), saved.status
