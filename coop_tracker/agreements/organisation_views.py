"""Organisation pages: the list by kind, one organisation with its members and agreements,
and registering a förbund, Finsam or company.

They live with the agreements because they read them (a förbund's members are the parties of
its own agreement); the organisations package below holds the model, rules and services that
the agreements build on.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements.organisation_queries import agreements_of, members_of
from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.forms import field_text
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.web import submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.organisations import services
from coop_tracker.organisations.forms import OrganisationForm
from coop_tracker.organisations.models import REGISTERED_KINDS, Organisation, OrgKind
from coop_tracker.organisations.queries import organisations_query
from coop_tracker.organisations.rules import KIND_LABELS, KIND_PLURALS

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def party_choice_value(org: Organisation | None) -> str:
    """How the party select names an organisation: kommunkod, länskod, else ``org-<id>``."""
    if org is None:
        return ""
    if org.kind in (OrgKind.KOMMUN, OrgKind.REGION) and org.code:
        return org.code
    return f"org-{org.id}"


def party_choice_label(org: Organisation) -> str:
    if org.kind == OrgKind.KOMMUN:
        return f"{org.name} ({org.code})"
    return f"{org.name} ({str(KIND_LABELS[org.kind]).lower()})"


def party_url(party: Any) -> str:
    """A party's page: its kommun's page, else its organisation's."""
    if party.municipality_code:
        return url_for("municipalities.detail", code=party.municipality_code)
    return url_for("organisations.detail", org_id=party.organisation_id)


@bp.record_once
def _globals(state: Any) -> None:
    state.app.jinja_env.globals.update(
        {
            "ORG_KIND_LABELS": KIND_LABELS,
            "ORG_KIND_PLURALS": KIND_PLURALS,
            "party_url": party_url,
        }
    )
    # Swedish names for an organisation's audit events in the history and the admin log.
    audit_labels.register_fields(
        "organisation",
        _l("Organisation"),
        {
            "kind": _l("Typ av organisation"),
            "name": _l("Namn"),
            "org_number": _l("Organisationsnummer"),
            "description": _l("Beskrivning"),
            "articles_adopted_on": _l("Bolagsordning antagen"),
            "owner_directive_on": _l("Ägardirektiv antaget"),
        },
        {"kind": KIND_LABELS},
    )


@bp.get("/")
@login_required
def index() -> Any:
    """Organisations other than kommuner, by kind (kommuner have their own list)."""
    if not can(current_user, "organisation.view"):
        abort(403)
    kind = request.args.get("kind") or None
    if kind not in KIND_LABELS or kind == OrgKind.KOMMUN:
        kind = None
    query = organisations_query(kind).where(Organisation.kind != OrgKind.KOMMUN)
    rows = sorted(
        db.session.scalars(query),
        key=lambda o: (list(KIND_LABELS).index(o.kind), o.name.casefold()),
    )
    return render_template(
        "organisations/index.html",
        rows=rows,
        kind=kind,
        kinds=[k for k in KIND_LABELS if k != OrgKind.KOMMUN],
    )


def _get(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        abort(404)
    return org


@bp.get("/<int:org_id>")
@login_required
def detail(org_id: int) -> Any:
    """One organisation: what it is, its members or owners, and the agreements it is party to."""
    if not can(current_user, "organisation.view"):
        abort(403)
    org = _get(org_id)
    if org.kind == OrgKind.KOMMUN and org.municipality_code:
        return redirect(url_for("municipalities.detail", code=org.municipality_code))
    agreements = [
        a for a in agreements_of(db.session, org) if can(current_user, "agreement.view", a)
    ]
    return render_template(
        "organisations/detail.html",
        org=org,
        members=members_of(db.session, org),
        agreements=agreements,
        may_edit=org.kind in REGISTERED_KINDS and can(current_user, "organisation.edit"),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> Any:
    """Register a kommunalförbund, samordningsförbund or company."""
    if not can(current_user, "organisation.create"):
        abort(403)
    form = OrganisationForm()
    if request.method == "GET" and request.args.get("kind") in REGISTERED_KINDS:
        form.kind.data = request.args["kind"]
    saved = submit(
        form, lambda: services.create_organisation(db.session, form.to_input(), actor=web_actor())
    )
    if saved.ok:
        org = saved.result
        flash(_("%(name)s är registrerad.", name=org.name), "success")
        return redirect(url_for("organisations.detail", org_id=org.id))
    return _form_page(form, saved.errors, None)


def _form_page(form: OrganisationForm, errors: dict[str, str], org: Organisation | None) -> Any:
    return render_template("organisations/form.html", form=form, errors=errors, org=org), (
        422 if errors else 200
    )


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int) -> Any:
    """Change a registered förbund, Finsam or company."""
    org = _get(org_id)
    if not can(current_user, "organisation.edit") or org.kind not in REGISTERED_KINDS:
        abort(403)
    if request.method == "GET":
        form = OrganisationForm(obj=org)
        form.org_number.data = org.org_number or ""
        form.articles_adopted_on.data = field_text(org.articles_adopted_on)
        form.owner_directive_on.data = field_text(org.owner_directive_on)
        form.version.data = org.version
    else:
        form = OrganisationForm()
    saved = submit(
        form,
        lambda: services.update_organisation(
            db.session,
            org,
            form.to_input(),
            expected_version=form.version.data,
            actor=web_actor(),
        ),
    )
    if saved.ok:
        flash(_("Ändringarna är sparade."), "success")
        return redirect(url_for("organisations.detail", org_id=org.id))
    errors = saved.errors
    if saved.conflict is not None:
        errors = {
            "version": _(
                "Någon annan har ändrat organisationen sedan du öppnade sidan. Ladda om "
                "sidan och gör ändringen igen."
            )
        }
    return _form_page(form, errors, org)
