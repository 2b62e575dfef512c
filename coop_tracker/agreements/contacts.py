"""A party's contact persons: add, change and remove, each in the audit log; one responsible
official per party."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.agreements.inputs import ContactInput, contact_snapshot
from coop_tracker.agreements.models import Contact, Party
from coop_tracker.agreements.schemas import CheckedContactSchema
from coop_tracker.audit.services import diff, record, record_update
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can


def _validate_contact(data: ContactInput) -> dict[str, Any]:
    return CheckedContactSchema().clean(vars(data))


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
    created = diff({}, contact_snapshot(contact))
    record(session, actor, action="create", changes=created, **_about(contact, party))
    return contact


def _about(contact: Contact, party: Party) -> dict[str, Any]:
    """The contact person as its audit events name it: under the party's agreement and kommun."""
    return {
        "object_type": "contact",
        "object_id": contact.id,
        "label": f"{contact.name} ({party.name})",
        "agreement_id": party.agreement_id,
        "municipality_code": party.municipality_code,
    }


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
    record_update(session, actor, before, contact_snapshot(contact), **_about(contact, party))
    return contact


def delete_contact(session: Session, contact: Contact, *, actor: Actor) -> None:
    """Remove a contact person (personal data is deleted, the audit keeps only the name)."""
    party = contact.party
    _check_party_edit(party, actor)
    changes = {"name": [contact.name, None]}
    record(session, actor, action="delete", changes=changes, **_about(contact, party))
    party.contacts.remove(contact)
    session.flush()
