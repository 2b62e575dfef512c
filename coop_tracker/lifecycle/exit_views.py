"""Exit plan pages: the plans of an agreement, drafting and changing one, its page and print,
adopting, completing, withdrawing or deleting it, and an övergångsavtal made from it.

The views are on the ``lifecycle`` blueprint; ``lifecycle.views`` lists their URLs."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.panels import agreement_panels
from coop_tracker.core.clock import today
from coop_tracker.core.errors import DomainError, TransitionRefused
from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_digits
from coop_tracker.core.web import Saved, flash_refusal, save, submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle import plans, services
from coop_tracker.lifecycle.exit_rules import EXIT_KIND_HINTS, EXIT_KIND_LABELS, whole_exit_kind
from coop_tracker.lifecycle.exits import exit_action
from coop_tracker.lifecycle.forms import AdoptForm, ExitForm, VersionForm, WithdrawForm
from coop_tracker.lifecycle.models import Exit, ExitKind, ExitStatus, ExitTask
from coop_tracker.lifecycle.pages import (
    editable_agreement,
    editable_plan,
    flash_outcome,
    plan_of,
    plan_url,
    visible_agreement,
)
from coop_tracker.lifecycle.queries import plan_checklist, timeline
from coop_tracker.lifecycle.titles import shown_plan_title


def _set_choices(form: ExitForm, agreement: Agreement) -> dict[str, str]:
    """The parties, and the kinds with their hints: utträde always; a förbund that ends goes
    into likvidation, other forms into avveckling."""
    form.set_parties([(str(p.id), p.name) for p in agreement.current_parties])
    whole = whole_exit_kind(agreement.form)
    form.kind.choices = choices(
        [(kind, EXIT_KIND_LABELS[kind]) for kind in (ExitKind.WITHDRAWAL, whole)]
    )
    return {kind: EXIT_KIND_HINTS[kind] for kind in (ExitKind.WITHDRAWAL, whole)}


@login_required
def exits(agreement_id: int) -> Any:
    """The agreement's exit plans (drafts, adopted, completed, withdrawn)."""
    agreement = visible_agreement(agreement_id)
    plans = services.exits_of(db.session, agreement)
    return render_template("lifecycle/exits.html", agreement=agreement, exits=plans)


@login_required
def exit_new(agreement_id: int) -> Any:
    """Draft an exit plan (no notice needed yet)."""
    agreement = editable_agreement(agreement_id)
    form = ExitForm()
    if request.method == "GET":
        # With three or more parties one of them leaving is far likelier than the whole
        # cooperation ending: a dissolution is never what the form offers unasked.
        many = len(agreement.current_parties) >= 3
        form.kind.data = ExitKind.WITHDRAWAL if many else whole_exit_kind(agreement.form)
        if is_digits(request.args.get("party", ""), 9):
            form.kind.data = ExitKind.WITHDRAWAL
            form.leaving_party_id.data = request.args["party"]
    hints = _set_choices(form, agreement)
    saved = submit(
        form,
        lambda: services.create_exit(
            db.session, agreement, form.to_input(), actor=web_actor(), today=today()
        ),
        domain_error_field="kind",
    )
    if saved.ok:
        flash_outcome(saved.result)
        return redirect(plan_url(agreement, saved.result.exit))
    return _plan_form(agreement, form, saved, None, hints)


@login_required
def exit_edit(agreement_id: int, exit_id: int) -> Any:
    """Change a plan's scope, notice and transition period."""
    agreement, plan = editable_plan(agreement_id, exit_id)
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
    hints = _set_choices(form, agreement)
    saved = submit(
        form,
        lambda: services.update_exit(
            db.session,
            plan,
            form.to_input(),
            expected_version=form.version.data,
            actor=web_actor(),
            today=today(),
        ),
    )
    if saved.ok:
        flash_outcome(saved.result)
        return redirect(plan_url(agreement, plan))
    return _plan_form(agreement, form, saved, plan, hints)


def _plan_form(
    agreement: Agreement, form: ExitForm, saved: Saved, plan: Exit | None, hints: dict[str, str]
) -> Any:
    """The plan's form, first shown or shown again with what the save came to."""
    return render_template(
        "lifecycle/exit_form.html",
        agreement=agreement,
        form=form,
        errors=saved.errors,
        plan=plan,
        conflict=saved.conflict,
        kind_hints=hints,
    ), saved.status


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


@login_required
def exit_detail(agreement_id: int, exit_id: int) -> Any:
    """One plan: the notice, the transition period, tasks per party, and its timeline."""
    agreement = visible_agreement(agreement_id)
    return _detail(agreement, plan_of(agreement, exit_id))


@login_required
def exit_print(agreement_id: int, exit_id: int) -> Any:
    """A print-friendly plan to attach to a decision memo (tjänsteskrivelse)."""
    agreement = visible_agreement(agreement_id)
    return _detail(agreement, plan_of(agreement, exit_id), template="lifecycle/exit_print.html")


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
    agreement, plan = editable_plan(agreement_id, exit_id)
    form = form_class()
    if not form.validate():
        abort(400)
    saved = save(
        lambda: exit_action(
            db.session,
            plan,
            action,
            expected_version=form.version.data,
            actor=web_actor(),
            today=today(),
            **details(form),
        ),
        catch=(TransitionRefused,),
    )
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
    else:
        flash_outcome(saved.result)
    return redirect(plan_url(agreement, plan))


@login_required
def exit_delete(agreement_id: int, exit_id: int) -> Any:
    """Delete a draft plan (an adopted one is withdrawn instead)."""
    agreement, plan = editable_plan(agreement_id, exit_id)
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
        flash_refusal(
            saved.refused, _("Någon annan har ändrat planen. Se över den och försök igen.")
        )
        return redirect(plan_url(agreement, plan))
    flash(_("Utkastet ”%(title)s” är borttaget.", title=shown_plan_title(title)), "success")
    return redirect(url_for("lifecycle.exits", agreement_id=agreement.id))


@login_required
def transition_agreement(agreement_id: int, exit_id: int) -> Any:
    """Create an övergångsavtal from the plan and open it for editing."""
    agreement, plan = editable_plan(agreement_id, exit_id)
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
        return redirect(plan_url(agreement, plan, "transition-title"))
    created = saved.result
    flash(
        _(
            "Övergångsavtalet är skapat som en planerad samverkan. Se över uppgifterna och "
            "fyll i det som saknas."
        ),
        "success",
    )
    return redirect(url_for("agreements.edit", agreement_id=created.id))
