"""Creating, changing, archiving and restoring agreements, their parties and contacts.

Every function takes the session and an explicit actor, validates plain data, writes the audit
log and flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.bodies import body_names_by_kommun, listed_name
from coop_tracker.agreements.dates import term_from_legacy
from coop_tracker.agreements.models import (
    ASYMMETRIC_FORMS,
    BODY_FORMS,
    Agreement,
    Contact,
    DecidingBody,
    EndAlignment,
    Form,
    Party,
    Phase,
    Renewal,
    Role,
    Term,
)
from coop_tracker.agreements.rules import (
    ALIGNMENT_LABELS,
    COST_BASIS_LABELS,
    DECIDING_BODY_LABELS,
    FORM_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
    TERM_LABELS,
    PartyKind,
    is_much_larger,
    party_kind_errors,
    role_rule_errors,
    role_rule_warnings,
)
from coop_tracker.audit.services import diff, plain, record, record_update
from coop_tracker.core import clock
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can, is_party
from coop_tracker.core.signals import agreement_created
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.organisations.models import Organisation
from coop_tracker.organisations.rules import KIND_LABELS
from coop_tracker.organisations.services import find_organisation
from coop_tracker.users.models import User

MAX_PARTIES = 290
AGREEMENT_FIELDS = (
    "title",
    "form",
    "purpose",
    "goals",
    "motive",
    "start_on",
    "end_on",
    "notice_months",
    "term",
    "end_alignment",
    "renewal_months",
    "internal_lead_days",
    "review_interval_months",
    "first_review_on",
    "cost_basis",
    "annual_cost",
    "cost_note",
    "document_ref",
    "document_url",
    "internal_note",
    "is_public",
    "is_asymmetric",
    "body_organisation_id",
)
PARTY_FIELDS = (
    "organisation_id",
    "municipality_code",
    "role",
    "decision_body",
    "deciding_body",
    "deciding_body_name",
    "decision_on",
    "decision_paragraph",
    "decision_ref",
    "joined_on",
    "left_on",
    "cost_share_percent",
    "annual_cost",
    "ownership_percent",
    "responsible_body",
    "responsible_user_id",
)
CONTACT_FIELDS = (
    "name",
    "title",
    "email",
    "phone",
    "is_carrier",
    "wants_reminders",
    "is_responsible",
)


@dataclass
class PartyInput:
    """One party as typed in a form or sent to the API.

    ``organisation`` names the party (an id, a kommunkod, a länskod or an organisationsnummer);
    a kommun may still be given as ``municipality_code`` alone."""

    municipality_code: Any = None
    role: Any = None
    decision_body: Any = ""
    deciding_body: Any = ""
    deciding_body_name: Any = ""
    decision_on: Any = None
    decision_paragraph: Any = ""
    decision_ref: Any = ""
    joined_on: Any = None
    left_on: Any = None
    cost_share_percent: Any = None
    annual_cost: Any = None
    ownership_percent: Any = None
    responsible_body: Any = ""
    responsible_user_id: Any = None
    organisation: Any = None
    organisation_id: Any = None
    id: int | None = None
    version: int | None = None


@dataclass
class AgreementInput:
    """An agreement as typed in a form or sent to the API (unvalidated)."""

    title: Any = ""
    form: Any = None
    area_slugs: list[Any] = field(default_factory=list)
    purpose: Any = ""
    goals: Any = ""
    motive: Any = ""
    start_on: Any = None
    end_on: Any = None
    notice_months: Any = None
    # ``term`` wins; without it the old ``renewal`` (with ``end_on``) says what the term is.
    term: Any = None
    end_alignment: Any = None
    renewal: Any = None
    renewal_months: Any = None
    internal_lead_days: Any = 60
    review_interval_months: Any = 12
    first_review_on: Any = None
    cost_basis: Any = None
    annual_cost: Any = None
    cost_note: Any = ""
    document_ref: Any = ""
    document_url: Any = ""
    internal_note: Any = ""
    is_public: Any = False
    # None: derived from the parties' population (see ``rules.is_much_larger``).
    is_asymmetric: Any = None
    # The förbund, Finsam or company this agreement establishes (code, org.nr or id).
    body_organisation: Any = None
    body_organisation_id: Any = None
    parties: list[PartyInput] = field(default_factory=list)
    external_id: Any = None
    external_id_owner: Any = ""

    @classmethod
    def from_agreement(cls, agreement: Agreement) -> AgreementInput:
        """The agreement's current values, for PATCH-style updates."""
        values = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
        return cls(
            **values,
            area_slugs=[a.slug for a in agreement.areas],
            parties=[
                PartyInput(
                    **{name: getattr(p, name) for name in PARTY_FIELDS},
                    id=p.id,
                    version=p.version,
                )
                for p in agreement.parties
            ],
            external_id=agreement.external_id,
            external_id_owner=agreement.external_id_owner,
        )


@dataclass
class Outcome:
    """A saved agreement plus advice that did not block saving."""

    agreement: Agreement
    warnings: list[str] = field(default_factory=list)


def agreement_snapshot(agreement: Agreement) -> dict[str, Any]:
    """The agreement's own fields, its areas and its parties, for audit and conflict views."""
    data = {name: plain(getattr(agreement, name)) for name in AGREEMENT_FIELDS}
    data["areas"] = sorted(a.slug for a in agreement.areas)
    data["parties"] = sorted(f"{_party_key(p)}:{p.role}" for p in agreement.parties)
    return data


def _party_key(party: Party) -> str:
    """A kommun by its code (as always); other organisations by code, org.nr or id."""
    if party.municipality_code:
        return party.municipality_code
    org = party.organisation
    if org is None and party.organisation_id is not None:
        return f"org-{party.organisation_id}"
    return org.key if org is not None else ""


def party_snapshot(party: Party) -> dict[str, Any]:
    return {name: plain(getattr(party, name)) for name in PARTY_FIELDS}


def contact_snapshot(contact: Contact) -> dict[str, Any]:
    return {name: plain(getattr(contact, name)) for name in CONTACT_FIELDS}


@dataclass
class _Clean:
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


def _validate(session: Session, data: AgreementInput, today: date) -> _Clean:
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
    parties = _validate_parties(session, data.parties, values["form"], errors, today)
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
    return _Clean(values=values, areas=areas, parties=parties, warnings=warnings)


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


def validate_agreement(
    session: Session, data: AgreementInput, today: date | None = None
) -> list[str]:
    """Check an agreement without saving it: raises ``ValidationFailed`` naming every wrong
    field (as create and update would), else returns the advice that does not block saving."""
    return _validate(session, data, today or clock.today()).warnings


def pending_changes(
    session: Session, agreement: Agreement, data: AgreementInput, today: date | None = None
) -> list[str]:
    """The fields an update with ``data`` would change (nothing is changed); raises
    ``ValidationFailed`` when the data is not valid."""
    clean = _validate(session, data, today or clock.today())
    changed = [
        name
        for name, value in clean.values.items()
        if plain(value) != plain(getattr(agreement, name))
    ]
    if sorted(a.slug for a in clean.areas) != sorted(a.slug for a in agreement.areas):
        changed.append("areas")
    current = {p.organisation_id: party_snapshot(p) for p in agreement.parties}
    wanted = {
        row["organisation_id"]: {name: plain(row[name]) for name in PARTY_FIELDS}
        for row in clean.parties
    }
    if current != wanted:
        changed.append("parties")
    return changed


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


def _validate_parties(
    session: Session, parties: Any, form: str | None, errors: v.Errors, today: date
) -> list[dict[str, Any]]:
    if not isinstance(parties, list | tuple):
        errors.add("parties", _("Parter ska anges som en lista."))
        return []
    if len(parties) > MAX_PARTIES:
        errors.add("parties", _("En samverkan kan ha högst %(n)s parter.", n=MAX_PARTIES))
        return []
    codes = [
        p.municipality_code
        for p in parties
        if isinstance(p.municipality_code, str) and v.is_plain_key(p.municipality_code, 4)
    ]
    kommuner = {
        o.municipality_code or "": o
        for o in session.scalars(
            select(Organisation).where(Organisation.municipality_code.in_(codes))
        )
    }
    cleaned: list[dict[str, Any]] = []
    seen: set[int] = set()
    kinds: list[PartyKind] = []
    lists = body_names_by_kommun(session, set(codes) & set(kommuner))
    for index, party in enumerate(parties):
        prefix = f"parties-{index}-"
        org = _party_organisation(session, party, kommuner, prefix, index, errors)
        if org is not None:
            if org.id in seen:
                errors.add(
                    prefix + ("organisation" if party.organisation else "municipality_code"),
                    _("Part %(n)s: kommunen finns redan med som part.", n=index + 1)
                    if org.municipality_code
                    else _(
                        "Part %(n)s: %(name)s finns redan med som part.", n=index + 1, name=org.name
                    ),
                )
            seen.add(org.id)
        label = _("Part %(n)s", n=index + 1)
        row = {
            "organisation_id": org.id if org is not None else None,
            "municipality_code": org.municipality_code if org is not None else None,
            "role": v.choice(
                party.role,
                prefix + "role",
                label + ": " + _("roll"),
                errors,
                ROLE_LABELS,
                required=True,
            ),
            "decision_body": v.text(
                party.decision_body,
                prefix + "decision_body",
                label + ": " + _("beslutande organ"),
                errors,
                max_length=120,
            ),
            "deciding_body": v.choice(
                party.deciding_body or DecidingBody.DEFAULT,
                prefix + "deciding_body",
                label + ": " + _("beslutar om uppsägning"),
                errors,
                DECIDING_BODY_LABELS,
                required=False,
            )
            or DecidingBody.DEFAULT,
            "deciding_body_name": v.text(
                party.deciding_body_name,
                prefix + "deciding_body_name",
                label + ": " + _("nämndens namn"),
                errors,
                max_length=120,
            ),
            "decision_on": v.a_date(
                party.decision_on, prefix + "decision_on", label + ": " + _("beslutsdatum"), errors
            ),
            "decision_paragraph": v.text(
                party.decision_paragraph,
                prefix + "decision_paragraph",
                label + ": " + _("paragraf"),
                errors,
                max_length=40,
            ),
            "decision_ref": v.text(
                party.decision_ref,
                prefix + "decision_ref",
                label + ": " + _("diarienummer"),
                errors,
                max_length=60,
            ),
            "joined_on": v.a_date(
                party.joined_on, prefix + "joined_on", label + ": " + _("anslöt"), errors
            ),
            "left_on": v.a_date(
                party.left_on, prefix + "left_on", label + ": " + _("lämnade"), errors
            ),
            "cost_share_percent": v.decimal(
                party.cost_share_percent,
                prefix + "cost_share_percent",
                label + ": " + _("kostnadsandel (%)"),
                errors,
                minimum=Decimal(0),
                maximum=Decimal(100),
            ),
            "annual_cost": v.decimal(
                party.annual_cost,
                prefix + "annual_cost",
                label + ": " + _("årlig kostnad"),
                errors,
                minimum=Decimal(0),
                maximum=Decimal("100000000000"),
            ),
            "ownership_percent": v.decimal(
                party.ownership_percent,
                prefix + "ownership_percent",
                label + ": " + _("ägarandel (%)"),
                errors,
                minimum=Decimal(0),
                maximum=Decimal(100),
            ),
            "responsible_body": v.text(
                party.responsible_body,
                prefix + "responsible_body",
                label + ": " + _("ansvarig nämnd"),
                errors,
                max_length=120,
            ),
            "responsible_user_id": _responsible_user(
                session, party.responsible_user_id, org, prefix, label, errors
            ),
            "id": party.id,
            "version": party.version,
        }
        if org is not None and org.municipality_code and row["responsible_body"]:
            row["responsible_body"] = _listed_body(
                session, org, party.id, row["responsible_body"], prefix, label, errors, lists
            )
        if org is not None and row["role"] and not row["left_on"]:
            kinds.append(
                PartyKind(org.kind, row["role"], org.name, org.org_number, org.municipality_code)
            )
        if row["decision_on"] and row["decision_on"] > today:
            errors.add(
                prefix + "decision_on",
                _(
                    "%(party)s: beslutsdatum %(date)s ligger i framtiden. Registrera beslutet "
                    "när det är fattat.",
                    party=label,
                    date=row["decision_on"].isoformat(),
                ),
            )
        if row["deciding_body"] == DecidingBody.NAMND and not row["deciding_body_name"]:
            errors.add(
                prefix + "deciding_body_name",
                _("%(party)s: ange vilken nämnd som beslutar om uppsägning.", party=label),
            )
        elif row["deciding_body"] != DecidingBody.NAMND:
            row["deciding_body_name"] = ""
        if row["joined_on"] and row["left_on"] and row["left_on"] < row["joined_on"]:
            errors.add(
                prefix + "left_on",
                _("%(party)s: datum för utträde är före anslutning.", party=label),
            )
        cleaned.append(row)
    shares = [p["cost_share_percent"] for p in cleaned if p["cost_share_percent"] is not None]
    if shares and sum(shares) > Decimal("100.5"):
        errors.add("parties", _("Kostnadsandelarna är sammanlagt mer än 100 %."))
    owned = [p["ownership_percent"] for p in cleaned if p["ownership_percent"] is not None]
    if owned and sum(owned) > Decimal("100.5"):
        errors.add("parties", _("Ägarandelarna är sammanlagt mer än 100 %."))
    current_roles = [p["role"] for p in cleaned if p["role"] and not p["left_on"]]
    if form and len(cleaned) and not any(k.startswith("parties") for k in errors):
        problems = role_rule_errors(form, current_roles) + party_kind_errors(form, kinds)
        if problems:
            errors.add("parties", " ".join(problems))
    elif len(parties) < 2 and "parties" not in errors:
        errors.add("parties", _("En samverkan måste ha minst två parter."))
    return cleaned


def _party_organisation(
    session: Session,
    party: PartyInput,
    kommuner: dict[str, Organisation],
    prefix: str,
    index: int,
    errors: v.Errors,
) -> Organisation | None:
    """The organisation a party names: ``organisation`` (or its id) first, else the kommunkod."""
    given = party.organisation
    if given in (None, "") and party.organisation_id not in (None, ""):
        given = party.organisation_id
    if given not in (None, ""):
        org = find_organisation(session, given)
        if org is None:
            errors.add(
                prefix + "organisation",
                _(
                    "Part %(n)s: okänd organisation %(value)s (kommunkod, länskod, "
                    "organisationsnummer eller id).",
                    n=index + 1,
                    value=repr(str(given)[:20]),
                ),
            )
        return org
    code = party.municipality_code
    if code in (None, ""):
        errors.add(prefix + "municipality_code", _("Part %(n)s: välj kommun.", n=index + 1))
        return None
    if not isinstance(code, str) or code not in kommuner:
        errors.add(
            prefix + "municipality_code",
            _(
                "Part %(n)s: okänd kommunkod %(code)s (fyra siffror, t.ex. 0180).",
                n=index + 1,
                code=repr(str(code)[:10]),
            ),
        )
        return None
    return kommuner[code]


def _listed_body(
    session: Session,
    org: Organisation,
    party_id: Any,
    value: str,
    prefix: str,
    label: str,
    errors: v.Errors,
    lists: dict[str, list[str]],
) -> str:
    """A kommun party's responsible nämnd: a name from the kommun's list (written the list's
    way), or the name the party already has (from before the list: kept, "ej i listan")."""
    code = org.municipality_code or ""
    if code not in lists:
        lists.update(body_names_by_kommun(session, {code}))
    names = lists[code]
    found = listed_name(names, value)
    if found is not None:
        return found
    if (
        isinstance(party_id, int)
        and v.is_row_id(party_id)
        and value
        == session.scalar(
            select(Party.responsible_body).where(
                Party.id == party_id, Party.organisation_id == org.id
            )
        )
    ):
        return value
    errors.add(
        prefix + "responsible_body",
        _(
            "%(party)s: ansvarig nämnd ”%(name)s” finns inte i listan över nämnder för "
            "%(kommun)s. Välj en av: %(names)s. Kommunens administratör lägger till nämnder "
            "i listan.",
            party=label,
            name=value[:120],
            kommun=org.name,
            names=", ".join(names[:12]) + (" …" if len(names) > 12 else ""),
        ),
    )
    return value


def _responsible_user(
    session: Session,
    value: Any,
    org: Organisation | None,
    prefix: str,
    label: str,
    errors: v.Errors,
) -> int | None:
    """A user of the party's own kommun (or an admin) as its responsible official."""
    if value in (None, ""):
        return None
    number = v.integer(
        value,
        prefix + "responsible_user_id",
        label + ": " + _("ansvarig tjänsteperson"),
        errors,
        minimum=1,
        maximum=2**31 - 1,
    )
    if number is None:
        return None
    user = session.get(User, number) if v.is_row_id(number) else None
    kommun = org.municipality_code if org is not None else None
    outside = (
        user is not None
        and user.role != "admin"
        and kommun is not None
        and user.municipality_code != kommun
    )
    if user is None or not user.is_active or outside:
        errors.add(
            prefix + "responsible_user_id",
            _(
                "%(party)s: välj en aktiv användare i partens egen kommun som ansvarig.",
                party=label,
            ),
        )
        return None
    return user.id


def create_agreement(
    session: Session, data: AgreementInput, *, actor: Actor, today: date | None = None
) -> Outcome:
    """Register a new agreement (in phase planned unless the data says otherwise).

    ``today`` (default: the clock's) is the latest allowed decision date."""
    user = actor.user
    if user is not None and not can(user, "agreement.create"):
        raise PermissionDenied()
    clean = _validate(session, data, today or clock.today())
    if user is not None and user.is_kommun_bound:
        own = user.municipality_code
        if own not in {p["municipality_code"] for p in clean.parties}:
            raise ValidationFailed(
                {"parties": _("Din egen kommun måste vara part i samverkan som du registrerar.")}
            )
    external_id = _external_id(data.external_id)
    owner = str(data.external_id_owner or "")[:4]
    if external_id and not owner and user is not None and user.is_kommun_bound:
        owner = user.municipality_code or ""  # an editor's own numbering
    if external_id:
        _check_external_id(session, None, owner, external_id)
    agreement = Agreement(
        **clean.values,
        phase=Phase.PLANNED,
        created_by_id=actor.user_id,
        external_id=external_id,
        external_id_owner=owner if external_id else "",
    )
    agreement.areas = clean.areas
    for row in clean.parties:
        agreement.parties.append(Party(**{k: row[k] for k in PARTY_FIELDS}))
    session.add(agreement)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="agreement",
        object_id=agreement.id,
        label=agreement.title,
        agreement_id=agreement.id,
        changes=diff({}, agreement_snapshot(agreement)),
    )
    agreement_created.send(session, agreement=agreement, actor=actor)
    return Outcome(agreement, clean.warnings)


def _external_id(value: Any) -> str | None:
    """A typed external id, trimmed; None when empty (a new agreement then gets a generated
    one, an existing one keeps its own). Refuses what cannot be an id."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    errors = v.Errors()
    text = v.text(value, "external_id", _("Externt id"), errors, max_length=100)
    if errors:
        raise ValidationFailed(dict(errors))
    return text


def _check_external_id(
    session: Session, agreement: Agreement | None, owner: str, external_id: str
) -> None:
    """Refuse an external id already used in the same numbering, without saying by what."""
    query = select(Agreement.id).where(
        Agreement.external_id_owner == owner, Agreement.external_id == external_id
    )
    if agreement is not None:
        query = query.where(Agreement.id != agreement.id)
    if session.scalar(query) is not None:
        raise ValidationFailed(
            {
                "external_id": _(
                    "Externt id ”%(id)s” kan inte användas; ange ett annat.", id=external_id
                )
            }
        )


def update_agreement(
    session: Session,
    agreement: Agreement,
    data: AgreementInput,
    *,
    expected_version: Any,
    actor: Actor,
    today: date | None = None,
) -> Outcome:
    """Change an agreement and its parties; refuses a stale version (nothing is overwritten)."""
    if actor.user is not None and not can(actor.user, "agreement.edit", agreement):
        raise PermissionDenied()
    check_version(expected_version, agreement.version, lambda: agreement_snapshot(agreement))
    clean = _validate(session, data, today or clock.today())
    user = actor.user
    if user is not None and user.is_kommun_bound:
        codes = {p["municipality_code"] for p in clean.parties}
        if user.municipality_code not in codes:
            raise ValidationFailed(
                {"parties": _("Du kan inte ta bort din egen kommun som part; be en administratör.")}
            )
    external_id = _external_id(data.external_id)
    id_change = None
    if external_id and external_id != agreement.external_id:
        # A new id typed by an editor is the kommun's own numbering; an admin's keeps the
        # agreement's numbering.
        owner = (
            user.municipality_code or ""
            if user is not None and user.is_kommun_bound
            else agreement.external_id_owner
        )
        _check_external_id(session, agreement, owner, external_id)
        id_change = [
            [agreement.external_id_owner, agreement.external_id],
            [owner, external_id],
        ]
        agreement.external_id, agreement.external_id_owner = external_id, owner
    before = agreement_snapshot(agreement)
    for name, value in clean.values.items():
        setattr(agreement, name, value)
    agreement.areas = clean.areas
    _apply_parties(session, agreement, clean.parties, actor)
    after = agreement_snapshot(agreement)
    if id_change or diff(before, after):
        agreement.updated_at = utcnow()
    record_update(
        session,
        actor,
        before,
        after,
        object_type="agreement",
        object_id=agreement.id,
        label=agreement.title,
        agreement_id=agreement.id,
        also={"external_id": id_change} if id_change else None,
    )
    return Outcome(agreement, clean.warnings)


def _apply_parties(
    session: Session, agreement: Agreement, rows: list[dict[str, Any]], actor: Actor
) -> None:
    existing = {p.organisation_id: p for p in agreement.parties}
    by_id = {p.id: p for p in agreement.parties}
    wanted: set[int] = set()
    for index, row in enumerate(rows):
        party = by_id.get(row["id"]) if row["id"] else None
        if party is None:
            party = existing.get(row["organisation_id"])
        if party is None:
            party = Party(**{k: row[k] for k in PARTY_FIELDS})
            agreement.parties.append(party)
            session.flush()
            record(
                session,
                actor,
                action="create",
                object_type="party",
                object_id=party.id,
                label=_party_label(party, agreement),
                agreement_id=agreement.id,
                municipality_code=party.municipality_code,
                changes=diff({}, party_snapshot(party)),
            )
            wanted.add(party.id)
            continue
        if row["version"] is not None and int(row["version"]) != party.version:
            raise StaleVersion(
                agreement_snapshot(agreement),
                agreement.version,
                _(
                    "Part %(n)s har ändrats av någon annan sedan du öppnade sidan. "
                    "Ladda om och försök igen.",
                    n=index + 1,
                ),
            )
        before = party_snapshot(party)
        for name in PARTY_FIELDS:
            setattr(party, name, row[name])
        record_update(
            session,
            actor,
            before,
            party_snapshot(party),
            object_type="party",
            object_id=party.id,
            label=_party_label(party, agreement),
            agreement_id=agreement.id,
            municipality_code=party.municipality_code,
            flush=False,  # the agreement's own change flushes every party at once
        )
        wanted.add(party.id)
    for party in list(agreement.parties):
        if party.id is not None and party.id not in wanted:
            if agreement.phase != Phase.PLANNED:
                raise ValidationFailed(
                    {
                        "parties": _(
                            "En part kan bara tas bort medan samverkan är planerad. "
                            "Registrera i stället att kommunen lämnar (datum för utträde)."
                        )
                    }
                )
            record(
                session,
                actor,
                action="delete",
                object_type="party",
                object_id=party.id,
                label=_party_label(party, agreement),
                agreement_id=agreement.id,
                municipality_code=party.municipality_code,
                changes=diff(party_snapshot(party), {}),
            )
            agreement.parties.remove(party)


def _party_label(party: Party, agreement: Agreement) -> str:
    name = party.name or party.municipality_code or ""
    return f"{name} i {agreement.title}"


def confirm_form(session: Session, agreement: Agreement, form: Any, *, actor: Actor) -> Agreement:
    """An administrator confirms (or corrects) a form the system changed: the old
    "asymmetrisk" became avtalssamverkan with the asymmetric flag. For a gemensam nämnd the
    purchasers become members (samverkande kommuner); the form's role rules must then hold."""
    if actor.user is not None and not can(actor.user, "agreement.confirm_form", agreement):
        raise PermissionDenied()
    errors = v.Errors()
    chosen = v.choice(
        form,
        "form",
        _("Samverkansform"),
        errors,
        {k: FORM_LABELS[k] for k in ASYMMETRIC_FORMS},
        required=True,
    )
    if errors:
        raise ValidationFailed(dict(errors))
    roles = {
        p.id: (
            Role.MEMBER if chosen == Form.GEMENSAM_NAMND and p.role == Role.PURCHASER else p.role
        )
        for p in agreement.parties
    }
    current = [roles[p.id] for p in agreement.parties if p.left_on is None]
    kinds = [
        PartyKind(p.kind, roles[p.id], p.name, p.organisation.org_number, p.municipality_code)
        for p in agreement.parties
        if p.left_on is None
    ]
    chosen = str(chosen)
    problems = role_rule_errors(chosen, current) + party_kind_errors(chosen, kinds)
    if problems:
        raise ValidationFailed({"form": " ".join(problems)})
    before = agreement_snapshot(agreement)
    before["form_needs_confirmation"] = agreement.form_needs_confirmation
    for party in agreement.parties:
        party.role = roles[party.id]
    agreement.form = chosen
    agreement.form_needs_confirmation = False
    after = agreement_snapshot(agreement)
    after["form_needs_confirmation"] = False
    agreement.updated_at = utcnow()
    session.flush()
    record(
        session,
        actor,
        action="confirm_form",
        object_type="agreement",
        object_id=agreement.id,
        label=agreement.title,
        agreement_id=agreement.id,
        changes=diff(before, after),
    )
    return agreement


ARCHIVE_REASON_MAX = 2000


def archive_agreement(
    session: Session, agreement: Agreement, reason: Any, *, actor: Actor
) -> Agreement:
    """Hide an agreement from everyone but administrators; nothing is deleted and an admin can
    restore it. The reason is required and kept in the audit log."""
    if actor.user is not None and not can(actor.user, "agreement.archive", agreement):
        raise PermissionDenied()
    errors = v.Errors()
    reason = v.text(
        reason,
        "reason",
        _("Skäl till arkiveringen"),
        errors,
        max_length=ARCHIVE_REASON_MAX,
        required=True,
        multiline=True,
    )
    if errors:
        raise ValidationFailed(dict(errors))
    if agreement.archived_at is None:
        agreement.archived_at = utcnow()
        session.flush()
        record(
            session,
            actor,
            action="archive",
            object_type="agreement",
            object_id=agreement.id,
            label=agreement.title,
            agreement_id=agreement.id,
            changes={"archived": [False, True], "archive_reason": [None, reason]},
        )
    return agreement


def restore_agreement(session: Session, agreement: Agreement, *, actor: Actor) -> Agreement:
    """Bring an archived agreement back."""
    if actor.user is not None and not can(actor.user, "agreement.restore", agreement):
        raise PermissionDenied()
    if agreement.archived_at is not None:
        agreement.archived_at = None
        session.flush()
        record(
            session,
            actor,
            action="restore",
            object_type="agreement",
            object_id=agreement.id,
            label=agreement.title,
            agreement_id=agreement.id,
            changes={"archived": [True, False]},
        )
    return agreement


@dataclass
class ContactInput:
    """A contact person as typed."""

    name: Any = ""
    title: Any = ""
    email: Any = ""
    phone: Any = ""
    is_carrier: Any = False
    wants_reminders: Any = False
    is_responsible: Any = False


def _validate_contact(data: ContactInput) -> dict[str, Any]:
    errors = v.Errors()
    values: dict[str, Any] = {
        "name": v.text(data.name, "name", _("Namn"), errors, max_length=120, required=True),
        "title": v.text(data.title, "title", _("Titel"), errors, max_length=120),
        "email": v.text(data.email, "email", _("E-post"), errors, max_length=254),
        "phone": v.text(data.phone, "phone", _("Telefon"), errors, max_length=40),
        "is_carrier": bool(data.is_carrier),
        "wants_reminders": bool(data.wants_reminders),
        "is_responsible": bool(data.is_responsible),
    }
    email = values["email"]
    if email and (
        "@" not in email
        or " " in email
        or email.startswith("@")
        or "." not in email.rsplit("@", 1)[-1]
    ):
        errors.add("email", _("E-post måste vara en e-postadress, t.ex. namn@kommun.se."))
    if values["wants_reminders"] and not email:
        errors.add("email", _("Ange e-post för att kontaktpersonen ska få påminnelser."))
    if errors:
        raise ValidationFailed(dict(errors))
    return values


def _clear_responsible(party: Party, keep: Contact) -> None:
    """One responsible official per party: marking one unmarks the others."""
    for other in party.contacts:
        if other is not keep and other.is_responsible:
            other.is_responsible = False


def _check_party_edit(party: Party, actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "agreement.edit", party.agreement):
        raise PermissionDenied()


def add_contact(session: Session, party: Party, data: ContactInput, *, actor: Actor) -> Contact:
    """Add a contact person to a party."""
    _check_party_edit(party, actor)
    values = _validate_contact(data)
    contact = Contact(**values)
    if contact.is_responsible:
        _clear_responsible(party, contact)
    party.contacts.append(contact)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="contact",
        object_id=contact.id,
        label=f"{contact.name} ({party.name})",
        agreement_id=party.agreement_id,
        municipality_code=party.municipality_code,
        changes=diff({}, contact_snapshot(contact)),
    )
    return contact


def update_contact(
    session: Session, contact: Contact, data: ContactInput, *, expected_version: Any, actor: Actor
) -> Contact:
    """Change a contact person; refuses a stale version."""
    party = contact.party
    _check_party_edit(party, actor)
    check_version(
        expected_version, contact.version, lambda: contact_snapshot(contact), strict=False
    )
    values = _validate_contact(data)
    before = contact_snapshot(contact)
    for name, value in values.items():
        setattr(contact, name, value)
    if contact.is_responsible:
        _clear_responsible(party, contact)
    record_update(
        session,
        actor,
        before,
        contact_snapshot(contact),
        object_type="contact",
        object_id=contact.id,
        label=f"{contact.name} ({party.name})",
        agreement_id=party.agreement_id,
        municipality_code=party.municipality_code,
    )
    return contact


def delete_contact(session: Session, contact: Contact, *, actor: Actor) -> None:
    """Remove a contact person (personal data is deleted, the audit keeps only the name)."""
    party = contact.party
    _check_party_edit(party, actor)
    record(
        session,
        actor,
        action="delete",
        object_type="contact",
        object_id=contact.id,
        label=f"{contact.name} ({party.name})",
        agreement_id=party.agreement_id,
        municipality_code=party.municipality_code,
        changes={"name": [contact.name, None]},
    )
    party.contacts.remove(contact)
    session.flush()


def get_visible_agreement(session: Session, agreement_id: int, user: Any) -> Agreement:
    """Load an agreement the user may see, or raise NotFound (never reveals planned ones)."""
    agreement = session.get(Agreement, agreement_id) if v.is_row_id(agreement_id) else None
    if agreement is None or not can(user, "agreement.view", agreement):
        raise NotFound(_("Samverkan hittades inte."))
    return agreement


__all__ = [
    "AgreementInput",
    "ContactInput",
    "Outcome",
    "PartyInput",
    "add_contact",
    "archive_agreement",
    "create_agreement",
    "delete_contact",
    "get_visible_agreement",
    "is_party",
    "restore_agreement",
    "pending_changes",
    "update_agreement",
    "validate_agreement",
]
