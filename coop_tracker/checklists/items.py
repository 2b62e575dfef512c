"""The items of an agreement's checklists: planning them from the templates, giving an agreement
a phase's list, and ticking and editing items (exit plans' own lists: ``checklists.exits``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.rules import ROLE_LABELS
from coop_tracker.audit.services import plain, record, record_update
from coop_tracker.checklists.models import ChecklistItem, ChecklistPhase, ItemStatus
from coop_tracker.checklists.rules import (
    CHECKLIST_PHASE_LABELS,
    CLOSED_PHASES,
    ITEM_STATUS_LABELS,
)
from coop_tracker.checklists.templates import checklist_forms, plan_templates
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _, swedish
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can

ITEM_FIELDS = (
    "status",
    "not_applicable_reason",
    "responsible_party_id",
    "responsible_person",
    "due_on",
    "note",
    "evidence_url",
)
# A new item's own columns: a multi-row insert names every column (it skips the ORM defaults).
NEW_ITEM: dict[str, Any] = {
    "status": ItemStatus.OPEN,
    "not_applicable_reason": "",
    "responsible_person": "",
    "note": "",
    "evidence_url": "",
    "done_by_name": "",
    "version": 1,
}

# --------------------------------------------------------------------------- planning


def plan_items(
    templates: Iterable[Any], parties: Sequence[tuple[int, str]]
) -> list[dict[str, Any]]:
    """The item rows a set of templates gives an agreement with these (party id, role) pairs.

    An item for every role (``roles`` empty) or for roles some party has: once, or once per
    concerned party when ``per_party``. Items for roles no party has are left out.
    """
    rows: list[dict[str, Any]] = []
    for template in templates:
        for item in template.items:
            roles = set(item.roles or ROLE_LABELS)
            concerned = [pid for pid, role in parties if role in roles]
            rows.extend(item_rows(template, item, concerned, narrowed=bool(item.roles)))
    return rows


def item_rows(
    template: Any, item: Any, concerned: Sequence[int], *, narrowed: bool
) -> list[dict[str, Any]]:
    """The rows one template question gives the concerned parties: none when none is
    concerned; one per party when ``per_party``; else one, naming the party responsible when
    the question is narrowed (by role or side) to exactly one."""
    if not concerned:
        return []
    base = {
        "template_item_id": item.id,
        "phase": template.phase,
        "key": f"{template.key}/{item.key}",
        "is_required": item.is_required,
    }
    if item.per_party:
        return [{**base, "party_id": pid, "responsible_party_id": pid} for pid in concerned]
    responsible = concerned[0] if narrowed and len(concerned) == 1 else None
    return [{**base, "party_id": None, "responsible_party_id": responsible}]


def current_party_roles(agreement: Agreement) -> list[tuple[int, str]]:
    return [(p.id, p.role) for p in agreement.parties if p.left_on is None]


def instantiate(
    session: Session, agreement: Agreement, phase: str, *, actor: Actor, new: bool = False
) -> int:
    """Add the current template items of ``phase`` to the agreement (skips those it has; a
    ``new`` agreement, just registered, has none to read).

    Returns how many items were added. The rows go in as one multi-row insert: an agreement
    gets some 30 items, and one ORM flush per item made a 5,000-row import take minutes. Its
    empty party columns are written as NULL (``render_nulls``): otherwise the rows of shared
    and per-party questions, which alternate, went in as one insert per run of either.
    """
    if agreement.id is None or any(p.id is None for p in agreement.parties):
        session.flush()  # the agreement and its parties need their ids first
    templates = plan_templates(session, phase, checklist_forms(agreement))
    existing: set[tuple[str, int | None]] = set()
    if not new:
        existing = {
            (key, party_id)
            for key, party_id in session.execute(
                select(ChecklistItem.key, ChecklistItem.party_id).where(
                    ChecklistItem.agreement_id == agreement.id, ChecklistItem.phase == phase
                )
            )
        }
    rows = [
        {**row, "agreement_id": agreement.id, **NEW_ITEM}
        for row in plan_items(templates, current_party_roles(agreement))
        if (row["key"], row["party_id"]) not in existing
    ]
    if rows:
        session.execute(insert(ChecklistItem).execution_options(render_nulls=True), rows)
        record(
            session,
            actor,
            action="instantiate",
            object_type="checklist",
            object_id=agreement.id,
            label=(
                f"Checklista {swedish(CHECKLIST_PHASE_LABELS[phase]).lower()} för {agreement.title}"
            ),
            agreement_id=agreement.id,
            changes={
                "phase": [None, phase],
                "items": [None, len(rows)],
                "templates": [None, sorted(f"{t.key} v{t.revision}" for t in templates)],
            },
        )
    return len(rows)


def on_agreement_created(
    session: Session, *, agreement: Agreement, actor: Actor, **_extra: Any
) -> None:
    """A new agreement gets its "before" list (``core.signals.agreement_created``)."""
    instantiate(session, agreement, ChecklistPhase.BEFORE, actor=actor, new=True)


@dataclass
class UpdateResult:
    """What bringing a checklist up to date did."""

    added: int = 0
    retired: int = 0
    updated: int = 0
    kept_done: int = 0
    # New questions of a phase the agreement has passed, left out on purpose.
    not_added: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.retired or self.updated)


# --------------------------------------------------------------------------- editing


@dataclass
class ItemInput:
    """A checklist item's editable fields as typed (unvalidated)."""

    status: Any = ItemStatus.OPEN
    not_applicable_reason: Any = ""
    responsible_party_id: Any = None
    responsible_person: Any = ""
    due_on: Any = None
    note: Any = ""
    evidence_url: Any = ""

    @classmethod
    def from_item(cls, item: ChecklistItem) -> ItemInput:
        return cls(**{name: getattr(item, name) for name in ITEM_FIELDS})


def item_snapshot(item: ChecklistItem) -> dict[str, Any]:
    return {name: plain(getattr(item, name)) for name in ITEM_FIELDS}


def check_edit(agreement: Agreement, actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "checklist.edit", agreement):
        raise PermissionDenied()


def _validate_item(item: ChecklistItem, agreement: Agreement, data: ItemInput) -> dict[str, Any]:
    errors = v.Errors()
    values: dict[str, Any] = {
        "status": v.choice(
            data.status, "status", _("Status"), errors, ITEM_STATUS_LABELS, required=True
        ),
        "not_applicable_reason": v.text(
            data.not_applicable_reason,
            "not_applicable_reason",
            _("Skäl"),
            errors,
            max_length=2000,
            multiline=True,
        ),
        "responsible_person": v.text(
            data.responsible_person,
            "responsible_person",
            _("Ansvarig person"),
            errors,
            max_length=120,
        ),
        "due_on": v.a_date(data.due_on, "due_on", _("Klart senast"), errors),
        "note": v.text(data.note, "note", _("Anteckning"), errors, max_length=5000, multiline=True),
        "evidence_url": v.url(data.evidence_url, "evidence_url", _("Länk till underlag"), errors),
    }
    party_ids = {p.id for p in agreement.parties}
    raw_party = data.responsible_party_id
    if raw_party in (None, ""):
        values["responsible_party_id"] = None
    else:
        try:
            party_id = int(raw_party)
        except (TypeError, ValueError):
            party_id = None
        if party_id not in party_ids:
            errors.add(
                "responsible_party_id", _("Ansvarig part måste vara en av samverkans parter.")
            )
        values["responsible_party_id"] = party_id
    if values["status"] == ItemStatus.NOT_APPLICABLE and not values["not_applicable_reason"]:
        errors.add("not_applicable_reason", _("Ange skäl till att punkten inte är tillämplig."))
    if values["status"] != ItemStatus.NOT_APPLICABLE and "not_applicable_reason" not in errors:
        values["not_applicable_reason"] = ""
    if errors:
        raise ValidationFailed(dict(errors))
    return values


def update_item(
    session: Session,
    item: ChecklistItem,
    data: ItemInput,
    *,
    expected_version: Any,
    actor: Actor,
) -> ChecklistItem:
    """Change a checklist item; refuses a stale version so nobody's answer is overwritten."""
    agreement = session.get(Agreement, item.agreement_id)
    assert agreement is not None
    check_edit(agreement, actor)
    if agreement.phase in CLOSED_PHASES:
        raise DomainError(_("Samverkan är avslutad; checklistan kan inte längre ändras."))
    if item.retired_at is not None:
        raise DomainError(_("Punkten finns inte längre i mallen och kan inte ändras."))
    check_version(expected_version, item.version, lambda: item_snapshot(item))
    values = _validate_item(item, agreement, data)
    before = item_snapshot(item)
    was_resolved = item.is_resolved
    for name, value in values.items():
        setattr(item, name, value)
    if item.is_resolved and not was_resolved:
        item.done_at = utcnow()
        item.done_by_id = actor.user_id
        item.done_by_name = actor.name
    elif not item.is_resolved:
        item.done_at = None
        item.done_by_id = None
        item.done_by_name = ""
    record_update(
        session,
        actor,
        before,
        item_snapshot(item),
        object_type="checklist_item",
        object_id=item.id,
        label=f"{item.template_item.text_sv[:150]} ({agreement.title})",
        agreement_id=agreement.id,
    )
    return item


def toggle_item(
    session: Session, item: ChecklistItem, *, expected_version: Any, actor: Actor
) -> ChecklistItem:
    """Mark an open item done, or a done/not-applicable item open again."""
    data = ItemInput.from_item(item)
    data.status = ItemStatus.OPEN if item.is_resolved else ItemStatus.DONE
    return update_item(session, item, data, expected_version=expected_version, actor=actor)


def get_item(session: Session, item_id: int) -> ChecklistItem:
    item = session.get(ChecklistItem, item_id) if v.is_row_id(item_id) else None
    if item is None:
        raise NotFound(_("Checklistpunkten hittades inte."))
    return item
