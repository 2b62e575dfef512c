"""Phase transitions through one gated function, and exits: notice, utträde and exit plans.

Every function takes the session and an explicit actor (and ``today`` where dates matter),
validates plain data, writes the audit log and flushes; the caller commits.
"""

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
from coop_tracker.agreements.rules import PHASE_LABELS, role_rule_errors
from coop_tracker.audit.services import diff, plain, record
from coop_tracker.checklists import services as checklists
from coop_tracker.checklists.models import ChecklistItem, ChecklistPhase, ItemStatus
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    TransitionRefused,
    ValidationFailed,
)
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.lifecycle.models import (
    Exit,
    ExitScope,
    ExitStatus,
    ExitTask,
    PhaseChange,
    TaskStatus,
)
from coop_tracker.lifecycle.rules import (
    EXIT_SCOPE_LABELS,
    EXIT_TASKS,
    TASK_STATUS_LABELS,
    TRANSITIONS,
    TransitionRule,
    rules_from,
)

# --------------------------------------------------------------------------- gates

CHECKLIST_NAMES = {
    ChecklistPhase.BEFORE: "Före-checklistan",
    ChecklistPhase.DURING: "Checklistan under samverkan",
    ChecklistPhase.EXIT: "Avvecklingschecklistan",
}


def _party_name(party: Party | None) -> str:
    if party is None:
        return "gemensamt"
    return party.municipality.name if party.municipality else party.municipality_code


def _unresolved_required(
    session: Session, agreement: Agreement, phase: str
) -> tuple[bool, list[str]]:
    """Whether the phase's checklist exists, and each required item still open (Swedish)."""
    items = list(
        session.scalars(
            select(ChecklistItem).where(
                ChecklistItem.agreement_id == agreement.id,
                ChecklistItem.phase == phase,
                ChecklistItem.retired_at.is_(None),
            )
        )
    )
    parties = {p.id: p for p in agreement.parties}
    label = CHECKLIST_NAMES[phase]
    open_items: list[str] = []
    counted = 0
    for item in items:
        party = parties.get(item.party_id) if item.party_id else None
        if party is not None and party.left_on is not None:
            continue
        counted += 1
        if item.is_required and item.status == ItemStatus.OPEN:
            whose = f" ({_party_name(party)})" if party is not None else ""
            open_items.append(
                f"{label}: ”{item.template_item.text_sv}”{whose} är inte klar "
                "eller markerad som inte tillämplig."
            )
    return counted > 0, open_items


def _gate_decisions(session: Session, agreement: Agreement, today: date) -> list[str]:
    return [
        f"{_party_name(p)} saknar registrerat beslut (beslutande organ och datum)."
        for p in agreement.current_parties
        if not p.has_decision
    ]


def _gate_before_checklist(session: Session, agreement: Agreement, today: date) -> list[str]:
    exists, reasons = _unresolved_required(session, agreement, ChecklistPhase.BEFORE)
    if not exists:
        return [_("Före-checklistan saknas. Skapa den under fliken Checklista.")]
    return reasons


def open_agreement_exits(session: Session, agreement: Agreement) -> list[Exit]:
    """Draft or adopted exits of the whole agreement."""
    return list(
        session.scalars(
            select(Exit).where(
                Exit.agreement_id == agreement.id,
                Exit.scope == ExitScope.AGREEMENT,
                Exit.status.in_([ExitStatus.DRAFT, ExitStatus.ADOPTED]),
            )
        )
    )


def _gate_notice(session: Session, agreement: Agreement, today: date) -> list[str]:
    if any(e.has_notice for e in open_agreement_exits(session, agreement)):
        return []
    return [
        "Ingen uppsägning är registrerad. Ange i en avvecklingsplan vilken part som säger upp, "
        "när uppsägningen lämnades och från vilket datum samverkan upphör."
    ]


def _gate_notice_withdrawn(session: Session, agreement: Agreement, today: date) -> list[str]:
    return [
        f"Uppsägningen i avvecklingsplanen ”{e.title}” gäller fortfarande. "
        "Återkalla den i planen först."
        for e in open_agreement_exits(session, agreement)
        if e.status == ExitStatus.ADOPTED and e.has_notice
    ]


def _gate_exit_checklist(session: Session, agreement: Agreement, today: date) -> list[str]:
    exists, reasons = _unresolved_required(session, agreement, ChecklistPhase.EXIT)
    if not exists:
        return ["Avvecklingschecklistan saknas. Skapa den under fliken Checklista."]
    return reasons


def _gate_exit_plan(session: Session, agreement: Agreement, today: date) -> list[str]:
    reasons: list[str] = []
    for plan in open_agreement_exits(session, agreement):
        if plan.status != ExitStatus.ADOPTED:
            continue
        for task in plan.tasks:
            if not task.is_resolved:
                reasons.append(
                    f"Avvecklingsuppgiften ”{task.title}” ({_party_name(task.party)}) är inte klar."
                )
        reasons.append(f"Avvecklingsplanen ”{plan.title}” är inte markerad som genomförd.")
    return reasons


Gate = Callable[[Session, Agreement, date], list[str]]
GATES: dict[str, Gate] = {
    "decisions": _gate_decisions,
    "before_checklist": _gate_before_checklist,
    "notice": _gate_notice,
    "notice_withdrawn": _gate_notice_withdrawn,
    "exit_checklist": _gate_exit_checklist,
    "exit_plan": _gate_exit_plan,
}


def unmet_conditions(
    session: Session, agreement: Agreement, rule: TransitionRule, today: date
) -> list[str]:
    """Every gate of ``rule`` that the agreement does not yet meet, in Swedish."""
    reasons: list[str] = []
    for gate in rule.gates:
        reasons.extend(GATES[gate](session, agreement, today))
    return reasons


# --------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class TransitionOption:
    """A transition a template may offer the user."""

    to_phase: str
    label: str
    hint: str
    needs_reason: bool
    can_override: bool


def allowed_transitions(agreement: Agreement, user: Any) -> list[TransitionOption]:
    """The transitions from the agreement's phase that ``user`` may attempt (gates not run)."""
    if not can(user, "lifecycle.transition", agreement):
        return []
    override = can(user, "transition.override")
    return [
        TransitionOption(
            to_phase=rule.to_phase,
            label=rule.label,
            hint=rule.hint,
            needs_reason=rule.needs_reason,
            can_override=override and bool(rule.gates),
        )
        for rule in rules_from(agreement.phase)
    ]


def transition(
    session: Session,
    agreement: Agreement,
    to_phase: str,
    *,
    actor: Actor,
    reason: str | None = None,
    override: bool = False,
    today: date,
    exit: Exit | None = None,
) -> PhaseChange:
    """Move the agreement to ``to_phase`` if the table allows it and every gate is met.

    Raises ``TransitionRefused`` listing every unmet condition. An admin may ``override`` the
    gates with a written reason; the override and the conditions it went past are recorded.
    """
    user = actor.user
    if user is not None and not can(user, "lifecycle.transition", agreement):
        raise PermissionDenied()
    if override and user is not None and not can(user, "transition.override"):
        raise PermissionDenied(_("Bara en administratör kan gå förbi villkoren för ett fasbyte."))
    from_phase = agreement.phase
    if to_phase not in PHASE_LABELS:
        raise TransitionRefused([f"Okänd fas: {str(to_phase)[:30]!r}."])
    rule = TRANSITIONS.get((from_phase, to_phase))
    if rule is None:
        raise TransitionRefused(
            [
                f"Samverkan kan inte gå från {PHASE_LABELS[from_phase].lower()} till "
                f"{PHASE_LABELS[to_phase].lower()}."
            ]
        )
    errors = v.Errors()
    reason = v.text(reason, "reason", _("Motivering"), errors, max_length=2000, multiline=True)
    if errors:
        raise ValidationFailed(dict(errors))
    unmet = unmet_conditions(session, agreement, rule, today)
    if rule.needs_reason and not reason:
        unmet.append(f"Skriv en motivering till att {rule.label.lower()}.")
        if override:
            raise TransitionRefused(unmet)
    if unmet and not override:
        raise TransitionRefused(unmet)
    if override and unmet and not reason:
        raise TransitionRefused(
            [_("En administratör som går förbi villkoren måste skriva en motivering.")]
        )
    is_override = bool(override and unmet)
    agreement.phase = to_phase
    change = PhaseChange(
        agreement_id=agreement.id,
        from_phase=from_phase,
        to_phase=to_phase,
        changed_on=today,
        actor_id=actor.user_id,
        actor_name=actor.name,
        reason=reason,
        is_override=is_override,
        overridden_reasons=unmet if is_override else [],
        exit_id=exit.id if exit is not None else None,
    )
    session.add(change)
    session.flush()
    changes: dict[str, Any] = {"phase": [from_phase, to_phase]}
    if reason:
        changes["reason"] = [None, reason]
    if is_override:
        changes["override"] = [None, unmet]
    record(
        session,
        actor,
        action="override_transition" if is_override else "transition",
        object_type="agreement",
        object_id=agreement.id,
        label=agreement.title,
        agreement_id=agreement.id,
        changes=changes,
    )
    for phase in rule.instantiates:
        checklists.instantiate(session, agreement, phase, actor=actor)
    if to_phase == Phase.EXITING:
        for plan in open_agreement_exits(session, agreement):
            if plan.has_notice:
                _generate_tasks(session, plan, agreement)
    return change


def phase_history(session: Session, agreement: Agreement) -> list[PhaseChange]:
    return list(
        session.scalars(
            select(PhaseChange)
            .where(PhaseChange.agreement_id == agreement.id)
            .order_by(PhaseChange.changed_at, PhaseChange.id)
        )
    )


# --------------------------------------------------------------------------- exits


EXIT_FIELDS = (
    "scope",
    "leaving_party_id",
    "title",
    "background",
    "notice_party_id",
    "notice_given_on",
    "effective_on",
    "transition_starts_on",
    "transition_ends_on",
    "has_joint_organisation",
)


@dataclass
class ExitInput:
    """An exit plan as typed in a form or sent to the API (unvalidated)."""

    scope: Any = ExitScope.AGREEMENT
    leaving_party_id: Any = None
    title: Any = ""
    background: Any = ""
    notice_party_id: Any = None
    notice_given_on: Any = None
    effective_on: Any = None
    transition_starts_on: Any = None
    transition_ends_on: Any = None
    has_joint_organisation: Any = False

    @classmethod
    def from_exit(cls, plan: Exit) -> ExitInput:
        return cls(**{name: getattr(plan, name) for name in EXIT_FIELDS})


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


def _check_exit_edit(agreement: Agreement, actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "exit.edit", agreement):
        raise PermissionDenied()


def _party_id(
    raw: Any, field_name: str, label: str, agreement: Agreement, errors: v.Errors
) -> int | None:
    if raw in (None, ""):
        return None
    try:
        party_id = int(raw)
    except (TypeError, ValueError):
        party_id = None
    if party_id not in {p.id for p in agreement.current_parties}:
        errors.add(field_name, f"{label} måste vara en av samverkans nuvarande parter.")
        return None
    return party_id


def _validate_exit(agreement: Agreement, data: ExitInput) -> dict[str, Any]:
    errors = v.Errors()
    values: dict[str, Any] = {
        "scope": v.choice(
            data.scope, "scope", _("Omfattning"), errors, EXIT_SCOPE_LABELS, required=True
        ),
        "title": v.text(data.title, "title", _("Namn på planen"), errors, max_length=200),
        "background": v.text(
            data.background, "background", _("Bakgrund"), errors, max_length=5000, multiline=True
        ),
        "notice_given_on": v.a_date(
            data.notice_given_on, "notice_given_on", _("Uppsägningen lämnades"), errors
        ),
        "effective_on": v.a_date(data.effective_on, "effective_on", _("Upphör från"), errors),
        "transition_starts_on": v.a_date(
            data.transition_starts_on, "transition_starts_on", _("Övergången börjar"), errors
        ),
        "transition_ends_on": v.a_date(
            data.transition_ends_on, "transition_ends_on", _("Övergången är klar"), errors
        ),
        "has_joint_organisation": bool(data.has_joint_organisation),
    }
    values["leaving_party_id"] = _party_id(
        data.leaving_party_id, "leaving_party_id", "Part som lämnar", agreement, errors
    )
    values["notice_party_id"] = _party_id(
        data.notice_party_id, "notice_party_id", "Part som säger upp", agreement, errors
    )
    if values["scope"] == ExitScope.PARTY:
        if values["leaving_party_id"] is None and "leaving_party_id" not in errors:
            errors.add("leaving_party_id", _("Välj vilken part som lämnar samverkan."))
    else:
        values["leaving_party_id"] = None
    given, effective = values["notice_given_on"], values["effective_on"]
    if given and effective and effective < given:
        errors.add("effective_on", _("Datum då samverkan upphör kan inte vara före uppsägningen."))
    start, end = values["transition_starts_on"], values["transition_ends_on"]
    if start and end and end < start:
        errors.add("transition_ends_on", _("Övergången kan inte vara klar innan den börjar."))
    if errors:
        raise ValidationFailed(dict(errors))
    if not values["title"]:
        values["title"] = _default_title(agreement, values)
    return values


def _default_title(agreement: Agreement, values: dict[str, Any]) -> str:
    if values["scope"] == ExitScope.PARTY:
        party = next(p for p in agreement.parties if p.id == values["leaving_party_id"])
        return f"{_party_name(party)} lämnar {agreement.title}"[:200]
    return f"Avveckling av {agreement.title}"[:200]


def _apply_notice(agreement: Agreement, plan: Exit) -> None:
    """Compute the earliest possible end from the terms; flag a notice that comes too late."""
    if plan.notice_given_on and plan.effective_on and agreement.start_on:
        terms = terms_of(agreement)
        plan.earliest_end_on = dates.earliest_end_on(terms, plan.notice_given_on)
        plan.is_notice_late = dates.is_notice_late(terms, plan.notice_given_on, plan.effective_on)
    else:
        plan.earliest_end_on = None
        plan.is_notice_late = False


def late_notice_warning(plan: Exit) -> str | None:
    if plan.is_notice_late and plan.earliest_end_on:
        return (
            f"Uppsägningen är sen: med avtalets uppsägningstid kan samverkan tidigast upphöra "
            f"{plan.earliest_end_on.isoformat()}, men planen anger {plan.effective_on}. "
            "Det är tillåtet men kräver att parterna är överens."
        )
    return None


def create_exit(
    session: Session, agreement: Agreement, data: ExitInput, *, actor: Actor, today: date
) -> ExitOutcome:
    """Draft an exit plan (also before any notice: a planner's "what if")."""
    _check_exit_edit(agreement, actor)
    if agreement.phase not in (Phase.ACTIVE, Phase.EXITING):
        raise DomainError(
            _(
                "En avvecklingsplan kan bara göras för pågående samverkan eller samverkan under "
                "avveckling."
            )
        )
    values = _validate_exit(agreement, data)
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
    _generate_tasks(session, plan, agreement)
    record(
        session,
        actor,
        action="create",
        object_type="exit",
        object_id=plan.id,
        label=plan.title,
        agreement_id=agreement.id,
        changes=diff({}, exit_snapshot(plan)),
    )
    outcome = ExitOutcome(plan, [_("Avvecklingsplanen är sparad som utkast.")])
    warning = late_notice_warning(plan)
    if warning:
        outcome.warnings.append(warning)
    return outcome


def _refuse_duplicate(
    session: Session, agreement: Agreement, values: dict[str, Any], own_id: int | None = None
) -> None:
    query = select(Exit.id).where(
        Exit.agreement_id == agreement.id,
        Exit.scope == values["scope"],
        Exit.status.in_([ExitStatus.DRAFT, ExitStatus.ADOPTED]),
    )
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
    agreement = _agreement_of(session, plan)
    _check_exit_edit(agreement, actor)
    _check_exit_version(plan, expected_version)
    if not plan.is_open:
        raise DomainError(_("En genomförd eller återkallad plan kan inte ändras."))
    values = _validate_exit(agreement, data)
    if plan.status == ExitStatus.ADOPTED and (
        values["scope"] != plan.scope or values["leaving_party_id"] != plan.leaving_party_id
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
    scope_changed = values["scope"] != plan.scope or (
        values["leaving_party_id"] != plan.leaving_party_id
    )
    for name, value in values.items():
        setattr(plan, name, value)
    _apply_notice(agreement, plan)
    if scope_changed:
        for task in [t for t in plan.tasks if t.status == TaskStatus.OPEN]:
            plan.tasks.remove(task)
    _generate_tasks(session, plan, agreement)
    _fill_due_dates(plan)
    changes = diff(before, exit_snapshot(plan))
    if changes:
        session.flush()
        record(
            session,
            actor,
            action="update",
            object_type="exit",
            object_id=plan.id,
            label=plan.title,
            agreement_id=agreement.id,
            changes=changes,
        )
    outcome = ExitOutcome(plan, [_("Avvecklingsplanen är sparad.")])
    warning = late_notice_warning(plan)
    if warning:
        outcome.warnings.append(warning)
    return outcome


def _agreement_of(session: Session, plan: Exit) -> Agreement:
    agreement = session.get(Agreement, plan.agreement_id)
    assert agreement is not None
    return agreement


def _check_exit_version(plan: Exit, expected_version: Any) -> None:
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": _("Versionsnummer saknas eller är ogiltigt.")}) from None
    if expected != plan.version:
        raise StaleVersion(exit_snapshot(plan), plan.version)


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
    agreement = _agreement_of(session, plan)
    _check_exit_edit(agreement, actor)
    _check_exit_version(plan, expected_version)
    if plan.status != ExitStatus.DRAFT:
        raise DomainError(_("Bara ett utkast kan antas."))
    errors = v.Errors()
    adopted = v.a_date(adopted_on, "adopted_on", _("Beslutsdatum"), errors, required=True)
    ref = v.text(
        decision_ref,
        "decision_ref",
        _("Beslut (paragraf eller diarienummer)"),
        errors,
        max_length=100,
    )
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
    plan.adopted_on = adopted
    plan.adopted_by_name = actor.name
    plan.adopted_at = utcnow()
    plan.decision_ref = ref
    outcome = ExitOutcome(plan)
    if plan.scope == ExitScope.PARTY:
        leaving = plan.leaving_party
        assert leaving is not None
        problems = remaining_role_errors(agreement, leaving)
        if problems:
            plan.scope = ExitScope.AGREEMENT
            plan.leaving_party_id = None
            outcome.messages.append(
                f"När {_party_name(leaving)} lämnar uppfyller de kvarvarande parterna inte "
                f"formens regler ({' '.join(problems)}). Hela samverkan går därför till "
                "avveckling."
            )
        else:
            remaining = len(agreement.current_parties) - 1
            outcome.messages.append(
                f"{_party_name(leaving)} lämnar samverkan från {plan.effective_on}. "
                f"Samverkan fortsätter med {remaining} parter."
            )
    _generate_tasks(session, plan, agreement)
    _fill_due_dates(plan)
    session.flush()
    record(
        session,
        actor,
        action="adopt",
        object_type="exit",
        object_id=plan.id,
        label=plan.title,
        agreement_id=agreement.id,
        changes=diff(before, exit_snapshot(plan)),
    )
    if plan.scope == ExitScope.AGREEMENT:
        if agreement.phase == Phase.ACTIVE:
            notice_party = plan.notice_party
            transition(
                session,
                agreement,
                Phase.EXITING,
                actor=actor,
                reason=(
                    f"Uppsägning från {_party_name(notice_party)} {plan.notice_given_on}, "
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
    return outcome


def complete_exit(
    session: Session, plan: Exit, *, expected_version: Any, actor: Actor, today: date
) -> ExitOutcome:
    """Mark an adopted plan carried out once every task is resolved.

    For an utträde the leaving party's ``left_on`` is set (its row and history stay).
    """
    agreement = _agreement_of(session, plan)
    _check_exit_edit(agreement, actor)
    _check_exit_version(plan, expected_version)
    if plan.status != ExitStatus.ADOPTED:
        raise DomainError(_("Bara en antagen plan kan markeras som genomförd."))
    open_tasks = [
        f"Uppgiften ”{t.title}” ({_party_name(t.party)}) är inte klar."
        for t in plan.tasks
        if not t.is_resolved
    ]
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
            label=f"{_party_name(party)} i {agreement.title}",
            agreement_id=agreement.id,
            municipality_code=party.municipality_code,
            changes={"left_on": [plain(old_left), plain(party.left_on)]},
        )
        outcome.messages.append(
            f"{_party_name(party)} har lämnat samverkan; dess historik finns kvar."
        )
    else:
        outcome.messages.append(
            _("Avvecklingsplanen är genomförd. Avsluta samverkan under fliken Livscykel.")
        )
    session.flush()
    record(
        session,
        actor,
        action="complete",
        object_type="exit",
        object_id=plan.id,
        label=plan.title,
        agreement_id=agreement.id,
        changes=diff(before, exit_snapshot(plan)),
    )
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
    agreement = _agreement_of(session, plan)
    _check_exit_edit(agreement, actor)
    _check_exit_version(plan, expected_version)
    if not plan.is_open:
        raise DomainError(_("Planen är redan genomförd eller återkallad."))
    errors = v.Errors()
    text = v.text(
        reason,
        "withdrawn_reason",
        _("Skäl"),
        errors,
        max_length=2000,
        multiline=True,
        required=True,
    )
    if errors:
        raise ValidationFailed(dict(errors))
    before = exit_snapshot(plan)
    was_adopted = plan.status == ExitStatus.ADOPTED
    plan.status = ExitStatus.WITHDRAWN
    plan.withdrawn_on = today
    plan.withdrawn_reason = text
    plan.withdrawn_at = utcnow()
    session.flush()
    record(
        session,
        actor,
        action="withdraw",
        object_type="exit",
        object_id=plan.id,
        label=plan.title,
        agreement_id=agreement.id,
        changes={**diff(before, exit_snapshot(plan)), "reason": [None, text]},
    )
    outcome = ExitOutcome(plan, [_("Avvecklingsplanen är återkallad.")])
    if (
        was_adopted
        and plan.scope == ExitScope.AGREEMENT
        and agreement.phase == Phase.EXITING
        and not _gate_notice_withdrawn(session, agreement, today)
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
    return outcome


# --------------------------------------------------------------------------- tasks


def _due(plan: Exit, when: str) -> date | None:
    if when == "notice":
        return plan.notice_given_on or plan.transition_starts_on
    if when == "start":
        return plan.transition_starts_on or plan.notice_given_on
    return plan.transition_ends_on or plan.effective_on


def planned_tasks(plan: Exit, agreement: Agreement) -> list[dict[str, Any]]:
    """The tasks a plan's scope gives each party from its role (plus the joint ones)."""
    parties = agreement.current_parties
    leaving_id = plan.leaving_party_id if plan.scope == ExitScope.PARTY else None
    rows: list[dict[str, Any]] = []
    order = 0
    for spec in EXIT_TASKS:
        if spec.joint:
            order += 1
            rows.append(
                {
                    "kind": spec.kind,
                    "party_id": None,
                    "title": spec.titles["joint"],
                    "due_on": _due(plan, spec.due),
                    "sort_order": order,
                }
            )
            continue
        for party in parties:
            title = spec.titles.get(party.role)
            if title is None:
                continue
            if leaving_id is not None and party.id != leaving_id and not spec.remaining:
                continue
            order += 1
            rows.append(
                {
                    "kind": spec.kind,
                    "party_id": party.id,
                    "title": title,
                    "due_on": _due(plan, spec.due),
                    "sort_order": order,
                }
            )
    return rows


def _generate_tasks(session: Session, plan: Exit, agreement: Agreement) -> int:
    """Add the tasks the plan lacks (idempotent: by kind and party)."""
    have = {(t.kind, t.party_id) for t in plan.tasks}
    added = 0
    for row in planned_tasks(plan, agreement):
        if (row["kind"], row["party_id"]) in have:
            continue
        plan.tasks.append(ExitTask(status=TaskStatus.OPEN, **row))
        added += 1
    if added:
        session.flush()
    return added


def _fill_due_dates(plan: Exit) -> None:
    specs = {s.kind: s for s in EXIT_TASKS}
    for task in plan.tasks:
        spec = specs.get(task.kind)
        if task.due_on is None and spec is not None and not task.is_resolved:
            task.due_on = _due(plan, spec.due)


TASK_FIELDS = ("owner_name", "due_on", "status", "note", "party_id")


@dataclass
class TaskInput:
    """An exit task's editable fields as typed."""

    owner_name: Any = ""
    due_on: Any = None
    status: Any = TaskStatus.OPEN
    note: Any = ""
    party_id: Any = None

    @classmethod
    def from_task(cls, task: ExitTask) -> TaskInput:
        return cls(**{name: getattr(task, name) for name in TASK_FIELDS})


def task_snapshot(task: ExitTask) -> dict[str, Any]:
    return {name: plain(getattr(task, name)) for name in TASK_FIELDS}


def update_task(
    session: Session,
    task: ExitTask,
    data: TaskInput,
    *,
    expected_version: Any,
    actor: Actor,
    today: date,
) -> ExitTask:
    """Change an exit task's owner, due date, status or note; refuses a stale version."""
    plan = task.exit
    agreement = _agreement_of(session, plan)
    _check_exit_edit(agreement, actor)
    if not plan.is_open:
        raise DomainError(_("Uppgifterna i en genomförd eller återkallad plan kan inte ändras."))
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": _("Versionsnummer saknas eller är ogiltigt.")}) from None
    if expected != task.version:
        raise StaleVersion(task_snapshot(task), task.version)
    errors = v.Errors()
    values: dict[str, Any] = {
        "owner_name": v.text(
            data.owner_name, "owner_name", _("Ansvarig person"), errors, max_length=120
        ),
        "due_on": v.a_date(data.due_on, "due_on", _("Klart senast"), errors),
        "status": v.choice(
            data.status, "status", _("Status"), errors, TASK_STATUS_LABELS, required=True
        ),
        "note": v.text(data.note, "note", _("Anteckning"), errors, max_length=5000, multiline=True),
    }
    if data.party_id in (None, ""):
        values["party_id"] = None
    else:
        try:
            values["party_id"] = int(data.party_id)
        except (TypeError, ValueError):
            values["party_id"] = -1
        if values["party_id"] not in {p.id for p in agreement.parties}:
            errors.add("party_id", _("Ansvarig part måste vara en av samverkans parter."))
    if errors:
        raise ValidationFailed(dict(errors))
    before = task_snapshot(task)
    was_resolved = task.is_resolved
    for name, value in values.items():
        setattr(task, name, value)
    if task.is_resolved and not was_resolved:
        task.done_on = today
        task.done_by_name = actor.name
    elif not task.is_resolved:
        task.done_on = None
        task.done_by_name = ""
    changes = diff(before, task_snapshot(task))
    if changes:
        session.flush()
        record(
            session,
            actor,
            action="update",
            object_type="exit_task",
            object_id=task.id,
            label=f"{task.title} ({plan.title})"[:250],
            agreement_id=agreement.id,
            changes=changes,
        )
    return task


def get_exit(session: Session, exit_id: int) -> Exit:
    plan = session.get(Exit, exit_id) if v.is_row_id(exit_id) else None
    if plan is None:
        raise NotFound(_("Avvecklingsplanen hittades inte."))
    return plan


def get_task(session: Session, task_id: int) -> ExitTask:
    task = session.get(ExitTask, task_id) if v.is_row_id(task_id) else None
    if task is None:
        raise NotFound(_("Uppgiften hittades inte."))
    return task


def exits_of(session: Session, agreement: Agreement) -> list[Exit]:
    return list(
        session.scalars(
            select(Exit).where(Exit.agreement_id == agreement.id).order_by(Exit.created_at, Exit.id)
        )
    )
