"""Audit events told in plain Swedish for the oversight's "what has changed" list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from coop_tracker.agreements.rules import (
    ALIGNMENT_LABELS,
    COST_BASIS_LABELS,
    DECIDING_BODY_LABELS,
    FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_SHORT,
    TERM_LABELS,
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
    "term": _l("avtalstiden"),
    "end_alignment": _l("vad uppsägningen räknas till"),
    "first_review_on": _l("första uppföljningen"),
    "deciding_body": _l("vem som beslutar om uppsägning"),
    "deciding_body_name": _l("nämnden som beslutar om uppsägning"),
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
    "term": TERM_LABELS,
    "end_alignment": ALIGNMENT_LABELS,
    "deciding_body": DECIDING_BODY_LABELS,
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

# What a kommunstyrelse needs to read: decisions, terms, phases, reviews, exits, parties joining
# and leaving, costs. Everything else (contacts, checklist ticks, exit tasks, reminders, notes and
# links) is routine and shown only on request; other kommuners' contacts never.
ROUTINE_OBJECTS = frozenset({"contact", "checklist", "checklist_item", "exit_task", "reminder"})
KEY_AGREEMENT_FIELDS = frozenset(
    {
        "title",
        "form",
        "phase",
        "start_on",
        "end_on",
        "notice_months",
        "renewal",
        "renewal_months",
        "review_interval_months",
        "cost_basis",
        "annual_cost",
        "areas",
        "parties",
        "archived",
    }
)
DECISION_FIELDS = ("decision_body", "decision_on", "decision_paragraph", "decision_ref")
KEY_PARTY_FIELDS = frozenset(
    {"role", "joined_on", "left_on", "cost_share_percent", "annual_cost", *DECISION_FIELDS}
)
KEY_REVIEW_FIELDS = frozenset(
    {"reviewed_on", "rating", "goal_attainment", "cost_outcome", "reported_to", "reported_on"}
)
# Names the audit log stores for changes nobody signed in made (see core.actor.Actor.name).
SYSTEM_ACTOR_NAMES = frozenset({"Kommandorad", "Schemaläggaren", "System"})


def importance(event: AuditEvent, code: str) -> str | None:
    """ "key" for what a politician reads, "routine" for what is shown on request, None for what
    the kommun's report never shows (another kommun's contact persons)."""
    kind, action, changed = event.object_type, event.action, set(event.changes or {})
    if kind == "contact":
        return "routine" if event.municipality_code in (None, code) else None
    if kind in ROUTINE_OBJECTS:
        return "routine"
    if action == "update":
        key_fields = {
            "agreement": KEY_AGREEMENT_FIELDS,
            "party": KEY_PARTY_FIELDS,
            "review": KEY_REVIEW_FIELDS,
        }.get(kind, frozenset())
        return "key" if changed & key_fields else "routine"
    return "key"


def is_system(event: AuditEvent) -> bool:
    return event.actor_id is None and event.actor_name in SYSTEM_ACTOR_NAMES


def actor_text(event: AuditEvent, at: datetime) -> str:
    """Who made the change, with the system named as such rather than as a person."""
    if not is_system(event):
        return event.actor_name
    if event.source == "import":
        return _("Import från fil %(date)s", date=at.date().isoformat())
    if event.source == "scheduler":
        return _("Systemet (schemalagd körning)")
    return _("Systemet")


@dataclass(frozen=True)
class Change:
    """One change, ready to show."""

    at: datetime
    who: str
    agreement_id: int | None
    agreement_title: str
    text: str
    missed: bool = False  # a deadline that passed without the decision or review it asked for


@dataclass
class ChangeGroup:
    """The changes to one agreement, newest first."""

    agreement_id: int | None
    title: str
    changes: list[Change]


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
    if labels.has_formatter(object_type, field):  # amounts and shares: "6 250 000 kr"
        return labels.value_text(object_type, field, value, names)
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


def _fields(object_type: str, changes: dict[str, Any], names: labels.Names, hidden: int = 0) -> str:
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
    rest = max(0, len(changes) - MAX_FIELDS) + hidden
    text = ", ".join(parts)
    if rest > 0:
        text += " " + ngettext("och %(num)d uppgift till", "och %(num)d uppgifter till", rest)
    return text


def _key_only(kind: str, changes: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The changes a politician reads, and how many others were left out."""
    keys = {"agreement": KEY_AGREEMENT_FIELDS, "party": KEY_PARTY_FIELDS}.get(kind)
    if keys is None:
        return changes, 0
    kept = {name: pair for name, pair in changes.items() if name in keys}
    return kept, len(changes) - len(kept)


def _party_name(event: AuditEvent, title: str) -> str:
    """ "Orsa i Räddningstjänst Dala Mitt" → "Orsa" where the agreement is named anyway."""
    label = event.object_label
    suffix = f" i {title}"
    return label[: -len(suffix)] if title and label.endswith(suffix) else label


def _new(changes: dict[str, Any], name: str) -> Any:
    pair = changes.get(name)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


def _decision(changes: dict[str, Any]) -> str | None:
    """ "Kommunfullmäktige 2026-10-12 § 22" when the change records a decision."""
    body, on = _new(changes, "decision_body"), _new(changes, "decision_on")
    if not body or not on:
        return None
    parts = [str(body), str(on)]
    for name in ("decision_paragraph", "decision_ref"):
        if _new(changes, name):
            parts.append(str(_new(changes, name)))
    return " ".join(parts)


def describe(
    event: AuditEvent,
    title: str,
    names: labels.Names = labels.NO_NAMES,
    *,
    curated: bool = False,
) -> Change:
    """ "Anna Berg ändrade uppsägningstiden (månader) från 6 till 3." and the like.

    ``names`` names the kommuner, parties and areas that stored values point at (built once
    for all the events shown, see ``history.queries.names_for``). ``curated`` tells only the
    fields a politician reads (see ``importance``) and how many others changed."""
    verb = str(VERBS.get(event.action) or labels.action_label(event.action).lower())
    changes = event.changes or {}
    kind = event.object_type
    hidden = 0
    if curated and event.action == "update":
        changes, hidden = _key_only(kind, changes)
    if kind == "agreement":
        if event.action == "create":
            text = _("registrerade samverkan")
        elif event.action == "update" and changes:
            text = _("ändrade %(fields)s", fields=_fields(kind, changes, names, hidden))
        elif event.action in ("transition", "override_transition") and changes:
            text = _(
                "%(verb)s samverkan: %(fields)s", verb=verb, fields=_fields(kind, changes, names)
            )
        else:
            text = _("%(verb)s samverkan", verb=verb)
    elif kind == "review" and event.action == "create" and _new(changes, "rating"):
        text = _(
            "registrerade en uppföljning daterad %(date)s med bedömningen %(rating)s",
            date=_new(changes, "reviewed_on") or "",
            rating=_value(kind, "rating", _new(changes, "rating"), names),
        )
    elif event.object_type == "party":
        party = _party_name(event, title)
        decision = _decision(changes) if event.action == "update" else None
        if decision is not None:
            text = _(
                "registrerade beslutet för %(party)s: %(decision)s", party=party, decision=decision
            )
        elif event.action == "update" and changes:
            text = _(
                "ändrade för %(party)s: %(fields)s",
                party=party,
                fields=_fields(kind, changes, names, hidden),
            )
        elif event.action == "create":
            text = _("lade till %(party)s som part", party=party)
        elif event.action == "delete":
            text = _("tog bort %(party)s som part", party=party)
        else:
            text = f"{verb} {party}"
    else:
        # The audit log's own name for what other domains record (documents, cost models,
        # the årshjul's duties): never the code's English name in a Swedish sentence.
        what = OBJECTS.get(kind) or labels.object_label(kind).lower()
        text = f"{verb} {what}"
        if event.object_label and event.object_label != title:
            text += f" ({labels.shown_object_label(event.object_type, event.object_label)})"
        if event.action == "update" and changes:
            text += f": {_fields(kind, changes, names)}"
    if not is_system(event):  # the system's own name says where the change came from
        text += str(SOURCES.get(event.source, ""))
    at = event.created_at
    if at.tzinfo is None:  # SQLite returns naive UTC
        at = at.replace(tzinfo=UTC)
    at = at.astimezone(STOCKHOLM)
    return Change(
        at=at,
        who=actor_text(event, at),
        agreement_id=event.agreement_id,
        agreement_title=title,
        text=text,
    )
