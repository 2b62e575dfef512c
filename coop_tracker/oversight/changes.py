"""Audit events told in plain Swedish for the oversight's "what has changed" list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from coop_tracker.agreements.rules import (
    COST_BASIS_LABELS,
    FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_SHORT,
)
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.clock import STOCKHOLM

FIELD_NAMES: dict[str, str] = {
    "title": "namnet",
    "form": "samverkansformen",
    "phase": "fasen",
    "purpose": "syftet",
    "goals": "målen",
    "motive": "motivet",
    "start_on": "startdatum",
    "end_on": "slutdatum",
    "notice_months": "uppsägningstiden (månader)",
    "renewal": "förlängningen",
    "renewal_months": "förlängningsperioden (månader)",
    "internal_lead_days": "den interna förberedelsetiden (dagar)",
    "review_interval_months": "uppföljningsintervallet (månader)",
    "cost_basis": "kostnadsfördelningen",
    "annual_cost": "den årliga kostnaden",
    "cost_note": "kommentaren om kostnader",
    "document_ref": "diarienumret",
    "document_url": "länken till avtalet",
    "internal_note": "den interna anteckningen",
    "is_public": "om den visas publikt",
    "areas": "områdena",
    "parties": "parterna",
    "role": "rollen",
    "decision_body": "beslutande organ",
    "decision_on": "beslutsdatum",
    "decision_paragraph": "paragraf",
    "decision_ref": "diarienummer för beslutet",
    "joined_on": "anslutningsdatum",
    "left_on": "datum för utträde",
    "cost_share_percent": "kostnadsandelen (%)",
    "archived": "arkivering",
    "rating": "betyget",
    "status": "status",
}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "form": FORM_LABELS,
    "phase": PHASE_LABELS,
    "renewal": RENEWAL_LABELS,
    "cost_basis": COST_BASIS_LABELS,
    "role": ROLE_SHORT,
    "rating": {"green": "grön", "yellow": "gul", "red": "röd"},
}
LONG_TEXT = {"purpose", "goals", "motive", "cost_note", "internal_note"}
OBJECTS: dict[str, str] = {
    "review": "en uppföljning",
    "checklist_item": "en punkt i checklistan",
    "transition": "ett fasbyte",
    "exit": "en avveckling",
    "exit_task": "en uppgift i avvecklingen",
    "contact": "en kontaktperson",
    "party": "en part",
}
VERBS = {
    "create": "lade till",
    "update": "ändrade",
    "delete": "tog bort",
    "archive": "arkiverade",
    "restore": "återställde",
    "transition": "bytte fas på",
}
SOURCES = {"import": " (genom import)", "api": " (via API)"}
MAX_FIELDS = 3


@dataclass(frozen=True)
class Change:
    """One change, ready to show."""

    at: datetime
    who: str
    agreement_id: int | None
    agreement_title: str
    text: str


def _value(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "tomt"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    labels = VALUE_LABELS.get(field)
    if labels and value in labels:
        return labels[value]
    return str(value)


def _fields(changes: dict[str, Any]) -> str:
    parts = []
    for field, pair in list(changes.items())[:MAX_FIELDS]:
        name = FIELD_NAMES.get(field, field.replace("_", " "))
        if field in LONG_TEXT or not isinstance(pair, list) or len(pair) != 2:
            parts.append(name)
        else:
            parts.append(f"{name} från {_value(field, pair[0])} till {_value(field, pair[1])}")
    rest = len(changes) - MAX_FIELDS
    text = ", ".join(parts)
    if rest > 0:
        text += f" och {rest} {'uppgift' if rest == 1 else 'uppgifter'} till"
    return text


def describe(event: AuditEvent, title: str) -> Change:
    """ "Anna Berg ändrade uppsägningstiden (månader) från 6 till 3." and the like."""
    verb = VERBS.get(event.action, event.action)
    changes = event.changes or {}
    if event.object_type == "agreement":
        if event.action == "create":
            text = "registrerade samverkan"
        elif event.action == "update" and changes:
            text = f"ändrade {_fields(changes)}"
        else:
            text = f"{verb} samverkan"
    elif event.object_type == "party":
        if event.action == "update" and changes:
            text = f"ändrade för {event.object_label}: {_fields(changes)}"
        elif event.action == "create":
            text = f"lade till {event.object_label} som part"
        elif event.action == "delete":
            text = f"tog bort {event.object_label} som part"
        else:
            text = f"{verb} {event.object_label}"
    else:
        what = OBJECTS.get(event.object_type, event.object_type.replace("_", " "))
        text = f"{verb} {what}"
        if event.object_label and event.object_label != title:
            text += f" ({event.object_label})"
        if event.action == "update" and changes:
            text += f": {_fields(changes)}"
    text += SOURCES.get(event.source, "")
    at = event.created_at
    if at.tzinfo is None:  # SQLite returns naive UTC
        at = at.replace(tzinfo=UTC)
    return Change(
        at=at.astimezone(STOCKHOLM),
        who=event.actor_name,
        agreement_id=event.agreement_id,
        agreement_title=title,
        text=text,
    )
