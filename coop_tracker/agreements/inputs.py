"""What an agreement, a party and a contact are made of as data: the field lists, the inputs as
typed in a form or sent to the API (unvalidated), and the snapshots for the audit log and the
conflict views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coop_tracker.agreements.models import Agreement, Contact, Party
from coop_tracker.audit.services import plain

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
class ContactInput:
    """A contact person as typed."""

    name: Any = ""
    title: Any = ""
    email: Any = ""
    phone: Any = ""
    is_carrier: Any = False
    wants_reminders: Any = False
    is_responsible: Any = False


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
