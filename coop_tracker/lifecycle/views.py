"""Lifecycle pages: the timeline and phase changes of an agreement, and the URLs of its exit
plan pages (``exit_views``) and their tasks and decisions (``task_views``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.rules import PHASE_LABELS
from coop_tracker.checklists.queries import progress_by_agreement
from coop_tracker.checklists.rules import CHECKLIST_PHASE_LABELS
from coop_tracker.core.clock import today
from coop_tracker.core.errors import TransitionRefused
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.core.web import save, web_actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle import exit_views, services, task_views
from coop_tracker.lifecycle.exit_rules import (
    EXIT_KIND_LABELS,
    EXIT_SCOPE_LABELS,
    EXIT_STATUS_LABELS,
    TASK_STATUS_LABELS,
)
from coop_tracker.lifecycle.forms import TransitionForm
from coop_tracker.lifecycle.labels import register_audit_labels
from coop_tracker.lifecycle.models import ExitScope, ExitStatus
from coop_tracker.lifecycle.pages import visible_agreement
from coop_tracker.lifecycle.queries import timeline
from coop_tracker.lifecycle.titles import shown_plan_title, shown_task_text

bp = Blueprint("lifecycle", __name__, url_prefix="/agreements/<int:agreement_id>")


@bp.record_once
def _labels(state: Any) -> None:
    register_audit_labels()
    state.app.jinja_env.globals.update(
        {
            "EXIT_SCOPE_LABELS": EXIT_SCOPE_LABELS,
            "EXIT_KIND_LABELS": EXIT_KIND_LABELS,
            "EXIT_STATUS_LABELS": EXIT_STATUS_LABELS,
            "TASK_STATUS_LABELS": TASK_STATUS_LABELS,
            "CHECKLIST_PHASE_LABELS": CHECKLIST_PHASE_LABELS,
        }
    )
    state.app.jinja_env.filters["plan_title"] = shown_plan_title
    state.app.jinja_env.filters["task_text"] = shown_task_text


def _overview(
    agreement: Agreement,
    *,
    refusal: TransitionRefused | None = None,
    errors: dict[str, str] | None = None,
    attempted: str | None = None,
    status: int = 200,
) -> Any:
    exits = services.exits_of(db.session, agreement)
    progress = progress_by_agreement(db.session, [agreement.id])[agreement.id]
    options = services.allowed_transitions(agreement, current_user)
    forms = {}
    for option in options:
        form = TransitionForm(formdata=None)
        form.to_phase.data = option.to_phase
        if attempted == option.to_phase and request.method == "POST":
            form.reason.data = request.form.get("reason", "")
        forms[option.to_phase] = form
    return render_template(
        "lifecycle/overview.html",
        agreement=agreement,
        events=timeline(db.session, agreement, exits),
        exits=exits,
        progress=progress,
        options=options,
        forms=forms,
        refusal=refusal,
        errors=errors or {},
        attempted=attempted,
        ends_later=_ends_later(exits),
    ), status


def _ends_later(exits: list[Any]) -> list[Any]:
    """Adopted or completed plans for the whole cooperation whose end day is still ahead: it
    is in force until then, and ending it now would say otherwise."""
    return [
        plan
        for plan in exits
        if plan.scope == ExitScope.AGREEMENT
        and plan.status in (ExitStatus.ADOPTED, ExitStatus.COMPLETED)
        and plan.effective_on is not None
        and plan.effective_on > today()
    ]


@bp.get("/livscykel")
@login_required
def overview(agreement_id: int) -> Any:
    """Timeline of the agreement's life, checklist progress per phase and phase changes."""
    return _overview(visible_agreement(agreement_id))


@bp.post("/livscykel/fasbyte")
@login_required
def change_phase(agreement_id: int) -> Any:
    """Attempt a phase change; a refusal lists every unmet condition above the buttons."""
    agreement = visible_agreement(agreement_id)
    if not can(current_user, "lifecycle.transition", agreement):
        abort(403)
    form = TransitionForm()
    if not form.validate():
        abort(400)
    to_phase = form.to_phase.data or ""
    saved = save(
        lambda: services.transition(
            db.session,
            agreement,
            to_phase,
            actor=web_actor(),
            reason=form.reason.data,
            override=bool(form.override.data),
            today=today(),
        ),
        catch=(TransitionRefused,),
    )
    if isinstance(saved.refused, TransitionRefused):
        return _overview(agreement, refusal=saved.refused, attempted=to_phase, status=409)
    if saved.errors:
        return _overview(agreement, errors=saved.errors, attempted=to_phase, status=422)
    change = saved.result
    message = _("Samverkan är nu %(phase)s.", phase=str(PHASE_LABELS[change.to_phase]).lower())
    if change.is_override:
        message += " " + _("Villkoren förbigicks; det är antecknat i historiken.")
    flash(message, "success")
    return redirect(url_for("lifecycle.overview", agreement_id=agreement.id))


# The exit plan pages and those of their tasks and decisions live in their own modules; they
# are on this blueprint (their endpoints are ``lifecycle.*``) with these URLs.
PLAN_PAGES: tuple[tuple[str, Any, list[str]], ...] = (
    ("/avveckling", exit_views.exits, ["GET"]),
    ("/avveckling/ny", exit_views.exit_new, ["GET", "POST"]),
    ("/avveckling/<int:exit_id>/andra", exit_views.exit_edit, ["GET", "POST"]),
    ("/avveckling/<int:exit_id>", exit_views.exit_detail, ["GET"]),
    ("/avveckling/<int:exit_id>/utskrift", exit_views.exit_print, ["GET"]),
    ("/avveckling/<int:exit_id>/anta", exit_views.exit_adopt, ["POST"]),
    ("/avveckling/<int:exit_id>/genomford", exit_views.exit_complete, ["POST"]),
    ("/avveckling/<int:exit_id>/aterkalla", exit_views.exit_withdraw, ["POST"]),
    ("/avveckling/<int:exit_id>/ta-bort", exit_views.exit_delete, ["POST"]),
    ("/avveckling/<int:exit_id>/overgangsavtal", exit_views.transition_agreement, ["POST"]),
    ("/avveckling/<int:exit_id>/uppgifter/<int:task_id>", task_views.task_edit, ["GET", "POST"]),
    ("/avveckling/<int:exit_id>/uppgifter/<int:task_id>/klar", task_views.task_done, ["POST"]),
    ("/avveckling/<int:exit_id>/uppgifter/ny", task_views.task_new, ["GET", "POST"]),
    ("/avveckling/<int:exit_id>/uppgifter/<int:task_id>/ta-bort", task_views.task_remove, ["POST"]),
    ("/avveckling/<int:exit_id>/beslut/<int:party_id>", task_views.decision_edit, ["GET", "POST"]),
)
for rule, view, methods in PLAN_PAGES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
