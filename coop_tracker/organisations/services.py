"""Seeding kommuner, regioner and agencies as organisations; registering förbund, Finsam and
companies; resolving a party's ``organisation`` (code, organisationsnummer or id).

Every function takes the session and an explicit actor, writes the audit log and flushes; the
caller commits.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.audit.services import diff, plain, record, record_update
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can
from coop_tracker.municipalities.models import Municipality
from coop_tracker.municipalities.services import record_reference_seed
from coop_tracker.organisations.models import REGISTERED_KINDS, Organisation, OrgKind
from coop_tracker.organisations.rules import normalised_org_number
from coop_tracker.organisations.schemas import CheckedOrganisationSchema

DATA = Path(__file__).parent / "data"
ORGANISATION_FIELDS = (
    "kind",
    "name",
    "org_number",
    "description",
    "articles_adopted_on",
    "owner_directive_on",
)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed_organisations(session: Session, *, actor: Actor) -> tuple[int, int]:
    """Every kommun, the 21 regioner and the two Finsam agencies as organisations.

    Idempotent: kommuner follow their municipality row's name and county; returns (created,
    updated). Run after ``seed_reference_data`` (the kommuner must be in place).
    """
    created = updated = 0
    existing = list(session.scalars(select(Organisation)))
    by_kommun = {o.municipality_code: o for o in existing if o.municipality_code}
    by_code = {o.code: o for o in existing if o.code}
    by_number = {o.org_number: o for o in existing if o.org_number}
    for muni in session.scalars(select(Municipality)):
        org = by_kommun.get(muni.code)
        if org is None:
            session.add(
                Organisation(
                    kind=OrgKind.KOMMUN,
                    name=muni.name,
                    code=muni.code,
                    municipality_code=muni.code,
                    county_code=muni.county_code,
                )
            )
            created += 1
        elif (org.name, org.county_code) != (muni.name, muni.county_code):
            org.name, org.county_code = muni.name, muni.county_code
            updated += 1
    for row in _rows("regions.csv"):
        org = by_code.get(row["code"])
        if org is None:
            session.add(
                Organisation(
                    kind=OrgKind.REGION,
                    name=row["name"],
                    code=row["code"],
                    county_code=row["code"],
                )
            )
            created += 1
        elif org.name != row["name"]:
            org.name = row["name"]
            updated += 1
    for row in _rows("agencies.csv"):
        org = by_number.get(row["org_number"])
        if org is None:
            session.add(
                Organisation(kind=OrgKind.AGENCY, name=row["name"], org_number=row["org_number"])
            )
            created += 1
        elif org.name != row["name"]:
            org.name = row["name"]
            updated += 1
    session.flush()
    label = "Referensdata (organisationer: kommuner, regioner, myndigheter)"
    record_reference_seed(session, actor, "organisations", label, created, updated)
    return created, updated


def find_organisation(session: Session, value: Any) -> Organisation | None:
    """The organisation a file or an API client names: an integer is an id; text is a
    kommunkod, a länskod, an organisationsnummer (with or without the dash), or an id."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return session.get(Organisation, value) if v.is_row_id(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or not v.is_plain_key(text, 20):
        return None
    found = session.scalar(select(Organisation).where(Organisation.code == text))
    if found is not None:
        return found
    number = normalised_org_number(text)
    if number is not None:
        return session.scalar(select(Organisation).where(Organisation.org_number == number))
    if text.isdigit() and len(text) > 4 and v.is_row_id(int(text)):
        return session.get(Organisation, int(text))
    if text.lower().startswith("org-") and text[4:].isdigit() and v.is_row_id(int(text[4:])):
        return session.get(Organisation, int(text[4:]))
    return None


@dataclass
class OrganisationInput:
    """A förbund, samordningsförbund or company as typed in a form or sent to the API."""

    kind: Any = None
    name: Any = ""
    org_number: Any = ""
    description: Any = ""
    articles_adopted_on: Any = None
    owner_directive_on: Any = None


def organisation_snapshot(org: Organisation) -> dict[str, Any]:
    return {name: plain(getattr(org, name)) for name in ORGANISATION_FIELDS}


def _validate(
    session: Session, data: OrganisationInput, current: Organisation | None
) -> dict[str, Any]:
    errors = v.Errors()
    values, refusals = CheckedOrganisationSchema().check(vars(data))
    errors.update(refusals)
    raw_number = values.get("org_number")
    number: str | None = None
    if raw_number:
        number = normalised_org_number(raw_number)
        if number is None:
            errors.add(
                "org_number",
                _(
                    "Organisationsnummer: ange tio siffror, t.ex. 222000-1230, med rätt "
                    "kontrollsiffra."
                ),
            )
        else:
            clash = session.scalar(select(Organisation.id).where(Organisation.org_number == number))
            if clash is not None and (current is None or clash != current.id):
                errors.add(
                    "org_number",
                    _("Organisationsnummer: en organisation med %(n)s finns redan.", n=number),
                )
    values["org_number"] = number
    if values.get("kind") != OrgKind.COMPANY:
        for name in ("articles_adopted_on", "owner_directive_on"):
            if values.get(name) is not None:
                errors.add(name, _("Bolagsordning och ägardirektiv gäller bara bolag."))
    if errors:
        raise ValidationFailed(dict(errors))
    return values


def create_organisation(session: Session, data: OrganisationInput, *, actor: Actor) -> Organisation:
    """Register a kommunalförbund, samordningsförbund or company."""
    if actor.user is not None and not can(actor.user, "organisation.create"):
        raise PermissionDenied()
    values = _validate(session, data, None)
    org = Organisation(**values)
    session.add(org)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="organisation",
        object_id=org.id,
        label=org.name,
        changes=diff({}, organisation_snapshot(org)),
    )
    return org


def update_organisation(
    session: Session,
    org: Organisation,
    data: OrganisationInput,
    *,
    expected_version: Any,
    actor: Actor,
) -> Organisation:
    """Change a registered organisation; kommuner, regioner and agencies are reference data."""
    if actor.user is not None and not can(actor.user, "organisation.edit"):
        raise PermissionDenied()
    if org.kind not in REGISTERED_KINDS:
        raise ValidationFailed(
            {"kind": _("Kommuner, regioner och myndigheter är referensdata och ändras inte här.")}
        )
    check_version(expected_version, org.version, lambda: organisation_snapshot(org))
    values = _validate(session, data, org)
    before = organisation_snapshot(org)
    for name, value in values.items():
        setattr(org, name, value)
    record_update(
        session,
        actor,
        before,
        organisation_snapshot(org),
        object_type="organisation",
        object_id=org.id,
        label=org.name,
    )
    return org
