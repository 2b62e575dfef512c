"""Lifecycle pages: the timeline and phase changes, exit plans with their tasks, and printing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.panels import agreement_panels
from coop_tracker.agreements.rules import PHASE_LABELS
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.audit import labels as audit_labels
from coop_tracker.checklists.queries import progress_by_agreement
from coop_tracker.checklists.services import CHECKLIST_PHASE_LABELS
from coop_tracker.core.clock import today
from coop_tracker.core.errors import (
    DomainError,
    StaleVersion,
    TransitionRefused,
)
from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_digits, is_row_id
from coop_tracker.core.web import save, web_actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle import plans, services
from coop_tracker.lifecycle.exit_rules import (
    EXIT_KIND_HINTS,
    EXIT_KIND_LABELS,
    EXIT_SCOPE_LABELS,
    EXIT_STATUS_LABELS,
    TASK_STATUS_LABELS,
    whole_exit_kind,
)
from coop_tracker.lifecycle.exits import exit_action
from coop_tracker.lifecycle.forms import (
    AdoptForm,
    DecisionForm,
    ExitForm,
    TaskForm,
    TransitionForm,
    VersionForm,
    WithdrawForm,
)
from coop_tracker.lifecycle.models import Exit, ExitKind, ExitStatus, ExitTask
from coop_tracker.lifecycle.queries import plan_checklist, timeline
from coop_tracker.lifecycle.titles import PLAN_TITLES, shown_plan_title, shown_task_text

bp = Blueprint("lifecycle", __name__, url_prefix="/agreements/<int:agreement_id>")


def _audit_labels() -> None:
    """Swedish names for the lifecycle's audit events in the history pages."""
    audit_labels.register_fields(
        "agreement",
        _l("Samverkan"),
        {"reason": _l("Motivering"), "override": _l("Villkor som förbigicks")},
    )
    audit_labels.register_fields(
        "exit",
        _l("Avveckling"),
        {
            "kind": _l("Slag av avslut"),
            "scope": _l("Omfattning"),
            "status": _l("Status"),
            "title": _l("Namn på planen"),
            "background": _l("Bakgrund"),
            "leaving_party_id": _l("Part som lämnar"),
            "notice_party_id": _l("Part som säger upp"),
            "notice_given_on": _l("Uppsägningen lämnades"),
            "notice_received_on": _l("Uppsägningen nådde de andra parterna"),
            "effective_on": _l("Upphör från"),
            "earliest_end_on": _l("Tidigast möjliga slut"),
            "is_notice_late": _l("Sen uppsägning"),
            "transition_starts_on": _l("Övergången börjar"),
            "transition_ends_on": _l("Övergången är klar"),
            "has_joint_organisation": _l("Gemensam övergångsorganisation"),
            "adopted_on": _l("Beslutsdatum"),
            "decision_ref": _l("Beslut"),
            "reason": _l("Skäl"),
            "body": _l("Beslutande organ"),
            "decided_on": _l("Beslutsdatum"),
            "paragraph": _l("Paragraf"),
            "case_number": _l("Diarienummer"),
            "note": _l("Anteckning"),
            "tasks": _l("Uppgifter"),
            "transition_agreement_id": _l("Övergångsavtal"),
        },
        {"kind": EXIT_KIND_LABELS, "scope": EXIT_SCOPE_LABELS, "status": EXIT_STATUS_LABELS},
        references={
            "leaving_party_id": "party",
            "notice_party_id": "party",
        },
        formatters={"title": lambda title: shown_plan_title(str(title))},
    )
    audit_labels.register_fields(
        "exit_task",
        _l("Avvecklingsuppgift"),
        {
            "title": _l("Uppgift"),
            "owner_name": _l("Ansvarig person"),
            "due_on": _l("Klart senast"),
            "status": _l("Status"),
            "not_applicable_reason": _l("Skäl till att uppgiften inte är tillämplig"),
            "note": _l("Anteckning"),
            "party_id": _l("Part"),
            "is_required": _l("Obligatorisk"),
        },
        {"status": TASK_STATUS_LABELS},
        references={"party_id": "party"},
        formatters={"title": lambda title: shown_task_text(str(title))},
    )
    for action, label in {
        "override_transition": _l("Fasbyte förbi villkoren"),
        "adopt": _l("Antagen"),
        "complete": _l("Genomförd"),
        "withdraw": _l("Återkallad"),
        "leave": _l("Lämnade samverkan"),
        "decision": _l("Beslut registrerat"),
        "transition_agreement": _l("Övergångsavtal skapat"),
        "demo_lifecycle": _l("Demodata inläst"),
    }.items():
        audit_labels.ACTION_LABELS.setdefault(action, label)
    # Labels as the services store them: a plan's title, a party's decision on it, a task.
    audit_labels.register_labels(
        "exit",
        [_l("%(party)s: beslut om %(title)s"), *(message for _p, message in PLAN_TITLES)],
        {"title": shown_plan_title},
    )
    audit_labels.register_labels(
        "exit_task",
        [_l("%(task)s (%(plan)s)")],
        {"task": shown_task_text, "plan": shown_plan_title},
    )


@bp.record_once
def _labels(state: Any) -> None:
    _audit_labels()
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


def _get(agreement_id: int) -> Agreement:
    return get_visible_agreement(db.session, agreement_id, current_user)


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
    ), status


@bp.get("/livscykel")
@login_required
def overview(agreement_id: int) -> Any:
    """Timeline of the agreement's life, checklist progress per phase and phase changes."""
    return _overview(_get(agreement_id))


@bp.post("/livscykel/fasbyte")
@login_required
def change_phase(agreement_id: int) -> Any:
    """Attempt a phase change; a refusal lists every unmet condition above the buttons."""
    agreement = _get(agreement_id)
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


# --------------------------------------------------------------------------- exits


def _party_choices(agreement: Agreement) -> list[tuple[str, str]]:
    return [(str(p.id), p.name) for p in agreement.current_parties]


def _kind_choices(form: ExitForm, agreement: Agreement) -> dict[str, str]:
    """Utträde always; a förbund that ends goes into likvidation, other forms into avveckling."""
    whole = whole_exit_kind(agreement.form)
    form.kind.choices = choices(
        [(kind, EXIT_KIND_LABELS[kind]) for kind in (ExitKind.WITHDRAWAL, whole)]
    )
    return {kind: EXIT_KIND_HINTS[kind] for kind in (ExitKind.WITHDRAWAL, whole)}


def _exit(agreement: Agreement, exit_id: int) -> Exit:
    plan = db.session.get(Exit, exit_id) if is_row_id(exit_id) else None
    if plan is None or plan.agreement_id != agreement.id:
        abort(404)
    return plan


@bp.get("/avveckling")
@login_required
def exits(agreement_id: int) -> Any:
    """The agreement's exit plans (drafts, adopted, completed, withdrawn)."""
    agreement = _get(agreement_id)
    plans = services.exits_of(db.session, agreement)
    return render_template("lifecycle/exits.html", agreement=agreement, exits=plans)


@bp.route("/avveckling/ny", methods=["GET", "POST"])
@login_required
def exit_new(agreement_id: int) -> Any:
    """Draft an exit plan (no notice needed yet)."""
    agreement = _get(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    form = ExitForm()
    if request.method == "GET":
        form.kind.data = whole_exit_kind(agreement.form)
        if is_digits(request.args.get("party", ""), 9):
            form.kind.data = ExitKind.WITHDRAWAL
            form.leaving_party_id.data = request.args["party"]
    hints = _kind_choices(form, agreement)
    form.set_parties(_party_choices(agreement))
    errors: dict[str, str] = {}
    if form.is_submitted():
        if not form.validate():
            errors = {k: " ".join(v) for k, v in form.errors.items()}
        else:
            saved = save(
                lambda: services.create_exit(
                    db.session, agreement, form.to_input(), actor=web_actor(), today=today()
                ),
                domain_error_field="kind",
            )
            errors = saved.errors
            if saved.ok:
                outcome = saved.result
                _flash_outcome(outcome)
                return redirect(
                    url_for(
                        "lifecycle.exit_detail", agreement_id=agreement.id, exit_id=outcome.exit.id
                    )
                )
    return render_template(
        "lifecycle/exit_form.html",
        agreement=agreement,
        form=form,
        errors=errors,
        plan=None,
        conflict=None,
        kind_hints=hints,
    ), (422 if errors else 200)


def _flash_outcome(outcome: services.ExitOutcome) -> None:
    # The only warning (a late notice) stays on the plan's page itself, so it is not flashed.
    for message in outcome.messages:
        flash(message, "success")


@bp.route("/avveckling/<int:exit_id>/andra", methods=["GET", "POST"])
@login_required
def exit_edit(agreement_id: int, exit_id: int) -> Any:
    """Change a plan's scope, notice and transition period."""
    agreement = _get(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    plan = _exit(agreement, exit_id)
    if request.method == "GET":
        form = ExitForm(obj=plan)
        form.version.data = plan.version
        for name in ("leaving_party_id", "notice_party_id"):
            value = getattr(plan, name)
            getattr(form, name).data = "" if value is None else str(value)
        for name in (
            "notice_given_on",
            "notice_received_on",
            "effective_on",
            "transition_starts_on",
            "transition_ends_on",
        ):
            value = getattr(plan, name)
            getattr(form, name).data = value.isoformat() if value else ""
    else:
        form = ExitForm()
    hints = _kind_choices(form, agreement)
    form.set_parties(_party_choices(agreement))
    errors: dict[str, str] = {}
    conflict: StaleVersion | None = None
    if form.is_submitted():
        if not form.validate():
            errors = {k: " ".join(v) for k, v in form.errors.items()}
        else:
            saved = save(
                lambda: services.update_exit(
                    db.session,
                    plan,
                    form.to_input(),
                    expected_version=form.version.data,
                    actor=web_actor(),
                    today=today(),
                )
            )
            errors, conflict = saved.errors, saved.conflict
            if saved.ok:
                _flash_outcome(saved.result)
                return redirect(
                    url_for("lifecycle.exit_detail", agreement_id=agreement.id, exit_id=plan.id)
                )
    status = 409 if conflict else (422 if errors else 200)
    return render_template(
        "lifecycle/exit_form.html",
        agreement=agreement,
        form=form,
        errors=errors,
        plan=plan,
        conflict=conflict,
        kind_hints=hints,
    ), status


def _detail(
    agreement: Agreement,
    plan: Exit,
    *,
    errors: dict[str, str] | None = None,
    refusal: TransitionRefused | None = None,
    status: int = 200,
    template: str = "lifecycle/exit_detail.html",
) -> Any:
    adopt = AdoptForm(formdata=None)
    adopt.version.data = plan.version
    adopt.adopted_on.data = request.form.get("adopted_on") or today().isoformat()
    adopt.decision_ref.data = request.form.get("decision_ref", "")
    withdraw = WithdrawForm(formdata=None)
    withdraw.version.data = plan.version
    withdraw.withdrawn_reason.data = request.form.get("withdrawn_reason", "")
    confirm = VersionForm(formdata=None)
    confirm.version.data = plan.version
    all_exits = services.exits_of(db.session, agreement)
    events = [e for e in timeline(db.session, agreement, all_exits) if e.exit_id == plan.id]
    late = services.late_notice_warning(plan)
    remaining_problems = (
        services.remaining_role_errors(agreement, plan.leaving_party)
        if plan.leaving_party is not None and plan.is_open
        else []
    )
    nobody_acts = ""
    # A draft whose notice has not been given yet: say what happens if it never is.
    if plan.status == ExitStatus.DRAFT and (
        plan.notice_given_on is None or plan.notice_given_on > today()
    ):
        panels = agreement_panels()
        derived = panels.derived_dates_for(db.session, [agreement], today())[agreement.id]
        nobody_acts = panels.if_nobody_acts(agreement, derived, today())
    return render_template(
        template,
        agreement=agreement,
        plan=plan,
        nobody_acts=nobody_acts,
        adopt=adopt,
        withdraw=withdraw,
        confirm=confirm,
        events=events,
        errors=errors or {},
        refusal=refusal,
        late=late,
        remaining_problems=remaining_problems,
        can_edit=can(current_user, "exit.edit", agreement),
        today_iso=today().isoformat(),
        task_groups=_task_groups(plan),
        decisions=[
            (party, plans.decision_for(plan, party.id))
            for party in plans.decision_parties(plan, agreement)
        ],
        checklist=plan_checklist(db.session, plan),
        transition_agreement=plans.transition_agreement_of(db.session, plan),
        is_forbund=agreement.form == "kommunalforbund",
        parties={p.id: p for p in agreement.parties},
    ), status


def _task_groups(plan: Exit) -> list[tuple[str, list[ExitTask]]]:
    """Tasks per party (joint ones first), for the printed plan."""
    groups: dict[int | None, list[ExitTask]] = {}
    for task in plan.tasks:
        groups.setdefault(task.party_id, []).append(task)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] is not None, kv[0] or 0))
    joint = _("Förbundet") if plan_is_forbund(plan) else _("Gemensamt")
    return [
        (
            tasks[0].party.name if key is not None and tasks[0].party else joint,
            tasks,
        )
        for key, tasks in ordered
    ]


def plan_is_forbund(plan: Exit) -> bool:
    agreement = db.session.get(Agreement, plan.agreement_id)
    return agreement is not None and agreement.form == "kommunalforbund"


@bp.get("/avveckling/<int:exit_id>")
@login_required
def exit_detail(agreement_id: int, exit_id: int) -> Any:
    """One plan: the notice, the transition period, tasks per party, and its timeline."""
    agreement = _get(agreement_id)
    return _detail(agreement, _exit(agreement, exit_id))


@bp.get("/avveckling/<int:exit_id>/utskrift")
@login_required
def exit_print(agreement_id: int, exit_id: int) -> Any:
    """A print-friendly plan to attach to a decision memo (tjänsteskrivelse)."""
    agreement = _get(agreement_id)
    return _detail(agreement, _exit(agreement, exit_id), template="lifecycle/exit_print.html")


@bp.post("/avveckling/<int:exit_id>/anta")
@login_required
def exit_adopt(agreement_id: int, exit_id: int) -> Any:
    """Adopt the plan (the notice must be recorded)."""
    return _exit_action(
        agreement_id,
        exit_id,
        AdoptForm,
        "adopt",
        lambda form: {"adopted_on": form.adopted_on.data, "decision_ref": form.decision_ref.data},
    )


@bp.post("/avveckling/<int:exit_id>/genomford")
@login_required
def exit_complete(agreement_id: int, exit_id: int) -> Any:
    """Mark the plan carried out (every task done or not applicable)."""
    return _exit_action(
        agreement_id,
        exit_id,
        VersionForm,
        "complete",
        lambda form: {},
    )


@bp.post("/avveckling/<int:exit_id>/aterkalla")
@login_required
def exit_withdraw(agreement_id: int, exit_id: int) -> Any:
    """Withdraw the plan and its notice."""
    return _exit_action(
        agreement_id,
        exit_id,
        WithdrawForm,
        "withdraw",
        lambda form: {"reason": form.withdrawn_reason.data},
    )


def _exit_action(
    agreement_id: int, exit_id: int, form_class: Any, action: str, details: Any
) -> Any:
    """The shared steps of a button on an exit plan: load, check, validate, act (``action``
    with the form's own ``details``)."""
    agreement = _get(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    plan = _exit(agreement, exit_id)
    form = form_class()
    if not form.validate():
        abort(400)
    return _act(
        agreement,
        plan,
        lambda: exit_action(
            db.session,
            plan,
            action,
            expected_version=form.version.data,
            actor=web_actor(),
            today=today(),
            **details(form),
        ),
    )


def _act(agreement: Agreement, plan: Exit, action: Any) -> Any:
    saved = save(action, catch=(TransitionRefused,))
    if saved.errors:
        db.session.refresh(plan)
        return _detail(agreement, plan, errors=saved.errors, status=422)
    if isinstance(saved.refused, TransitionRefused):
        db.session.refresh(plan)
        return _detail(agreement, plan, refusal=saved.refused, status=409)
    if saved.conflict:
        flash(
            _("Någon annan har ändrat planen sedan du öppnade sidan. Se över den och försök igen."),
            "warning",
        )
        return redirect(
            url_for("lifecycle.exit_detail", agreement_id=agreement.id, exit_id=plan.id)
        )
    _flash_outcome(saved.result)
    return redirect(url_for("lifecycle.exit_detail", agreement_id=agreement.id, exit_id=plan.id))


def _task(plan: Exit, task_id: int) -> ExitTask:
    task = next((t for t in plan.tasks if t.id == task_id), None)
    if task is None:
        abort(404)
    return task


@bp.route("/avveckling/<int:exit_id>/uppgifter/<int:task_id>", methods=["GET", "POST"])
@login_required
def task_edit(agreement_id: int, exit_id: int, task_id: int) -> Any:
    """Change a task's party, owner, due date, status and note."""
    agreement = _get(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    plan = _exit(agreement, exit_id)
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
            errors = {k: " ".join(v) for k, v in form.errors.items()}
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


@bp.post("/avveckling/<int:exit_id>/uppgifter/<int:task_id>/klar")
@login_required
def task_done(agreement_id: int, exit_id: int, task_id: int) -> Any:
    """Mark a task done in one click (or open again)."""
    agreement = _get(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    plan = _exit(agreement, exit_id)
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


# --------------------------------------------------------------------------- owning the plan


def _editable_plan(agreement_id: int, exit_id: int) -> tuple[Agreement, Exit]:
    agreement = _get(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    return agreement, _exit(agreement, exit_id)


def _plan_url(agreement: Agreement, plan: Exit, anchor: str = "") -> str:
    url = url_for("lifecycle.exit_detail", agreement_id=agreement.id, exit_id=plan.id)
    return url + (f"#{anchor}" if anchor else "")


@bp.post("/avveckling/<int:exit_id>/ta-bort")
@login_required
def exit_delete(agreement_id: int, exit_id: int) -> Any:
    """Delete a draft plan (an adopted one is withdrawn instead)."""
    agreement, plan = _editable_plan(agreement_id, exit_id)
    form = VersionForm()
    if not form.validate():
        abort(400)
    title = plan.title
    saved = save(
        lambda: plans.delete_exit(
            db.session, plan, expected_version=form.version.data, actor=web_actor()
        ),
        catch=(DomainError,),
    )
    if saved.refused is not None:
        stale = isinstance(saved.refused, StaleVersion)
        message = _("Någon annan har ändrat planen. Se över den och försök igen.")
        flash(message if stale else saved.refused.message, "warning")
        return redirect(_plan_url(agreement, plan))
    flash(_("Utkastet ”%(title)s” är borttaget.", title=shown_plan_title(title)), "success")
    return redirect(url_for("lifecycle.exits", agreement_id=agreement.id))


def _task_party_choices(form: TaskForm, agreement: Agreement, plan: Exit) -> None:
    joint = _("Förbundet") if agreement.form == "kommunalforbund" else _("Gemensamt")
    form.party_id.choices = choices(
        [("", joint), *((str(p.id), p.name) for p in agreement.parties)]
    )


@bp.route("/avveckling/<int:exit_id>/uppgifter/ny", methods=["GET", "POST"])
@login_required
def task_new(agreement_id: int, exit_id: int) -> Any:
    """Add a task of the planner's own."""
    agreement, plan = _editable_plan(agreement_id, exit_id)
    form = TaskForm()
    if request.method == "GET":
        form.is_required.data = True
    _task_party_choices(form, agreement, plan)
    errors: dict[str, str] = {}
    if form.is_submitted():
        if not form.validate():
            errors = {k: " ".join(v) for k, v in form.errors.items()}
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
                return redirect(_plan_url(agreement, plan, f"task-{task.id}"))
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


@bp.post("/avveckling/<int:exit_id>/uppgifter/<int:task_id>/ta-bort")
@login_required
def task_remove(agreement_id: int, exit_id: int, task_id: int) -> Any:
    """Remove a task of the planner's own."""
    agreement, plan = _editable_plan(agreement_id, exit_id)
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
    return redirect(_plan_url(agreement, plan, "tasks-title"))


@bp.route("/avveckling/<int:exit_id>/beslut/<int:party_id>", methods=["GET", "POST"])
@login_required
def decision_edit(agreement_id: int, exit_id: int, party_id: int) -> Any:
    """Record one party's decision on the exit: body, date, paragraph and diarienummer."""
    agreement, plan = _editable_plan(agreement_id, exit_id)
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
            errors = {k: " ".join(v) for k, v in form.errors.items()}
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
                return redirect(_plan_url(agreement, plan, f"decision-{party.id}"))
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


@bp.post("/avveckling/<int:exit_id>/overgangsavtal")
@login_required
def transition_agreement(agreement_id: int, exit_id: int) -> Any:
    """Create an övergångsavtal from the plan and open it for editing."""
    agreement, plan = _editable_plan(agreement_id, exit_id)
    form = VersionForm()
    if not form.validate():
        abort(400)
    saved = save(
        lambda: plans.create_transition_agreement(
            db.session, plan, actor=web_actor(), today=today()
        ),
        domain_error_field="_",
    )
    if not saved.ok:
        flash(" ".join(saved.errors.values()), "warning")
        return redirect(_plan_url(agreement, plan, "transition-title"))
    created = saved.result
    flash(
        _(
            "Övergångsavtalet är skapat som en planerad samverkan. Se över uppgifterna och "
            "fyll i det som saknas."
        ),
        "success",
    )
    return redirect(url_for("agreements.edit", agreement_id=created.id))
