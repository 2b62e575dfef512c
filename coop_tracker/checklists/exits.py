"""Exit plans' own checklists: each plan (kept by lifecycle, above) gets the current exit items
for its kind, form and parties. Checklists know a plan by its id and ask for the plans through
``core.signals.exit_plans_wanted``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.rules import ROLE_LABELS
from coop_tracker.audit.services import record
from coop_tracker.checklists.items import NEW_ITEM, UpdateResult, item_rows
from coop_tracker.checklists.models import ChecklistItem, ChecklistPhase, ItemStatus
from coop_tracker.checklists.rules import EXIT_SIDES
from coop_tracker.checklists.templates import PlanTemplate, checklist_forms, plan_templates
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.signals import exit_plans_wanted


@dataclass(frozen=True)
class ExitPlan:
    """An exit plan as its checklist needs it."""

    id: int
    kind: str
    leaving_party_id: int | None
    title: str
    is_open: bool  # a draft or adopted plan, whose list is still worked on


def exit_plans(session: Session, agreement_id: int) -> list[ExitPlan]:
    """The agreement's exit plans, in the order they were made, as their domain answers."""
    answers = exit_plans_wanted.send(session, agreement_id=agreement_id)
    return [plan for _receiver, plans in answers for plan in plans]


def open_exit_plans(session: Session, agreement: Agreement) -> list[ExitPlan]:
    """The plans whose lists are still worked on (and brought up to date)."""
    return [plan for plan in exit_plans(session, agreement.id) if plan.is_open]


def exit_parties(agreement: Agreement, kind: str, leaving_party_id: int | None) -> list[Side]:
    """(party id, role, side) of the current parties in an exit of ``kind``.

    In an utträde the party that leaves is "leaving" and the others "remaining"; when the whole
    cooperation ends (avveckling, likvidation) every party leaves.
    """
    withdrawal = kind == "withdrawal"
    return [
        (p.id, p.role, "remaining" if withdrawal and p.id != leaving_party_id else "leaving")
        for p in agreement.parties
        if p.left_on is None
    ]


Side = tuple[int, str, str]


def plan_exit_items(templates: Iterable[Any], parties: Sequence[Side]) -> list[dict[str, Any]]:
    """The item rows exit templates give one exit plan (roles and sides narrow each item)."""
    rows: list[dict[str, Any]] = []
    for template in templates:
        for item in template.items:
            roles = set(item.roles or ROLE_LABELS)
            sides = set(item.sides or EXIT_SIDES)
            concerned = [pid for pid, role, side in parties if role in roles and side in sides]
            narrowed = bool(item.roles or item.sides)
            rows.extend(item_rows(template, item, concerned, narrowed=narrowed))
    return rows


def exit_templates(session: Session, form: str | tuple[str, ...], kind: str) -> list[PlanTemplate]:
    """The current exit templates for a form and an exit kind."""
    return [
        t
        for t in plan_templates(session, ChecklistPhase.EXIT, form)
        if not t.exit_kinds or kind in t.exit_kinds
    ]


def sync_exit_items(
    session: Session,
    agreement: Agreement,
    *,
    exit_id: int,
    kind: str,
    leaving_party_id: int | None,
    actor: Actor,
) -> UpdateResult:
    """Give an exit plan its own checklist: the current items for its kind, form and parties.

    Idempotent. Items that no longer apply (the kind or the leaving party changed) are removed
    while open and kept as history once answered; items of an older template version move to
    the current one and keep their answers.
    """
    if agreement.id is None or any(p.id is None for p in agreement.parties):
        session.flush()
    templates = exit_templates(session, checklist_forms(agreement), kind)
    wanted = {
        (row["key"], row["party_id"]): row
        for row in plan_exit_items(templates, exit_parties(agreement, kind, leaving_party_id))
    }
    items = list(session.scalars(select(ChecklistItem).where(ChecklistItem.exit_id == exit_id)))
    result = UpdateResult()
    now = utcnow()
    seen: set[tuple[str, int | None]] = set()
    for item in items:
        identity = (item.key, item.party_id)
        row = wanted.get(identity)
        if row is None or identity in seen:
            if item.status == ItemStatus.OPEN:
                session.delete(item)
                result.retired += 1
            elif item.retired_at is None:
                item.retired_at = now
                result.retired += 1
                result.kept_done += 1
            continue
        seen.add(identity)
        if item.template_item_id != row["template_item_id"] or item.retired_at is not None:
            item.template_item_id = row["template_item_id"]
            item.is_required = row["is_required"]
            item.retired_at = None
            result.updated += 1
    rows = [
        {**row, "agreement_id": agreement.id, "exit_id": exit_id, **NEW_ITEM}
        for identity, row in wanted.items()
        if identity not in seen
    ]
    if rows:
        session.execute(insert(ChecklistItem).execution_options(render_nulls=True), rows)
        result.added = len(rows)
    session.flush()
    if result.changed:
        record(
            session,
            actor,
            action="instantiate" if not items else "update_templates",
            object_type="checklist",
            object_id=agreement.id,
            label=f"Avvecklingschecklista för {agreement.title}"[:250],
            agreement_id=agreement.id,
            changes={
                "phase": [None, ChecklistPhase.EXIT],
                "exit_id": [None, exit_id],
                "items": [None, len(wanted)],
                "added": [None, result.added],
                "retired": [None, result.retired],
                "templates": [None, sorted(f"{t.key} v{t.revision}" for t in templates)],
            },
        )
    return result
