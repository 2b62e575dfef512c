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
from coop_tracker.users.services import ROLE_LABELS as USER_ROLE_LABELS

OBJECT_LABELS: dict[str, str] = {
    "agreement": "Samverkan",
    "party": "Part",
    "contact": "Kontaktperson",
    "user": "Användare",
    "api_token": "API-nyckel",
    "area": "Samverkansområde",
    "municipality": "Kommun",
    "reference_data": "Referensdata",
    "transition": "Fasbyte",
    "checklist_item": "Checklistpunkt",
    "review": "Uppföljning",
    "exit": "Avveckling",
    "exit_task": "Avvecklingsuppgift",
    "meeting": "Sammanträde",
    "reminder": "Påminnelse",
    "import": "Import",
}

ACTION_LABELS: dict[str, str] = {
    "create": "Skapad",
    "update": "Ändrad",
    "delete": "Borttagen",
    "archive": "Arkiverad",
    "restore": "Återställd",
    "transition": "Fasbyte",
    "lock": "Spärrad efter misslyckade inloggningar",
    "revoke": "Återkallad",
    "deactivate": "Inaktiverad",
    "activate": "Aktiverad",
    "reset_password": "Lösenord återställt",
    "change_password": "Lösenord bytt",
    "seed": "Inläst",
    "import": "Importerad",
}

FIELD_LABELS: dict[str, dict[str, str]] = {
    "agreement": {
        "title": "Namn",
        "form": "Samverkansform",
        "phase": "Fas",
        "purpose": "Syfte",
        "goals": "Mål och förväntade effekter",
        "motive": "Motiv",
        "start_on": "Startdatum",
        "end_on": "Slutdatum",
        "notice_months": "Uppsägningstid (månader)",
        "renewal": "Förlängning",
        "renewal_months": "Förlängningsperiod (månader)",
        "internal_lead_days": "Intern förberedelsetid (dagar)",
        "review_interval_months": "Uppföljningsintervall (månader)",
        "cost_basis": "Kostnadsfördelning",
        "annual_cost": "Total årlig kostnad",
        "cost_note": "Kommentar om kostnader",
        "document_ref": "Diarienummer",
        "document_url": "Länk till avtalet",
        "internal_note": "Intern anteckning",
        "is_public": "Visas i det publika registret",
        "areas": "Samverkansområden",
        "parties": "Parter",
        "archived": "Arkiverad",
    },
    "party": {
        "municipality_code": "Kommun",
        "role": "Roll",
        "decision_body": "Beslutande organ",
        "decision_on": "Beslutsdatum",
        "decision_paragraph": "Paragraf",
        "decision_ref": "Diarienummer för beslutet",
        "joined_on": "Anslöt",
        "left_on": "Lämnade",
        "cost_share_percent": "Kostnadsandel (%)",
        "annual_cost": "Årlig kostnad för kommunen",
    },
    "contact": {
        "name": "Namn",
        "title": "Titel eller funktion",
        "email": "E-post",
        "phone": "Telefon",
        "is_carrier": "Bär samverkan",
        "wants_reminders": "Vill få påminnelser",
    },
    "user": {
        "email": "E-post",
        "name": "Namn",
        "role": "Roll",
        "municipality_code": "Hemkommun",
        "is_active": "Aktivt konto",
        "locked_until": "Spärrad till",
        "password": "Lösenord",
    },
    "api_token": {"prefix": "Början av nyckeln", "name": "Namn", "revoked": "Återkallad"},
    "area": {"slug": "Kortnamn", "label_sv": "Namn (svenska)", "label_en": "Namn (engelska)"},
    "reference_data": {"created": "Nya", "updated": "Uppdaterade"},
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
    return OBJECT_LABELS.get(object_type, object_type)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def field_label(object_type: str, field: str) -> str:
    return FIELD_LABELS.get(object_type, {}).get(field, field)


def value_text(object_type: str, field: str, value: Any) -> str:
    """A stored value as a person reads it: Ja/Nej, names for codes, lists joined."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, list | tuple):
        return ", ".join(value_text(object_type, field, v) for v in value)
    mapping = _VALUE_LABELS.get((object_type, field))
    if mapping is not None and isinstance(value, str):
        return mapping.get(value, value)
    if object_type == "agreement" and field == "parties" and isinstance(value, str):
        code, _, role = value.partition(":")
        return f"{code} ({ROLE_LABELS.get(role, role).lower()})"
    return str(value)
