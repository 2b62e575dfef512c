"""Read-side lifecycle queries: the agreement's timeline of phase changes, exits and leavers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.rules import PHASE_LABELS
from coop_tracker.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistTemplateItem
from coop_tracker.checklists.queries import ITEM_ORDER
from coop_tracker.core.actor import display_name
from coop_tracker.core.i18n import _
from coop_tracker.lifecycle.exit_rules import EXIT_KIND_LABELS, EXIT_SCOPE_LABELS
from coop_tracker.lifecycle.models import Exit, ExitScope, ExitTask, PhaseChange
from coop_tracker.lifecycle.titles import shown_plan_title


@dataclass
class TimelineEvent:
    """One dated step in an agreement's life."""

    on: date
    title: str
    kind: str  # created | phase | exit | notice | adopted | completed | withdrawn | left
    who: str = ""
    body: str = ""
    tags: list[tuple[str, str]] = field(default_factory=list)  # (colour, text)
    at: datetime | None = None
    exit_id: int | None = None


def _name(party: object | None) -> str:
    municipality = getattr(party, "municipality", None)
    return municipality.name if municipality is not None else ""


def timeline(
    session: Session, agreement: Agreement, exits: list[Exit] | None = None
) -> list[TimelineEvent]:
    """Every step, oldest first: registration, phase changes, exit plans, notices, leavers."""
    events: list[TimelineEvent] = []
    if agreement.created_at is not None:
        events.append(
            TimelineEvent(
                on=agreement.created_at.date(),
                at=agreement.created_at,
                title=_("Samverkan registrerades (planerad)"),
                kind="created",
            )
        )
    for change in session.scalars(
        select(PhaseChange)
        .where(PhaseChange.agreement_id == agreement.id)
        .order_by(PhaseChange.changed_at, PhaseChange.id)
    ):
        tags = [("red", _("Villkor förbigångna av administratör"))] if change.is_override else []
        body = change.reason
        if change.is_override and change.overridden_reasons:
            body = (
                (body + "\n" if body else "")
                + _("Ej uppfyllt:")
                + " "
                + " ".join(change.overridden_reasons)
            )
        events.append(
            TimelineEvent(
                on=change.changed_on,
                at=change.changed_at,
                title=f"{PHASE_LABELS[change.from_phase]} → {PHASE_LABELS[change.to_phase]}",
                kind="phase",
                who=display_name(change.actor_name, change.actor_id),
                body=body,
                tags=tags,
                exit_id=change.exit_id,
            )
        )
    if exits is None:
        exits = list(
            session.scalars(
                select(Exit)
                .where(Exit.agreement_id == agreement.id)
                .options(selectinload(Exit.tasks).selectinload(ExitTask.party))
                .order_by(Exit.id)
            )
        )
    for plan in exits:
        shown = shown_plan_title(plan.title)  # the title the app gave, in the reader's language
        scope = str(EXIT_KIND_LABELS.get(plan.kind) or EXIT_SCOPE_LABELS[plan.scope])
        if plan.created_at is not None:
            events.append(
                TimelineEvent(
                    on=plan.created_at.date(),
                    at=plan.created_at,
                    title=_("Avvecklingsplan upprättad: %(title)s", title=shown),
                    kind="exit",
                    who=plan.created_by_name,
                    body=scope,
                    exit_id=plan.id,
                )
            )
        if plan.notice_given_on and plan.notice_party is not None and plan.adopted_on:
            tags = [("yellow", _("Sen uppsägning"))] if plan.is_notice_late else []
            events.append(
                TimelineEvent(
                    on=plan.notice_given_on,
                    title=_("%(party)s sade upp samverkan", party=_name(plan.notice_party)),
                    kind="notice",
                    body=_("Upphör från %(date)s.", date=plan.effective_on),
                    tags=tags,
                    exit_id=plan.id,
                )
            )
        if plan.adopted_on:
            events.append(
                TimelineEvent(
                    on=plan.adopted_on,
                    at=plan.adopted_at,
                    title=_("Avvecklingsplanen antogs: %(title)s", title=shown),
                    kind="adopted",
                    who=plan.adopted_by_name,
                    body=plan.decision_ref,
                    exit_id=plan.id,
                )
            )
        if plan.completed_on:
            events.append(
                TimelineEvent(
                    on=plan.completed_on,
                    at=plan.completed_at,
                    title=_("Avvecklingsplanen genomförd: %(title)s", title=shown),
                    kind="completed",
                    who=plan.completed_by_name,
                    exit_id=plan.id,
                )
            )
        if plan.withdrawn_on:
            events.append(
                TimelineEvent(
                    on=plan.withdrawn_on,
                    at=plan.withdrawn_at,
                    title=_(
                        "Avvecklingsplanen återkallades: %(title)s",
                        title=shown,
                    ),
                    kind="withdrawn",
                    body=plan.withdrawn_reason,
                    exit_id=plan.id,
                )
            )
    for party in agreement.parties:
        if party.left_on is not None:
            left_via = next(
                (
                    e.id
                    for e in exits
                    if e.scope == ExitScope.PARTY and e.leaving_party_id == party.id
                ),
                None,
            )
            events.append(
                TimelineEvent(
                    on=party.left_on,
                    title=_("%(party)s lämnade samverkan", party=_name(party)),
                    kind="left",
                    exit_id=left_via,
                )
            )
    events.sort(key=_order)
    return events


EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def _order(event: TimelineEvent) -> tuple[date, int, datetime]:
    """By day; within a day a notice comes first, then recorded steps in the order they were
    made, and a party's leaving last (it takes effect at the end of the day)."""
    if event.kind == "notice":
        return (event.on, 0, EARLIEST)
    if event.kind == "left":
        return (event.on, 2, LATEST)
    return (event.on, 1, _aware(event.at) if event.at else EARLIEST)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they are stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class PlanChecklistGroup:
    """One template set's items in an exit plan's own checklist."""

    template: ChecklistTemplate
    items: list[ChecklistItem] = field(default_factory=list)


@dataclass
class PlanChecklist:
    """An exit plan's own checklist: groups in template order, progress, answered history."""

    groups: list[PlanChecklistGroup] = field(default_factory=list)
    retired: list[ChecklistItem] = field(default_factory=list)
    total: int = 0
    resolved: int = 0
    required_open: int = 0


def plan_checklist(session: Session, plan: Exit) -> PlanChecklist:
    """The plan's checklist items by template set (one query for items, templates and texts)."""
    items = session.scalars(
        select(ChecklistItem)
        .join(ChecklistTemplateItem, ChecklistTemplateItem.id == ChecklistItem.template_item_id)
        .join(ChecklistTemplate, ChecklistTemplate.id == ChecklistTemplateItem.template_id)
        .where(ChecklistItem.exit_id == plan.id)
        .options(
            selectinload(ChecklistItem.template_item).selectinload(ChecklistTemplateItem.template)
        )
        .order_by(*ITEM_ORDER)
    ).unique()
    result = PlanChecklist()
    for item in items:
        if item.retired_at is not None:
            if item.is_resolved:
                result.retired.append(item)
            continue
        result.total += 1
        result.resolved += item.is_resolved
        result.required_open += item.is_required and not item.is_resolved
        template = item.template_item.template
        if not result.groups or result.groups[-1].template.key != template.key:
            result.groups.append(PlanChecklistGroup(template=template))
        result.groups[-1].items.append(item)
    return result
