"""Phase transitions through one gated function: the gates, the allowed moves and the history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.audited import record_agreement_event
from coop_tracker.agreements.models import Agreement, Phase
from coop_tracker.agreements.rules import PHASE_LABELS
from coop_tracker.checklists import items as checklists
from coop_tracker.checklists.models import ChecklistItem, ChecklistPhase, ItemStatus
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import (
    PermissionDenied,
    TransitionRefused,
)
from coop_tracker.core.i18n import _, _l, current_language
from coop_tracker.core.permissions import can
from coop_tracker.lifecycle.common import (
    open_agreement_exits,
    party_name,
    replan_reminders,
    task_owner,
)
from coop_tracker.lifecycle.models import (
    Exit,
    ExitScope,
    ExitStatus,
    PhaseChange,
)
from coop_tracker.lifecycle.rules import TRANSITIONS, TransitionRule, rules_from
from coop_tracker.lifecycle.schemas import CheckedTransitionSchema
from coop_tracker.lifecycle.tasks import sync_plan
from coop_tracker.lifecycle.titles import shown_plan_title

CHECKLIST_NAMES: dict[str, Any] = {
    ChecklistPhase.BEFORE: _l("Före-checklistan"),
    ChecklistPhase.DURING: _l("Checklistan under samverkan"),
    ChecklistPhase.EXIT: _l("Avvecklingschecklistan"),
}


def _unresolved_required(
    session: Session, agreement: Agreement, phase: str
) -> tuple[bool, list[str]]:
    """Whether the phase's checklist exists, and each required item still open (in the
    reader's language).

    For the exit list: the items of the plans that end the whole agreement (and items made
    before plans had lists of their own); an utträde's list gates that plan, not the agreement.
    """
    query = select(ChecklistItem).where(
        ChecklistItem.agreement_id == agreement.id,
        ChecklistItem.phase == phase,
        ChecklistItem.retired_at.is_(None),
    )
    if phase == ChecklistPhase.EXIT:
        whole = select(Exit.id).where(
            Exit.agreement_id == agreement.id,
            Exit.scope == ExitScope.AGREEMENT,
            Exit.status.in_([ExitStatus.ADOPTED, ExitStatus.COMPLETED]),
        )
        query = query.where(ChecklistItem.exit_id.is_(None) | ChecklistItem.exit_id.in_(whole))
    items = list(session.scalars(query))
    parties = {p.id: p for p in agreement.parties}
    label = str(CHECKLIST_NAMES[phase])
    english = current_language() == "en"
    open_items: list[str] = []
    counted = 0
    for item in items:
        party = parties.get(item.party_id) if item.party_id else None
        if party is not None and party.left_on is not None:
            continue
        counted += 1
        if item.is_required and item.status == ItemStatus.OPEN:
            question = item.template_item
            open_items.append(
                _(
                    "%(label)s: ”%(item)s”%(whose)s är inte klar eller markerad som inte "
                    "tillämplig.",
                    label=label,
                    item=question.text_en if english else question.text_sv,
                    whose=f" ({party_name(party)})" if party is not None else "",
                )
            )
    return counted > 0, open_items


def _gate_decisions(session: Session, agreement: Agreement, today: date) -> list[str]:
    return [
        _("%(party)s saknar registrerat beslut (beslutande organ och datum).", party=party_name(p))
        for p in agreement.current_parties
        if not p.has_decision
    ]


def _gate_before_checklist(session: Session, agreement: Agreement, today: date) -> list[str]:
    exists, reasons = _unresolved_required(session, agreement, ChecklistPhase.BEFORE)
    if not exists:
        return [_("Före-checklistan saknas. Skapa den under fliken Checklista.")]
    return reasons


def _gate_notice(session: Session, agreement: Agreement, today: date) -> list[str]:
    if any(e.has_notice for e in open_agreement_exits(session, agreement)):
        return []
    return [
        _(
            "Ingen uppsägning är registrerad. Ange i en avvecklingsplan vilken part som säger "
            "upp, när uppsägningen lämnades och från vilket datum samverkan upphör."
        )
    ]


def notice_still_standing(session: Session, agreement: Agreement, today: date) -> list[str]:
    return [
        _(
            "Uppsägningen i avvecklingsplanen ”%(title)s” gäller fortfarande. Återkalla den i "
            "planen först.",
            title=shown_plan_title(e.title),
        )
        for e in open_agreement_exits(session, agreement)
        if e.status == ExitStatus.ADOPTED and e.has_notice
    ]


def _gate_exit_checklist(session: Session, agreement: Agreement, today: date) -> list[str]:
    exists, reasons = _unresolved_required(session, agreement, ChecklistPhase.EXIT)
    if not exists:
        return [
            _(
                "Avvecklingschecklistan saknas. Den skapas med avvecklingsplanen under fliken "
                "Avveckling."
            )
        ]
    return reasons


def _gate_exit_plan(session: Session, agreement: Agreement, today: date) -> list[str]:
    reasons: list[str] = []
    for plan in open_agreement_exits(session, agreement):
        if plan.status != ExitStatus.ADOPTED:
            continue
        for task in plan.tasks:
            if task.is_required and not task.is_resolved:
                reasons.append(
                    _(
                        "Avvecklingsuppgiften ”%(title)s” (%(owner)s) är inte klar.",
                        title=task.title,
                        owner=task_owner(task, agreement),
                    )
                )
        reasons.append(
            _(
                "Avvecklingsplanen ”%(title)s” är inte markerad som genomförd.",
                title=shown_plan_title(plan.title),
            )
        )
    return reasons


Gate = Callable[[Session, Agreement, date], list[str]]
GATES: dict[str, Gate] = {
    "decisions": _gate_decisions,
    "before_checklist": _gate_before_checklist,
    "notice": _gate_notice,
    "notice_withdrawn": notice_still_standing,
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
        raise TransitionRefused([_("Okänd fas: %(phase)s.", phase=repr(str(to_phase)[:30]))])
    rule = TRANSITIONS.get((from_phase, to_phase))
    if rule is None:
        raise TransitionRefused(
            [
                _(
                    "Samverkan kan inte gå från %(from)s till %(to)s.",
                    **{
                        "from": str(PHASE_LABELS[from_phase]).lower(),
                        "to": str(PHASE_LABELS[to_phase]).lower(),
                    },
                )
            ]
        )
    reason = CheckedTransitionSchema().clean({"reason": reason})["reason"]
    unmet = unmet_conditions(session, agreement, rule, today)
    if rule.needs_reason and not reason:
        unmet.append(_("Skriv en motivering för ”%(step)s”.", step=str(rule.label)))
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
    action = "override_transition" if is_override else "transition"
    record_agreement_event(session, actor, agreement, action, changes)
    for phase in rule.instantiates:
        checklists.instantiate(session, agreement, phase, actor=actor)
    if to_phase == Phase.EXITING:
        for plan in open_agreement_exits(session, agreement):
            if plan.has_notice:
                sync_plan(session, plan, agreement, actor=actor)
    replan_reminders(session, agreement, today)
    return change


def phase_history(session: Session, agreement: Agreement) -> list[PhaseChange]:
    return list(
        session.scalars(
            select(PhaseChange)
            .where(PhaseChange.agreement_id == agreement.id)
            .order_by(PhaseChange.changed_at, PhaseChange.id)
        )
    )
