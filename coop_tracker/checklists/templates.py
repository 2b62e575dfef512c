"""Checklist templates: the sets in the data files, their versions, seeding, the current
versions (also as plain data for planning items) and an admin's edits.

Templates are versioned: a changed data file or an admin's edit adds a new revision and never
changes an old one, so an agreement keeps the questions it was created with until someone
brings its checklist up to date explicitly (``checklists.versions``).
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

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements.models import Form, Role
from coop_tracker.agreements.rules import ROLE_LABELS
from coop_tracker.audit.services import diff, record
from coop_tracker.checklists.models import (
    ChecklistPhase,
    ChecklistTemplate,
    ChecklistTemplateItem,
)
from coop_tracker.checklists.rules import CHECKLIST_PHASE_LABELS, EXIT_KINDS, EXIT_SIDES
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import NotFound, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can

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
            spec,
            [dict(item) for item in spec.items],
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
    like: TemplateFile | ChecklistTemplate,
    items: list[dict[str, Any]],
    *,
    source: str,
    file_hash: str,
    change_note: str,
    actor: Actor,
) -> ChecklistTemplate:
    """The next revision of the set ``like`` names (its key, phase, form, titles, order and
    exit kinds), with ``items``; it becomes the current one."""
    key = like.key
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
        phase=like.phase,
        form=like.form,
        title_sv=like.title_sv,
        title_en=like.title_en,
        sort_order=like.sort_order,
        exit_kinds=list(like.exit_kinds or []),
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


# --------------------------------------------------------------------------- as plain data


@dataclass(frozen=True)
class PlanItem:
    id: int
    key: str
    roles: list[str]
    is_required: bool
    per_party: bool
    sides: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanTemplate:
    key: str
    revision: int
    phase: str
    items: tuple[PlanItem, ...]
    exit_kinds: tuple[str, ...] = ()


def checklist_forms(agreement: Any) -> tuple[str, ...]:
    """The template forms an agreement takes items from: its legal form, and the asymmetric
    additions when it is flagged asymmetric (asymmetry is a property, not a form)."""
    if getattr(agreement, "is_asymmetric", False):
        return (agreement.form, Form.ASYMMETRISK.value)
    return (agreement.form,)


def _forms(form: str | tuple[str, ...]) -> tuple[str, ...]:
    return (form,) if isinstance(form, str) else tuple(form)


def plan_templates(session: Session, phase: str, form: str | tuple[str, ...]) -> list[PlanTemplate]:
    """The current templates of a phase as plain data, items remembered per template id.

    A template version never changes once written (an edit is a new version with a new id),
    so its items can be kept for the session: an import of 5,000 agreements then reads one
    short row per template instead of loading every template's items 5,000 times.
    """
    cache: dict[int, PlanTemplate] = session.info.setdefault("coop_tracker.plan_templates", {})
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
            cache[template.id] = PlanTemplate(
                key=template.key,
                revision=template.revision,
                phase=template.phase,
                items=tuple(
                    PlanItem(
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
        session, template, items, source="admin", file_hash="", change_note=note, actor=actor
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
    _check_change(template, expected_revision, actor)
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
        target = _find_item(items, item_key)
        changed = diff({k: target[k] for k in values}, values)
        if not changed:
            return template
        target.update(values)
        note = f"Ändrad punkt: {values['text_sv'][:200]}"
    return _admin_revision(session, template, items, note, actor)


def _check_change(template: ChecklistTemplate, expected_revision: Any, actor: Actor) -> None:
    """Refuse a change by someone who may not manage templates, or based on another version of
    the set than its latest."""
    if actor.user is not None and not can(actor.user, "checklist_template.manage"):
        raise PermissionDenied()
    check_version(
        expected_revision if template.is_current else None,
        template.revision,
        lambda: {"revision": template.revision},
        strict=False,
        message=_(
            "Mallen har fått en ny version sedan du öppnade sidan. Ladda om och försök igen."
        ),
    )


def _find_item(items: list[dict[str, Any]], item_key: str) -> dict[str, Any]:
    target = next((i for i in items if i["key"] == item_key), None)
    if target is None:
        raise NotFound(_("Punkten finns inte i mallens senaste version."))
    return target


def remove_template_item(
    session: Session,
    template: ChecklistTemplate,
    item_key: str,
    *,
    expected_revision: Any,
    actor: Actor,
) -> ChecklistTemplate:
    """Remove a question: the set gets a new version without it (old versions keep it)."""
    _check_change(template, expected_revision, actor)
    items = [_item_dict(i) for i in template.items]
    target = _find_item(items, item_key)
    items.remove(target)
    return _admin_revision(
        session, template, items, f"Borttagen punkt: {target['text_sv'][:200]}", actor
    )
