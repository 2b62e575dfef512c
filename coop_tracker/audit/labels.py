"""Swedish names for audit events: object types, actions, fields per object type, and values.

Other domains add their own object types with ``register_fields`` (checklist items, reviews,
exits…); a field without a name falls back to its technical key so nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from coop_tracker.agreements.rules import (
    COST_BASIS_LABELS,
    FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
)
from coop_tracker.core.i18n import _, _l
from coop_tracker.users.services import ROLE_LABELS as USER_ROLE_LABELS

OBJECT_LABELS: dict[str, str] = {
    "agreement": _l("Samverkan"),
    "party": _l("Part"),
    "contact": _l("Kontaktperson"),
    "user": _l("Användare"),
    "api_token": _l("API-nyckel"),
    "area": _l("Samverkansområde"),
    "municipality": _l("Kommun"),
    "reference_data": _l("Referensdata"),
    "transition": _l("Fasbyte"),
    "checklist_item": _l("Checklistpunkt"),
    "review": _l("Uppföljning"),
    "exit": _l("Avveckling"),
    "exit_task": _l("Avvecklingsuppgift"),
    "meeting": _l("Sammanträde"),
    "reminder": _l("Påminnelse"),
    "import": _l("Import"),
}

ACTION_LABELS: dict[str, str] = {
    "create": _l("Skapad"),
    "update": _l("Ändrad"),
    "delete": _l("Borttagen"),
    "archive": _l("Arkiverad"),
    "restore": _l("Återställd"),
    "transition": _l("Fasbyte"),
    "lock": _l("Spärrad efter misslyckade inloggningar"),
    "revoke": _l("Återkallad"),
    "deactivate": _l("Inaktiverad"),
    "activate": _l("Aktiverad"),
    "reset_password": _l("Lösenord återställt"),
    "change_password": _l("Lösenord bytt"),
    "seed": _l("Inläst"),
    "import": _l("Importerad"),
}

FIELD_LABELS: dict[str, dict[str, str]] = {
    "agreement": {
        "title": _l("Namn"),
        "form": _l("Samverkansform"),
        "phase": _l("Fas"),
        "purpose": _l("Syfte"),
        "goals": _l("Mål och förväntade effekter"),
        "motive": _l("Motiv"),
        "start_on": _l("Startdatum"),
        "end_on": _l("Slutdatum"),
        "notice_months": _l("Uppsägningstid (månader)"),
        "renewal": _l("Förlängning"),
        "renewal_months": _l("Förlängningsperiod (månader)"),
        "internal_lead_days": _l("Intern förberedelsetid (dagar)"),
        "review_interval_months": _l("Uppföljningsintervall (månader)"),
        "cost_basis": _l("Kostnadsfördelning"),
        "annual_cost": _l("Total årlig kostnad"),
        "cost_note": _l("Kommentar om kostnader"),
        "document_ref": _l("Diarienummer"),
        "document_url": _l("Länk till avtalet"),
        "internal_note": _l("Intern anteckning"),
        "is_public": _l("Visas i det publika registret"),
        "areas": _l("Samverkansområden"),
        "parties": _l("Parter"),
        "archived": _l("Arkiverad"),
    },
    "party": {
        "municipality_code": _l("Kommun"),
        "role": _l("Roll"),
        "decision_body": _l("Beslutande organ"),
        "decision_on": _l("Beslutsdatum"),
        "decision_paragraph": _l("Paragraf"),
        "decision_ref": _l("Diarienummer för beslutet"),
        "joined_on": _l("Anslöt"),
        "left_on": _l("Lämnade"),
        "cost_share_percent": _l("Kostnadsandel (%)"),
        "annual_cost": _l("Årlig kostnad för kommunen"),
    },
    "contact": {
        "name": _l("Namn"),
        "title": _l("Titel eller funktion"),
        "email": _l("E-post"),
        "phone": _l("Telefon"),
        "is_carrier": _l("Bär samverkan"),
        "wants_reminders": _l("Vill få påminnelser"),
    },
    "user": {
        "email": _l("E-post"),
        "name": _l("Namn"),
        "role": _l("Roll"),
        "municipality_code": _l("Hemkommun"),
        "is_active": _l("Aktivt konto"),
        "locked_until": _l("Spärrad till"),
        "password": _l("Lösenord"),
    },
    "api_token": {
        "prefix": _l("Början av nyckeln"),
        "name": _l("Namn"),
        "revoked": _l("Återkallad"),
    },
    "area": {
        "slug": _l("Kortnamn"),
        "label_sv": _l("Namn (svenska)"),
        "label_en": _l("Namn (engelska)"),
    },
    "reference_data": {"created": _l("Nya"), "updated": _l("Uppdaterade")},
}

# Fields whose stored value is a code: shown with its Swedish name.
_VALUE_LABELS: dict[tuple[str, str], Mapping[str, str]] = {
    ("agreement", "form"): FORM_LABELS,
    ("agreement", "phase"): PHASE_LABELS,
    ("agreement", "renewal"): RENEWAL_LABELS,
    ("agreement", "cost_basis"): COST_BASIS_LABELS,
    ("party", "role"): ROLE_LABELS,
    ("user", "role"): USER_ROLE_LABELS,
    ("transition", "from"): PHASE_LABELS,
    ("transition", "to"): PHASE_LABELS,
}
# Fields only people who may edit the agreement see (the detail page hides them too).
INTERNAL_FIELDS: set[tuple[str, str]] = {("agreement", "internal_note")}

_extra_formatters: list[Callable[[str, str, Any], str | None]] = []


def register_fields(
    object_type: str,
    object_label: str,
    fields: Mapping[str, str],
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Let another domain name its object type, its fields and coded values."""
    OBJECT_LABELS.setdefault(object_type, object_label)
    FIELD_LABELS.setdefault(object_type, {}).update(fields)
    for field, mapping in (values or {}).items():
        _VALUE_LABELS[(object_type, field)] = mapping


def object_label(object_type: str) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def field_label(object_type: str, field: str) -> str:
    return str(FIELD_LABELS.get(object_type, {}).get(field, field))


def value_text(object_type: str, field: str, value: Any) -> str:
    """A stored value as a person reads it: Ja/Nej, names for codes, lists joined."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(object_type, field, v) for v in value)
    mapping = _VALUE_LABELS.get((object_type, field))
    if mapping is not None and isinstance(value, str):
        return str(mapping.get(value, value))
    if object_type == "agreement" and field == "parties" and isinstance(value, str):
        code, _sep, role = value.partition(":")
        return f"{code} ({ROLE_LABELS.get(role, role).lower()})"
    return str(value)
