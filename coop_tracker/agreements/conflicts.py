"""Field-by-field conflict views for the agreement and contact edit pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Contact
from coop_tracker.agreements.services import (
    AGREEMENT_FIELDS,
    CONTACT_FIELDS,
    PARTY_FIELDS,
    AgreementInput,
    ContactInput,
)
from coop_tracker.audit import labels
from coop_tracker.audit.services import plain
from coop_tracker.core.conflicts import ConflictRow, conflict_rows
from coop_tracker.core.validation import normalised_amount
from coop_tracker.municipalities.models import Municipality

AMOUNT_FIELDS = frozenset({"annual_cost", "cost_share_percent"})
PARTY_DETAIL_FIELDS = tuple(
    f for f in PARTY_FIELDS if f not in ("municipality_code", "organisation_id")
)


def agreement_edit_snapshot(agreement: Agreement) -> dict[str, Any]:
    """Everything the edit page shows, flat: agreement fields, areas, each party's fields."""
    data: dict[str, Any] = {name: plain(getattr(agreement, name)) for name in AGREEMENT_FIELDS}
    data["areas"] = sorted(a.slug for a in agreement.areas)
    data["parties"] = sorted(_key(p) for p in agreement.parties)
    for party in agreement.parties:
        key = _key(party)
        for name in PARTY_DETAIL_FIELDS:
            data[f"party:{key}:{name}"] = plain(getattr(party, name))
    return data


def agreement_input_snapshot(data: AgreementInput) -> dict[str, Any]:
    """What the user typed, in the same shape (amounts as stored: "1 450 000" is 1450000.00)."""
    typed: dict[str, Any] = {name: _typed(name, getattr(data, name)) for name in AGREEMENT_FIELDS}
    typed["areas"] = sorted(str(s) for s in data.area_slugs)
    typed["parties"] = sorted(str(p.municipality_code or p.organisation) for p in data.parties)
    for party in data.parties:
        key = party.municipality_code or party.organisation
        for name in PARTY_DETAIL_FIELDS:
            typed[f"party:{key}:{name}"] = _typed(name, getattr(party, name))
    return typed


def _key(party: Any) -> str:
    """A party as the edit form names it: kommunkod, länskod, else ``org-<id>``."""
    if party.municipality_code:
        return str(party.municipality_code)
    org = party.organisation
    if org is not None and org.kind == "region" and org.code:
        return str(org.code)
    return f"org-{party.organisation_id}"


def _typed(name: str, value: Any) -> Any:
    return normalised_amount(value) if name in AMOUNT_FIELDS else value


def agreement_conflict_rows(
    session: Session,
    original: dict[str, Any] | None,
    current: dict[str, Any],
    typed: dict[str, Any],
) -> list[ConflictRow]:
    """The agreement's conflict rows with Swedish field names (parties named by kommun)."""
    codes = {
        key.split(":")[1]
        for key in [*current, *typed, *(original or {})]
        if key.startswith("party:")
    }
    names = dict(
        session.execute(
            select(Municipality.code, Municipality.name).where(Municipality.code.in_(codes))
        )
        .tuples()
        .all()
    )

    def split(key: str) -> tuple[str, str, str | None]:
        if key.startswith("party:"):
            _, code, field = key.split(":", 2)
            return "party", field, code
        return "agreement", key, None

    def label(key: str) -> str:
        kind, field, code = split(key)
        if code is not None:
            return f"{names.get(code, code)}: {labels.field_label('party', field).lower()}"
        return labels.field_label(kind, field)

    def text(key: str, value: Any) -> str:
        kind, field, _code = split(key)
        return labels.value_text(kind, field, value)

    return conflict_rows(original, current, typed, label=label, text=text)


def contact_edit_snapshot(contact: Contact) -> dict[str, Any]:
    return {name: plain(getattr(contact, name)) for name in CONTACT_FIELDS}


def contact_input_snapshot(data: ContactInput) -> dict[str, Any]:
    return {name: getattr(data, name) for name in CONTACT_FIELDS}


def contact_conflict_rows(
    original: dict[str, Any] | None, current: dict[str, Any], typed: dict[str, Any]
) -> list[ConflictRow]:
    return conflict_rows(
        original,
        current,
        typed,
        label=lambda key: labels.field_label("contact", key),
        text=lambda key, value: labels.value_text("contact", key, value),
    )
