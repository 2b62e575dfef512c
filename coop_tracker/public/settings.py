"""A kommun's publication settings page (logged in: its editors and the administrators)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.web import submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.pages import managed_kommun
from coop_tracker.public.forms import PublicationForm
from coop_tracker.public.services import (
    PublicationInput,
    new_agreements_public,
    public_contacts,
    settings_for,
    update_settings,
)

bp = Blueprint("publication", __name__, url_prefix="/municipalities")


# The settings' Swedish names: in the admin log and where a stale save shows the saved values.
FIELD_LABELS: dict[str, Any] = {
    "show_contact": _l("Visa kontaktfunktion"),
    "contact_function": _l("Kontaktfunktion"),
    "contact_email": _l("E-post till funktionen"),
    "contact_phone": _l("Telefon"),
    "contact_url": _l("Webbsida"),
    "show_responsible_body": _l("Visa ansvarig nämnd"),
    "show_review_results": _l("Visa uppföljningens resultat"),
    "show_review_costs": _l("Visa budget och utfall"),
    "new_agreements_public": _l("Ny samverkan publik från början"),
}


@bp.record_once
def _audit_labels(_state: Any) -> None:
    """Swedish names for the settings' audit events in the admin log."""
    audit_labels.register_fields("publication_setting", _l("Publicering"), FIELD_LABELS)


@bp.route("/<code>/publication", methods=["GET", "POST"])
@login_required
def edit(code: str) -> Any:
    """What the kommun shows in the public register beyond the default."""
    kommun = managed_kommun(code, "publication.manage")
    setting = settings_for(db.session, code)
    form = PublicationForm(obj=setting) if request.method == "GET" else PublicationForm()
    if request.method == "GET":
        form.version.data = setting.version
        form.new_agreements_public.data = new_agreements_public(db.session, code)
    saved = submit(
        form,
        lambda: update_settings(
            db.session,
            kommun,
            PublicationInput(
                show_contact=form.show_contact.data,
                contact_function=form.contact_function.data,
                contact_email=form.contact_email.data,
                contact_phone=form.contact_phone.data,
                contact_url=form.contact_url.data,
                show_responsible_body=form.show_responsible_body.data,
                show_review_results=form.show_review_results.data,
                show_review_costs=form.show_review_costs.data,
                new_agreements_public=form.new_agreements_public.data,
            ),
            expected_version=form.version.data,
            actor=web_actor(),
        ),
    )
    if saved.ok:
        flash(_("Publiceringen för %(name)s är sparad.", name=kommun.name), "success")
        return redirect(url_for("publication.edit", code=code))
    return render_template(
        "public/settings.html",
        form=form,
        kommun=kommun,
        errors=saved.errors,
        conflict=saved.conflict,
        preview=public_contacts(db.session, [code]).get(code),
        field_labels=FIELD_LABELS,
    ), saved.status
