"""The exchange format: Swedish column names, their fields, and how values are written and read.

One definition serves the export, the import template, the import itself and the error messages
(validation field names are mapped back to the column the user sees).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from coop_tracker.agreements import rules
from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.audit.services import plain
from coop_tracker.core.i18n import in_swedish

TEXT, DATE, INT, DECIMAL, BOOL, CHOICE, AREAS, PARTIES, ID = (
    "text",
    "date",
    "int",
    "decimal",
    "bool",
    "choice",
    "areas",
    "parties",
    "id",
)

# The file format is Swedish whatever language the person exporting or importing has chosen.
FORM_LABELS = in_swedish(rules.FORM_LABELS)
PHASE_LABELS = in_swedish(rules.PHASE_LABELS)
RENEWAL_LABELS = in_swedish(rules.RENEWAL_LABELS)
TERM_LABELS = in_swedish(rules.TERM_LABELS)
ALIGNMENT_LABELS = in_swedish(rules.ALIGNMENT_LABELS)
COST_BASIS_LABELS = in_swedish(rules.COST_BASIS_LABELS)
# Who decides a party's notice, as written in the file (empty: the form's default body).
DECIDING_BODY_WORDS: dict[str, str] = {
    "kf": "kommunfullmäktige",
    "ks": "kommunstyrelsen",
    "namnd": "nämnd",
}

MAIN_SHEET = "Samverkan"
PARTY_SHEET = "Parter"
INSTRUCTIONS_SHEET = "Instruktioner"


@dataclass(frozen=True)
class Column:
    """One column of the exchange format."""

    key: str
    name: str
    kind: str
    hint: str
    width: int = 18
    choices: Mapping[str, str] | None = None
    importable: bool = True
    required: bool = False


AGREEMENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        "Externt id",
        TEXT,
        "Er egen beteckning, unik per samverkan (t.ex. diarienummer). Raden känns igen på den "
        "vid nästa import.",
        16,
    ),
    Column(
        "external_id_owner",
        "Externt id tillhör",
        TEXT,
        "Kommunkoden för den kommun vars numrering det externa id:t följer. Tom för "
        "Samverkanskollens egna id (de som börjar med SK-).",
        10,
    ),
    Column(
        "id",
        "Id",
        ID,
        "Samverkanskollens nummer. Fyll bara i för att uppdatera en samverkan som saknar "
        "externt id.",
        8,
    ),
    Column("title", "Namn", TEXT, "Samverkans namn, minst tre tecken.", 40, required=True),
    Column(
        "form",
        "Samverkansform",
        CHOICE,
        "En av: " + ", ".join(FORM_LABELS.values()) + ".",
        22,
        FORM_LABELS,
        required=True,
    ),
    Column(
        "phase",
        "Fas",
        CHOICE,
        "En av: " + ", ".join(PHASE_LABELS.values()) + ". Tom betyder Planerad.",
        12,
        PHASE_LABELS,
    ),
    Column(
        "area_slugs",
        "Områden",
        AREAS,
        "Ett eller flera samverkansområden, åtskilda med semikolon.",
        30,
        required=True,
    ),
    Column(
        "parties",
        "Parter",
        PARTIES,
        "Kommuner med kod eller namn och roll, t.ex. 2021:värd; 2023:beställare eller "
        "”Falun (värd), Borlänge”. Eller använd Motpart och Vår roll.",
        30,
    ),
    Column("purpose", "Syfte", TEXT, "Varför kommunerna samverkar.", 40),
    Column("goals", "Mål och förväntade effekter", TEXT, "Vad samverkan ska leda till.", 40),
    Column("motive", "Motiv", TEXT, "T.ex. kompetensförsörjning eller sårbarhet.", 30),
    Column("start_on", "Startdatum", DATE, "T.ex. 2020-01-01, 1/1 2020 eller bara året.", 12),
    Column(
        "end_on",
        "Slutdatum",
        DATE,
        "ÅÅÅÅ-MM-DD: sista dagen i (första) avtalsperioden. Tom när avtalet gäller tills vidare.",
        12,
    ),
    Column(
        "term",
        "Avtalstid",
        CHOICE,
        "Avtalsperiod som upphör utan uppsägning, Avtalsperiod och därefter tills vidare, "
        "Tills vidare eller Avtalsperiod som förlängs automatiskt (också ”3 år, därefter tills "
        "vidare”). Tom: läses ur Förlängning och Slutdatum.",
        30,
        TERM_LABELS,
    ),
    Column(
        "notice_months",
        "Uppsägningstid (månader)",
        INT,
        "Antal månader, 0–60: 6, ”6 mån” eller ”1 år”.",
        12,
    ),
    Column(
        "end_alignment",
        "Uppsägningen räknas till",
        CHOICE,
        "Den dag uppsägningstiden löper ut (tom), närmaste månadsskifte eller närmaste "
        "årsskifte. Bara för avtal som löper tills vidare.",
        24,
        ALIGNMENT_LABELS,
    ),
    Column(
        "renewal",
        "Förlängning",
        CHOICE,
        "Äldre kolumn: Ingen förlängning eller Förlängs automatiskt. Avtalstid går före.",
        20,
        RENEWAL_LABELS,
    ),
    Column("renewal_months", "Förlängningsperiod (månader)", INT, "Heltal, 1–120.", 12),
    Column(
        "internal_lead_days",
        "Intern förberedelsetid (dagar)",
        INT,
        "Dagar före uppsägningsdagen då beslutet behöver vara förberett. Tom betyder 60.",
        12,
    ),
    Column(
        "review_interval_months",
        "Uppföljningsintervall (månader)",
        INT,
        "Heltal, 1–60. Tom betyder 12.",
        12,
    ),
    Column(
        "first_review_on",
        "Första uppföljning",
        DATE,
        "ÅÅÅÅ-MM-DD. Tom betyder start plus intervallet.",
        12,
    ),
    Column(
        "cost_basis",
        "Kostnadsfördelning",
        CHOICE,
        "En av: " + ", ".join(COST_BASIS_LABELS.values()) + ".",
        18,
        COST_BASIS_LABELS,
    ),
    Column(
        "annual_cost",
        "Årlig kostnad totalt (kr)",
        DECIMAL,
        "Alla parters kostnad per år, t.ex. 1 250 000 kr, 820 tkr eller 52,4 mkr.",
        16,
    ),
    Column("cost_note", "Kommentar om kostnader", TEXT, "", 30),
    Column("document_ref", "Diarienummer", TEXT, "Avtalets diarienummer.", 16),
    Column("document_url", "Länk till avtalet", TEXT, "Webbadress som börjar med https://.", 30),
    Column("internal_note", "Intern anteckning", TEXT, "", 30),
    Column("is_public", "Visas publikt", BOOL, "ja eller nej.", 10),
    Column(
        "is_asymmetric",
        "Asymmetrisk",
        BOOL,
        "ja eller nej: en större part utför åt mindre (avtalssamverkan eller gemensam nämnd). "
        "Tom: avgörs av befolkningen.",
        10,
    ),
)
DERIVED_COLUMNS: tuple[Column, ...] = (
    Column("notice_deadline_on", "Uppsägning senast", DATE, "Beräknas; läses inte vid import.", 14),
    Column("decide_by_on", "Beslut senast", DATE, "Beräknas; läses inte vid import.", 14),
)

PARTY_FIELD_COLUMNS: tuple[Column, ...] = (
    Column("municipality_code", "Kommunkod", TEXT, "Fyra siffror.", 10),
    Column("role", "Roll", CHOICE, "värd, beställare eller medlem.", 12),
    Column("decision_body", "Beslutande organ", TEXT, "T.ex. kommunfullmäktige.", 22),
    Column("decision_on", "Beslutsdatum", DATE, "ÅÅÅÅ-MM-DD.", 12),
    Column("decision_paragraph", "Paragraf", TEXT, "T.ex. § 45.", 10),
    Column("decision_ref", "Diarienummer för beslutet", TEXT, "", 16),
    Column("joined_on", "Anslöt", DATE, "ÅÅÅÅ-MM-DD.", 12),
    Column("left_on", "Lämnade", DATE, "ÅÅÅÅ-MM-DD; tom om kommunen är kvar.", 12),
    Column("cost_share_percent", "Kostnadsandel (%)", DECIMAL, "0–100.", 12),
    Column("annual_cost", "Årlig kostnad för kommunen (kr)", DECIMAL, "", 16),
    Column(
        "deciding_body",
        "Beslutar om uppsägning",
        CHOICE,
        "kommunfullmäktige, kommunstyrelsen eller nämnd. Tom: formens standard (fullmäktige i "
        "kommunalförbund och gemensam nämnd).",
        20,
        DECIDING_BODY_WORDS,
    ),
    Column(
        "deciding_body_name",
        "Beslutande nämnd",
        TEXT,
        "Nämndens namn när en nämnd beslutar, t.ex. Miljö- och byggnämnden.",
        24,
    ),
    Column(
        "organisation",
        "Organisation",
        TEXT,
        "Parter som inte är kommuner: länskod (region), organisationsnummer eller org-id. "
        "Tom för kommuner.",
        16,
    ),
    Column("ownership_percent", "Ägarandel (%)", DECIMAL, "Bolag: 0–100.", 12),
    Column("responsible_body", "Ansvarig nämnd", TEXT, "T.ex. Socialnämnden.", 20),
)
PARTY_SHEET_COLUMNS: tuple[Column, ...] = (
    Column("agreement_external_id", "Externt id", TEXT, "Samverkans externa id.", 16),
    Column("agreement_id", "Id", ID, "Samverkanskollens nummer för samverkan.", 8),
    Column("agreement_title", "Samverkan", TEXT, "Läses inte vid import.", 36, importable=False),
    PARTY_FIELD_COLUMNS[0],
    Column("municipality_name", "Kommun", TEXT, "Läses inte vid import.", 18, importable=False),
    *PARTY_FIELD_COLUMNS[1:],
)

ROLE_WORDS: dict[str, str] = {"host": "värd", "purchaser": "beställare", "member": "medlem"}
ROLE_ALIASES: dict[str, str] = {
    "host": "host",
    "värd": "host",
    "värdkommun": "host",
    "utförare": "host",
    "ansvarig": "host",
    "purchaser": "purchaser",
    "beställare": "purchaser",
    "köpare": "purchaser",
    "mottagare": "purchaser",
    "member": "member",
    "medlem": "member",
}
BOOL_WORDS: dict[str, bool] = {
    "ja": True,
    "j": True,
    "sant": True,
    "true": True,
    "1": True,
    "x": True,
    "nej": False,
    "n": False,
    "falskt": False,
    "false": False,
    "0": False,
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_SPACE = re.compile(r"\s+")


def normalise(name: Any) -> str:
    """A header compared without case or extra spaces."""
    return _SPACE.sub(" ", str(name or "")).strip().lower()


def by_name(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {c.name: c for c in columns}


FIELD_COLUMN = {c.key: c.name for c in AGREEMENT_COLUMNS}
FIELD_COLUMN["areas"] = "Områden"
FIELD_COLUMN["version"] = "Id"
PARTY_FIELD_NAME = {c.key: c.name for c in PARTY_FIELD_COLUMNS}

# Columns only an import reads: the shape of a kommun's own register.
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column(
        "municipality",
        "Kommun",
        "kommun",
        "Kommunen vars register raden kommer från. Tom betyder den kommun som importerar.",
    ),
    Column(
        "counterparties",
        "Motpart",
        "kommuner",
        "De andra kommunerna, med namn eller kommunkod, t.ex. ”Falun, Borlänge (värd)”.",
    ),
    Column(
        "our_role",
        "Vår roll",
        "roll",
        "Kommunens egen roll: värd/utförare, beställare/köpare eller medlem.",
    ),
    Column(
        "term",
        "Avtalstid",
        "avtalstid",
        "T.ex. ”tills vidare”, ”3 år, därefter tills vidare”, ”förlängs 1 år i taget” eller "
        "”2020-01-01 – 2023-12-31”.",
    ),
    Column(
        "own_annual_cost",
        "Kostnad per år för kommunen",
        "belopp",
        "Vad kommunen själv betalar per år, t.ex. 1 250 000 kr, 820 tkr eller 52,4 mkr.",
    ),
    Column(
        "responsible", "Ansvarig", "text", "Kommunens kontaktperson, t.ex. ”Anna Berg, miljöchef”."
    ),
    Column(
        "decision",
        "Beslut",
        "text",
        "Kommunens beslut, t.ex. ”KF 2019-06-17 § 45”.",
    ),
    Column("comment", "Kommentar", "text", "Sparas som intern anteckning."),
)
# Our name for every column an import reads, for messages about a column not mapped.
COLUMN_NAMES = {c.key: c.name for c in (*AGREEMENT_COLUMNS, *EXTRA_COLUMNS)}
COLUMN_NAMES["areas"] = FIELD_COLUMN["areas"]


def party_detail_header(index: int, column: Column) -> str:
    """The CSV column for one detail of the index-th (1-based) party in the Parter column."""
    return f"Part {index}: {column.name.lower()}"


# --- values out -------------------------------------------------------------------------------


def org_key(org: Any) -> str:
    """How files name an organisation that is not a kommun: länskod for a region, else its
    organisationsnummer, else ``org-<id>``."""
    if org.code:
        return str(org.code)
    return str(org.org_number) if org.org_number else f"org-{org.id}"


def party_key(party: Party) -> str:
    """A party in files: its kommunkod, else :func:`org_key`."""
    return party.municipality_code or org_key(party.organisation)


def party_pairs(agreement: Agreement) -> str:
    """Parties as ``kod:roll`` pairs, e.g. ``2021:värd; 20:medlem; 202100-5521:medlem``."""
    return "; ".join(f"{party_key(p)}:{ROLE_WORDS[p.role]}" for p in agreement.parties)


def agreement_values(agreement: Agreement, derived: Any | None = None) -> dict[str, Any]:
    """Column name → typed value (str, int, Decimal, date, bool or None) for one agreement."""
    values: dict[str, Any] = {}
    for column in AGREEMENT_COLUMNS:
        if column.key == "area_slugs":
            value: Any = "; ".join(a.label_sv for a in agreement.areas)
        elif column.key == "parties":
            value = party_pairs(agreement)
        elif column.kind == CHOICE:
            raw = getattr(agreement, column.key)
            value = column.choices.get(raw, raw) if column.choices and raw else None
        else:
            value = getattr(agreement, column.key)
        values[column.name] = value
    if derived is not None:
        for column in DERIVED_COLUMNS:
            values[column.name] = getattr(derived, column.key)
    return values


def party_values(party: Party) -> dict[str, Any]:
    """Column name → typed value for one party (the Parter sheet / CSV detail columns)."""
    agreement = party.agreement
    values: dict[str, Any] = {
        "Externt id": agreement.external_id,
        "Id": agreement.id,
        "Samverkan": agreement.title,
        "Kommun": party.name,
    }
    for column in PARTY_FIELD_COLUMNS:
        if column.key == "organisation":
            values[column.name] = None if party.municipality_code else party_key(party)
            continue
        raw = getattr(party, column.key)
        if column.key == "role":
            raw = ROLE_WORDS.get(raw, raw)
        elif column.kind == CHOICE and column.choices is not None:
            raw = column.choices.get(raw, raw) or None
        values[column.name] = raw
    return values


def csv_text(value: Any) -> str:
    """A value as Excel with Swedish settings reads it: decimal comma, ISO dates, ja/nej."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    text = str(value)
    if text.startswith(FORMULA_START):
        # A leading apostrophe keeps Excel from running the text as a formula (CSV injection);
        # the import removes it again.
        return "'" + text
    return text


# --- values in --------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as trimmed text (numbers without a trailing .0, dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_START and text[1:2]:
        text = text[1:]
    return text


def cell_date(value: Any) -> Any:
    """A date cell: real dates pass, datetimes at midnight become dates, text is left to the
    service's validator (which names the format)."""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else cell_text(value)
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if len(text) == 19 and text.endswith(" 00:00:00"):
        return text[:10]
    return text


def cell_number(value: Any) -> Any:
    """A numeric cell for the service's validators (which accept a Swedish decimal comma)."""
    if isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return str(value)
    return cell_text(value)


def choice_code(raw: str, choices: Mapping[str, str]) -> str | None:
    """The code for a code or a Swedish label, compared without case; None when unknown."""
    wanted = normalise(raw)
    for code, label in choices.items():
        if wanted in (normalise(code), normalise(label)):
            return code
    short = {normalise(label).split(" (")[0]: code for code, label in choices.items()}
    return short.get(wanted)


def canonical(agreement: Agreement) -> dict[str, Any]:
    """Every stored field of an agreement and its parties, for comparing imports with exports."""
    from coop_tracker.agreements.services import AGREEMENT_FIELDS, PARTY_FIELDS

    data = {name: plain(getattr(agreement, name)) for name in AGREEMENT_FIELDS}
    data["external_id"] = agreement.external_id
    data["phase"] = agreement.phase
    data["areas"] = sorted(a.slug for a in agreement.areas)
    data["parties"] = sorted(
        ({name: plain(getattr(p, name)) for name in PARTY_FIELDS} for p in agreement.parties),
        key=lambda p: (p["municipality_code"] or "", str(p["organisation_id"])),
    )
    return data
