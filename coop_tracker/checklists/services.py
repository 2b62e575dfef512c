"""Checklist templates (seeded from data files, edited by admins) and items on agreements.

Templates are versioned: a changed data file or an admin's edit adds a new revision and never
changes an old one, so an agreement keeps the questions it was created with until someone
brings its checklist up to date explicitly.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements.models import Agreement, Form, Phase, Role
from coop_tracker.agreements.rules import ROLE_LABELS
from coop_tracker.audit.services import diff, plain, record, record_update
from coop_tracker.checklists.models import (
    ChecklistItem,
    ChecklistPhase,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ItemStatus,
)
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from coop_tracker.core.i18n import _, _l, swedish
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can
from coop_tracker.lifecycle.models import Exit

CHECKLIST_PHASE_LABELS: dict[str, str] = {
    ChecklistPhase.BEFORE: _l("Före"),
    ChecklistPhase.DURING: _l("Under"),
    ChecklistPhase.EXIT: _l("Avveckling"),
}
ITEM_STATUS_LABELS: dict[str, str] = {
    ItemStatus.OPEN: _l("Att göra"),
    ItemStatus.DONE: _l("Klar"),
    ItemStatus.NOT_APPLICABLE: _l("Inte tillämplig"),
}
# Which checklist an agreement in a given phase works on (for progress in lists).
PHASE_CHECKLIST: dict[str, str] = {
    Phase.PLANNED: ChecklistPhase.BEFORE,
    Phase.ACTIVE: ChecklistPhase.DURING,
    Phase.EXITING: ChecklistPhase.EXIT,
    Phase.ENDED: ChecklistPhase.EXIT,
    Phase.ABANDONED: ChecklistPhase.BEFORE,
}
# Checklist sets an agreement has reached, by its phase.
REACHED: dict[str, tuple[str, ...]] = {
    Phase.PLANNED: (ChecklistPhase.BEFORE,),
    Phase.ABANDONED: (ChecklistPhase.BEFORE,),
    Phase.ACTIVE: (ChecklistPhase.BEFORE, ChecklistPhase.DURING),
    Phase.EXITING: (ChecklistPhase.BEFORE, ChecklistPhase.DURING, ChecklistPhase.EXIT),
    Phase.ENDED: (ChecklistPhase.BEFORE, ChecklistPhase.DURING, ChecklistPhase.EXIT),
}
CLOSED_PHASES = (Phase.ENDED, Phase.ABANDONED)
# Checklist sets whose gate an agreement in a given phase has already passed: bringing it up to
# date never adds their new questions (a running agreement gets no new "before" gate) and never
# makes one of their kept questions required.
PASSED: dict[str, tuple[str, ...]] = {
    Phase.ACTIVE: (ChecklistPhase.BEFORE,),
    Phase.EXITING: (ChecklistPhase.BEFORE,),
}
# Exit kinds (lifecycle.models.ExitKind) and the sides of an exit an item can be for.
EXIT_KINDS = ("withdrawal", "ending", "liquidation")
EXIT_SIDES = ("leaving", "remaining")
ITEM_FIELDS = (
    "status",
    "not_applicable_reason",
    "responsible_party_id",
    "responsible_person",
    "due_on",
    "note",
    "evidence_url",
)


# --------------------------------------------------------------------------- template files


@dataclass(frozen=True)
class TemplateFile:
    """A checklist set as read from a data file."""

    key: str
    phase: str
    form: str | None
    title_sv: str
    title_en: str
    sort_order: int
    items: tuple[dict[str, Any], ...]
    exit_kinds: tuple[str, ...] = ()

    @property
    def content_hash(self) -> str:
        """A hash of the content (not of comments or layout): a changed hash is a new version."""
        payload = {
            "phase": self.phase,
            "form": self.form,
            "exit_kinds": list(self.exit_kinds),
            "title_sv": self.title_sv,
            "title_en": self.title_en,
            "sort_order": self.sort_order,
            "items": list(self.items),
        }
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()


def _clean_item(raw: dict[str, Any], where: str) -> dict[str, Any]:
    key = raw.get("key")
    if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9-]{1,60}", key):
        raise ValueError(f"{where}: item key {key!r} must be 1–60 of a–z, 0–9 and '-'")
    for name in ("text_sv", "text_en"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise ValueError(f"{where}/{key}: {name} is missing")
    roles = raw.get("roles", [])
    if not isinstance(roles, list) or any(r not in ROLE_LABELS for r in roles):
        raise ValueError(f"{where}/{key}: roles must be a list of {sorted(ROLE_LABELS)}")
    sides = raw.get("sides", [])
    if not isinstance(sides, list) or any(side not in EXIT_SIDES for side in sides):
        raise ValueError(f"{where}/{key}: sides must be a list of {sorted(EXIT_SIDES)}")
    return {
        "key": key,
        "text_sv": raw["text_sv"].strip(),
        "text_en": raw["text_en"].strip(),
        "guidance_sv": str(raw.get("guidance_sv", "")).strip(),
        "guidance_en": str(raw.get("guidance_en", "")).strip(),
        "is_required": bool(raw.get("required", False)),
        "roles": list(roles),
        "per_party": bool(raw.get("per_party", False)),
        "sides": list(sides),
        "legal_source": str(raw.get("source", "")).strip(),
    }


def parse_template(data: dict[str, Any], where: str) -> TemplateFile:
    """Validate one parsed data file; raises ValueError naming the problem."""
    phase = data.get("phase")
    if phase not in CHECKLIST_PHASE_LABELS:
        raise ValueError(f"{where}: phase must be one of {sorted(CHECKLIST_PHASE_LABELS)}")
    form = data.get("form")
    if form is not None and form not in set(Form):
        raise ValueError(f"{where}: unknown form {form!r}")
    exit_kinds = data.get("exit_kinds", [])
    if not isinstance(exit_kinds, list) or any(k not in EXIT_KINDS for k in exit_kinds):
        raise ValueError(f"{where}: exit_kinds must be a list of {sorted(EXIT_KINDS)}")
    if exit_kinds and phase != ChecklistPhase.EXIT:
        raise ValueError(f"{where}: exit_kinds are for exit sets only")
    items = tuple(_clean_item(raw, where) for raw in data.get("items", []))
    keys = [i["key"] for i in items]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{where}: item keys must be unique")
    if not items:
        raise ValueError(f"{where}: a set needs at least one item")
    return TemplateFile(
        key=str(data["key"]),
        phase=phase,
        form=form,
        title_sv=str(data["title_sv"]),
        title_en=str(data["title_en"]),
        sort_order=int(data.get("sort_order", 0)),
        items=items,
        exit_kinds=tuple(exit_kinds),
    )


@functools.cache
def template_titles_en() -> dict[str, str]:
    """The English title of each set in the data files, by its Swedish title."""
    return {spec.title_sv: spec.title_en for spec in load_template_files()}


@functools.cache
def item_texts_en() -> dict[str, str]:
    """The English text of each question in the data files, by its Swedish text."""
    return {
        str(item["text_sv"]): str(item["text_en"])
        for spec in load_template_files()
        for item in spec.items
    }


def load_template_files() -> list[TemplateFile]:
    """Every data file in ``checklists/data``, validated."""
    folder = resources.files("coop_tracker.checklists") / "data"
    found: list[TemplateFile] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            with entry.open("rb") as handle:
                found.append(parse_template(tomllib.load(handle), entry.name))
    return found


@dataclass
class TemplateSeedResult:
    sets: int
    created: int


def seed_checklist_templates(
    session: Session, *, actor: Actor, files: Sequence[TemplateFile] | None = None
) -> TemplateSeedResult:
    """Add a template version for each data file that is new or changed since it was last seeded.

    Idempotent: an unchanged file adds nothing. A changed file becomes the current version
    (also over an admin's edits in between; the admin versions stay in the history).
    """
    files = list(files) if files is not None else load_template_files()
    created = 0
    for spec in files:
        last_file = session.scalar(
            select(ChecklistTemplate)
            .where(ChecklistTemplate.key == spec.key, ChecklistTemplate.source == "file")
            .order_by(ChecklistTemplate.revision.desc())
            .limit(1)
        )
        if last_file is not None and last_file.file_hash == spec.content_hash:
            continue
        template = _new_revision(
            session,
            spec.key,
            phase=spec.phase,
            form=spec.form,
            title_sv=spec.title_sv,
            title_en=spec.title_en,
            sort_order=spec.sort_order,
            exit_kinds=list(spec.exit_kinds),
            items=[dict(item) for item in spec.items],
            source="file",
            file_hash=spec.content_hash,
            change_note="Inläst från datafil",
            actor=actor,
        )
        created += 1
        record(
            session,
            actor,
            action="seed",
            object_type="checklist_template",
            object_id=template.id,
            label=f"{template.title_sv} v{template.revision}",
            changes={"revision": [None, template.revision], "items": [None, len(spec.items)]},
        )
    session.flush()
    return TemplateSeedResult(sets=len(files), created=created)


def _new_revision(
    session: Session,
    key: str,
    *,
    phase: str,
    form: str | None,
    title_sv: str,
    title_en: str,
    sort_order: int,
    items: list[dict[str, Any]],
    source: str,
    exit_kinds: list[str] | None = None,
    file_hash: str,
    change_note: str,
    actor: Actor,
) -> ChecklistTemplate:
    last = session.scalar(
        select(func.max(ChecklistTemplate.revision)).where(ChecklistTemplate.key == key)
    )
    session.execute(
        update(ChecklistTemplate)
        .where(ChecklistTemplate.key == key, ChecklistTemplate.is_current.is_(True))
        .values(is_current=False)
    )
    template = ChecklistTemplate(
        key=key,
        revision=(last or 0) + 1,
        phase=phase,
        form=form,
        title_sv=title_sv,
        title_en=title_en,
        sort_order=sort_order,
        exit_kinds=list(exit_kinds or []),
        is_current=True,
        source=source,
        file_hash=file_hash,
        change_note=change_note[:300],
        created_at=utcnow(),
        created_by_name=actor.name,
    )
    for order, item in enumerate(items):
        template.items.append(ChecklistTemplateItem(**item, sort_order=order))
    session.add(template)
    session.flush()
    return template


def current_templates(
    session: Session, phases: Iterable[str] | None = None, form: str | tuple[str, ...] | None = None
) -> list[ChecklistTemplate]:
    """The current version of every set (optionally for some phases and one form)."""
    query = (
        select(ChecklistTemplate)
        .where(ChecklistTemplate.is_current.is_(True))
        .options(selectinload(ChecklistTemplate.items))
    )
    if phases is not None:
        query = query.where(ChecklistTemplate.phase.in_(list(phases)))
    if form is not None:
        query = query.where(
            (ChecklistTemplate.form.is_(None)) | (ChecklistTemplate.form.in_(_forms(form)))
        )
    return list(session.scalars(query.order_by(ChecklistTemplate.sort_order)))


# --------------------------------------------------------------------------- instantiation


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
            if not concerned:
                continue
            base = {
                "template_item_id": item.id,
                "phase": template.phase,
                "key": f"{template.key}/{item.key}",
                "is_required": item.is_required,
            }
            if item.per_party:
                rows.extend(
                    {**base, "party_id": pid, "responsible_party_id": pid} for pid in concerned
                )
            else:
                responsible = concerned[0] if item.roles and len(concerned) == 1 else None
                rows.append({**base, "party_id": None, "responsible_party_id": responsible})
    return rows


def _current_party_roles(agreement: Agreement) -> list[tuple[int, str]]:
    return [(p.id, p.role) for p in agreement.parties if p.left_on is None]


@dataclass(frozen=True)
class _PlanItem:
    id: int
    key: str
    roles: list[str]
    is_required: bool
    per_party: bool
    sides: tuple[str, ...] = ()


@dataclass(frozen=True)
class _PlanTemplate:
    key: str
    revision: int
    phase: str
    items: tuple[_PlanItem, ...]
    exit_kinds: tuple[str, ...] = ()


def checklist_forms(agreement: Any) -> tuple[str, ...]:
    """The template forms an agreement takes items from: its legal form, and the asymmetric
    additions when it is flagged asymmetric (asymmetry is a property, not a form)."""
    if getattr(agreement, "is_asymmetric", False):
        return (agreement.form, Form.ASYMMETRISK.value)
    return (agreement.form,)


def _forms(form: str | tuple[str, ...]) -> tuple[str, ...]:
    return (form,) if isinstance(form, str) else tuple(form)


def _plan_templates(
    session: Session, phase: str, form: str | tuple[str, ...]
) -> list[_PlanTemplate]:
    """The current templates of a phase as plain data, items remembered per template id.

    A template version never changes once written (an edit is a new version with a new id),
    so its items can be kept for the session: an import of 5,000 agreements then reads one
    short row per template instead of loading every template's items 5,000 times.
    """
    cache: dict[int, _PlanTemplate] = session.info.setdefault("coop_tracker.plan_templates", {})
    current = session.execute(
        select(ChecklistTemplate.id, ChecklistTemplate.key, ChecklistTemplate.revision)
        .where(
            ChecklistTemplate.is_current.is_(True),
            ChecklistTemplate.phase == phase,
            (ChecklistTemplate.form.is_(None)) | (ChecklistTemplate.form.in_(_forms(form))),
        )
        .order_by(ChecklistTemplate.sort_order)
    ).all()
    missing = [
        row.id
        for row in current
        if row.id not in cache
        or (cache[row.id].key, cache[row.id].revision) != (row.key, row.revision)
    ]
    if missing:
        loaded = session.scalars(
            select(ChecklistTemplate)
            .where(ChecklistTemplate.id.in_(missing))
            .options(selectinload(ChecklistTemplate.items))
        )
        for template in loaded:
            cache[template.id] = _PlanTemplate(
                key=template.key,
                revision=template.revision,
                phase=template.phase,
                items=tuple(
                    _PlanItem(
                        i.id,
                        i.key,
                        list(i.roles or []),
                        i.is_required,
                        i.per_party,
                        tuple(i.sides or ()),
                    )
                    for i in template.items
                ),
                exit_kinds=tuple(template.exit_kinds or ()),
            )
    return [cache[row.id] for row in current]


def instantiate(session: Session, agreement: Agreement, phase: str, *, actor: Actor) -> int:
    """Add the current template items of ``phase`` to the agreement (skips those it has).

    Returns how many items were added. The rows go in as one multi-row insert: an agreement
    gets some 30 items, and one ORM flush per item made a 5,000-row import take minutes.
    """
    if agreement.id is None or any(p.id is None for p in agreement.parties):
        session.flush()  # the agreement and its parties need their ids first
    templates = _plan_templates(session, phase, checklist_forms(agreement))
    existing = {
        (key, party_id)
        for key, party_id in session.execute(
            select(ChecklistItem.key, ChecklistItem.party_id).where(
                ChecklistItem.agreement_id == agreement.id, ChecklistItem.phase == phase
            )
        )
    }
    rows = [
        {
            **row,
            "agreement_id": agreement.id,
            "status": ItemStatus.OPEN,
            "not_applicable_reason": "",
            "responsible_person": "",
            "note": "",
            "evidence_url": "",
            "done_by_name": "",
            "version": 1,
        }
        for row in plan_items(templates, _current_party_roles(agreement))
        if (row["key"], row["party_id"]) not in existing
    ]
    if rows:
        session.execute(insert(ChecklistItem), rows)
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
    instantiate(session, agreement, ChecklistPhase.BEFORE, actor=actor)


# --------------------------------------------------------------------------- exit plans


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
            if not concerned:
                continue
            base = {
                "template_item_id": item.id,
                "phase": template.phase,
                "key": f"{template.key}/{item.key}",
                "is_required": item.is_required,
            }
            if item.per_party:
                rows.extend(
                    {**base, "party_id": pid, "responsible_party_id": pid} for pid in concerned
                )
            else:
                narrowed = bool(item.roles or item.sides)
                responsible = concerned[0] if narrowed and len(concerned) == 1 else None
                rows.append({**base, "party_id": None, "responsible_party_id": responsible})
    return rows


def exit_templates(session: Session, form: str | tuple[str, ...], kind: str) -> list[_PlanTemplate]:
    """The current exit templates for a form and an exit kind."""
    return [
        t
        for t in _plan_templates(session, ChecklistPhase.EXIT, form)
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
        {
            **row,
            "agreement_id": agreement.id,
            "exit_id": exit_id,
            "status": ItemStatus.OPEN,
            "not_applicable_reason": "",
            "responsible_person": "",
            "note": "",
            "evidence_url": "",
            "done_by_name": "",
            "version": 1,
        }
        for identity, row in wanted.items()
        if identity not in seen
    ]
    if rows:
        session.execute(insert(ChecklistItem), rows)
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


def _open_exits(session: Session, agreement: Agreement) -> list[Exit]:
    return list(
        session.scalars(
            select(Exit).where(
                Exit.agreement_id == agreement.id, Exit.status.in_(("draft", "adopted"))
            )
        )
    )


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


def bring_up_to_date(session: Session, agreement: Agreement, *, actor: Actor) -> UpdateResult:
    """Move the agreement's checklist to the current template versions.

    New questions are added, except those of a phase the agreement has passed (``PASSED``: a
    running agreement gets new "during" and exit questions, never a new "before" gate);
    questions removed from the templates are retired (kept, with their status, but no longer
    counted or gating); questions kept keep their answers. Items of parties that have left are
    history and are left alone.
    """
    _check_edit(agreement, actor)
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
        for row in plan_items(templates, _current_party_roles(agreement))
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
    for plan in _open_exits(session, agreement):
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
    for plan in _open_exits(session, agreement):
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


# --------------------------------------------------------------------------- items


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


def _check_edit(agreement: Agreement, actor: Actor) -> None:
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
    _check_edit(agreement, actor)
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


# --------------------------------------------------------------------------- admin editing


@dataclass
class TemplateItemInput:
    """A template question as an admin types it."""

    text_sv: Any = ""
    text_en: Any = ""
    guidance_sv: Any = ""
    guidance_en: Any = ""
    is_required: Any = False
    roles: list[Any] = field(default_factory=list)
    per_party: Any = False


def _validate_template_item(data: TemplateItemInput) -> dict[str, Any]:
    errors = v.Errors()
    values = {
        "text_sv": v.text(
            data.text_sv, "text_sv", _("Fråga på svenska"), errors, max_length=300, required=True
        ),
        "text_en": v.text(data.text_en, "text_en", _("Fråga på engelska"), errors, max_length=300),
        "guidance_sv": v.text(
            data.guidance_sv,
            "guidance_sv",
            _("Vägledning på svenska"),
            errors,
            max_length=3000,
            multiline=True,
        ),
        "guidance_en": v.text(
            data.guidance_en,
            "guidance_en",
            _("Vägledning på engelska"),
            errors,
            max_length=3000,
            multiline=True,
        ),
        "is_required": bool(data.is_required),
        "per_party": bool(data.per_party),
    }
    roles = data.roles or []
    if not isinstance(roles, list | tuple) or any(r not in ROLE_LABELS for r in roles):
        errors.add("roles", _("Roller måste vara värd, beställare eller medlem."))
        roles = []
    values["roles"] = [r for r in Role if r in roles]
    if errors:
        raise ValidationFailed(dict(errors))
    if not values["text_en"]:
        values["text_en"] = values["text_sv"]
    return values


def _item_dict(item: ChecklistTemplateItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "text_sv": item.text_sv,
        "text_en": item.text_en,
        "guidance_sv": item.guidance_sv,
        "guidance_en": item.guidance_en,
        "is_required": item.is_required,
        "roles": list(item.roles or []),
        "per_party": item.per_party,
        "sides": list(item.sides or []),
        "legal_source": item.legal_source,
    }


def current_template(session: Session, key: str) -> ChecklistTemplate:
    template = session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.key == key, ChecklistTemplate.is_current.is_(True)
        )
    )
    if template is None:
        raise NotFound(_("Checklistmallen hittades inte."))
    return template


def _admin_revision(
    session: Session,
    template: ChecklistTemplate,
    items: list[dict[str, Any]],
    note: str,
    actor: Actor,
) -> ChecklistTemplate:
    if actor.user is not None and not can(actor.user, "checklist_template.manage"):
        raise PermissionDenied()
    if not items:
        raise ValidationFailed({"items": _("En checklista måste ha minst en punkt.")})
    new = _new_revision(
        session,
        template.key,
        phase=template.phase,
        form=template.form,
        title_sv=template.title_sv,
        title_en=template.title_en,
        sort_order=template.sort_order,
        exit_kinds=list(template.exit_kinds or []),
        items=items,
        source="admin",
        file_hash="",
        change_note=note,
        actor=actor,
    )
    record(
        session,
        actor,
        action="new_version",
        object_type="checklist_template",
        object_id=new.id,
        label=f"{new.title_sv} v{new.revision}",
        changes={"revision": [template.revision, new.revision], "note": [None, note]},
    )
    return new


def save_template_item(
    session: Session,
    template: ChecklistTemplate,
    item_key: str | None,
    data: TemplateItemInput,
    *,
    expected_revision: Any,
    actor: Actor,
) -> ChecklistTemplate:
    """Change (or, with ``item_key`` None, add) a question: the set gets a new version."""
    if actor.user is not None and not can(actor.user, "checklist_template.manage"):
        raise PermissionDenied()
    _check_revision(template, expected_revision)
    values = _validate_template_item(data)
    items = [_item_dict(i) for i in template.items]
    if item_key is None:
        used = {i["key"] for i in items}
        n = 1
        while f"egen-{n}" in used:
            n += 1
        items.append({"key": f"egen-{n}", **values})
        note = f"Ny punkt: {values['text_sv'][:200]}"
    else:
        target = next((i for i in items if i["key"] == item_key), None)
        if target is None:
            raise NotFound(_("Punkten finns inte i mallens senaste version."))
        changed = diff({k: target[k] for k in values}, values)
        if not changed:
            return template
        target.update(values)
        note = f"Ändrad punkt: {values['text_sv'][:200]}"
    return _admin_revision(session, template, items, note, actor)


def _check_revision(template: ChecklistTemplate, expected_revision: Any) -> None:
    """Refuse a change to a set based on another version than its latest."""
    check_version(
        expected_revision if template.is_current else None,
        template.revision,
        lambda: {"revision": template.revision},
        strict=False,
        message=_(
            "Mallen har fått en ny version sedan du öppnade sidan. Ladda om och försök igen."
        ),
    )


def remove_template_item(
    session: Session,
    template: ChecklistTemplate,
    item_key: str,
    *,
    expected_revision: Any,
    actor: Actor,
) -> ChecklistTemplate:
    """Remove a question: the set gets a new version without it (old versions keep it)."""
    if actor.user is not None and not can(actor.user, "checklist_template.manage"):
        raise PermissionDenied()
    _check_revision(template, expected_revision)
    items = [_item_dict(i) for i in template.items]
    target = next((i for i in items if i["key"] == item_key), None)
    if target is None:
        raise NotFound(_("Punkten finns inte i mallens senaste version."))
    items.remove(target)
    return _admin_revision(
        session, template, items, f"Borttagen punkt: {target['text_sv'][:200]}", actor
    )
