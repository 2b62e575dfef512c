"""Lookups and small helpers the lifecycle modules share: plans and tasks by id, who a task
falls on, the right to edit an agreement's exits."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Form, Party
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import (
    NotFound,
    PermissionDenied,
)
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.core.signals import deadlines_changed
from coop_tracker.lifecycle.models import (
    Exit,
    ExitScope,
    ExitStatus,
    ExitTask,
)


def party_name(party: Party | None) -> str:
    if party is None:
        return "gemensamt"
    return party.name or party.municipality_code or ""


def exit_about(plan: Exit) -> dict[str, Any]:
    """An exit plan as its audit events name it (the arguments of ``record``)."""
    return {
        "object_type": "exit",
        "object_id": plan.id,
        "label": plan.title,
        "agreement_id": plan.agreement_id,
    }


def task_about(task: ExitTask, plan: Exit) -> dict[str, Any]:
    """A task of an exit plan as its audit events name it (the arguments of ``record``)."""
    return {
        "object_type": "exit_task",
        "object_id": task.id,
        "label": f"{task.title} ({plan.title})"[:250],
        "agreement_id": plan.agreement_id,
    }


def task_owner(task: ExitTask, agreement: Agreement) -> str:
    """Who a task falls on: a party, or the förbund itself (jointly, in other forms)."""
    if task.party is None and agreement.form == Form.KOMMUNALFORBUND:
        return _("förbundet")
    return party_name(task.party)


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


def agreement_of(session: Session, plan: Exit) -> Agreement:
    agreement = session.get(Agreement, plan.agreement_id)
    assert agreement is not None
    return agreement


def check_exit_edit(agreement: Agreement, actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "exit.edit", agreement):
        raise PermissionDenied()


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


def replan_reminders(session: Session, agreement: Agreement, today: date) -> None:
    """Bring the agreement's reminder rows in line with its exits at once: a notice given, a
    plan withdrawn or a task's date changed must change what the next e-mail sweep sends, not
    wait for the nightly planning (reminders re-plan on the signal)."""
    deadlines_changed.send(session, agreement=agreement, today=today)
