"""Checking an agreement before it is saved: its own fields and term through
``schemas.CheckedAgreementSchema``, its parties through ``parties.clean_parties``, and here what
must be looked up (areas, the founded organisation, the asymmetric flag). ``clean_agreement``
raises ``ValidationFailed`` naming every wrong field, else returns the clean values and the
advice that does not block saving."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.inputs import AgreementInput
from coop_tracker.agreements.models import ASYMMETRIC_FORMS, BODY_FORMS, Form, Role
from coop_tracker.agreements.parties import clean_parties
from coop_tracker.agreements.rules import is_much_larger, role_rule_warnings
from coop_tracker.agreements.schemas import CheckedAgreementSchema
from coop_tracker.core import validation as v
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.municipalities.models import Area
from coop_tracker.organisations.rules import KIND_LABELS
from coop_tracker.organisations.services import find_organisation


@dataclass
class Clean:
    values: dict[str, Any]
    areas: list[Area]
    parties: list[dict[str, Any]]
    warnings: list[str]


def clean_agreement(session: Session, data: AgreementInput, today: date) -> Clean:
    """Check every field (the agreement's own through ``CheckedAgreementSchema``, then what
    must be looked up: areas, parties, the founded organisation); raise ValidationFailed naming
    each wrong field."""
    errors = v.Errors()
    if data.form == Form.ASYMMETRISK:
        # The old form: an avtalssamverkan with the asymmetric flag (host and purchasers).
        data = replace(
            data,
            form=Form.AVTALSSAMVERKAN,
            is_asymmetric=True if data.is_asymmetric in (None, "") else data.is_asymmetric,
        )
    values, fields = CheckedAgreementSchema().check(vars(data))
    errors.update(fields)
    values.setdefault("form", None)

    areas = _validate_areas(session, data.area_slugs, errors)
    parties = clean_parties(session, data.parties, values["form"], errors, today)
    values["body_organisation_id"] = _validate_body(session, data, values["form"], parties, errors)
    if errors:
        raise ValidationFailed(dict(errors))
    # A kommun's organisation was looked up with its kommun (``Organisation.municipality``).
    population = {
        p["municipality_code"]: p["organisation"].municipality.population
        for p in parties
        if p["municipality_code"] and p["organisation"].municipality is not None
    }
    current = [(p["municipality_code"] or "", p["role"]) for p in parties if not p["left_on"]]
    values["is_asymmetric"] = _asymmetric(data.is_asymmetric, values["form"], current, population)
    warnings = role_rule_warnings(
        values["form"], current, population, asymmetric=values["is_asymmetric"]
    )
    return Clean(values=values, areas=areas, parties=parties, warnings=warnings)


def _asymmetric(
    given: Any, form: str, parties: list[tuple[str, str]], population: dict[str, int | None]
) -> bool:
    """The flag as given, else derived: one host much larger than every other kommun."""
    if form not in ASYMMETRIC_FORMS:
        return False
    if isinstance(given, bool):
        return given
    if given in ("y", "on", "1", "true", "yes", "ja"):
        return True
    if given in ("n", "0", "false", "no", "nej"):
        return False
    hosts = [code for code, role in parties if role == Role.HOST]
    others = [code for code, role in parties if role != Role.HOST and code]
    if len(hosts) != 1 or not hosts[0] or not others:
        return False
    return bool(is_much_larger(population.get(hosts[0]), [population.get(c) for c in others]))


def _validate_body(
    session: Session,
    data: AgreementInput,
    form: str | None,
    parties: list[dict[str, Any]],
    errors: v.Errors,
) -> int | None:
    """The förbund, Finsam or company the agreement establishes: of the form's kind and not
    itself a party."""
    given = data.body_organisation
    if given in (None, "") and data.body_organisation_id not in (None, ""):
        given = data.body_organisation_id
    if given in (None, ""):
        return None
    kind = BODY_FORMS.get(form or "")
    label = _("Organisationen som samverkan bildar")
    if kind is None:
        errors.add(
            "body_organisation",
            _(
                "%(label)s: bara kommunalförbund, samordningsförbund och bolag bildar en egen "
                "organisation.",
                label=label,
            ),
        )
        return None
    org = find_organisation(session, given)
    if org is None or org.kind != kind:
        errors.add(
            "body_organisation",
            _(
                "%(label)s: välj en registrerad organisation av typen %(kind)s.",
                label=label,
                kind=str(KIND_LABELS[kind]).lower(),
            ),
        )
        return None
    if any(p["organisation_id"] == org.id for p in parties):
        errors.add(
            "body_organisation",
            _(
                "%(label)s: %(name)s kan inte vara part i sin egen samverkan.",
                label=label,
                name=org.name,
            ),
        )
        return None
    return org.id


def _validate_areas(session: Session, slugs: Any, errors: v.Errors) -> list[Area]:
    if not isinstance(slugs, list | tuple) or not all(isinstance(s, str) for s in slugs):
        errors.add("areas", _("Områden ska anges som en lista."))
        return []
    if not slugs:
        errors.add("areas", _("Välj minst ett samverkansområde."))
        return []
    unique = list(dict.fromkeys(slugs))
    # Only plausible slugs reach the database (PostgreSQL refuses NUL characters in text).
    lookup = [s for s in unique if v.is_plain_key(s, 60)]
    found = {a.slug: a for a in session.scalars(select(Area).where(Area.slug.in_(lookup)))}
    unknown = [s for s in unique if s not in found]
    if unknown:
        errors.add(
            "areas",
            _("Okänt samverkansområde: %(slugs)s", slugs=", ".join(s[:40] for s in unknown[:5])),
        )
        return []
    return [found[s] for s in unique]
