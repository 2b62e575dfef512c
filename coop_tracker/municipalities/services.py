"""Loading the reference data (counties, municipalities, areas) idempotently."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.audit.services import diff, record
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.municipalities.models import Area, County, KommunSetting, Municipality
from coop_tracker.municipalities.schemas import CheckedAreaSchema


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("coop_tracker.municipalities") / "data" / name
    text = path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@dataclass
class SeedResult:
    counties: int
    municipalities: int
    areas: int
    created: int
    updated: int


def seed_reference_data(session: Session, *, actor: Actor) -> SeedResult:
    """Insert or update counties, municipalities and areas; running it twice changes nothing."""
    created = updated = 0
    counties = {c.code: c for c in session.scalars(select(County))}
    for row in _rows("counties.csv"):
        county = counties.get(row["code"])
        if county is None:
            session.add(County(code=row["code"], name=row["name"]))
            created += 1
        elif county.name != row["name"]:
            county.name = row["name"]
            updated += 1
    session.flush()
    municipalities = {m.code: m for m in session.scalars(select(Municipality))}
    muni_rows = _rows("municipalities.csv")
    for row in muni_rows:
        muni = municipalities.get(row["code"])
        if muni is None:
            session.add(
                Municipality(code=row["code"], name=row["name"], county_code=row["county_code"])
            )
            created += 1
        elif (muni.name, muni.county_code) != (row["name"], row["county_code"]):
            muni.name, muni.county_code = row["name"], row["county_code"]
            updated += 1
    areas = {a.slug: a for a in session.scalars(select(Area))}
    area_rows = _rows("areas.csv")
    for row in area_rows:
        area = areas.get(row["slug"])
        values = {
            "label_sv": row["label_sv"],
            "label_en": row["label_en"],
            "sort_order": int(row["sort_order"]),
        }
        if area is None:
            session.add(Area(slug=row["slug"], **values))
            created += 1
        elif _changed_in_browser(session, area):
            continue  # an administrator renamed, merged or retired it: theirs is kept
        elif any(getattr(area, k) != val for k, val in values.items()):
            for k, val in values.items():
                setattr(area, k, val)
            updated += 1
    session.flush()
    label = "Referensdata (län, kommuner, områden)"
    record_reference_seed(session, actor, "-", label, created, updated)
    return SeedResult(
        counties=len(counties) or 21,
        municipalities=len(muni_rows),
        areas=len(area_rows),
        created=created,
        updated=updated,
    )


def _changed_in_browser(session: Session, area: Area) -> bool:
    from coop_tracker.audit.models import AuditEvent

    return not area.is_active or bool(
        session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.object_type == "area",
                AuditEvent.object_id == str(area.id),
                AuditEvent.action.in_(("update", "merge", "retire")),
            )
            .limit(1)
        )
    )


def area_labels(label_sv: Any, label_en: Any, errors: v.Errors) -> tuple[str, str]:
    """An area's Swedish and English names as typed, checked (both required)."""
    values, refusals = CheckedAreaSchema().check({"label_sv": label_sv, "label_en": label_en})
    for name, message in refusals.items():
        errors.add(name, message)
    return values.get("label_sv", ""), values.get("label_en", "")


def create_area(session: Session, data: dict[str, Any], *, actor: Actor) -> Area:
    """Add an area to the vocabulary (admins only)."""
    if actor.user is not None and not can(actor.user, "reference.manage"):
        raise PermissionDenied()
    errors = v.Errors()
    slug = v.text(data.get("slug"), "slug", _("Kortnamn"), errors, max_length=60, required=True)
    label_sv, label_en = area_labels(data.get("label_sv"), data.get("label_en"), errors)
    if slug and not re.fullmatch(r"[a-z0-9-]+", slug):
        errors.add("slug", _("Kortnamn får bara innehålla a–z, siffror och bindestreck."))
    elif slug and session.scalar(select(Area.id).where(Area.slug == slug)):
        errors.add("slug", _("Det finns redan ett område med det kortnamnet."))
    if errors:
        raise ValidationFailed(dict(errors))
    area = Area(slug=slug, label_sv=label_sv, label_en=label_en, sort_order=1000)
    session.add(area)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="area",
        object_id=area.id,
        label=area.label_sv,
        changes=diff({}, {"slug": slug, "label_sv": label_sv, "label_en": label_en}),
    )
    return area


def kommun_settings_for(session: Session, code: str) -> KommunSetting:
    """The kommun's settings; a new (unsaved) row of defaults when it has none."""
    found = session.get(KommunSetting, code)
    if found is not None:
        return found
    return KommunSetting(
        municipality_code=code,
        notice_buffer_days=None,
        internal_lead_days=None,
        continuation_lead_months=None,
        reminder_lead_days="",
        sender_name="",
        reply_to="",
        new_agreements_public=False,
        version=0,  # not saved yet; the first save inserts it as version 1
    )


def record_reference_seed(
    session: Session, actor: Actor, object_id: str, label: str, created: int, updated: int
) -> None:
    """Audit a seed of reference data by the rows it added and changed; a seed that found
    everything in place leaves no event."""
    if created or updated:
        record(
            session,
            actor,
            action="seed",
            object_type="reference_data",
            object_id=object_id,
            label=label,
            changes={"created": [None, created], "updated": [None, updated]},
        )
