"""Creating, changing and confirming agreements; archiving, parties and contacts beside it.

Every function takes the session and an explicit actor, validates plain data, writes the audit
log and flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.archive import archive_agreement, restore_agreement
from coop_tracker.agreements.audited import agreement_about, record_agreement_event
from coop_tracker.agreements.contacts import add_contact, delete_contact, update_contact
from coop_tracker.agreements.inputs import (
    AGREEMENT_FIELDS,
    CONTACT_FIELDS,
    PARTY_FIELDS,
    AgreementInput,
    ContactInput,
    PartyInput,
    agreement_snapshot,
    contact_snapshot,
    party_snapshot,
)
from coop_tracker.agreements.models import ASYMMETRIC_FORMS, Agreement, Form, Phase, Role
from coop_tracker.agreements.parties import apply_parties, new_party
from coop_tracker.agreements.rules import (
    FORM_LABELS,
    PartyKind,
    party_kind_errors,
    role_rule_errors,
)
from coop_tracker.agreements.schemas import EXTERNAL_ID_MAX
from coop_tracker.agreements.validation import clean_agreement
from coop_tracker.audit.services import diff, plain, record_update
from coop_tracker.core import clock
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import NotFound, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can, is_party
from coop_tracker.core.signals import agreement_created


@dataclass
class Outcome:
    """A saved agreement plus advice that did not block saving."""

    agreement: Agreement
    warnings: list[str] = field(default_factory=list)


def validate_agreement(
    session: Session, data: AgreementInput, today: date | None = None
) -> list[str]:
    """Check an agreement without saving it: raises ``ValidationFailed`` naming every wrong
    field (as create and update would), else returns the advice that does not block saving."""
    return clean_agreement(session, data, today or clock.today()).warnings


def pending_changes(
    session: Session, agreement: Agreement, data: AgreementInput, today: date | None = None
) -> list[str]:
    """The fields an update with ``data`` would change (nothing is changed); raises
    ``ValidationFailed`` when the data is not valid."""
    clean = clean_agreement(session, data, today or clock.today())
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


def create_agreement(
    session: Session, data: AgreementInput, *, actor: Actor, today: date | None = None
) -> Outcome:
    """Register a new agreement (in phase planned unless the data says otherwise).

    ``today`` (default: the clock's) is the latest allowed decision date."""
    user = actor.user
    if user is not None and not can(user, "agreement.create"):
        raise PermissionDenied()
    clean = clean_agreement(session, data, today or clock.today())
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
        agreement.parties.append(new_party(row))
    session.add(agreement)
    session.flush()
    changes = diff({}, agreement_snapshot(agreement))
    record_agreement_event(session, actor, agreement, "create", changes)
    agreement_created.send(session, agreement=agreement, actor=actor)
    return Outcome(agreement, clean.warnings)


def _external_id(value: Any) -> str | None:
    """A typed external id, trimmed; None when empty (a new agreement then gets a generated
    one, an existing one keeps its own). Refuses what cannot be an id."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    errors = v.Errors()
    text = v.text(value, "external_id", _("Externt id"), errors, max_length=EXTERNAL_ID_MAX)
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
    clean = clean_agreement(session, data, today or clock.today())
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
    apply_parties(session, agreement, clean.parties, actor)
    after = agreement_snapshot(agreement)
    if id_change or diff(before, after):
        agreement.updated_at = utcnow()
    record_update(
        session,
        actor,
        before,
        after,
        also={"external_id": id_change} if id_change else None,
        **agreement_about(agreement),
    )
    return Outcome(agreement, clean.warnings)


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
    record_agreement_event(session, actor, agreement, "confirm_form", diff(before, after))
    return agreement


def get_visible_agreement(session: Session, agreement_id: int, user: Any) -> Agreement:
    """Load an agreement the user may see, or raise NotFound (never reveals planned ones)."""
    agreement = session.get(Agreement, agreement_id) if v.is_row_id(agreement_id) else None
    if agreement is None or not can(user, "agreement.view", agreement):
        raise NotFound(_("Samverkan hittades inte."))
    return agreement


# The agreement services in one import for callers; the work is done in the modules beside this
# one (inputs, validation, parties, contacts, archive).
__all__ = [
    "AGREEMENT_FIELDS",
    "CONTACT_FIELDS",
    "PARTY_FIELDS",
    "AgreementInput",
    "ContactInput",
    "Outcome",
    "PartyInput",
    "add_contact",
    "agreement_snapshot",
    "archive_agreement",
    "confirm_form",
    "contact_snapshot",
    "create_agreement",
    "delete_contact",
    "get_visible_agreement",
    "is_party",
    "party_snapshot",
    "pending_changes",
    "restore_agreement",
    "update_agreement",
    "update_contact",
    "validate_agreement",
]
