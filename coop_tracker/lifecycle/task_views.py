"""Pages for an exit plan's tasks and each party's decision on it: change a task, tick it done,
add or remove a planner's own task, record a decision.

The views are on the ``lifecycle`` blueprint; ``lifecycle.views`` lists their URLs."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements.models import Agreement
from coop_tracker.core.clock import today
from coop_tracker.core.errors import DomainError, StaleVersion
from coop_tracker.core.forms import choices, form_errors
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.core.web import save, web_actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle import plans, services
from coop_tracker.lifecycle.forms import DecisionForm, TaskForm, VersionForm
from coop_tracker.lifecycle.models import Exit, ExitTask
from coop_tracker.lifecycle.pages import editable_plan, plan_of, plan_url, visible_agreement
from coop_tracker.lifecycle.titles import shown_task_text


def _task(plan: Exit, task_id: int) -> ExitTask:
    task = next((t for t in plan.tasks if t.id == task_id), None)
    if task is None:
        abort(404)
    return task


@login_required
def task_edit(agreement_id: int, exit_id: int, task_id: int) -> Any:
    """Change a task's party, owner, due date, status and note."""
    agreement = visible_agreement(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    plan = plan_of(agreement, exit_id)
    task = _task(plan, task_id)
    if request.method == "GET":
        form = TaskForm(obj=task)
        form.version.data = task.version
        form.party_id.data = "" if task.party_id is None else str(task.party_id)
        form.due_on.data = task.due_on.isoformat() if task.due_on else ""
    else:
        form = TaskForm()
    _task_party_choices(form, agreement, plan)
    errors: dict[str, str] = {}
    conflict: StaleVersion | None = None
    if form.is_submitted():
        if not form.validate():
            errors = form_errors(form)
        else:
            saved = save(
                lambda: services.update_task(
                    db.session,
                    task,
                    form.to_input(),
                    expected_version=form.version.data,
                    actor=web_actor(),
                    today=today(),
                ),
                domain_error_field="status",
            )
            if saved.ok:
                flash(_("Uppgiften ”%(title)s” är sparad.", title=task.title), "success")
                return redirect(
                    url_for("lifecycle.exit_detail", agreement_id=agreement.id, exit_id=plan.id)
                    + f"#task-{task.id}"
                )
            errors, conflict = saved.errors, saved.conflict
    status = 409 if conflict else (422 if errors else 200)
    return render_template(
        "lifecycle/task_form.html",
        agreement=agreement,
        plan=plan,
        task=task,
        form=form,
        errors=errors,
        conflict=conflict,
    ), status


@login_required
def task_done(agreement_id: int, exit_id: int, task_id: int) -> Any:
    """Mark a task done in one click (or open again)."""
    agreement = visible_agreement(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    plan = plan_of(agreement, exit_id)
    task = _task(plan, task_id)
    form = VersionForm()
    if not form.validate():
        abort(400)
    data = services.TaskInput.from_task(task)
    data.status = "open" if task.is_resolved else "done"
    saved = save(
        lambda: services.update_task(
            db.session,
            task,
            data,
            expected_version=form.version.data,
            actor=web_actor(),
            today=today(),
        ),
        catch=(DomainError,),
    )
    if isinstance(saved.refused, StaleVersion):
        flash(_("Någon annan har ändrat uppgiften. Se över den och försök igen."), "warning")
    elif saved.refused is not None:
        flash(saved.refused.message, "warning")
    else:
        title = shown_task_text(task.title)
        flash(
            _("Uppgiften ”%(title)s” är klar.", title=title)
            if task.is_resolved
            else _("Uppgiften ”%(title)s” är öppen igen.", title=title),
            "success",
        )
    return redirect(
        url_for("lifecycle.exit_detail", agreement_id=agreement.id, exit_id=plan.id)
        + f"#task-{task.id}"
    )


def _task_party_choices(form: TaskForm, agreement: Agreement, plan: Exit) -> None:
    joint = _("Förbundet") if agreement.form == "kommunalforbund" else _("Gemensamt")
    form.party_id.choices = choices(
        [("", joint), *((str(p.id), p.name) for p in agreement.parties)]
    )


@login_required
def task_new(agreement_id: int, exit_id: int) -> Any:
    """Add a task of the planner's own."""
    agreement, plan = editable_plan(agreement_id, exit_id)
    form = TaskForm()
    if request.method == "GET":
        form.is_required.data = True
    _task_party_choices(form, agreement, plan)
    errors: dict[str, str] = {}
    if form.is_submitted():
        if not form.validate():
            errors = form_errors(form)
        else:
            saved = save(
                lambda: plans.add_task(
                    db.session, plan, form.to_input(), actor=web_actor(), today=today()
                ),
                domain_error_field="title",
            )
            if saved.ok:
                task = saved.result
                flash(_("Uppgiften ”%(title)s” är tillagd.", title=task.title), "success")
                return redirect(plan_url(agreement, plan, f"task-{task.id}"))
            errors = saved.errors
    return render_template(
        "lifecycle/task_form.html",
        agreement=agreement,
        plan=plan,
        task=None,
        form=form,
        errors=errors,
        conflict=None,
    ), (422 if errors else 200)


@login_required
def task_remove(agreement_id: int, exit_id: int, task_id: int) -> Any:
    """Remove a task of the planner's own."""
    agreement, plan = editable_plan(agreement_id, exit_id)
    task = _task(plan, task_id)
    form = VersionForm()
    if not form.validate():
        abort(400)
    title = task.title
    saved = save(
        lambda: plans.remove_task(
            db.session, task, expected_version=form.version.data, actor=web_actor()
        ),
        catch=(DomainError,),
    )
    if isinstance(saved.refused, StaleVersion):
        flash(_("Någon annan har ändrat uppgiften. Se över den och försök igen."), "warning")
    elif saved.refused is not None:
        flash(saved.refused.message, "warning")
    else:
        flash(_("Uppgiften ”%(title)s” är borttagen.", title=title), "success")
    return redirect(plan_url(agreement, plan, "tasks-title"))


@login_required
def decision_edit(agreement_id: int, exit_id: int, party_id: int) -> Any:
    """Record one party's decision on the exit: body, date, paragraph and diarienummer."""
    agreement, plan = editable_plan(agreement_id, exit_id)
    try:
        party = plans.get_decision_party(db.session, plan, party_id)
    except DomainError:
        abort(404)
    if party not in plans.decision_parties(plan, agreement):
        abort(404)
    existing = plans.decision_for(plan, party.id)
    if request.method == "GET":
        form = DecisionForm(obj=existing)
        if existing is not None:
            form.version.data = existing.version
            form.decided_on.data = existing.decided_on.isoformat() if existing.decided_on else ""
        else:
            form.body.data = (
                "Kommunfullmäktige"
                if agreement.form in ("kommunalforbund", "gemensam_namnd")
                else party.decision_body or ""
            )
    else:
        form = DecisionForm()
    errors: dict[str, str] = {}
    conflict: StaleVersion | None = None
    if form.is_submitted():
        if not form.validate():
            errors = form_errors(form)
        else:
            saved = save(
                lambda: plans.record_decision(
                    db.session,
                    plan,
                    party,
                    form.to_input(),
                    expected_version=form.version.data,
                    actor=web_actor(),
                    today=today(),
                ),
                domain_error_field="body",
            )
            if saved.ok:
                flash(
                    _("Beslutet för %(name)s är registrerat.", name=party.name),
                    "success",
                )
                return redirect(plan_url(agreement, plan, f"decision-{party.id}"))
            errors, conflict = saved.errors, saved.conflict
    status = 409 if conflict else (422 if errors else 200)
    return render_template(
        "lifecycle/decision_form.html",
        agreement=agreement,
        plan=plan,
        party=party,
        form=form,
        errors=errors,
        conflict=conflict,
        today_iso=today().isoformat(),
    ), status
