"""Pages for an exit plan's tasks and each party's decision on it: change a task, tick it done,
add or remove a planner's own task, record a decision.

The views are on the ``lifecycle`` blueprint; ``lifecycle.views`` lists their URLs."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_login import login_required

from coop_tracker.agreements.models import Agreement
from coop_tracker.core.clock import today
from coop_tracker.core.errors import DomainError
from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _
from coop_tracker.core.web import Saved, flash_refusal, save, submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle import plans, services
from coop_tracker.lifecycle.forms import DecisionForm, TaskForm, VersionForm
from coop_tracker.lifecycle.models import Exit, ExitTask
from coop_tracker.lifecycle.pages import editable_plan, plan_url
from coop_tracker.lifecycle.titles import shown_task_text


def _task(plan: Exit, task_id: int) -> ExitTask:
    task = next((t for t in plan.tasks if t.id == task_id), None)
    if task is None:
        abort(404)
    return task


@login_required
def task_edit(agreement_id: int, exit_id: int, task_id: int) -> Any:
    """Change a task's party, owner, due date, status and note."""
    agreement, plan = editable_plan(agreement_id, exit_id)
    task = _task(plan, task_id)
    if request.method == "GET":
        form = TaskForm(obj=task)
        form.version.data = task.version
        form.party_id.data = "" if task.party_id is None else str(task.party_id)
        form.due_on.data = task.due_on.isoformat() if task.due_on else ""
    else:
        form = TaskForm()
    _task_party_choices(form, agreement)
    saved = submit(
        form,
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
        return redirect(plan_url(agreement, plan, f"task-{task.id}"))
    return _task_form(agreement, plan, task, form, saved)


@login_required
def task_done(agreement_id: int, exit_id: int, task_id: int) -> Any:
    """Mark a task done in one click (or open again)."""
    agreement, plan = editable_plan(agreement_id, exit_id)
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
    if saved.refused is not None:
        flash_refusal(
            saved.refused, _("Någon annan har ändrat uppgiften. Se över den och försök igen.")
        )
    else:
        title = shown_task_text(task.title)
        flash(
            _("Uppgiften ”%(title)s” är klar.", title=title)
            if task.is_resolved
            else _("Uppgiften ”%(title)s” är öppen igen.", title=title),
            "success",
        )
    return redirect(plan_url(agreement, plan, f"task-{task.id}"))


def _task_party_choices(form: TaskForm, agreement: Agreement) -> None:
    joint = _("Förbundet") if agreement.form == "kommunalforbund" else _("Gemensamt")
    form.party_id.choices = choices(
        [("", joint), *((str(p.id), p.name) for p in agreement.parties)]
    )


def _task_form(
    agreement: Agreement, plan: Exit, task: ExitTask | None, form: TaskForm, saved: Saved
) -> Any:
    """The task's form, first shown or shown again with what the save came to."""
    return render_template(
        "lifecycle/task_form.html",
        agreement=agreement,
        plan=plan,
        task=task,
        form=form,
        errors=saved.errors,
        conflict=saved.conflict,
    ), saved.status


@login_required
def task_new(agreement_id: int, exit_id: int) -> Any:
    """Add a task of the planner's own."""
    agreement, plan = editable_plan(agreement_id, exit_id)
    form = TaskForm()
    if request.method == "GET":
        form.is_required.data = True
    _task_party_choices(form, agreement)
    saved = submit(
        form,
        lambda: plans.add_task(db.session, plan, form.to_input(), actor=web_actor(), today=today()),
        domain_error_field="title",
    )
    if saved.ok:
        task = saved.result
        flash(_("Uppgiften ”%(title)s” är tillagd.", title=task.title), "success")
        return redirect(plan_url(agreement, plan, f"task-{task.id}"))
    return _task_form(agreement, plan, None, form, saved)


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
    if saved.refused is not None:
        flash_refusal(
            saved.refused, _("Någon annan har ändrat uppgiften. Se över den och försök igen.")
        )
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
    saved = submit(
        form,
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
        flash(_("Beslutet för %(name)s är registrerat.", name=party.name), "success")
        return redirect(plan_url(agreement, plan, f"decision-{party.id}"))
    return render_template(
        "lifecycle/decision_form.html",
        agreement=agreement,
        plan=plan,
        party=party,
        form=form,
        errors=saved.errors,
        conflict=saved.conflict,
        today_iso=today().isoformat(),
    ), saved.status
