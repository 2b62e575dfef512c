"""Template versions on agreements: bringing one agreement's checklist up to date (and whether
there is anything to bring), what a newer version changes for it, which agreements are still on
which version, and bringing a selection up to date in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.rules import ROLE_LABELS
from coop_tracker.audit.services import record
from coop_tracker.checklists.exits import exit_templates, open_exit_plans, sync_exit_items
from coop_tracker.checklists.items import (
    UpdateResult,
    check_edit,
    current_party_roles,
    plan_items,
)
from coop_tracker.checklists.models import (
    ChecklistItem,
    ChecklistPhase,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ItemStatus,
)
from coop_tracker.checklists.rules import CLOSED_PHASES, PASSED, REACHED
from coop_tracker.checklists.templates import checklist_forms, current_templates
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import DomainError, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can

# What of a question, when it differs between versions, makes it "changed".
_CONTENT = ("text_sv", "text_en", "guidance_sv", "guidance_en", "is_required", "roles")
# The most agreements one bulk update takes (one transaction, one page of checkboxes).
BULK_LIMIT = 500


def bring_up_to_date(session: Session, agreement: Agreement, *, actor: Actor) -> UpdateResult:
    """Move the agreement's checklist to the current template versions.

    New questions are added, except those of a phase the agreement has passed (``PASSED``: a
    running agreement gets new "during" and exit questions, never a new "before" gate);
    questions removed from the templates are retired (kept, with their status, but no longer
    counted or gating); questions kept keep their answers. Items of parties that have left are
    history and are left alone.
    """
    check_edit(agreement, actor)
    if agreement.phase in CLOSED_PHASES:
        raise DomainError(_("Samverkan är avslutad; checklistan kan inte längre ändras."))
    result = UpdateResult()
    passed = PASSED.get(agreement.phase, ())
    left = {p.id for p in agreement.parties if p.left_on is not None}
    # Exit lists belong to their exit plans and are brought up to date plan by plan below.
    phases = tuple(p for p in REACHED[agreement.phase] if p != ChecklistPhase.EXIT)
    templates = current_templates(session, phases, checklist_forms(agreement))
    wanted = {
        (row["key"], row["party_id"]): row
        for row in plan_items(templates, current_party_roles(agreement))
    }
    items = list(
        session.scalars(
            select(ChecklistItem).where(
                ChecklistItem.agreement_id == agreement.id, ChecklistItem.phase.in_(phases)
            )
        )
    )
    now = utcnow()
    seen: set[tuple[str, int | None]] = set()
    for item in items:
        if item.party_id in left:
            continue
        identity = (item.key, item.party_id)
        row = wanted.get(identity)
        if row is None or identity in seen:
            if item.retired_at is None:
                item.retired_at = now
                result.retired += 1
                if item.is_resolved:
                    result.kept_done += 1
            continue
        seen.add(identity)
        if item.template_item_id != row["template_item_id"] or item.retired_at is not None:
            item.template_item_id = row["template_item_id"]
            # A passed gate stays passed: a kept question may stop being required, not start.
            item.is_required = row["is_required"] and (item.is_required or item.phase not in passed)
            item.retired_at = None
            result.updated += 1
    for identity, row in wanted.items():
        if identity in seen:
            continue
        if row["phase"] in passed:
            result.not_added += 1
        else:
            session.add(ChecklistItem(agreement_id=agreement.id, status=ItemStatus.OPEN, **row))
            result.added += 1
    session.flush()
    for plan in open_exit_plans(session, agreement):
        synced = sync_exit_items(
            session,
            agreement,
            exit_id=plan.id,
            kind=plan.kind,
            leaving_party_id=plan.leaving_party_id,
            actor=actor,
        )
        result.added += synced.added
        result.retired += synced.retired
        result.updated += synced.updated
        result.kept_done += synced.kept_done
    if result.changed:
        record(
            session,
            actor,
            action="update_templates",
            object_type="checklist",
            object_id=agreement.id,
            label=f"Checklista för {agreement.title}",
            agreement_id=agreement.id,
            changes={
                "added": [None, result.added],
                "retired": [None, result.retired],
                "updated": [None, result.updated],
                **({"not_added": [None, result.not_added]} if result.not_added else {}),
                "templates": [None, sorted(f"{t.key} v{t.revision}" for t in templates)],
            },
        )
    return result


def update_available(session: Session, agreement: Agreement) -> bool:
    """Whether a newer template version (or a set the agreement lacks) is there to adopt."""
    if agreement.phase in CLOSED_PHASES:
        return False
    phases = [p for p in REACHED[agreement.phase] if p != ChecklistPhase.EXIT]
    used_rows = session.execute(
        select(ChecklistTemplate.id, ChecklistTemplate.key)
        .join(ChecklistTemplateItem, ChecklistTemplateItem.template_id == ChecklistTemplate.id)
        .join(ChecklistItem, ChecklistItem.template_item_id == ChecklistTemplateItem.id)
        .where(
            ChecklistItem.agreement_id == agreement.id,
            ChecklistItem.retired_at.is_(None),
            ChecklistItem.phase != ChecklistPhase.EXIT,
        )
        .distinct()
    ).all()
    used = {row.id for row in used_rows}
    used_keys = {row.key for row in used_rows}
    passed = PASSED.get(agreement.phase, ())
    # A set of a passed phase the agreement never had is not offered: it would add nothing.
    current = {
        t.id
        for t in current_templates(session, phases, checklist_forms(agreement))
        if t.phase not in passed or t.key in used_keys
    }
    if used - current or current - used:
        return True
    for plan in open_exit_plans(session, agreement):
        wanted = {
            item.id
            for t in exit_templates(session, checklist_forms(agreement), plan.kind)
            for item in t.items
        }
        have = set(
            session.scalars(
                select(ChecklistItem.template_item_id).where(
                    ChecklistItem.exit_id == plan.id, ChecklistItem.retired_at.is_(None)
                )
            )
        )
        if have - wanted:
            return True
    return False


@dataclass
class TemplateChange:
    """What moving one checklist set to its current version does to one agreement."""

    template: ChecklistTemplate  # the current version (or the last one, when the set is gone)
    from_revisions: list[int]
    to_revision: int | None  # None: the set no longer applies to the agreement
    added: list[ChecklistTemplateItem] = field(default_factory=list)
    changed: list[tuple[ChecklistTemplateItem, ChecklistTemplateItem]] = field(default_factory=list)
    removed: list[ChecklistTemplateItem] = field(default_factory=list)
    phase_passed: bool = False  # new questions are listed but not added (a passed gate)

    @property
    def newly_required(self) -> list[ChecklistTemplateItem]:
        return [new for old, new in self.changed if new.is_required and not old.is_required]


def _content(item: ChecklistTemplateItem) -> tuple[Any, ...]:
    return tuple(
        sorted(getattr(item, name)) if name == "roles" else getattr(item, name) for name in _CONTENT
    )


def version_changes(session: Session, agreement: Agreement) -> list[TemplateChange]:
    """Per checklist set: the questions the current version adds, changes and removes for this
    agreement (its parties' roles considered); empty when it already follows every version.

    Exit plans keep their own lists and are not compared here.
    """
    if agreement.phase in CLOSED_PHASES:
        return []
    phases = [p for p in REACHED[agreement.phase] if p != ChecklistPhase.EXIT]
    passed = PASSED.get(agreement.phase, ())
    rows = session.execute(
        select(ChecklistItem.template_item_id, ChecklistItem.key).where(
            ChecklistItem.agreement_id == agreement.id,
            ChecklistItem.retired_at.is_(None),
            ChecklistItem.phase != ChecklistPhase.EXIT,
        )
    ).all()
    have_keys = {row.key for row in rows}
    used_ids = session.scalars(
        select(ChecklistTemplateItem.template_id)
        .where(ChecklistTemplateItem.id.in_({row.template_item_id for row in rows}))
        .distinct()
    ).all()
    old_by_key: dict[str, list[ChecklistTemplate]] = {}
    if used_ids:
        for old in session.scalars(
            select(ChecklistTemplate)
            .where(ChecklistTemplate.id.in_(used_ids))
            .options(selectinload(ChecklistTemplate.items))
            .order_by(ChecklistTemplate.revision)
        ):
            old_by_key.setdefault(old.key, []).append(old)
    roles = {p.role for p in agreement.parties if p.left_on is None}

    def applies(item: ChecklistTemplateItem) -> bool:
        return bool(set(item.roles or ROLE_LABELS) & roles)

    changes: list[TemplateChange] = []
    current = current_templates(session, phases, agreement.form)
    for template in current:
        olds = old_by_key.get(template.key, [])
        if olds and all(old.id == template.id for old in olds):
            continue
        if not olds and template.phase in passed:
            continue  # a set of a passed phase the agreement never had: nothing to add
        old_items: dict[str, ChecklistTemplateItem] = {}
        for old in olds:
            old_items.update({i.key: i for i in old.items})
        new_items = {i.key: i for i in template.items}
        change = TemplateChange(
            template=template,
            from_revisions=[old.revision for old in olds],
            to_revision=template.revision,
            added=[i for k, i in new_items.items() if k not in old_items and applies(i)],
            changed=[
                (old_items[k], i)
                for k, i in new_items.items()
                if k in old_items and _content(old_items[k]) != _content(i)
            ],
            removed=[
                i
                for k, i in old_items.items()
                if k not in new_items and f"{template.key}/{k}" in have_keys
            ],
            phase_passed=template.phase in passed,
        )
        if olds or change.added:
            changes.append(change)
    current_keys = {t.key for t in current}
    for key, olds in old_by_key.items():
        if key not in current_keys:
            changes.append(
                TemplateChange(
                    template=olds[-1],
                    from_revisions=[old.revision for old in olds],
                    to_revision=None,
                    removed=[i for i in olds[-1].items if f"{key}/{i.key}" in have_keys],
                )
            )
    return changes


# --------------------------------------------------------------------------- admin overview


@dataclass(frozen=True)
class VersionUse:
    """How many open agreements have items of one template version."""

    key: str
    title_sv: str
    title_en: str
    phase: str
    revision: int
    is_current: bool
    agreements: int


def _open_agreement_items() -> Any:
    return (
        select(ChecklistItem.agreement_id, ChecklistTemplate.id.label("template_id"))
        .join(ChecklistTemplateItem, ChecklistTemplateItem.id == ChecklistItem.template_item_id)
        .join(ChecklistTemplate, ChecklistTemplate.id == ChecklistTemplateItem.template_id)
        .join(Agreement, Agreement.id == ChecklistItem.agreement_id)
        .where(
            ChecklistItem.retired_at.is_(None),
            Agreement.archived_at.is_(None),
            Agreement.phase.not_in(list(CLOSED_PHASES)),
        )
        .distinct()
        .subquery()
    )


def version_use(session: Session) -> list[VersionUse]:
    """Every template version that open agreements use, with how many use it."""
    used = _open_agreement_items()
    rows = session.execute(
        select(
            ChecklistTemplate.key,
            ChecklistTemplate.title_sv,
            ChecklistTemplate.title_en,
            ChecklistTemplate.phase,
            ChecklistTemplate.revision,
            ChecklistTemplate.is_current,
            func.count(used.c.agreement_id),
        )
        .join(used, used.c.template_id == ChecklistTemplate.id)
        .group_by(ChecklistTemplate.id)
        .order_by(ChecklistTemplate.sort_order, ChecklistTemplate.key, ChecklistTemplate.revision)
    ).all()
    return [VersionUse(*row) for row in rows]


@dataclass
class OutdatedAgreement:
    """An open agreement with items of an older template version."""

    agreement: Agreement
    versions: list[str]  # "Före start v1", …


def outdated_agreements(
    session: Session, key: str | None = None, revision: int | None = None
) -> tuple[list[OutdatedAgreement], int]:
    """Open agreements on an older version (of one set, or one version of it), by title; at
    most ``BULK_LIMIT`` of them, and how many there are in all."""
    used = _open_agreement_items()
    query = (
        select(used.c.agreement_id, ChecklistTemplate.title_sv, ChecklistTemplate.revision)
        .join(ChecklistTemplate, ChecklistTemplate.id == used.c.template_id)
        .where(ChecklistTemplate.is_current.is_(False))
    )
    if key:
        query = query.where(ChecklistTemplate.key == key)
    if revision is not None:
        query = query.where(ChecklistTemplate.revision == revision)
    versions: dict[int, list[str]] = {}
    for agreement_id, title, rev in session.execute(query):
        versions.setdefault(agreement_id, []).append(f"{title} v{rev}")
    total = len(versions)
    agreements = session.scalars(
        select(Agreement)
        .where(Agreement.id.in_(list(versions)))
        .order_by(Agreement.title, Agreement.id)
        .limit(BULK_LIMIT)
    ).all()
    return [OutdatedAgreement(a, sorted(versions[a.id])) for a in agreements], total


@dataclass
class BulkResult:
    """What updating a selection of agreements did, in sum."""

    agreements: list[Agreement] = field(default_factory=list)
    total: UpdateResult = field(default_factory=UpdateResult)


def bring_many_up_to_date(
    session: Session, agreement_ids: Iterable[Any], *, actor: Actor
) -> BulkResult:
    """Bring every selected agreement's checklist up to date, all or none.

    Each agreement gets its own audit event (as one brought up to date by hand would); one
    more event names the whole selection. Refuses, naming each, agreements that are closed,
    archived or unknown, so a half-done bulk update cannot happen.
    """
    if actor.user is not None and not can(actor.user, "checklist_template.manage"):
        raise PermissionDenied()
    ids = _ids(agreement_ids)
    agreements = list(
        session.scalars(select(Agreement).where(Agreement.id.in_(ids)).order_by(Agreement.title))
    )
    found = {a.id for a in agreements}
    problems = [_("Samverkan nummer %(id)s finns inte.", id=i) for i in ids if i not in found]
    problems += [
        _("”%(title)s” är avslutad eller arkiverad; dess checklista ändras inte.", title=a.title)
        for a in agreements
        if a.phase in CLOSED_PHASES or a.archived_at is not None
    ]
    if problems:
        raise DomainError(" ".join(problems), {"agreement": " ".join(problems)})
    result = BulkResult(agreements=agreements)
    for agreement in agreements:
        one = bring_up_to_date(session, agreement, actor=actor)
        result.total.added += one.added
        result.total.updated += one.updated
        result.total.retired += one.retired
        result.total.kept_done += one.kept_done
        result.total.not_added += one.not_added
    record(
        session,
        actor,
        action="bulk_update_templates",
        object_type="checklist_template",
        object_id="",
        label=_bulk_label(agreements),
        changes={
            "agreements": [None, [a.title for a in agreements]],
            "added": [None, result.total.added],
            "updated": [None, result.total.updated],
            "retired": [None, result.total.retired],
            "not_added": [None, result.total.not_added],
        },
    )
    session.flush()
    return result


def _bulk_label(agreements: Sequence[Agreement]) -> str:
    return f"Checklistor för {len(agreements)} samverkan till senaste mallversionerna"


def _ids(raw: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    for value in raw:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationFailed(
                {"agreement": _("Valet av samverkan är ogiltigt: %(value)s.", value=str(value))}
            ) from None
        if number not in ids:
            ids.append(number)
    if not ids:
        raise ValidationFailed({"agreement": _("Välj minst en samverkan att uppdatera.")})
    if len(ids) > BULK_LIMIT:
        raise ValidationFailed(
            {"agreement": _("Välj högst %(n)s samverkan åt gången.", n=BULK_LIMIT)}
        )
    return ids
