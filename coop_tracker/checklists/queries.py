"""Read-side checklist queries: progress per agreement and phase, and an agreement's items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.checklists.exits import exit_plans
from coop_tracker.checklists.models import (
    ChecklistItem,
    ChecklistPhase,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ItemStatus,
)
from coop_tracker.checklists.rules import CHECKLIST_PHASE_LABELS, PHASE_CHECKLIST

# The order of a checklist's items: by set and question, the joint item before each party's.
ITEM_ORDER = (
    ChecklistTemplate.sort_order,
    ChecklistTemplateItem.sort_order,
    ChecklistItem.party_id.is_not(None),
    ChecklistItem.party_id,
    ChecklistItem.id,
)


@dataclass
class Progress:
    """How far one checklist phase has come (retired items and leavers' items not counted)."""

    total: int = 0
    resolved: int = 0
    required: int = 0
    required_resolved: int = 0

    @property
    def open(self) -> int:
        return self.total - self.resolved

    @property
    def required_open(self) -> int:
        return self.required - self.required_resolved

    @property
    def percent(self) -> int:
        return round(100 * self.resolved / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.resolved == self.total


def _counted() -> list[ColumnElement[bool]]:
    return [
        ChecklistItem.retired_at.is_(None),
        or_(ChecklistItem.party_id.is_(None), Party.left_on.is_(None)),
    ]


def progress_by_agreement(
    session: Session, agreement_ids: Iterable[int]
) -> dict[int, dict[str, Progress]]:
    """Progress per agreement and checklist phase, in one grouped query for all the ids."""
    ids = list(agreement_ids)
    result: dict[int, dict[str, Progress]] = {i: {} for i in ids}
    if not ids:
        return result
    resolved = ChecklistItem.status.in_([ItemStatus.DONE, ItemStatus.NOT_APPLICABLE])
    rows = session.execute(
        select(
            ChecklistItem.agreement_id,
            ChecklistItem.phase,
            ChecklistItem.is_required,
            resolved.label("resolved"),
            func.count(),
        )
        .outerjoin(Party, Party.id == ChecklistItem.party_id)
        .where(ChecklistItem.agreement_id.in_(ids), *_counted())
        .group_by(
            ChecklistItem.agreement_id, ChecklistItem.phase, ChecklistItem.is_required, resolved
        )
    )
    for agreement_id, phase, required, is_resolved, count in rows:
        progress = result[agreement_id].setdefault(phase, Progress())
        progress.total += count
        if is_resolved:
            progress.resolved += count
        if required:
            progress.required += count
            if is_resolved:
                progress.required_resolved += count
    return result


def current_progress(
    agreements: Iterable[Agreement], progress: dict[int, dict[str, Progress]]
) -> dict[int, tuple[str, Progress]]:
    """For a list: each agreement's progress on the checklist of its current phase."""
    out: dict[int, tuple[str, Progress]] = {}
    for agreement in agreements:
        phase = PHASE_CHECKLIST[agreement.phase]
        out[agreement.id] = (phase, progress.get(agreement.id, {}).get(phase, Progress()))
    return out


@dataclass
class Group:
    """One template set's items on an agreement, for the checklist page."""

    template: ChecklistTemplate
    items: list[ChecklistItem] = field(default_factory=list)
    exit_id: int | None = None  # exit items: the plan whose own list this is
    exit_title: str = ""


@dataclass
class PhaseSection:
    """A phase's groups of items, its progress and the retired items kept as history."""

    phase: str
    label: str
    groups: list[Group] = field(default_factory=list)
    retired: list[ChecklistItem] = field(default_factory=list)
    left: list[ChecklistItem] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)


def checklist_sections(session: Session, agreement: Agreement) -> list[PhaseSection]:
    """The agreement's items by phase and template set, in template order."""
    items = list(
        session.scalars(
            select(ChecklistItem)
            .join(ChecklistTemplateItem, ChecklistTemplateItem.id == ChecklistItem.template_item_id)
            .join(ChecklistTemplate, ChecklistTemplate.id == ChecklistTemplateItem.template_id)
            .where(ChecklistItem.agreement_id == agreement.id)
            .options(
                selectinload(ChecklistItem.template_item).selectinload(
                    ChecklistTemplateItem.template
                )
            )
            .order_by(ChecklistItem.exit_id.is_not(None), ChecklistItem.exit_id, *ITEM_ORDER)
        ).unique()
    )
    left = {p.id for p in agreement.parties if p.left_on is not None}
    exit_titles = {plan.id: plan.title for plan in exit_plans(session, agreement.id)}
    progress = progress_by_agreement(session, [agreement.id])[agreement.id]
    sections: dict[str, PhaseSection] = {}
    for phase in ChecklistPhase:
        sections[phase] = PhaseSection(
            phase=phase,
            label=CHECKLIST_PHASE_LABELS[phase],
            progress=progress.get(phase, Progress()),
        )
    for item in items:
        section = sections[item.phase]
        if item.retired_at is not None:
            if item.is_resolved:
                section.retired.append(item)
            continue
        if item.party_id in left:
            section.left.append(item)
            continue
        template = item.template_item.template
        last = section.groups[-1] if section.groups else None
        if last is None or (last.template.key, last.exit_id) != (template.key, item.exit_id):
            section.groups.append(
                Group(
                    template=template,
                    exit_id=item.exit_id,
                    exit_title=exit_titles.get(item.exit_id, "") if item.exit_id else "",
                )
            )
        section.groups[-1].items.append(item)
    return [s for s in sections.values() if s.groups or s.retired or s.left]
