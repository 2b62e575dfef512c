"""Checking an agreement's own fields, term, areas and founded organisation before it is saved:
``clean_agreement`` raises ``ValidationFailed`` naming every wrong field, else returns the clean
values and the advice that does not block saving."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.dates import term_from_legacy
from coop_tracker.agreements.inputs import AgreementInput
from coop_tracker.agreements.models import (
    ASYMMETRIC_FORMS,
    BODY_FORMS,
    EndAlignment,
    Form,
    Renewal,
    Role,
    Term,
)
from coop_tracker.agreements.parties import clean_parties
from coop_tracker.agreements.rules import (
    ALIGNMENT_LABELS,
    COST_BASIS_LABELS,
    FORM_LABELS,
    RENEWAL_LABELS,
    TERM_LABELS,
    is_much_larger,
    role_rule_warnings,
)
from coop_tracker.core import validation as v
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.organisations.rules import KIND_LABELS
from coop_tracker.organisations.services import find_organisation


@dataclass
class Clean:
    values: dict[str, Any]
    areas: list[Area]
    parties: list[dict[str, Any]]
    warnings: list[str]


def _check_term(values: dict[str, Any], errors: v.Errors) -> None:
    """The term's own rules: which dates and periods each kind of term needs."""
    term, end = values["term"], values["end_on"]
    has_period = term in (Term.FIXED, Term.FIXED_THEN_INDEFINITE, Term.RENEWING)
    # A planned agreement may not know its dates yet; once it has a start, the period's end
    # is needed.
    dated = values["start_on"] is not None or term == Term.RENEWING
    if has_period and dated and end is None and "end_on" not in errors:
        errors.add(
            "end_on",
            _("Ange slutdatum: avtalet har en avtalsperiod (%(term)s).", term=TERM_LABELS[term]),
        )
    if term == Term.INDEFINITE and end is not None:
        errors.add(
            "end_on",
            _(
                "Ett avtal som gäller tills vidare har inget slutdatum. Välj ”avtalsperiod och "
                "därefter tills vidare” om det har en första avtalsperiod."
            ),
        )
    needs_notice = term in (Term.FIXED_THEN_INDEFINITE, Term.RENEWING)
    if needs_notice and values["notice_months"] is None and "notice_months" not in errors:
        errors.add("notice_months", _("Ange uppsägningstid för den här avtalstiden."))
    if term == Term.RENEWING:
        if values["renewal_months"] is None and "renewal_months" not in errors:
            errors.add("renewal_months", _("Ange hur många månader varje förlängning gäller."))
    else:
        values["renewal_months"] = None
    aligned = values["end_alignment"] not in (None, EndAlignment.NONE)
    if aligned and term not in (Term.INDEFINITE, Term.FIXED_THEN_INDEFINITE):
        errors.add(
            "end_alignment",
            _(
                "Uppsägning till månads- eller årsskifte gäller bara avtal som löper tills vidare "
                "(helt eller efter första avtalsperioden)."
            ),
        )


def clean_agreement(session: Session, data: AgreementInput, today: date) -> Clean:
    """Check every field; raise ValidationFailed naming each wrong field."""
    errors = v.Errors()
    if data.form == Form.ASYMMETRISK:
        # The old form: an avtalssamverkan with the asymmetric flag (host and purchasers).
        data = replace(
            data,
            form=Form.AVTALSSAMVERKAN,
            is_asymmetric=True if data.is_asymmetric in (None, "") else data.is_asymmetric,
        )
    values: dict[str, Any] = {
        "title": v.text(
            data.title, "title", _("Namn"), errors, max_length=200, required=True, min_length=3
        ),
        "form": v.choice(
            data.form, "form", _("Samverkansform"), errors, FORM_LABELS, required=True
        ),
        "purpose": v.text(
            data.purpose, "purpose", _("Syfte"), errors, max_length=5000, multiline=True
        ),
        "goals": v.text(
            data.goals,
            "goals",
            _("Mål och förväntade effekter"),
            errors,
            max_length=5000,
            multiline=True,
        ),
        "motive": v.text(
            data.motive, "motive", _("Motiv"), errors, max_length=2000, multiline=True
        ),
        "start_on": v.a_date(data.start_on, "start_on", _("Startdatum"), errors),
        "end_on": v.a_date(data.end_on, "end_on", _("Slutdatum"), errors),
        "notice_months": v.integer(
            data.notice_months, "notice_months", _("Uppsägningstid"), errors, minimum=0, maximum=60
        ),
        "renewal": v.choice(
            data.renewal,
            "renewal",
            _("Förlängning"),
            errors,
            RENEWAL_LABELS,
            required=False,
        ),
        "term": v.choice(data.term, "term", _("Avtalstid"), errors, TERM_LABELS, required=False),
        "end_alignment": v.choice(
            data.end_alignment or EndAlignment.NONE,
            "end_alignment",
            _("Uppsägningen räknas till"),
            errors,
            ALIGNMENT_LABELS,
            required=True,
        ),
        "first_review_on": v.a_date(
            data.first_review_on, "first_review_on", _("Första uppföljning"), errors
        ),
        "renewal_months": v.integer(
            data.renewal_months,
            "renewal_months",
            _("Förlängningsperiod"),
            errors,
            minimum=1,
            maximum=120,
        ),
        "internal_lead_days": v.integer(
            60 if data.internal_lead_days in (None, "") else data.internal_lead_days,
            "internal_lead_days",
            _("Intern förberedelsetid"),
            errors,
            minimum=0,
            maximum=730,
        ),
        "review_interval_months": v.integer(
            data.review_interval_months,
            "review_interval_months",
            _("Uppföljningsintervall"),
            errors,
            minimum=1,
            maximum=60,
        ),
        "cost_basis": v.choice(
            data.cost_basis,
            "cost_basis",
            _("Kostnadsfördelning"),
            errors,
            COST_BASIS_LABELS,
            required=False,
        ),
        "annual_cost": v.decimal(
            data.annual_cost,
            "annual_cost",
            _("Årlig kostnad"),
            errors,
            minimum=Decimal(0),
            maximum=Decimal("100000000000"),
        ),
        "cost_note": v.text(
            data.cost_note,
            "cost_note",
            _("Kommentar om kostnader"),
            errors,
            max_length=2000,
            multiline=True,
        ),
        "document_ref": v.text(
            data.document_ref, "document_ref", _("Diarienummer"), errors, max_length=100
        ),
        "document_url": v.url(data.document_url, "document_url", _("Länk till avtalet"), errors),
        "internal_note": v.text(
            data.internal_note,
            "internal_note",
            _("Intern anteckning"),
            errors,
            max_length=5000,
            multiline=True,
        ),
        "is_public": bool(data.is_public),
    }
    if not isinstance(data.is_public, bool | None) and data.is_public not in ("y", "on", "1"):
        errors.add("is_public", _("Visas publikt måste vara sant eller falskt."))
    start, end = values["start_on"], values["end_on"]
    if start and end and end <= start:
        errors.add("end_on", _("Slutdatum måste vara efter startdatum."))
    renewal = values.pop("renewal")
    if values["term"] is None and "term" not in errors:
        if renewal == Renewal.TACIT and end is None and "end_on" not in errors:
            errors.add(
                "end_on",
                _("Ange slutdatum för första avtalsperioden när avtalet förlängs automatiskt."),
            )
        values["term"] = term_from_legacy(end, renewal)
    _check_term(values, errors)
    if values["review_interval_months"] is None:
        values["review_interval_months"] = 12

    areas = _validate_areas(session, data.area_slugs, errors)
    parties = clean_parties(session, data.parties, values["form"], errors, today)
    values["body_organisation_id"] = _validate_body(session, data, values["form"], parties, errors)
    if errors:
        raise ValidationFailed(dict(errors))
    codes = [p["municipality_code"] for p in parties if p["municipality_code"]]
    population = {
        code: pop
        for code, pop in session.execute(
            select(Municipality.code, Municipality.population).where(Municipality.code.in_(codes))
        )
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
