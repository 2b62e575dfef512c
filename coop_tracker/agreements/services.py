"""Creating, changing, archiving and restoring agreements, their parties and contacts.

Every function takes the session and an explicit actor, validates plain data, writes the audit
log and flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import (
    Agreement,
    Contact,
    Party,
    Phase,
    Renewal,
)
from coop_tracker.agreements.rules import (
    COST_BASIS_LABELS,
    FORM_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
    role_rule_errors,
    role_rule_warnings,
)
from coop_tracker.audit.services import diff, plain, record
from coop_tracker.checklists import services as checklists
from coop_tracker.checklists.models import ChecklistPhase
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can, is_party
from coop_tracker.municipalities.models import Area, Municipality

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
    "renewal",
    "renewal_months",
    "internal_lead_days",
    "review_interval_months",
    "cost_basis",
    "annual_cost",
    "cost_note",
    "document_ref",
    "document_url",
    "internal_note",
    "is_public",
)
PARTY_FIELDS = (
    "municipality_code",
    "role",
    "decision_body",
    "decision_on",
    "decision_paragraph",
    "decision_ref",
    "joined_on",
    "left_on",
    "cost_share_percent",
    "annual_cost",
)
CONTACT_FIELDS = ("name", "title", "email", "phone", "is_carrier", "wants_reminders")


@dataclass
class PartyInput:
    """One party as typed in a form or sent to the API."""

    municipality_code: Any = None
    role: Any = None
    decision_body: Any = ""
    decision_on: Any = None
    decision_paragraph: Any = ""
    decision_ref: Any = ""
    joined_on: Any = None
    left_on: Any = None
    cost_share_percent: Any = None
    annual_cost: Any = None
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
    renewal: Any = Renewal.NONE
    renewal_months: Any = None
    internal_lead_days: Any = 60
    review_interval_months: Any = 12
    cost_basis: Any = None
    annual_cost: Any = None
    cost_note: Any = ""
    document_ref: Any = ""
    document_url: Any = ""
    internal_note: Any = ""
    is_public: Any = False
    parties: list[PartyInput] = field(default_factory=list)
    external_id: Any = None

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
    data["parties"] = sorted(f"{p.municipality_code}:{p.role}" for p in agreement.parties)
    return data


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


def _validate(session: Session, data: AgreementInput) -> _Clean:
    """Check every field; raise ValidationFailed naming each wrong field."""
    errors = v.Errors()
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
            data.renewal or Renewal.NONE,
            "renewal",
            _("Förlängning"),
            errors,
            RENEWAL_LABELS,
            required=True,
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
    if values["renewal"] == Renewal.TACIT:
        if end is None:
            errors.add(
                "end_on",
                _("Ange slutdatum för första avtalsperioden när avtalet förlängs automatiskt."),
            )
        if values["renewal_months"] is None:
            errors.add("renewal_months", _("Ange hur många månader varje förlängning gäller."))
        if values["notice_months"] is None:
            errors.add("notice_months", _("Ange uppsägningstid när avtalet förlängs automatiskt."))
    else:
        values["renewal_months"] = None
    if values["review_interval_months"] is None:
        values["review_interval_months"] = 12

    areas = _validate_areas(session, data.area_slugs, errors)
    parties = _validate_parties(session, data.parties, values["form"], errors)
    if errors:
        raise ValidationFailed(dict(errors))
    population = {
        code: pop
        for code, pop in session.execute(
            select(Municipality.code, Municipality.population).where(
                Municipality.code.in_([p["municipality_code"] for p in parties])
            )
        )
    }
    warnings = role_rule_warnings(
        values["form"], [(p["municipality_code"], p["role"]) for p in parties], population
    )
    return _Clean(values=values, areas=areas, parties=parties, warnings=warnings)


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
    session: Session, parties: Any, form: str | None, errors: v.Errors
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
    known = set(session.scalars(select(Municipality.code).where(Municipality.code.in_(codes))))
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, party in enumerate(parties):
        prefix = f"parties-{index}-"
        code = party.municipality_code
        if code in (None, ""):
            errors.add(prefix + "municipality_code", _("Part %(n)s: välj kommun.", n=index + 1))
        elif not isinstance(code, str) or code not in known:
            shown = str(code)[:10]
            errors.add(
                prefix + "municipality_code",
                _(
                    "Part %(n)s: okänd kommunkod %(code)s (fyra siffror, t.ex. 0180).",
                    n=index + 1,
                    code=repr(shown),
                ),
            )
        elif code in seen:
            errors.add(
                prefix + "municipality_code",
                _("Part %(n)s: kommunen finns redan med som part.", n=index + 1),
            )
        else:
            seen.add(code)
        label = _("Part %(n)s", n=index + 1)
        row = {
            "municipality_code": code,
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
            "id": party.id,
            "version": party.version,
        }
        if row["joined_on"] and row["left_on"] and row["left_on"] < row["joined_on"]:
            errors.add(
                prefix + "left_on",
                _("%(party)s: datum för utträde är före anslutning.", party=label),
            )
        cleaned.append(row)
    shares = [p["cost_share_percent"] for p in cleaned if p["cost_share_percent"] is not None]
    if shares and sum(shares) > Decimal("100.5"):
        errors.add("parties", _("Kostnadsandelarna är sammanlagt mer än 100 %."))
    current_roles = [p["role"] for p in cleaned if p["role"] and not p["left_on"]]
    if form and len(cleaned) and not any(k.startswith("parties") for k in errors):
        problems = role_rule_errors(form, current_roles)
        if problems:
            errors.add("parties", " ".join(problems))
    elif len(parties) < 2 and "parties" not in errors:
        errors.add("parties", _("En samverkan måste ha minst två parter."))
    return cleaned


def create_agreement(session: Session, data: AgreementInput, *, actor: Actor) -> Outcome:
    """Register a new agreement (in phase planned unless the data says otherwise)."""
    user = actor.user
    if user is not None and not can(user, "agreement.create"):
        raise PermissionDenied()
    clean = _validate(session, data)
    if user is not None and user.role == "editor":
        own = user.municipality_code
        if own not in {p["municipality_code"] for p in clean.parties}:
            raise ValidationFailed(
                {"parties": _("Din egen kommun måste vara part i samverkan som du registrerar.")}
            )
    agreement = Agreement(
        **clean.values,
        phase=Phase.PLANNED,
        created_by_id=actor.user_id,
        external_id=_external_id(data.external_id),
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
    checklists.instantiate(session, agreement, ChecklistPhase.BEFORE, actor=actor)
    return Outcome(agreement, clean.warnings)


def _external_id(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return str(value)[:100]


def check_version(agreement: Agreement, expected_version: Any) -> None:
    """Refuse a save based on an older version; the error carries the current values."""
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": _("Versionsnummer saknas eller är ogiltigt.")}) from None
    if expected != agreement.version:
        raise StaleVersion(agreement_snapshot(agreement), agreement.version)


def update_agreement(
    session: Session,
    agreement: Agreement,
    data: AgreementInput,
    *,
    expected_version: Any,
    actor: Actor,
) -> Outcome:
    """Change an agreement and its parties; refuses a stale version (nothing is overwritten)."""
    if actor.user is not None and not can(actor.user, "agreement.edit", agreement):
        raise PermissionDenied()
    check_version(agreement, expected_version)
    clean = _validate(session, data)
    user = actor.user
    if user is not None and user.role == "editor":
        codes = {p["municipality_code"] for p in clean.parties}
        if user.municipality_code not in codes:
            raise ValidationFailed(
                {"parties": _("Du kan inte ta bort din egen kommun som part; be en administratör.")}
            )
    before = agreement_snapshot(agreement)
    for name, value in clean.values.items():
        setattr(agreement, name, value)
    agreement.areas = clean.areas
    _apply_parties(session, agreement, clean.parties, actor)
    after = agreement_snapshot(agreement)
    changes = diff(before, after)
    if changes:
        agreement.updated_at = utcnow()
        session.flush()
        record(
            session,
            actor,
            action="update",
            object_type="agreement",
            object_id=agreement.id,
            label=agreement.title,
            agreement_id=agreement.id,
            changes=changes,
        )
    return Outcome(agreement, clean.warnings)


def _apply_parties(
    session: Session, agreement: Agreement, rows: list[dict[str, Any]], actor: Actor
) -> None:
    existing = {p.municipality_code: p for p in agreement.parties}
    by_id = {p.id: p for p in agreement.parties}
    wanted: set[int] = set()
    for index, row in enumerate(rows):
        party = by_id.get(row["id"]) if row["id"] else None
        if party is None:
            party = existing.get(row["municipality_code"])
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
        changes = diff(before, party_snapshot(party))
        if changes:
            record(
                session,
                actor,
                action="update",
                object_type="party",
                object_id=party.id,
                label=_party_label(party, agreement),
                agreement_id=agreement.id,
                municipality_code=party.municipality_code,
                changes=changes,
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
    name = party.municipality.name if party.municipality else party.municipality_code
    return f"{name} i {agreement.title}"


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


def _validate_contact(data: ContactInput) -> dict[str, Any]:
    errors = v.Errors()
    values = {
        "name": v.text(data.name, "name", _("Namn"), errors, max_length=120, required=True),
        "title": v.text(data.title, "title", _("Titel"), errors, max_length=120),
        "email": v.text(data.email, "email", _("E-post"), errors, max_length=254),
        "phone": v.text(data.phone, "phone", _("Telefon"), errors, max_length=40),
        "is_carrier": bool(data.is_carrier),
        "wants_reminders": bool(data.wants_reminders),
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


def _check_party_edit(party: Party, actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "agreement.edit", party.agreement):
        raise PermissionDenied()


def add_contact(session: Session, party: Party, data: ContactInput, *, actor: Actor) -> Contact:
    """Add a contact person to a party."""
    _check_party_edit(party, actor)
    values = _validate_contact(data)
    contact = Contact(**values)
    party.contacts.append(contact)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="contact",
        object_id=contact.id,
        label=f"{contact.name} ({party.municipality.name})",
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
    if str(expected_version) != str(contact.version):
        raise StaleVersion(contact_snapshot(contact), contact.version)
    values = _validate_contact(data)
    before = contact_snapshot(contact)
    for name, value in values.items():
        setattr(contact, name, value)
    changes = diff(before, contact_snapshot(contact))
    if changes:
        session.flush()
        record(
            session,
            actor,
            action="update",
            object_type="contact",
            object_id=contact.id,
            label=f"{contact.name} ({party.municipality.name})",
            agreement_id=party.agreement_id,
            municipality_code=party.municipality_code,
            changes=changes,
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
        label=f"{contact.name} ({party.municipality.name})",
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
    "update_agreement",
]
