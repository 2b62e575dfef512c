"""Annual-cycle pages: a kommun's year view, marking a duty done, an agreement's settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.annual import services
from coop_tracker.annual.forms import DoneForm, SettingsForm
from coop_tracker.annual.models import CycleSettings
from coop_tracker.annual.queries import (
    DutyRow,
    annual_deadlines,
    completions,
    party_duties,
    settings_for,
    year_view,
)
from coop_tracker.annual.rules import DUTY_LABELS
from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.clock import today
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_digits
from coop_tracker.core.web import save, submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.municipalities.pages import kommun_or_404
from coop_tracker.reminders.deadlines import register_deadline_source
from coop_tracker.reminders.planner import plan_reminders
from coop_tracker.reminders.rules import register_kinds

bp = Blueprint("annual", __name__)


@bp.record_once
def _labels(_state: Any) -> None:
    # The reminders (planner, digest, calendar feed) carry the duties from here on.
    register_kinds(DUTY_LABELS, overdue=True)
    register_deadline_source(annual_deadlines)
    audit_labels.register_fields(
        "annual_duty",
        _l("Årshjul"),
        {
            "kind": _l("Uppgift"),
            "year": _l("År"),
            "done_on": _l("Klart den"),
            "reference": _l("Referens"),
            "note": _l("Anteckning"),
        },
        {"kind": DUTY_LABELS},
    )
    audit_labels.register_fields(
        "annual_settings",
        _l("Inställningar för årshjulet"),
        {
            "budget_consultation_on": _l("Budgetsamråd (månad och dag)"),
            "document_review_years": _l("Översyn av styrdokument (år)"),
        },
    )


def parse_year(raw: str | None, default: int) -> tuple[int, str | None]:
    """The year asked for, or the default with a Swedish message when it is not a year."""
    if not raw:
        return default, None
    if is_digits(raw, 4) and 2000 <= int(raw) <= 2100:
        return int(raw), None
    return default, _("År måste vara ett årtal mellan 2000 och 2100; visar %(year)s.", year=default)


def _municipality(code: str) -> Municipality:
    if not can(current_user, "annual.view"):
        abort(403)
    return kommun_or_404(code)


@bp.get("/municipalities/<code>/year")
@login_required
def year(code: str) -> Any:
    """The kommun's årshjul for one year, month by month."""
    municipality = _municipality(code)
    now = today()
    chosen, problem = parse_year(request.args.get("year"), now.year)
    view = year_view(db.session, code, current_user, chosen, now)
    return render_template(
        "annual/year.html",
        municipality=municipality,
        view=view,
        problem=problem,
        today=now,
        may_mark=can(current_user, "annual.mark", code),
    )


def _duty(code: str, agreement_id: int, kind: str, year: int) -> tuple[Any, Any, Any, Any]:
    municipality = _municipality(code)
    if not can(current_user, "annual.mark", code):
        abort(403)
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    party = agreement.party_for(code)
    if party is None or kind not in DUTY_LABELS:
        abort(404)
    done = completions(db.session, [agreement.id], code=code)
    settings = settings_for(db.session, [agreement.id])[agreement.id]
    duty = next(
        (d for d in party_duties(agreement, party, year, settings, done) if d.kind == kind), None
    )
    if duty is None:
        abort(404)
    return municipality, agreement, duty, done.get(duty.key)


@bp.route(
    "/municipalities/<code>/year/<int:agreement_id>/<kind>/<int:year>/done",
    methods=["GET", "POST"],
)
@login_required
def mark_done(code: str, agreement_id: int, kind: str, year: int) -> Any:
    """Mark one duty done, with the date and a reference."""
    municipality, agreement, duty, done = _duty(code, agreement_id, kind, year)
    form = DoneForm()
    if request.method == "GET":
        form.done_on.data = (done.done_on if done else today()).isoformat()
        form.reference.data = done.reference if done else ""
        form.note.data = done.note if done else ""
    data = services.DoneInput(
        kind=kind,
        year=year,
        done_on=form.done_on.data,
        reference=form.reference.data,
        note=form.note.data,
    )
    saved = submit(
        form,
        _replanning(
            agreement,
            lambda: services.mark_done(
                db.session, agreement, code, data, actor=web_actor(), today=today()
            ),
        ),
    )
    if saved.ok:
        flash(_("Markerat som klart: %(title)s.", title=duty.title), "success")
        return redirect(url_for("annual.year", code=code, year=duty.due_on.year), 303)
    return render_template(
        "annual/done.html",
        municipality=municipality,
        agreement=agreement,
        duty=duty,
        done=done,
        form=form,
        errors=saved.errors,
    ), saved.status


def _replanning(agreement: Any, change: Callable[[], Any]) -> Callable[[], Any]:
    """``change``, then the agreement's reminders planned again: its duties' dates moved."""

    def call() -> Any:
        result = change()
        plan_reminders(db.session, today(), agreement_ids=[agreement.id])
        return result

    return call


@bp.post("/municipalities/<code>/year/<int:agreement_id>/<kind>/<int:year>/reopen")
@login_required
def reopen(code: str, agreement_id: int, kind: str, year: int) -> Any:
    """Undo a "done"."""
    _municipality_, agreement, duty, done = _duty(code, agreement_id, kind, year)
    if done is None:
        flash(_("Uppgiften var inte markerad som klar."), "warning")
    else:
        save(
            _replanning(
                agreement,
                lambda: services.reopen(db.session, agreement, code, kind, year, actor=web_actor()),
            )
        )
        flash(_("Uppgiften är öppen igen: %(title)s.", title=duty.title), "success")
    return redirect(url_for("annual.year", code=code, year=duty.due_on.year), 303)


def agreement_duties(agreement: Any, now: Any) -> list[tuple[int, list[DutyRow]]]:
    """Every current party's duties this year and next, with what is done."""
    done = completions(db.session, [agreement.id])
    settings = settings_for(db.session, [agreement.id])[agreement.id]
    result = []
    for year in (now.year, now.year + 1):
        rows = [
            DutyRow(duty, done.get(duty.key), now)
            for party in agreement.current_parties
            for duty in party_duties(agreement, party, year, settings, done)
        ]
        rows.sort(key=lambda r: (r.duty.due_on, r.duty.kind, r.duty.municipality_code))
        result.append((year, rows))
    return result


@bp.route("/agreements/<int:agreement_id>/arshjul", methods=["GET", "POST"])
@login_required
def settings(agreement_id: int) -> Any:
    """An agreement's annual cycle: its parties' duties, and the settings for editors."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    may_edit = can(current_user, "annual.settings", agreement)
    if request.method == "POST" and not may_edit:
        abort(403)
    row = db.session.get(CycleSettings, agreement.id)
    form = SettingsForm()
    if request.method == "GET":
        current = services.settings_snapshot(row) if row else {}
        form.budget_consultation_on.data = current.get("budget_consultation_on", "")
        form.document_review_years.data = str(current.get("document_review_years", 4))
        form.version.data = str(row.version) if row else ""
    data = services.SettingsInput(
        budget_consultation_on=form.budget_consultation_on.data,
        document_review_years=form.document_review_years.data,
        version=form.version.data,
    )
    saved = submit(
        form,
        _replanning(
            agreement,
            lambda: services.save_settings(db.session, agreement, data, actor=web_actor()),
        ),
    )
    if saved.ok:
        flash(_("Årshjulets inställningar är sparade."), "success")
        return redirect(url_for("annual.settings", agreement_id=agreement.id), 303)
    return render_template(
        "annual/settings.html",
        agreement=agreement,
        duties=agreement_duties(agreement, today()),
        names={p.municipality_code: p.name for p in agreement.parties if p.municipality_code},
        may_edit=may_edit,
        form=form,
        errors=saved.errors,
        conflict=saved.conflict,
    ), saved.status
