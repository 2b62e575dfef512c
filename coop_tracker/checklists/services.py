"""Checklist templates (seeded from data files, edited by admins) and items on agreements.

Templates are versioned: a changed data file or an admin's edit adds a new revision and never
changes an old one, so an agreement keeps the questions it was created with until someone
brings its checklist up to date explicitly.
"""

from __future__ import annotations

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
from coop_tracker.audit.services import diff, plain, record
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
    StaleVersion,
    ValidationFailed,
)
from coop_tracker.core.i18n import _, _l, swedish
from coop_tracker.core.permissions import can

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

    @property
    def content_hash(self) -> str:
        """A hash of the content (not of comments or layout): a changed hash is a new version."""
        payload = {
            "phase": self.phase,
            "form": self.form,
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
    return {
        "key": key,
        "text_sv": raw["text_sv"].strip(),
        "text_en": raw["text_en"].strip(),
        "guidance_sv": str(raw.get("guidance_sv", "")).strip(),
        "guidance_en": str(raw.get("guidance_en", "")).strip(),
        "is_required": bool(raw.get("required", False)),
        "roles": list(roles),
        "per_party": bool(raw.get("per_party", False)),
    }


def parse_template(data: dict[str, Any], where: str) -> TemplateFile:
    """Validate one parsed data file; raises ValueError naming the problem."""
    phase = data.get("phase")
    if phase not in CHECKLIST_PHASE_LABELS:
        raise ValueError(f"{where}: phase must be one of {sorted(CHECKLIST_PHASE_LABELS)}")
    form = data.get("form")
    if form is not None and form not in set(Form):
        raise ValueError(f"{where}: unknown form {form!r}")
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
    )


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
    session: Session, phases: Iterable[str] | None = None, form: str | None = None
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
        query = query.where((ChecklistTemplate.form.is_(None)) | (ChecklistTemplate.form == form))
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


@dataclass(frozen=True)
class _PlanTemplate:
    key: str
    revision: int
    phase: str
    items: tuple[_PlanItem, ...]


def _plan_templates(session: Session, phase: str, form: str) -> list[_PlanTemplate]:
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
            (ChecklistTemplate.form.is_(None)) | (ChecklistTemplate.form == form),
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
                    _PlanItem(i.id, i.key, list(i.roles or []), i.is_required, i.per_party)
                    for i in template.items
                ),
            )
    return [cache[row.id] for row in current]


def instantiate(session: Session, agreement: Agreement, phase: str, *, actor: Actor) -> int:
    """Add the current template items of ``phase`` to the agreement (skips those it has).

    Returns how many items were added. The rows go in as one multi-row insert: an agreement
    gets some 30 items, and one ORM flush per item made a 5,000-row import take minutes.
    """
    if agreement.id is None or any(p.id is None for p in agreement.parties):
        session.flush()  # the agreement and its parties need their ids first
    templates = _plan_templates(session, phase, agreement.form)
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


@dataclass
class UpdateResult:
    """What bringing a checklist up to date did."""

    added: int = 0
    retired: int = 0
    updated: int = 0
    kept_done: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.retired or self.updated)


def bring_up_to_date(session: Session, agreement: Agreement, *, actor: Actor) -> UpdateResult:
    """Move the agreement's checklist to the current template versions.

    New questions are added; questions removed from the templates are retired (kept, with
    their status, but no longer counted or gating); questions kept keep their answers. Items of
    parties that have left are history and are left alone.
    """
    _check_edit(agreement, actor)
    if agreement.phase in CLOSED_PHASES:
        raise DomainError(_("Samverkan är avslutad; checklistan kan inte längre ändras."))
    result = UpdateResult()
    left = {p.id for p in agreement.parties if p.left_on is not None}
    phases = REACHED[agreement.phase]
    templates = current_templates(session, phases, agreement.form)
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
            item.is_required = row["is_required"]
            item.retired_at = None
            result.updated += 1
    for identity, row in wanted.items():
        if identity not in seen:
            session.add(ChecklistItem(agreement_id=agreement.id, status=ItemStatus.OPEN, **row))
            result.added += 1
    session.flush()
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
                "templates": [None, sorted(f"{t.key} v{t.revision}" for t in templates)],
            },
        )
    return result


def update_available(session: Session, agreement: Agreement) -> bool:
    """Whether a newer template version (or a set the agreement lacks) is there to adopt."""
    if agreement.phase in CLOSED_PHASES:
        return False
    current = {t.id for t in current_templates(session, REACHED[agreement.phase], agreement.form)}
    used = set(
        session.scalars(
            select(ChecklistTemplateItem.template_id)
            .join(ChecklistItem, ChecklistItem.template_item_id == ChecklistTemplateItem.id)
            .where(ChecklistItem.agreement_id == agreement.id, ChecklistItem.retired_at.is_(None))
            .distinct()
        )
    )
    return bool(used - current) or bool(current - used)


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
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": _("Versionsnummer saknas eller är ogiltigt.")}) from None
    if expected != item.version:
        raise StaleVersion(item_snapshot(item), item.version)
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
    changes = diff(before, item_snapshot(item))
    if changes:
        session.flush()
        record(
            session,
            actor,
            action="update",
            object_type="checklist_item",
            object_id=item.id,
            label=f"{item.template_item.text_sv[:150]} ({agreement.title})",
            agreement_id=agreement.id,
            changes=changes,
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
    if str(expected_revision) != str(template.revision) or not template.is_current:
        raise StaleVersion(
            {"revision": template.revision},
            template.revision,
            _("Mallen har fått en ny version sedan du öppnade sidan. Ladda om och försök igen."),
        )
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
    if str(expected_revision) != str(template.revision) or not template.is_current:
        raise StaleVersion(
            {"revision": template.revision},
            template.revision,
            _("Mallen har fått en ny version sedan du öppnade sidan. Ladda om och försök igen."),
        )
    items = [_item_dict(i) for i in template.items]
    target = next((i for i in items if i["key"] == item_key), None)
    if target is None:
        raise NotFound(_("Punkten finns inte i mallens senaste version."))
    items.remove(target)
    return _admin_revision(
        session, template, items, f"Borttagen punkt: {target['text_sv'][:200]}", actor
    )
