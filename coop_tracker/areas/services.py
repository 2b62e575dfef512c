"""The area vocabulary (samverkansområden) kept by administrators: add, rename, merge into
another and retire. A retired area is not offered for new agreements and stays on the
agreements that have it; a merged one is retired after its agreements moved to the other."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import agreement_area
from coop_tracker.audit.services import record, record_update
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.municipalities.models import Area
from coop_tracker.municipalities.services import area_labels, create_area


def _require(actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "areas.manage"):
        raise PermissionDenied()


def _record_area(
    session: Session, actor: Actor, area: Area, action: str, changes: dict[str, Any]
) -> None:
    """Audit a change to an area under its Swedish name."""
    record(
        session,
        actor,
        action=action,
        object_type="area",
        object_id=area.id,
        label=area.label_sv,
        changes=changes,
    )


def slug_for(label: str) -> str:
    """A short name from a Swedish label: "Miljö- och hälsoskydd" → "miljo-och-halsoskydd"."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60]


@dataclass
class AreaInput:
    label_sv: Any = ""
    label_en: Any = ""
    slug: Any = ""


def add_area(session: Session, data: AreaInput, *, actor: Actor) -> Area:
    """A new area; its short name (used in the API and exports) from the Swedish label unless
    one is given."""
    _require(actor)
    slug = str(data.slug or "").strip() or slug_for(str(data.label_sv or ""))
    return create_area(
        session,
        {"slug": slug, "label_sv": data.label_sv, "label_en": data.label_en},
        actor=actor,
    )


def rename_area(session: Session, area: Area, data: AreaInput, *, actor: Actor) -> Area:
    """New Swedish and English names; the short name stays (links and exports keep working)."""
    _require(actor)
    errors = v.Errors()
    label_sv, label_en = area_labels(data.label_sv, data.label_en, errors)
    if label_sv and session.scalar(
        select(Area.id).where(func.lower(Area.label_sv) == label_sv.lower(), Area.id != area.id)
    ):
        errors.add("label_sv", _("Namn på svenska: det finns redan ett område med det namnet."))
    if errors:
        raise ValidationFailed(dict(errors))
    before = {"label_sv": area.label_sv, "label_en": area.label_en}
    area.label_sv, area.label_en = label_sv, label_en
    record_update(
        session,
        actor,
        before,
        {"label_sv": label_sv, "label_en": label_en},
        object_type="area",
        object_id=area.id,
        label=label_sv,
    )
    return area


def agreement_counts(session: Session) -> dict[int, int]:
    """How many agreements have each area."""
    return dict(
        session.execute(
            select(agreement_area.c.area_id, func.count()).group_by(agreement_area.c.area_id)
        )
        .tuples()
        .all()
    )


def retire_area(session: Session, area: Area, *, actor: Actor) -> Area:
    """Stop offering the area for new agreements; agreements that have it keep it."""
    _require(actor)
    if not area.is_active:
        raise DomainError(_("Området ”%(label)s” är redan avvecklat.", label=area.label_sv))
    area.is_active = False
    session.flush()
    _record_area(session, actor, area, "retire", {"is_active": [True, False]})
    return area


def restore_area(session: Session, area: Area, *, actor: Actor) -> Area:
    """Offer a retired (not merged) area again."""
    _require(actor)
    if area.merged_into_id is not None:
        raise DomainError(
            _(
                "Området ”%(label)s” är sammanslaget med ett annat och kan inte tas i bruk igen.",
                label=area.label_sv,
            )
        )
    if area.is_active:
        return area
    area.is_active = True
    session.flush()
    _record_area(session, actor, area, "activate", {"is_active": [False, True]})
    return area


def merge_area(session: Session, area: Area, target_slug: Any, *, actor: Actor) -> int:
    """Move every agreement of ``area`` to the target area and retire ``area``; returns how
    many agreements moved (those that already had both keep the target once)."""
    _require(actor)
    target = session.scalar(select(Area).where(Area.slug == str(target_slug or "")[:60]))
    if target is None:
        raise ValidationFailed({"target": _("Slå ihop med: välj ett område.")})
    if target.id == area.id:
        raise ValidationFailed({"target": _("Slå ihop med: välj ett annat område.")})
    if not target.is_active:
        raise ValidationFailed(
            {"target": _("Slå ihop med: ”%(label)s” är avvecklat.", label=target.label_sv)}
        )
    moving = set(
        session.scalars(
            select(agreement_area.c.agreement_id).where(agreement_area.c.area_id == area.id)
        )
    )
    having = set(
        session.scalars(
            select(agreement_area.c.agreement_id).where(agreement_area.c.area_id == target.id)
        )
    )
    session.execute(delete(agreement_area).where(agreement_area.c.area_id == area.id))
    new = sorted(moving - having)
    if new:
        session.execute(
            insert(agreement_area), [{"agreement_id": a, "area_id": target.id} for a in new]
        )
    area.is_active = False
    area.merged_into_id = target.id
    session.flush()
    session.expire_all()  # loaded agreements read their areas again
    _record_area(
        session,
        actor,
        area,
        "merge",
        {
            "merged_into": [None, target.slug],
            "agreements": [None, len(moving)],
            "is_active": [True, False],
        },
    )
    return len(moving)


def get_area(session: Session, slug: str) -> Area:
    area = session.scalar(select(Area).where(Area.slug == slug[:60]))
    if area is None:
        raise NotFound(_("Området finns inte."))
    return area
