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
from coop_tracker.audit import labels
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.clock import STOCKHOLM
from coop_tracker.core.i18n import _, _l, ngettext

FIELD_NAMES: dict[str, str] = {
    "title": _l("namnet"),
    "form": _l("samverkansformen"),
    "phase": _l("fasen"),
    "purpose": _l("syftet"),
    "goals": _l("målen"),
    "motive": _l("motivet"),
    "start_on": _l("startdatum"),
    "end_on": _l("slutdatum"),
    "notice_months": _l("uppsägningstiden (månader)"),
    "renewal": _l("förlängningen"),
    "renewal_months": _l("förlängningsperioden (månader)"),
    "internal_lead_days": _l("den interna förberedelsetiden (dagar)"),
    "review_interval_months": _l("uppföljningsintervallet (månader)"),
    "cost_basis": _l("kostnadsfördelningen"),
    "annual_cost": _l("den årliga kostnaden"),
    "cost_note": _l("kommentaren om kostnader"),
    "document_ref": _l("diarienumret"),
    "document_url": _l("länken till avtalet"),
    "internal_note": _l("den interna anteckningen"),
    "is_public": _l("om den visas publikt"),
    "areas": _l("områdena"),
    "parties": _l("parterna"),
    "role": _l("rollen"),
    "decision_body": _l("beslutande organ"),
    "decision_on": _l("beslutsdatum"),
    "decision_paragraph": _l("paragraf"),
    "decision_ref": _l("diarienummer för beslutet"),
    "joined_on": _l("anslutningsdatum"),
    "left_on": _l("datum för utträde"),
    "cost_share_percent": _l("kostnadsandelen (%)"),
    "archived": _l("arkivering"),
    "rating": _l("betyget"),
    "status": _l("status"),
}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "form": FORM_LABELS,
    "phase": PHASE_LABELS,
    "renewal": RENEWAL_LABELS,
    "cost_basis": COST_BASIS_LABELS,
    "role": ROLE_SHORT,
    "rating": {"green": _l("grön"), "yellow": _l("gul"), "red": _l("röd")},
}
LONG_TEXT = {
    "purpose",
    "goals",
    "motive",
    "cost_note",
    "internal_note",
    "reason",
    "override",
    "background",
    "note",
    "not_applicable_reason",
    "rating_comment",
    "goal_comment",
    "cost_comment",
    "archive_reason",
}
OBJECTS: dict[str, str] = {
    "review": _l("en uppföljning"),
    "checklist_item": _l("en punkt i checklistan"),
    "transition": _l("ett fasbyte"),
    "exit": _l("en avveckling"),
    "exit_task": _l("en uppgift i avvecklingen"),
    "contact": _l("en kontaktperson"),
    "party": _l("en part"),
    "checklist": _l("checklistan"),
    "reminder": _l("en påminnelse"),
}
VERBS = {
    "create": _l("lade till"),
    "update": _l("ändrade"),
    "delete": _l("tog bort"),
    "archive": _l("arkiverade"),
    "restore": _l("återställde"),
    "transition": _l("bytte fas på"),
    "override_transition": _l("bytte fas, förbi villkoren, på"),
    "adopt": _l("antog"),
    "complete": _l("markerade som genomförd"),
    "withdraw": _l("återkallade"),
    "leave": _l("registrerade utträdet för"),
    "instantiate": _l("skapade"),
    "update_templates": _l("uppdaterade efter de senaste mallarna"),
    "snooze": _l("sköt upp"),
    "send": _l("skickade"),
}
SOURCES = {"import": _l(" (genom import)"), "api": _l(" (via API)")}
MAX_FIELDS = 3


@dataclass(frozen=True)
class Change:
    """One change, ready to show."""

    at: datetime
    who: str
    agreement_id: int | None
    agreement_title: str
    text: str


def _lower_first(text: str) -> str:
    """ "Klart senast" → "klart senast", but "KS" and "SKR:s grupp" keep their capitals."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _value(object_type: str, field: str, value: Any, names: labels.Names) -> str:
    if value is None or value == "" or value == []:
        return _("tomt")
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, list):
        return ", ".join(_value(object_type, field, v, names) for v in value)
    own = VALUE_LABELS.get(field)
    if own and value in own:
        return str(own[value])
    if labels.reference_kind(object_type, field):
        return labels.value_text(object_type, field, value, names)
    if labels.has_value_labels(object_type, field):
        return _lower_first(labels.value_text(object_type, field, value, names))
    return str(value)


def _field_name(object_type: str, field: str) -> str:
    if field in FIELD_NAMES:
        return str(FIELD_NAMES[field])
    label = labels.field_label(object_type, field)
    return _lower_first(label) if label != field else field.replace("_", " ")


def _fields(object_type: str, changes: dict[str, Any], names: labels.Names) -> str:
    parts = []
    for field, pair in list(changes.items())[:MAX_FIELDS]:
        name = _field_name(object_type, field)
        if field in LONG_TEXT or not isinstance(pair, list) or len(pair) != 2:
            parts.append(name)
        else:
            parts.append(
                _(
                    "%(field)s från %(old)s till %(new)s",
                    field=name,
                    old=_value(object_type, field, pair[0], names),
                    new=_value(object_type, field, pair[1], names),
                )
            )
    rest = len(changes) - MAX_FIELDS
    text = ", ".join(parts)
    if rest > 0:
        text += " " + ngettext("och %(num)d uppgift till", "och %(num)d uppgifter till", rest)
    return text


def describe(event: AuditEvent, title: str, names: labels.Names = labels.NO_NAMES) -> Change:
    """ "Anna Berg ändrade uppsägningstiden (månader) från 6 till 3." and the like.

    ``names`` names the kommuner, parties and areas that stored values point at (built once
    for all the events shown, see ``audit.queries.names_for``)."""
    verb = str(VERBS.get(event.action) or labels.action_label(event.action).lower())
    changes = event.changes or {}
    kind = event.object_type
    if kind == "agreement":
        if event.action == "create":
            text = _("registrerade samverkan")
        elif event.action == "update" and changes:
            text = _("ändrade %(fields)s", fields=_fields(kind, changes, names))
        elif event.action in ("transition", "override_transition") and changes:
            text = _(
                "%(verb)s samverkan: %(fields)s", verb=verb, fields=_fields(kind, changes, names)
            )
        else:
            text = _("%(verb)s samverkan", verb=verb)
    elif event.object_type == "party":
        if event.action == "update" and changes:
            text = _(
                "ändrade för %(party)s: %(fields)s",
                party=event.object_label,
                fields=_fields(kind, changes, names),
            )
        elif event.action == "create":
            text = _("lade till %(party)s som part", party=event.object_label)
        elif event.action == "delete":
            text = _("tog bort %(party)s som part", party=event.object_label)
        else:
            text = f"{verb} {event.object_label}"
    else:
        what = OBJECTS.get(event.object_type, event.object_type.replace("_", " "))
        text = f"{verb} {what}"
        if event.object_label and event.object_label != title:
            text += f" ({event.object_label})"
        if event.action == "update" and changes:
            text += f": {_fields(kind, changes, names)}"
    text += str(SOURCES.get(event.source, ""))
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
