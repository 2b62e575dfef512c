"""Swedish names for audit events: object types, actions, fields per object type, and values.

Other domains add their own object types with ``register_fields`` (checklist items, reviews,
exits…); a field without a name falls back to its technical key so nothing is hidden.

Some stored values point at other rows (a kommunkod, a party id, an area slug, a party written
as ``"2021:purchaser"``). The log keeps them as they were; they are named when shown, from a
``Names`` lookup the caller builds once for a whole page of events (``audit.queries.names_for``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from coop_tracker.core.forms import amount_text
from coop_tracker.core.i18n import LazyText, _, _l, shown_stored
from coop_tracker.core.validation import is_digits
from coop_tracker.core.web import format_local_time, format_money

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
    "demo": _l("Demodata"),
    "audit_log": _l("Händelseloggen"),
    "kommun_setting": _l("Kommunens inställningar"),
}

ACTION_LABELS: dict[str, str] = {
    "prune": _l("Gallrad"),
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
    "demo_load": _l("Demodata inläst"),
    "refused": _l("Nekad"),
}
# Fields every object type's events may carry (a refusal's attempt and reason).
COMMON_FIELD_LABELS: dict[str, str] = {
    "attempted": _l("Försök"),
    "reason": _l("Skäl"),
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
        "term": _l("Avtalstid"),
        "end_alignment": _l("Uppsägningen räknas till"),
        "renewal_months": _l("Förlängningsperiod (månader)"),
        "internal_lead_days": _l("Intern förberedelsetid (dagar)"),
        "review_interval_months": _l("Uppföljningsintervall (månader)"),
        "first_review_on": _l("Första uppföljning"),
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
        "archive_reason": _l("Skäl till arkiveringen"),
        "is_asymmetric": _l("Asymmetrisk"),
        "form_needs_confirmation": _l("Formen väntar på bekräftelse"),
        "body_organisation_id": _l("Organisationen som samverkan bildar"),
        "note": _l("Anteckning"),
    },
    "party": {
        "municipality_code": _l("Kommun"),
        "role": _l("Roll"),
        "decision_body": _l("Beslutande organ"),
        "deciding_body": _l("Beslutar om uppsägning"),
        "deciding_body_name": _l("Nämnd som beslutar om uppsägning"),
        "decision_on": _l("Beslutsdatum"),
        "decision_paragraph": _l("Paragraf"),
        "decision_ref": _l("Diarienummer för beslutet"),
        "joined_on": _l("Anslöt"),
        "left_on": _l("Lämnade"),
        "cost_share_percent": _l("Kostnadsandel (%)"),
        "annual_cost": _l("Årlig kostnad för kommunen"),
        "organisation_id": _l("Organisation"),
        "ownership_percent": _l("Ägarandel (%)"),
        "responsible_body": _l("Ansvarig nämnd"),
        "responsible_user_id": _l("Ansvarig tjänsteperson"),
        "note": _l("Anteckning"),
    },
    "contact": {
        "name": _l("Namn"),
        "title": _l("Titel eller funktion"),
        "email": _l("E-post"),
        "phone": _l("Telefon"),
        "is_carrier": _l("Bär samverkan"),
        "wants_reminders": _l("Vill få påminnelser"),
        "is_responsible": _l("Ansvarig tjänsteperson för parten"),
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
    "municipality": {
        "population": _l("Folkmängd"),
        "population_year": _l("Folkmängd avser år"),
        "population_source": _l("Källa för folkmängd"),
        "skr_group": _l("SKR:s kommungrupp"),
        "skr_group_year": _l("Kommungrupp avser år"),
    },
    "demo": {
        "agreements": _l("Samverkan"),
        "parties": _l("Parter"),
        "contacts": _l("Kontaktpersoner"),
        "checklist_items": _l("Besvarade checklistpunkter"),
        "phase_changes": _l("Fasbyten"),
        "exits": _l("Avvecklingsplaner"),
        "exit_tasks": _l("Avvecklingsuppgifter"),
        # The demo's summary counts, keyed by their Swedish names.
        "uppföljningar": _l("Uppföljningar"),
        "sammanträden": _l("Sammanträden"),
        "checklistpunkter": _l("Besvarade checklistpunkter"),
        "fasbyten": _l("Fasbyten"),
        "avvecklingsplaner": _l("Avvecklingsplaner"),
        "dokument": _l("Dokument"),
        "egna uppföljningar": _l("Parternas egna uppföljningar"),
        "budgetsamråd": _l("Dagar för budgetsamråd"),
        "kostnadsmodeller": _l("Kostnadsmodeller"),
    },
}

# Fields whose stored value is a code: shown with its Swedish name. Each domain registers its own
# (``register_fields(..., values=...)``), since the names live with the codes, above this module.
_VALUE_LABELS: dict[tuple[str, str], Mapping[Any, str]] = {}
# A party's role in short ("beställare"), for the agreement's list of parties; agreements
# registers it (``register_party_roles``).
_ROLE_SHORT: dict[str, str] = {}
# Fields only people who may edit the agreement see (the detail page hides them too).
INTERNAL_FIELDS: set[tuple[str, str]] = {("agreement", "internal_note")}

# Fields whose stored value points at another row, by kind:
#   municipality – a kommunkod; party – a party's id; area – an area's slug;
#   party_role – a party as "kommunkod:role" (the agreement's list of parties).
REFERENCE_KINDS = ("municipality", "party", "area", "party_role")
_REFERENCES: dict[tuple[str, str], str] = {
    ("agreement", "parties"): "party_role",
    ("agreement", "areas"): "area",
    ("party", "municipality_code"): "municipality",
    ("user", "municipality_code"): "municipality",
}
# Fields whose stored value needs its own formatting (e.g. a review answer "yes: comment").
_FORMATTERS: dict[tuple[str, str], Callable[[Any], str]] = {}


def amount_value_text(value: Any) -> str:
    """An amount stored as "1450000.00", shown as "1 450 000 kr" (history, edit conflicts)."""
    number = _finite_decimal(value)
    return format_money(number) if number is not None else str(value)


def percent_value_text(value: Any) -> str:
    """A share stored as "33.33", shown as "33,33 %"."""
    number = _finite_decimal(value)
    return f"{amount_text(number)}\u00a0%" if number is not None else str(value)


def _finite_decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_FORMATTERS.update(
    {
        ("agreement", "annual_cost"): amount_value_text,
        ("party", "annual_cost"): amount_value_text,
        ("party", "cost_share_percent"): percent_value_text,
        ("review", "cost_budget"): amount_value_text,
        ("review", "cost_outcome"): amount_value_text,
    }
)


@dataclass
class Names:
    """Names for the rows that stored values point at, looked up once per page of events."""

    municipalities: Mapping[str, str] = field(default_factory=dict)
    parties: Mapping[int, str] = field(default_factory=dict)
    areas: Mapping[str, str] = field(default_factory=dict)


NO_NAMES = Names()


def register_fields(
    object_type: str,
    object_label: str,
    fields: Mapping[str, str],
    values: Mapping[str, Mapping[Any, str]] | None = None,
    *,
    references: Mapping[str, str] | None = None,
    formatters: Mapping[str, Callable[[Any], str]] | None = None,
) -> None:
    """Let another domain name its object type, its fields, coded values, the fields that
    point at other rows (``references``: field → one of ``REFERENCE_KINDS``) and fields with
    their own value formatting."""
    OBJECT_LABELS.setdefault(object_type, object_label)
    FIELD_LABELS.setdefault(object_type, {}).update(fields)
    for name, mapping in (values or {}).items():
        _VALUE_LABELS[(object_type, name)] = mapping
    for name, kind in (references or {}).items():
        if kind not in REFERENCE_KINDS:
            raise ValueError(f"unknown reference kind {kind!r}")
        _REFERENCES[(object_type, name)] = kind
    for name, formatter in (formatters or {}).items():
        _FORMATTERS[(object_type, name)] = formatter


def register_party_roles(short: Mapping[str, str]) -> None:
    """Let agreements name a party's role in short, as the list of parties shows it."""
    _ROLE_SHORT.update(short)


# How each object type's stored labels read in the reader's language. A domain stores the
# labels it writes in Swedish (as all stored text is) and registers how they are shown.
_LABEL_SHOWERS: dict[str, Callable[[str], str]] = {}


def register_labels(
    object_type: str,
    messages: Iterable[Any] = (),
    values: Mapping[str, Callable[[str], str]] | None = None,
    *,
    shower: Callable[[str], str] | None = None,
) -> None:
    """Let a domain show the labels it stores for ``object_type``: either made from
    ``messages`` (Swedish msgids with ``%(name)s`` placeholders, ``values`` showing a part),
    or by a ``shower`` of its own. A label made otherwise (typed by someone) shows as stored."""
    if shower is None:
        known = [m.source if isinstance(m, LazyText) else str(m) for m in messages]
        parts = dict(values or {})

        def shower(label: str) -> str:
            return shown_stored(label, known, parts)

    _LABEL_SHOWERS[object_type] = shower


def shown_object_label(object_type: str, label: str) -> str:
    """An event's stored label in the reader's language, where its domain says how."""
    shower = _LABEL_SHOWERS.get(object_type)
    return shower(label) if shower is not None and label else label


def reference_kind(object_type: str, field_name: str) -> str | None:
    """What a field's stored value points at, if anything (see ``REFERENCE_KINDS``)."""
    return _REFERENCES.get((object_type, field_name))


def has_value_labels(object_type: str, field_name: str) -> bool:
    """Whether the field stores a code that is shown by its name."""
    return (object_type, field_name) in _VALUE_LABELS


def object_label(object_type: str) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def field_label(object_type: str, field_name: str) -> str:
    label = FIELD_LABELS.get(object_type, {}).get(field_name)
    if label is None and ": " in field_name:
        # One party's field, stored as "<party name>: <field>" (a cost model's shares).
        name, _sep, inner = field_name.rpartition(": ")
        inner_label = FIELD_LABELS.get(object_type, {}).get(inner)
        if inner_label is not None:
            return f"{name}: {inner_label}"
    return str(label or COMMON_FIELD_LABELS.get(field_name, field_name))


def party_role_text(value: str, names: Names = NO_NAMES) -> str:
    """A party stored as "2021:purchaser", read as "Vansbro (beställare)"."""
    code, _sep, role = value.partition(":")
    name = names.municipalities.get(code, code)
    if not role:
        return name
    return f"{name} ({str(_ROLE_SHORT.get(role, role)).lower()})"


def reference_text(kind: str, value: Any, names: Names = NO_NAMES) -> str:
    """The name of the row a stored value points at (the value itself when it is unknown)."""
    if kind == "party_role" and isinstance(value, str):
        return party_role_text(value, names)
    if kind == "municipality":
        return names.municipalities.get(str(value), str(value))
    if kind == "area":
        return names.areas.get(str(value), str(value))
    if kind == "party":
        party_id = row_id(value)
        if party_id is not None and party_id in names.parties:
            return names.parties[party_id]
        return _("part %(id)s", id=value)
    return str(value)


def row_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if is_digits(value, 12):
        return int(value)
    return None


def has_formatter(object_type: str, field_name: str) -> bool:
    """Whether the field's stored value has its own formatting (amounts, shares)."""
    return (object_type, field_name) in _FORMATTERS


def value_text(object_type: str, field_name: str, value: Any, names: Names = NO_NAMES) -> str:
    """A stored value as a person reads it: Ja/Nej, names for codes and references, lists
    joined."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(object_type, field_name, v, names) for v in value)
    formatter = _FORMATTERS.get((object_type, field_name))
    if formatter is not None:
        return formatter(value)
    kind = _REFERENCES.get((object_type, field_name))
    if kind is not None:
        return reference_text(kind, value, names)
    mapping = _VALUE_LABELS.get((object_type, field_name))
    if mapping is not None and isinstance(value, str):
        return str(mapping.get(value, value))
    if isinstance(value, str) and _MOMENT.fullmatch(value):
        # A moment stored as ISO text (a lock's end, kept in UTC): shown as every time on the
        # page is, in Swedish local time with the zone, so it never seems to end before it began.
        try:
            return format_local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
