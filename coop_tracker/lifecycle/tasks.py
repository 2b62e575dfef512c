"""Exit tasks: the ones a plan's kind gives each party, kept in line with the plan's dates and
parties, and edited one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.audit.services import plain, record_update
from coop_tracker.checklists import exits as checklists
from coop_tracker.checklists.models import ChecklistItem, ItemStatus
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import (
    DomainError,
    ValidationFailed,
)
from coop_tracker.core.i18n import _, current_language
from coop_tracker.core.locking import check_version
from coop_tracker.lifecycle.common import (
    agreement_of,
    check_exit_edit,
    party_name,
    replan_reminders,
    task_about,
)
from coop_tracker.lifecycle.exit_rules import task_rows, whole_exit_kind
from coop_tracker.lifecycle.models import (
    Exit,
    ExitKind,
    ExitTask,
    TaskStatus,
)
from coop_tracker.lifecycle.schemas import CheckedOwnTaskSchema, CheckedTaskSchema

# Days before the notice: the MBL negotiation ends before the decision, and the decision is
# taken, checked (justerat) and announced before the notice is sent.
DAYS_BEFORE_NOTICE = {"before_decision": 42, "before_notice": 14}


def _due(plan: Exit, when: str) -> date | None:
    if when in DAYS_BEFORE_NOTICE:
        if plan.notice_given_on is None:
            return None
        return plan.notice_given_on - timedelta(days=DAYS_BEFORE_NOTICE[when])
    if when == "notice":
        return plan.notice_given_on or plan.transition_starts_on
    if when == "start":
        return plan.transition_starts_on or plan.notice_given_on
    if when == "effective":
        return plan.effective_on or plan.transition_ends_on
    return plan.transition_ends_on or plan.effective_on


def planned_tasks(plan: Exit, agreement: Agreement) -> list[dict[str, Any]]:
    """The tasks a plan's kind gives each party by its side and role (plus the joint ones)."""
    kind = plan.kind or whole_exit_kind(agreement.form)
    return task_rows(
        kind,
        agreement.form,
        [(p.id, p.role) for p in agreement.current_parties],
        leaving_id=plan.leaving_party_id if kind == ExitKind.WITHDRAWAL else None,
        notice_party_id=plan.notice_party_id,
        due=lambda anchor: _due(plan, anchor),
    )


def planned_due_dates(plan: Exit, agreement: Agreement) -> dict[tuple[str, int | None], Any]:
    """Each generated task's due date from the plan's dates as they are now (to pass to
    :func:`sync_plan` as ``previous_due`` before the plan's dates change)."""
    return {(row["kind"], row["party_id"]): row["due_on"] for row in planned_tasks(plan, agreement)}


def sync_plan(
    session: Session,
    plan: Exit,
    agreement: Agreement,
    *,
    actor: Actor,
    previous_due: dict[tuple[str, int | None], Any] | None = None,
) -> None:
    """Bring a plan's generated tasks and its own checklist in line with its kind and parties.

    Tasks the rules no longer give (the kind or the leaving party changed) are removed while
    untouched; tasks someone has worked on, and the planner's own tasks, are kept. Due dates
    follow the plan's dates: an open task whose date is empty, or still the one the plan's
    previous dates gave it (``previous_due``), gets the new one; a date someone typed stays.
    """
    wanted = {(row["kind"], row["party_id"]): row for row in planned_tasks(plan, agreement)}
    for task in list(plan.tasks):
        if task.is_custom:
            continue
        identity = (task.kind, task.party_id)
        row = wanted.get(identity)
        if row is None:
            if task.status == TaskStatus.OPEN and not task.note and not task.owner_name:
                plan.tasks.remove(task)
            continue
        task.sort_order = row["sort_order"]
        if not task.is_resolved and (
            task.due_on is None
            or (previous_due is not None and task.due_on == previous_due.get(identity))
        ):
            task.due_on = row["due_on"]
    have = {(t.kind, t.party_id) for t in plan.tasks}
    for identity, row in wanted.items():
        if identity not in have:
            plan.tasks.append(ExitTask(status=TaskStatus.OPEN, **row))
    custom = [t for t in plan.tasks if t.is_custom]
    for offset, task in enumerate(custom, start=len(wanted) + 1):
        task.sort_order = offset
    plan.tasks.sort(key=lambda t: t.sort_order)
    session.flush()
    checklists.sync_exit_items(
        session,
        agreement,
        exit_id=plan.id,
        kind=plan.kind,
        leaving_party_id=plan.leaving_party_id,
        actor=actor,
    )


def open_plan_items(session: Session, plan: Exit, agreement: Agreement) -> list[str]:
    """The plan's own required checklist items that are still open, in Swedish."""
    parties = {p.id: p for p in agreement.parties}
    items = session.scalars(
        select(ChecklistItem).where(
            ChecklistItem.exit_id == plan.id,
            ChecklistItem.retired_at.is_(None),
            ChecklistItem.is_required.is_(True),
            ChecklistItem.status == ItemStatus.OPEN,
        )
    )
    reasons = []
    for item in items:
        party = parties.get(item.party_id) if item.party_id else None
        question = item.template_item
        reasons.append(
            _(
                "Checklistpunkten ”%(item)s”%(whose)s är inte klar eller markerad som inte "
                "tillämplig.",
                item=question.text_en if current_language() == "en" else question.text_sv,
                whose=f" ({party_name(party)})" if party is not None else "",
            )
        )
    return reasons


TASK_FIELDS = (
    "title",
    "owner_name",
    "due_on",
    "status",
    "not_applicable_reason",
    "note",
    "party_id",
    "is_required",
)


@dataclass
class TaskInput:
    """An exit task's editable fields as typed. ``title`` and ``is_required`` change only on a
    planner's own task; a generated task keeps the rule's title and weight."""

    owner_name: Any = ""
    due_on: Any = None
    status: Any = TaskStatus.OPEN
    note: Any = ""
    party_id: Any = None
    not_applicable_reason: Any = ""
    title: Any = None
    is_required: Any = None

    @classmethod
    def from_task(cls, task: ExitTask) -> TaskInput:
        return cls(**{name: getattr(task, name) for name in TASK_FIELDS})


def task_snapshot(task: ExitTask) -> dict[str, Any]:
    return {name: plain(getattr(task, name)) for name in TASK_FIELDS}


def validate_task(
    agreement: Agreement, data: TaskInput, *, custom: bool, today: date
) -> dict[str, Any]:
    """Check a task as typed (its own fields as ``CheckedTaskSchema`` checks them, a planner's
    own task also its title and weight), then its party; every message names its field."""
    schema = CheckedOwnTaskSchema() if custom else CheckedTaskSchema()
    values, refusals = schema.check(vars(data))
    errors = v.Errors(refusals)
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
    return values


def update_task(
    session: Session,
    task: ExitTask,
    data: TaskInput,
    *,
    expected_version: Any,
    actor: Actor,
    today: date,
) -> ExitTask:
    """Change an exit task (a planner's own task also its title); refuses a stale version.

    Marking a task not applicable needs a reason.
    """
    plan = task.exit
    agreement = agreement_of(session, plan)
    check_exit_edit(agreement, actor)
    if not plan.is_open:
        raise DomainError(_("Uppgifterna i en genomförd eller återkallad plan kan inte ändras."))
    check_version(expected_version, task.version, lambda: task_snapshot(task))
    values = validate_task(agreement, data, custom=task.is_custom, today=today)
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
    record_update(session, actor, before, task_snapshot(task), **task_about(task, plan))
    replan_reminders(session, agreement, today)
    return task
