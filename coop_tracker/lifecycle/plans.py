"""What a planner does to own an exit plan: own tasks, each party's decision, deleting a draft,
and an övergångsavtal created from the plan.

Like the other lifecycle services: session and explicit actor in, plain data validated, audit log
written, flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coop_tracker.agreements import services as agreements
from coop_tracker.agreements.models import Agreement, Form, Party, Role
from coop_tracker.audit.services import diff, plain, record, record_update
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.core import clock
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError, NotFound
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.lifecycle.common import (
    agreement_of,
    check_exit_edit,
    exit_about,
    party_name,
    replan_reminders,
    task_about,
)
from coop_tracker.lifecycle.exits import check_exit_version, exit_snapshot
from coop_tracker.lifecycle.models import (
    Exit,
    ExitDecision,
    ExitKind,
    ExitStatus,
    ExitTask,
    TaskStatus,
)
from coop_tracker.lifecycle.schemas import CheckedDecisionSchema
from coop_tracker.lifecycle.tasks import TaskInput, task_snapshot, validate_task

# --------------------------------------------------------------------------- deleting a draft


def delete_exit(session: Session, plan: Exit, *, expected_version: Any, actor: Actor) -> None:
    """Delete a draft plan with its tasks, checklist and decisions (withdrawing is for adopted
    plans, whose notice is on record). The audit log keeps what the draft held."""
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    check_exit_version(plan, expected_version)
    if plan.status != ExitStatus.DRAFT:
        raise DomainError(
            _(
                "Bara ett utkast kan tas bort. En antagen plan återkallas, så att uppsägningen "
                "och historiken finns kvar."
            )
        )
    snapshot = exit_snapshot(plan)
    snapshot["tasks"] = len(plan.tasks)
    session.execute(delete(ChecklistItem).where(ChecklistItem.exit_id == plan.id))
    changes = {name: [value, None] for name, value in snapshot.items()}
    record(session, actor, action="delete", changes=changes, **exit_about(plan))
    session.delete(plan)
    session.flush()
    replan_reminders(session, agreement, clock.today())


# --------------------------------------------------------------------------- own tasks


def add_task(
    session: Session, plan: Exit, data: TaskInput, *, actor: Actor, today: date
) -> ExitTask:
    """Add a task of the planner's own to an open plan (its title is required)."""
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    if not plan.is_open:
        raise DomainError(_("En genomförd eller återkallad plan kan inte få nya uppgifter."))
    values = validate_task(agreement, data, custom=True, today=today)
    task = ExitTask(
        kind="custom",
        is_custom=True,
        sort_order=max((t.sort_order for t in plan.tasks), default=0) + 1,
        **values,
    )
    if task.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE):
        task.done_on = today
        task.done_by_name = actor.name
    plan.tasks.append(task)
    session.flush()
    changes = diff({}, task_snapshot(task))
    record(session, actor, action="create", changes=changes, **task_about(task, plan))
    replan_reminders(session, agreement, today)
    return task


def remove_task(session: Session, task: ExitTask, *, expected_version: Any, actor: Actor) -> None:
    """Remove a planner's own task. Tasks the rules give are marked not applicable instead, so
    that the reason is on record."""
    plan = task.exit
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    if not plan.is_open:
        raise DomainError(_("Uppgifterna i en genomförd eller återkallad plan kan inte ändras."))
    check_version(expected_version, task.version, lambda: task_snapshot(task), strict=False)
    if not task.is_custom:
        raise DomainError(
            _(
                "Uppgiften kommer från reglerna för avslutet och kan inte tas bort. Markera den "
                "som inte tillämplig och skriv varför."
            )
        )
    changes = diff(task_snapshot(task), {})
    record(session, actor, action="delete", changes=changes, **task_about(task, plan))
    plan.tasks.remove(task)
    session.flush()
    replan_reminders(session, agreement, clock.today())


# --------------------------------------------------------------------------- decisions

DECISION_FIELDS = ("body", "decided_on", "paragraph", "case_number", "note")


@dataclass
class DecisionInput:
    """One party's decision on the exit, as typed."""

    body: Any = ""
    decided_on: Any = None
    paragraph: Any = ""
    case_number: Any = ""
    note: Any = ""


def decision_snapshot(decision: ExitDecision) -> dict[str, Any]:
    return {name: plain(getattr(decision, name)) for name in DECISION_FIELDS}


def decision_parties(plan: Exit, agreement: Agreement) -> list[Party]:
    """The parties that decide on this exit: everyone still in it, and the one leaving."""
    return [p for p in agreement.parties if p.left_on is None or p.id == plan.leaving_party_id]


def decision_for(plan: Exit, party_id: int) -> ExitDecision | None:
    return next((d for d in plan.decisions if d.party_id == party_id), None)


def record_decision(
    session: Session,
    plan: Exit,
    party: Party,
    data: DecisionInput,
    *,
    expected_version: Any = None,
    actor: Actor,
    today: date,
) -> ExitDecision:
    """Record (or correct) one party's decision on the exit: body, date, § and diarienummer.

    The date cannot be in the future: a decision is registered once it has been taken.
    """
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    if plan.status == ExitStatus.WITHDRAWN:
        raise DomainError(_("Planen är återkallad; beslut kan inte längre registreras."))
    if party.id not in {p.id for p in decision_parties(plan, agreement)}:
        raise NotFound(_("Parten finns inte i samverkan."))
    existing = decision_for(plan, party.id)
    if existing is not None:
        check_version(
            expected_version, existing.version, lambda: decision_snapshot(existing), strict=False
        )
    values = CheckedDecisionSchema(today).clean(vars(data))
    before = decision_snapshot(existing) if existing is not None else {}
    decision = existing or ExitDecision(exit_id=plan.id, party_id=party.id)
    for name, value in values.items():
        setattr(decision, name, value)
    if existing is None:
        plan.decisions.append(decision)
    session.flush()
    record_update(
        session,
        actor,
        before,
        decision_snapshot(decision),
        action="decision",
        object_type="exit",
        object_id=plan.id,
        label=f"{party_name(party)}: beslut om {plan.title}"[:250],
        agreement_id=agreement.id,
        municipality_code=party.municipality_code,
        flush=False,  # flushed above, changed or not
    )
    _tick_decision_tasks(session, plan, party, decision, actor=actor)
    replan_reminders(session, agreement, today)
    return decision


# The tasks that a party's decision on the exit carries out: the decision to leave or to end
# (before the notice), and for the members that stay, adopting the amended förbundsordning or
# reglemente (each of their fullmäktige decides on it).
DECISION_TASK_KINDS = ("decision", "amend-charter", "amend-rules")


def _tick_decision_tasks(
    session: Session, plan: Exit, party: Party, decision: ExitDecision, *, actor: Actor
) -> None:
    """Mark the party's open decision task done with the decision as its note (audited)."""
    for task in plan.tasks:
        if task.party_id != party.id or task.kind not in DECISION_TASK_KINDS:
            continue
        if task.status != TaskStatus.OPEN:
            continue
        before = task_snapshot(task)
        reference = ", ".join(
            part
            for part in (
                decision.body,
                decision.decided_on.isoformat() if decision.decided_on else "",
                decision.paragraph,
                decision.case_number,
            )
            if part
        )
        task.status = TaskStatus.DONE
        task.done_on = decision.decided_on
        task.done_by_name = actor.name
        task.note = "\n".join(
            t for t in (task.note, _("Beslut registrerat: %(ref)s", ref=reference)) if t
        )[:5000]
        session.flush()
        changes = diff(before, task_snapshot(task))
        record(session, actor, action="update", changes=changes, **task_about(task, plan))


# --------------------------------------------------------------------------- övergångsavtal


def transition_parties(plan: Exit, agreement: Agreement) -> tuple[Party | None, list[Party]]:
    """Who delivers during the transition (the host) and who receives (the leaving party, or
    every other party when the whole cooperation ends)."""
    current = [p for p in agreement.parties if p.left_on is None]
    host = next((p for p in current if p.role == Role.HOST), None)
    if plan.kind == ExitKind.WITHDRAWAL:
        leaving = next((p for p in agreement.parties if p.id == plan.leaving_party_id), None)
        receivers = [leaving] if leaving is not None and leaving is not host else []
    else:
        receivers = [p for p in current if p is not host]
    return host, receivers


def create_transition_agreement(
    session: Session, plan: Exit, *, actor: Actor, today: date
) -> Agreement:
    """Create an övergångsavtal from the plan: the host goes on delivering to the party (or
    parties) leaving for a period after the exit. A planned avtalssamverkan of its own, with
    areas, parties and dates filled in from the plan and linked to it."""
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    if plan.status not in (ExitStatus.DRAFT, ExitStatus.ADOPTED):
        raise DomainError(_("Ett övergångsavtal skapas från en öppen plan."))
    if plan.transition_agreement_id is not None:
        raise DomainError(_("Planen har redan ett övergångsavtal."))
    host, receivers = transition_parties(plan, agreement)
    if (agreement.form != Form.KOMMUNALFORBUND and host is None) or not receivers:
        raise DomainError(
            _(
                "Ett övergångsavtal behöver en värdkommun som fortsätter att leverera och en "
                "part som tar emot. Samverkan har ingen sådan värdkommun."
            )
        )
    if agreement.form == Form.KOMMUNALFORBUND:
        # The förbund itself delivers; as an organisation it can be the performing party of
        # an avtalssamverkan with the member that leaves (KL 9 kap. 37 §).
        forbund = agreement.body_organisation
        if plan.kind != ExitKind.WITHDRAWAL:
            raise DomainError(
                _(
                    "Ett förbund i likvidation upphör och kan inte leverera efter avslutet. "
                    "Ordna övergången med en av medlemmarna eller i en ny samverkan."
                )
            )
        if forbund is None:
            raise DomainError(
                _(
                    "Förbundet är inte angivet som den organisation samverkan bildar. Ange det "
                    "under Ändra uppgifter, så kan övergångsavtalet skapas med förbundet som "
                    "utförare."
                )
            )
        host_name = forbund.name
        host_input = agreements.PartyInput(organisation_id=forbund.id, role=Role.HOST)
    else:
        assert host is not None
        host_name = party_name(host)
        host_input = agreements.PartyInput(municipality_code=host.municipality_code, role=Role.HOST)
    start = plan.effective_on
    end = plan.transition_ends_on if plan.transition_ends_on and start else None
    if end is not None and start is not None and end <= start:
        end = None
    names = ", ".join(party_name(p) for p in receivers)
    data = agreements.AgreementInput(
        title=f"Övergångsavtal: {host_name} utför åt {names} efter avslutet"[:200],
        form=Form.AVTALSSAMVERKAN,
        area_slugs=[a.slug for a in agreement.areas],
        purpose=(
            f"{host_name} fortsätter att utföra uppgiften åt {names} under en "
            f"övergångsperiod efter avslutet av ”{agreement.title}”, tills de själva har "
            "byggt upp verksamheten eller ordnat en ny lösning."
        ),
        goals="– Ingen invånare märker ett avbrott i servicen under övergången.",
        start_on=start.isoformat() if start else None,
        end_on=end.isoformat() if end else None,
        internal_note=f"Skapat från avvecklingsplanen ”{plan.title}” {today.isoformat()}.",
        parties=[
            host_input,
            *(
                agreements.PartyInput(municipality_code=p.municipality_code, role=Role.PURCHASER)
                for p in receivers
            ),
        ],
    )
    outcome = agreements.create_agreement(session, data, actor=actor)
    plan.transition_agreement_id = outcome.agreement.id
    session.flush()
    changes = {"transition_agreement_id": [None, outcome.agreement.id]}
    record(session, actor, action="transition_agreement", changes=changes, **exit_about(plan))
    return outcome.agreement


def get_decision_party(session: Session, plan: Exit, party_id: Any) -> Party:
    party = session.get(Party, party_id) if v.is_row_id(party_id) else None
    if party is None or party.agreement_id != plan.agreement_id:
        raise NotFound(_("Parten finns inte i samverkan."))
    return party


def transition_agreement_of(session: Session, plan: Exit) -> Agreement | None:
    if plan.transition_agreement_id is None:
        return None
    return session.scalar(select(Agreement).where(Agreement.id == plan.transition_agreement_id))
