"""Exits: notice, utträde, avveckling and likvidation plans drafted, adopted, carried out or
withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements import dates
from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.agreements.queries import terms_of
from coop_tracker.agreements.rules import role_rule_errors
from coop_tracker.audit.services import diff, plain, record, record_update
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import (
    DomainError,
    TransitionRefused,
    ValidationFailed,
    WrongPhase,
)
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.lifecycle.common import (
    agreement_of,
    check_exit_edit,
    exit_about,
    party_name,
    replan_reminders,
    task_owner,
)
from coop_tracker.lifecycle.exit_input import EXIT_FIELDS, ExitInput, validate_exit
from coop_tracker.lifecycle.exit_rules import whole_exit_kind
from coop_tracker.lifecycle.models import (
    Exit,
    ExitKind,
    ExitScope,
    ExitStatus,
)
from coop_tracker.lifecycle.schemas import CheckedAdoptionSchema, CheckedWithdrawalSchema
from coop_tracker.lifecycle.tasks import open_plan_items, planned_due_dates, sync_plan
from coop_tracker.lifecycle.transitions import notice_still_standing, transition


@dataclass
class ExitOutcome:
    """A saved exit and what the user should be told about it."""

    exit: Exit
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def exit_snapshot(plan: Exit) -> dict[str, Any]:
    data = {name: plain(getattr(plan, name)) for name in EXIT_FIELDS}
    data.update(
        status=plan.status,
        earliest_end_on=plain(plan.earliest_end_on),
        is_notice_late=plan.is_notice_late,
        adopted_on=plain(plan.adopted_on),
        decision_ref=plan.decision_ref,
    )
    return data


def _apply_notice(agreement: Agreement, plan: Exit) -> None:
    """Compute the earliest possible end from the terms; flag a notice that comes too late.

    The notice period runs from the day the notice reached the other parties; when that is not
    recorded, from the day it was given."""
    received = plan.notice_received_on or plan.notice_given_on
    if received and plan.effective_on and agreement.start_on:
        terms = terms_of(agreement)
        plan.earliest_end_on = dates.earliest_end_on(terms, received)
        plan.is_notice_late = dates.is_notice_late(terms, received, plan.effective_on)
    else:
        plan.earliest_end_on = None
        plan.is_notice_late = False


def late_notice_warning(plan: Exit) -> str | None:
    if plan.is_notice_late and plan.earliest_end_on:
        return _(
            "Uppsägningen är sen: med avtalets uppsägningstid kan samverkan tidigast upphöra "
            "%(earliest)s, men planen anger %(effective)s. Det är tillåtet men kräver att "
            "parterna är överens.",
            earliest=plan.earliest_end_on.isoformat(),
            effective=plan.effective_on,
        )
    return None


def create_exit(
    session: Session, agreement: Agreement, data: ExitInput, *, actor: Actor, today: date
) -> ExitOutcome:
    """Draft an exit plan (also before any notice: a planner's "what if")."""
    check_exit_edit(agreement, actor)
    if agreement.phase not in (Phase.ACTIVE, Phase.EXITING):
        raise WrongPhase(
            _(
                "En avvecklingsplan kan bara göras för pågående samverkan eller samverkan under "
                "avveckling."
            )
        )
    values = validate_exit(agreement, data)
    _refuse_duplicate(session, agreement, values)
    plan = Exit(
        agreement_id=agreement.id,
        status=ExitStatus.DRAFT,
        created_by_name=actor.name,
        **values,
    )
    _apply_notice(agreement, plan)
    session.add(plan)
    session.flush()
    sync_plan(session, plan, agreement, actor=actor)
    changes = diff({}, exit_snapshot(plan))
    record(session, actor, action="create", changes=changes, **exit_about(plan))
    outcome = ExitOutcome(plan, [_("Avvecklingsplanen är sparad som utkast.")])
    warning = late_notice_warning(plan)
    if warning:
        outcome.warnings.append(warning)
    replan_reminders(session, agreement, today)
    return outcome


def _refuse_duplicate(
    session: Session, agreement: Agreement, values: dict[str, Any], own_id: int | None = None
) -> None:
    query = select(Exit.id).where(
        Exit.agreement_id == agreement.id,
        Exit.scope == values["scope"],
        Exit.status.in_([ExitStatus.DRAFT, ExitStatus.ADOPTED]),
    )
    # A second utträde (another party) gets its own plan; the same party only one at a time.
    if values["scope"] == ExitScope.PARTY:
        query = query.where(Exit.leaving_party_id == values["leaving_party_id"])
    if own_id is not None:
        query = query.where(Exit.id != own_id)
    if session.scalar(query.limit(1)) is not None:
        field_name = "leaving_party_id" if values["scope"] == ExitScope.PARTY else "scope"
        raise ValidationFailed(
            {
                field_name: _(
                    "Det finns redan en öppen avvecklingsplan för detta. Ändra den i stället."
                )
            }
        )


def update_exit(
    session: Session,
    plan: Exit,
    data: ExitInput,
    *,
    expected_version: Any,
    actor: Actor,
    today: date,
) -> ExitOutcome:
    """Change a draft or adopted plan; refuses a stale version."""
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    check_exit_version(plan, expected_version)
    if not plan.is_open:
        raise DomainError(_("En genomförd eller återkallad plan kan inte ändras."))
    values = validate_exit(agreement, data)
    if plan.status == ExitStatus.ADOPTED and (
        values["kind"] != plan.kind or values["leaving_party_id"] != plan.leaving_party_id
    ):
        raise ValidationFailed(
            {"scope": _("Omfattningen kan inte ändras efter att planen har antagits.")}
        )
    if plan.status == ExitStatus.ADOPTED and not all(
        values[n] for n in ("notice_party_id", "notice_given_on", "effective_on")
    ):
        raise ValidationFailed(
            {"notice_party_id": _("En antagen plan måste ha kvar sin uppsägning.")}
        )
    _refuse_duplicate(session, agreement, values, own_id=plan.id)
    before = exit_snapshot(plan)
    previous_due = planned_due_dates(plan, agreement)
    for name, value in values.items():
        setattr(plan, name, value)
    _apply_notice(agreement, plan)
    sync_plan(session, plan, agreement, actor=actor, previous_due=previous_due)
    record_update(session, actor, before, exit_snapshot(plan), **exit_about(plan))
    outcome = ExitOutcome(plan, [_("Avvecklingsplanen är sparad.")])
    warning = late_notice_warning(plan)
    if warning:
        outcome.warnings.append(warning)
    replan_reminders(session, agreement, today)
    return outcome


def check_exit_version(plan: Exit, expected_version: Any) -> None:
    check_version(expected_version, plan.version, lambda: exit_snapshot(plan))


def remaining_role_errors(agreement: Agreement, leaving: Party) -> list[str]:
    """The form's role-rule breaches if ``leaving`` left and everyone else stayed."""
    roles = [p.role for p in agreement.current_parties if p.id != leaving.id]
    return role_rule_errors(agreement.form, roles)


def adopt_exit(
    session: Session,
    plan: Exit,
    *,
    expected_version: Any,
    adopted_on: Any,
    decision_ref: Any = "",
    actor: Actor,
    today: date,
) -> ExitOutcome:
    """Adopt a plan once notice is recorded; the agreement moves to exiting where it must.

    The whole agreement goes to ``exiting``. When one party leaves, the others go on if the
    form's role rules hold for them; otherwise the plan becomes an exit of the whole agreement.
    """
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    check_exit_version(plan, expected_version)
    if plan.status != ExitStatus.DRAFT:
        raise WrongPhase(_("Bara ett utkast kan antas."))
    adoption, refusals = CheckedAdoptionSchema(today).check(
        {"adopted_on": adopted_on, "decision_ref": decision_ref}
    )
    errors = v.Errors(refusals)
    if not plan.notice_party_id:
        errors.add("notice_party_id", _("Ange vilken part som säger upp innan planen antas."))
    if not plan.notice_given_on:
        errors.add("notice_given_on", _("Ange när uppsägningen lämnades innan planen antas."))
    if not plan.effective_on:
        errors.add("effective_on", _("Ange från vilket datum samverkan upphör innan planen antas."))
    if errors:
        raise ValidationFailed(dict(errors))
    before = exit_snapshot(plan)
    plan.status = ExitStatus.ADOPTED
    plan.adopted_on = adoption["adopted_on"]
    plan.adopted_by_name = actor.name
    plan.adopted_at = utcnow()
    plan.decision_ref = adoption["decision_ref"]
    outcome = ExitOutcome(plan)
    if plan.scope == ExitScope.PARTY:
        leaving = plan.leaving_party
        assert leaving is not None
        problems = remaining_role_errors(agreement, leaving)
        if problems:
            plan.kind = whole_exit_kind(agreement.form)
            plan.scope = ExitScope.AGREEMENT
            plan.leaving_party_id = None
            what = (
                "Förbundet går därför i likvidation."
                if plan.kind == ExitKind.LIQUIDATION
                else "Hela samverkan går därför till avveckling."
            )
            outcome.messages.append(
                f"När {party_name(leaving)} lämnar uppfyller de kvarvarande parterna inte "
                f"formens regler ({' '.join(problems)}). {what}"
            )
        else:
            remaining = len(agreement.current_parties) - 1
            outcome.messages.append(
                f"{party_name(leaving)} lämnar samverkan från {plan.effective_on}. "
                f"Samverkan fortsätter med {remaining} parter."
            )
    sync_plan(session, plan, agreement, actor=actor)
    session.flush()
    changes = diff(before, exit_snapshot(plan))
    record(session, actor, action="adopt", changes=changes, **exit_about(plan))
    if plan.scope == ExitScope.AGREEMENT:
        if agreement.phase == Phase.ACTIVE:
            notice_party = plan.notice_party
            transition(
                session,
                agreement,
                Phase.EXITING,
                actor=actor,
                reason=(
                    f"Uppsägning från {party_name(notice_party)} {plan.notice_given_on}, "
                    f"upphör {plan.effective_on}."
                ),
                today=today,
                exit=plan,
            )
            outcome.messages.append(_("Planen är antagen och samverkan är under avveckling."))
        else:
            outcome.messages.append(_("Planen är antagen."))
    warning = late_notice_warning(plan)
    if warning:
        outcome.warnings.append(warning)
    replan_reminders(session, agreement, today)
    return outcome


def complete_exit(
    session: Session, plan: Exit, *, expected_version: Any, actor: Actor, today: date
) -> ExitOutcome:
    """Mark an adopted plan carried out once every task is resolved.

    For an utträde the leaving party's ``left_on`` is set (its row and history stay).
    """
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    check_exit_version(plan, expected_version)
    if plan.status != ExitStatus.ADOPTED:
        raise WrongPhase(_("Bara en antagen plan kan markeras som genomförd."))
    open_tasks = [
        _(
            "Uppgiften ”%(title)s” (%(owner)s) är inte klar.",
            title=t.title,
            owner=task_owner(t, agreement),
        )
        for t in plan.tasks
        if t.is_required and not t.is_resolved
    ]
    open_tasks += open_plan_items(session, plan, agreement)
    if open_tasks:
        raise TransitionRefused(open_tasks, _("Avvecklingsplanen kan inte markeras som genomförd."))
    before = exit_snapshot(plan)
    plan.status = ExitStatus.COMPLETED
    plan.completed_on = today
    plan.completed_by_name = actor.name
    plan.completed_at = utcnow()
    outcome = ExitOutcome(plan)
    if plan.scope == ExitScope.PARTY and plan.leaving_party is not None:
        party = plan.leaving_party
        old_left = party.left_on
        party.left_on = plan.effective_on or today
        session.flush()
        record(
            session,
            actor,
            action="leave",
            object_type="party",
            object_id=party.id,
            label=f"{party_name(party)} i {agreement.title}",
            agreement_id=agreement.id,
            municipality_code=party.municipality_code,
            changes={"left_on": [plain(old_left), plain(party.left_on)]},
        )
        outcome.messages.append(
            f"{party_name(party)} har lämnat samverkan; dess historik finns kvar."
        )
    else:
        outcome.messages.append(
            _("Avvecklingsplanen är genomförd. Avsluta samverkan under fliken Livscykel.")
        )
    session.flush()
    changes = diff(before, exit_snapshot(plan))
    record(session, actor, action="complete", changes=changes, **exit_about(plan))
    replan_reminders(session, agreement, today)
    return outcome


def withdraw_exit(
    session: Session,
    plan: Exit,
    *,
    expected_version: Any,
    reason: Any,
    actor: Actor,
    today: date,
) -> ExitOutcome:
    """Withdraw a plan (and its notice); an agreement in exiting because of it becomes active."""
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    check_exit_version(plan, expected_version)
    if plan.status == ExitStatus.DRAFT:
        raise DomainError(
            _("Ett utkast återkallas inte: det har ingen uppsägning. Ta bort utkastet i stället.")
        )
    if not plan.is_open:
        raise WrongPhase(_("Planen är redan genomförd eller återkallad."))
    text = CheckedWithdrawalSchema().clean({"withdrawn_reason": reason})["withdrawn_reason"]
    before = exit_snapshot(plan)
    was_adopted = plan.status == ExitStatus.ADOPTED
    plan.status = ExitStatus.WITHDRAWN
    plan.withdrawn_on = today
    plan.withdrawn_reason = text
    plan.withdrawn_at = utcnow()
    session.flush()
    changes = {**diff(before, exit_snapshot(plan)), "reason": [None, text]}
    record(session, actor, action="withdraw", changes=changes, **exit_about(plan))
    outcome = ExitOutcome(plan, [_("Avvecklingsplanen är återkallad.")])
    if (
        was_adopted
        and plan.scope == ExitScope.AGREEMENT
        and agreement.phase == Phase.EXITING
        and not notice_still_standing(session, agreement, today)
    ):
        transition(
            session,
            agreement,
            Phase.ACTIVE,
            actor=actor,
            reason=f"Uppsägningen återkallades: {text}",
            today=today,
            exit=plan,
        )
        outcome.messages.append(_("Samverkan är pågående igen."))
    replan_reminders(session, agreement, today)
    return outcome


def exit_action(
    session: Session,
    plan: Exit,
    action: str,
    *,
    expected_version: Any,
    actor: Actor,
    today: date,
    **details: Any,
) -> ExitOutcome:
    """Adopt, complete or withdraw ``plan`` (``action``): the one call the plan's buttons and
    the API share; ``details`` are the action's own fields (decision date, reason)."""
    actions: dict[str, Callable[..., ExitOutcome]] = {
        "adopt": adopt_exit,
        "complete": complete_exit,
        "withdraw": withdraw_exit,
    }
    run = actions[action]
    return run(
        session, plan, expected_version=expected_version, actor=actor, today=today, **details
    )
