"""Kommun pages: every kommun, one kommun with its agreements by role, and its settings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements import dates
from coop_tracker.agreements.queries import Filters, search_agreements
from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.clock import today
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.web import submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.kommuner.forms import KommunSettingForm
from coop_tracker.kommuner.queries import municipalities_with_counts
from coop_tracker.kommuner.services import KommunSettingInput, update_kommun_settings
from coop_tracker.municipalities.models import Municipality
from coop_tracker.municipalities.pages import managed_kommun
from coop_tracker.municipalities.queries import counties
from coop_tracker.municipalities.services import kommun_settings_for
from coop_tracker.reminders.rules import DEFAULT_LEAD_DAYS
from coop_tracker.schedule.queries import derived_dates_for

bp = Blueprint("municipalities", __name__, url_prefix="/municipalities")


@bp.record_once
def _audit_labels(_state: Any) -> None:
    """Swedish names for the settings' audit events in the admin log."""
    audit_labels.register_fields(
        "kommun_setting",
        _l("Kommunens inställningar"),
        {
            "notice_buffer_days": _l("Tid för justering, anslag och delgivning (dagar)"),
            "internal_lead_days": _l("Minsta interna förberedelsetid (dagar)"),
            "continuation_lead_months": _l("Beslut om förlängning, månader före slutdatum"),
            "reminder_lead_days": _l("Påminnelsedagar"),
            "sender_name": _l("Avsändarnamn"),
            "reply_to": _l("Svarsadress"),
        },
    )
    # The reference data's labels as the seed, the Kolada refresh and the organisations store them.
    audit_labels.register_labels(
        "reference_data",
        [
            _l("Referensdata (län, kommuner, områden)"),
            _l("Referensdata (organisationer: kommuner, regioner, myndigheter)"),
            _l("Folkmängd och kommungrupper från %(source)s"),
            _l("Folkmängd och kommungrupper"),
        ],
    )


@bp.get("/")
@login_required
def index() -> Any:
    """All 290 kommuner with their number of running agreements."""
    county = request.args.get("county") or None
    if county is not None and not (len(county) == 2 and county.isdigit()):
        county = None
    return render_template(
        "municipalities/index.html",
        rows=municipalities_with_counts(db.session, county),
        counties=counties(db.session),
        county=county,
    )


@bp.get("/<code>")
@login_required
def detail(code: str) -> Any:
    """One kommun: its agreements as host, purchaser and member."""
    municipality = db.session.get(Municipality, code) if code.isdigit() else None
    if municipality is None:
        abort(404)
    page = search_agreements(
        db.session, Filters(municipality=code, per_page=1000, sort="title"), current_user
    )
    derived = derived_dates_for(db.session, page.items, today(), calendars=())
    by_role: dict[str, list[Any]] = {"host": [], "purchaser": [], "member": []}
    for agreement in page.items:
        party = agreement.party_for(code)
        if party is not None:
            by_role.setdefault(party.role, []).append((agreement, party, derived[agreement.id]))
    return render_template(
        "municipalities/detail.html",
        municipality=municipality,
        by_role=by_role,
        total=page.total,
    )


def _form_text(value: Any) -> str:
    return "" if value is None else str(value)


@bp.route("/<code>/settings", methods=["GET", "POST"])
@login_required
def settings(code: str) -> Any:
    """The kommun's own deadline and reminder settings (its kommun administrators)."""
    kommun = managed_kommun(code, "municipality.settings")
    setting = kommun_settings_for(db.session, code)
    form = KommunSettingForm()
    names = KommunSettingInput.__dataclass_fields__
    if request.method == "GET":
        form.version.data = setting.version
        for name in names:
            getattr(form, name).data = _form_text(getattr(setting, name))
    saved = submit(
        form,
        lambda: update_kommun_settings(
            db.session,
            kommun,
            KommunSettingInput(**{name: getattr(form, name).data for name in names}),
            expected_version=form.version.data,
            actor=web_actor(),
        ),
    )
    if saved.ok:
        flash(_("Inställningarna för %(name)s är sparade.", name=kommun.name), "success")
        return redirect(url_for("municipalities.settings", code=code))
    config = current_app.config
    defaults = {
        "notice_buffer_days": int(
            config.get("NOTICE_BUFFER_DAYS", dates.DEFAULT_NOTICE_BUFFER_DAYS)
        ),
        "continuation_lead_months": int(
            config.get("CONTINUATION_LEAD_MONTHS", dates.DEFAULT_CONTINUATION_LEAD_MONTHS)
        ),
        "reminder_lead_days": ", ".join(str(d) for d in DEFAULT_LEAD_DAYS),
        "sender": config.get("MAIL_SENDER") or "noreply@localhost",
    }
    return render_template(
        "municipalities/settings.html",
        form=form,
        kommun=kommun,
        errors=saved.errors,
        conflict=saved.conflict,
        defaults=defaults,
    ), saved.status
