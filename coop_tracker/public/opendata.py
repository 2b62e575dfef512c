"""The public register as open data: one record per agreement, its documented fields, and the
files built from it (CSV with ``,`` or ``;``, JSON, JSON-LD).

Everything here is pure: the records are built from loaded rows (see ``public/queries.py``)
and the dates already derived by ``agreements/dates.py``; nothing reads the clock or the
database. The field lists below are the documentation: the open-data page renders them, so
the files and their description cannot drift apart.

Identifiers are stable: an agreement is its number in the register and its public URL; a kommun
is its four-digit kommunkod; a form, phase, role or area is its code (the Swedish label is
given beside it). Column names never change meaning; new columns are only ever added at the
end.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from coop_tracker.agreements import rules
from coop_tracker.agreements.models import Agreement, Party, Phase, Renewal
from coop_tracker.agreements.queries import DerivedDates
from coop_tracker.core.i18n import _l, in_swedish
from coop_tracker.documents.rules import TYPE_LABELS as DOCUMENT_TYPE_LABELS
from coop_tracker.public.models import EXTRAS
from coop_tracker.public.queries import (
    PublicExit,
    PublicExitDecision,
    PublicExtras,
    PublicReview,
)

FORM_LABELS = in_swedish(rules.FORM_LABELS)
PHASE_LABELS = in_swedish(rules.PHASE_LABELS)
ROLE_LABELS = in_swedish(rules.ROLE_LABELS)
COST_BASIS_LABELS = in_swedish(rules.COST_BASIS_LABELS)
DOCUMENT_TYPE_LABELS_SV = in_swedish(DOCUMENT_TYPE_LABELS)

TEXT, DATE, INT, DECIMAL, CODE, URL, DATETIME, LIST = (
    "text",
    "date",
    "integer",
    "decimal",
    "code",
    "url",
    "datetime",
    "list",
)
KIND_LABELS: dict[str, Any] = {
    TEXT: _l("text"),
    DATE: _l("datum (ÅÅÅÅ-MM-DD)"),
    INT: _l("heltal"),
    DECIMAL: _l("decimaltal"),
    CODE: _l("kod"),
    URL: _l("webbadress"),
    DATETIME: _l("tidpunkt (ISO 8601, UTC)"),
    LIST: _l("lista"),
}

# The term of an agreement in the vocabulary of DESIGN §2.
TERM_FIXED, TERM_RENEWING, TERM_INDEFINITE = "fixed", "renewing", "indefinite"
TERM_FIXED_THEN_INDEFINITE = "fixed_then_indefinite"
TERM_LABELS: dict[str, Any] = {
    TERM_FIXED: _l("Fast period, upphör vid slutdatum"),
    TERM_FIXED_THEN_INDEFINITE: _l("Fast första period, sedan tills vidare"),
    TERM_RENEWING: _l("Förlängs automatiskt om ingen säger upp"),
    TERM_INDEFINITE: _l("Tills vidare, gäller tills någon säger upp"),
}


@dataclass(frozen=True)
class Field:
    """One documented field of the open data (a CSV column and a JSON key)."""

    key: str
    kind: str
    label: Any
    description: Any


AGREEMENT_FIELDS: tuple[Field, ...] = (
    Field("id", INT, _l("Id"), _l("Samverkans nummer i registret. Ändras aldrig.")),
    Field("url", URL, _l("Webbadress"), _l("Samverkans publika sida; en beständig identifierare.")),
    Field("title", TEXT, _l("Namn"), _l("Samverkans namn.")),
    Field(
        "form",
        CODE,
        _l("Samverkansform"),
        _l(
            "avtalssamverkan, gemensam_namnd, kommunalforbund, asymmetrisk eller ovrig "
            "(se kodlistan nedan)."
        ),
    ),
    Field("form_label", TEXT, _l("Samverkansform (text)"), _l("Formens namn på svenska.")),
    Field(
        "phase",
        CODE,
        _l("Fas"),
        _l("active (pågående), exiting (avveckling pågår) eller ended (avslutad)."),
    ),
    Field("phase_label", TEXT, _l("Fas (text)"), _l("Fasens namn på svenska.")),
    Field(
        "areas",
        LIST,
        _l("Områden"),
        _l("Samverkansområdenas koder, åtskilda med semikolon (t.ex. it;e-arkiv)."),
    ),
    Field("area_labels", LIST, _l("Områden (text)"), _l("Områdenas namn, åtskilda med semikolon.")),
    Field(
        "parties",
        LIST,
        _l("Parter"),
        _l(
            "Nuvarande parter som kommunkod:roll, åtskilda med semikolon (t.ex. "
            "2062:host;2084:member). Alla uppgifter om parterna finns i parter-filen."
        ),
    ),
    Field("purpose", TEXT, _l("Syfte"), _l("Varför kommunerna samverkar.")),
    Field("goals", TEXT, _l("Mål"), _l("Mål och förväntade effekter.")),
    Field("motive", TEXT, _l("Motiv"), _l("Motivet, t.ex. kompetensförsörjning.")),
    Field("start_on", DATE, _l("Startdatum"), _l("Första dagen samverkan gällde.")),
    Field(
        "term",
        CODE,
        _l("Avtalstid"),
        _l(
            "fixed (fast period som upphör vid slutdatum), fixed_then_indefinite (fast första "
            "period, sedan tills vidare), renewing (förlängs automatiskt med en period i taget "
            "om ingen säger upp) eller indefinite (tills vidare)."
        ),
    ),
    Field(
        "first_term_end_on",
        DATE,
        _l("Första periodens slut"),
        _l(
            "Sista dagen i den första avtalsperioden, så som avtalet skrevs. För ett avtal som "
            "förlängs är detta inte slutdatum: se current_term_end_on."
        ),
    ),
    Field(
        "renewal_months",
        INT,
        _l("Förlängningsperiod (månader)"),
        _l("Hur många månader avtalet förlängs i taget (bara för term = renewing)."),
    ),
    Field(
        "notice_months",
        INT,
        _l("Uppsägningstid (månader)"),
        _l("Uppsägningstiden i månader, räknat från att uppsägningen nått de andra parterna."),
    ),
    Field(
        "current_term_end_on",
        DATE,
        _l("Nuvarande periods slut"),
        _l(
            "Sista dagen i den avtalsperiod som pågår nu (beräknad från avtalets villkor). Tom "
            "för avtal som gäller tills vidare och för avslutad samverkan."
        ),
    ),
    Field(
        "notice_deadline_on",
        DATE,
        _l("Sista dag för uppsägning"),
        _l(
            "Sista dagen att säga upp avtalet för att det ska upphöra vid "
            "notice_term_end_on. Annars förlängs det. Tom när ingen förlängning väntar."
        ),
    ),
    Field(
        "notice_term_end_on",
        DATE,
        _l("Slut vid uppsägning i tid"),
        _l("Den dag avtalet upphör om det sägs upp senast notice_deadline_on."),
    ),
    Field(
        "notice_given_on",
        DATE,
        _l("Uppsagt den"),
        _l("Den dag uppsägningen av hela samverkan nådde de andra parterna, när den är beslutad."),
    ),
    Field(
        "ends_on",
        DATE,
        _l("Upphör"),
        _l(
            "Den dag samverkan upphör: efter beslutad uppsägning eller avveckling, eller "
            "slutdatumet för ett avtal med fast period. Tom så länge ingen har sagt upp."
        ),
    ),
    Field("ended_on", DATE, _l("Avslutad den"), _l("Den dag samverkan avslutades (fas ended).")),
    Field(
        "cost_basis",
        CODE,
        _l("Kostnadsfördelning"),
        _l("per_capita, fixed_shares, usage eller other."),
    ),
    Field(
        "annual_cost",
        DECIMAL,
        _l("Årlig kostnad totalt (kr)"),
        _l("Den sammanlagda årliga kostnaden i kronor. Varje kommuns del finns i parter-filen."),
    ),
    Field(
        "document_ref",
        TEXT,
        _l("Diarienummer"),
        _l("Avtalets diarienummer, att ange när man begär ut handlingen."),
    ),
    Field(
        "document_url", URL, _l("Avtalet"), _l("Länk till avtalet, där en part har publicerat det.")
    ),
    Field(
        "modified_at",
        DATETIME,
        _l("Senast ändrad"),
        _l("När uppgifterna om samverkan senast ändrades."),
    ),
    Field(
        "expired_on",
        DATE,
        _l("Slutdatum passerat"),
        _l(
            "Slutdatumet, när det har passerat men samverkan ändå är registrerad som pågående "
            "(uppgifterna kan behöva ses över av kommunerna). Annars tomt."
        ),
    ),
    # Beyond the default: published only when every kommun party has chosen to (see the
    # publication settings); absent from JSON and empty in CSV otherwise.
    Field(
        "joint_review_on",
        DATE,
        _l("Senaste gemensamma uppföljning"),
        _l(
            "Dagen för parternas senaste gemensamma uppföljning. Visas bara när alla kommuner "
            "som är parter har valt att publicera uppföljningens resultat eller budget och "
            "utfall; annars saknas fältet i JSON och är tomt i CSV."
        ),
    ),
    Field(
        "joint_review_rating",
        CODE,
        _l("Gemensam uppföljning: bedömning"),
        _l("Koden för bedömningen (se kodlistan Bedömning nedan)."),
    ),
    Field(
        "joint_review_goal_attainment",
        CODE,
        _l("Gemensam uppföljning: måluppfyllelse"),
        _l("Koden för hur väl målen är uppnådda (se kodlistan Måluppfyllelse nedan)."),
    ),
    Field(
        "joint_review_reported_to",
        TEXT,
        _l("Gemensam uppföljning: rapporterad till"),
        _l("Organet uppföljningen rapporterades till, t.ex. kommunstyrelsen."),
    ),
    Field(
        "joint_review_reported_on",
        DATE,
        _l("Gemensam uppföljning: rapporterad den"),
        _l("Dagen uppföljningen rapporterades; protokollet därifrån kan begäras ut."),
    ),
    Field(
        "joint_review_cost_budget",
        DECIMAL,
        _l("Gemensam uppföljning: budget (kr)"),
        _l(
            "Budgeten som den registrerades vid uppföljningen. Bara när alla kommuner som är "
            "parter har valt att publicera budget och utfall."
        ),
    ),
    Field(
        "joint_review_cost_outcome",
        DECIMAL,
        _l("Gemensam uppföljning: utfall (kr)"),
        _l("Utfallet som det registrerades vid uppföljningen."),
    ),
)

PARTY_FIELDS: tuple[Field, ...] = (
    Field(
        "agreement_id", INT, _l("Samverkans id"), _l("Samverkans nummer (id i samverkan-filen).")
    ),
    Field("agreement_title", TEXT, _l("Samverkans namn"), _l("Samverkans namn.")),
    Field("municipality", CODE, _l("Kommunkod"), _l("Kommunens fyrsiffriga kommunkod (SCB).")),
    Field("municipality_name", TEXT, _l("Kommun"), _l("Kommunens namn.")),
    Field(
        "role",
        CODE,
        _l("Roll"),
        _l("host (värdkommun eller utförare), purchaser (beställare) eller member (medlem)."),
    ),
    Field("role_label", TEXT, _l("Roll (text)"), _l("Rollens namn på svenska.")),
    Field(
        "decision_body",
        TEXT,
        _l("Beslutande organ"),
        _l("Det organ som fattade kommunens beslut om att delta, t.ex. kommunfullmäktige."),
    ),
    Field("decision_on", DATE, _l("Beslutsdatum"), _l("Dagen då beslutet fattades.")),
    Field("decision_paragraph", TEXT, _l("Paragraf"), _l("Beslutets paragraf i protokollet.")),
    Field(
        "decision_ref",
        TEXT,
        _l("Diarienummer för beslutet"),
        _l("Kommunens diarienummer för beslutet, att ange när man begär ut handlingen."),
    ),
    Field("joined_on", DATE, _l("Gick med"), _l("Dagen kommunen blev part.")),
    Field(
        "left_on", DATE, _l("Lämnade"), _l("Dagen kommunen lämnade samverkan; tom om den är kvar.")
    ),
    Field(
        "cost_share_percent",
        DECIMAL,
        _l("Kostnadsandel (%)"),
        _l("Kommunens andel av den totala kostnaden i procent."),
    ),
    Field(
        "annual_cost",
        DECIMAL,
        _l("Kommunens årliga kostnad (kr)"),
        _l(
            "Kommunens egen årliga kostnad i kronor: beloppet kommunen angett, annars dess "
            "andel av den totala kostnaden."
        ),
    ),
    Field(
        "exit_decision_body",
        TEXT,
        _l("Beslut om utträde: organ"),
        _l(
            "Organet som fattade kommunens beslut om det senaste beslutade utträdet eller den "
            "senaste avvecklingen, t.ex. kommunfullmäktige. Tomt när inget sådant beslut finns."
        ),
    ),
    Field(
        "exit_decision_on",
        DATE,
        _l("Beslut om utträde: datum"),
        _l("Dagen då kommunen fattade beslutet om utträdet eller avvecklingen."),
    ),
    Field(
        "exit_decision_paragraph",
        TEXT,
        _l("Beslut om utträde: paragraf"),
        _l("Beslutets paragraf i protokollet."),
    ),
    Field(
        "exit_decision_ref",
        TEXT,
        _l("Beslut om utträde: diarienummer"),
        _l("Kommunens diarienummer för beslutet, att ange när man begär ut handlingen."),
    ),
    # Beyond the default: what the kommun has chosen to publish about its own side.
    Field(
        "published_extras",
        LIST,
        _l("Publicerar utöver grunduppgifterna"),
        _l(
            "Vad kommunen har valt att publicera om sin del utöver grunduppgifterna, åtskilt "
            "med semikolon: responsible_body (ansvarig nämnd), review_results (uppföljningens "
            "resultat) och review_costs (budget och utfall). Ett fält som kommunen inte "
            "publicerar saknas i JSON och är tomt i CSV."
        ),
    ),
    Field(
        "responsible_body",
        TEXT,
        _l("Ansvarig nämnd"),
        _l("Den nämnd som ansvarar för samverkan i kommunen (om kommunen publicerar den)."),
    ),
    Field(
        "own_review_on",
        DATE,
        _l("Kommunens senaste egna uppföljning"),
        _l("Dagen för kommunens senaste egna uppföljning av samverkan."),
    ),
    Field(
        "own_review_rating",
        CODE,
        _l("Egen uppföljning: bedömning"),
        _l("Koden för bedömningen (se kodlistan Bedömning nedan)."),
    ),
    Field(
        "own_review_goal_attainment",
        CODE,
        _l("Egen uppföljning: måluppfyllelse"),
        _l("Koden för måluppfyllelse (se kodlistan Måluppfyllelse nedan)."),
    ),
    Field(
        "own_review_reported_to",
        TEXT,
        _l("Egen uppföljning: rapporterad till"),
        _l("Organet i kommunen som uppföljningen rapporterades till."),
    ),
    Field(
        "own_review_reported_on",
        DATE,
        _l("Egen uppföljning: rapporterad den"),
        _l("Dagen uppföljningen rapporterades."),
    ),
    Field(
        "own_review_cost_budget",
        DECIMAL,
        _l("Egen uppföljning: budget (kr)"),
        _l("Kommunens budget för samverkan som den registrerades vid uppföljningen."),
    ),
    Field(
        "own_review_cost_outcome",
        DECIMAL,
        _l("Egen uppföljning: utfall (kr)"),
        _l("Kommunens utfall som det registrerades vid uppföljningen."),
    ),
)

REVIEW_FIELDS: tuple[Field, ...] = (
    Field(
        "scope",
        CODE,
        _l("Omfattning"),
        _l("joint (parternas gemensamma uppföljning) eller party (en kommuns egen)."),
    ),
    Field("municipality", CODE, _l("Kommunkod"), _l("Kommunen, för en kommuns egen uppföljning.")),
    Field("reviewed_on", DATE, _l("Uppföljd den"), _l("Dagen för uppföljningen.")),
    Field(
        "rating", CODE, _l("Bedömning"), _l("Koden för bedömningen (se kodlistan Bedömning nedan).")
    ),
    Field(
        "goal_attainment",
        CODE,
        _l("Måluppfyllelse"),
        _l("Koden för måluppfyllelse (se kodlistan Måluppfyllelse nedan)."),
    ),
    Field("reported_to", TEXT, _l("Rapporterad till"), _l("Organet uppföljningen gick till.")),
    Field("reported_on", DATE, _l("Rapporterad den"), _l("Dagen den rapporterades.")),
    Field("cost_budget", DECIMAL, _l("Budget (kr)"), _l("Budgeten vid uppföljningen.")),
    Field("cost_outcome", DECIMAL, _l("Utfall (kr)"), _l("Utfallet vid uppföljningen.")),
)

HISTORY_FIELDS: tuple[Field, ...] = (
    Field("from", CODE, _l("Från fas"), _l("Fasen före ändringen.")),
    Field("to", CODE, _l("Till fas"), _l("Fasen efter ändringen.")),
    Field("on", DATE, _l("Datum"), _l("Dagen fasen ändrades.")),
)

EXIT_FIELDS: tuple[Field, ...] = (
    Field(
        "scope",
        CODE,
        _l("Omfattning"),
        _l(
            "agreement (hela samverkan avvecklas) eller party (en kommun lämnar, de andra "
            "fortsätter)."
        ),
    ),
    Field(
        "status",
        CODE,
        _l("Status"),
        _l("adopted (beslutad), completed (genomförd) eller withdrawn (återtagen)."),
    ),
    Field("leaving_municipality", CODE, _l("Kommun som lämnar"), _l("Kommunkod, vid utträde.")),
    Field("notice_municipality", CODE, _l("Uppsagt av"), _l("Kommunkoden för den som sade upp.")),
    Field("notice_given_on", DATE, _l("Uppsagt den"), _l("Dagen uppsägningen nådde de andra.")),
    Field("effective_on", DATE, _l("Gäller från"), _l("Dagen utträdet eller avvecklingen gäller.")),
    Field("decision_ref", TEXT, _l("Diarienummer"), _l("Diarienumret för beslutet.")),
    Field("adopted_on", DATE, _l("Beslutad"), _l("Dagen planen för utträdet beslutades.")),
    Field("completed_on", DATE, _l("Genomförd"), _l("Dagen utträdet eller avvecklingen var klar.")),
    Field("withdrawn_on", DATE, _l("Återtagen"), _l("Dagen uppsägningen återtogs.")),
    Field(
        "decisions",
        LIST,
        _l("Parternas beslut"),
        _l(
            "Varje parts eget beslut om utträdet eller avvecklingen (tabellen Parternas beslut "
            "om utträde och avveckling)."
        ),
    ),
)

EXIT_DECISION_FIELDS: tuple[Field, ...] = (
    Field("municipality", CODE, _l("Kommunkod"), _l("Den beslutande kommunens kommunkod.")),
    Field(
        "decision_body",
        TEXT,
        _l("Beslutande organ"),
        _l("Organet som fattade beslutet, t.ex. kommunfullmäktige."),
    ),
    Field("decision_on", DATE, _l("Beslutsdatum"), _l("Dagen då beslutet fattades.")),
    Field("decision_paragraph", TEXT, _l("Paragraf"), _l("Beslutets paragraf i protokollet.")),
    Field(
        "decision_ref",
        TEXT,
        _l("Diarienummer för beslutet"),
        _l("Kommunens diarienummer för beslutet, att ange när man begär ut handlingen."),
    ),
)

DOCUMENT_FIELDS: tuple[Field, ...] = (
    Field(
        "agreement_id", INT, _l("Samverkans id"), _l("Samverkans nummer (id i samverkan-filen).")
    ),
    Field("agreement_title", TEXT, _l("Samverkans namn"), _l("Samverkans namn.")),
    Field(
        "type",
        CODE,
        _l("Dokumenttyp"),
        _l(
            "avtal, forbundsordning, reglemente, samverkansavtal, agardirektiv, bolagsordning, "
            "personuppgiftsbitradesavtal, delegationsordning, protokollsutdrag, "
            "uppfoljningsrapport, avvecklingsplan eller ovrigt."
        ),
    ),
    Field("type_label", TEXT, _l("Dokumenttyp (text)"), _l("Dokumenttypens namn på svenska.")),
    Field("title", TEXT, _l("Dokumentets titel"), _l("Dokumentets titel.")),
    Field(
        "reference",
        TEXT,
        _l("Diarienummer"),
        _l("Den gällande versionens diarienummer, att ange när man begär ut handlingen."),
    ),
    Field("decided_on", DATE, _l("Beslutad"), _l("Dagen den gällande versionen beslutades.")),
    Field("valid_from", DATE, _l("Gäller från"), _l("Första dagen den gällande versionen gäller.")),
    Field("valid_to", DATE, _l("Gäller till"), _l("Sista dagen den gällande versionen gäller.")),
    Field(
        "version",
        INT,
        _l("Version"),
        _l("Den gällande versionens nummer; äldre versioner finns kvar hos kommunen."),
    ),
    Field(
        "file_url",
        URL,
        _l("Fil"),
        _l(
            "Adressen där filen kan laddas ned, bara när kommunen har markerat dokumentet som "
            "publikt. Annars tom: begär ut handlingen från kommunen."
        ),
    ),
    Field(
        "link_url",
        URL,
        _l("Länk till diariet"),
        _l("Länk till handlingen i kommunens diarium, bara när dokumentet är markerat publikt."),
    ),
)

NESTED_FIELDS: tuple[Field, ...] = (
    Field(
        "parties",
        LIST,
        _l("Parter"),
        _l("Alla parter, nuvarande och tidigare, med fälten i tabellen Parter."),
    ),
    Field("history", LIST, _l("Fasbyten"), _l("Fasbytena i tidsordning (tabellen Fasbyten).")),
    Field(
        "exits",
        LIST,
        _l("Utträden och avvecklingar"),
        _l("Beslutade utträden och avvecklingar (tabellen Utträden och avvecklingar)."),
    ),
    Field(
        "documents",
        LIST,
        _l("Dokument"),
        _l("Samverkans dokument i gällande version (tabellen Dokument)."),
    ),
    Field(
        "reviews",
        LIST,
        _l("Uppföljningar"),
        _l(
            "De uppföljningar som parterna publicerar, äldst först (tabellen Uppföljningar). "
            "Bedömningen och budget och utfall visas var för sig, efter parternas val."
        ),
    ),
)

FILE_FIELDS: tuple[Field, ...] = (
    Field("license", URL, _l("Licens"), _l("Adressen till licensen uppgifterna ges ut under.")),
    Field("license_name", TEXT, _l("Licensens namn"), _l("Licensens namn.")),
    Field(
        "modified_at",
        DATETIME,
        _l("Senast ändrad"),
        _l("När något i det publika registret senast ändrades."),
    ),
    Field(
        "generated_on", DATE, _l("Framtagen"), _l("Dagen filen togs fram; datumen räknas från den.")
    ),
    Field("documentation", URL, _l("Dokumentation"), _l("Den här sidan.")),
    Field("filters", TEXT, _l("Filter"), _l("De filter filen togs fram med.")),
    Field("total", INT, _l("Antal"), _l("Hur många samverkan som matchar filtren.")),
    Field("items", LIST, _l("Poster"), _l("Samverkan, en post per samverkan (fälten ovan).")),
    Field("page", INT, _l("Sida"), _l("Sidan (bara i API:t).")),
    Field("per_page", INT, _l("Per sida"), _l("Antal poster per sida (bara i API:t).")),
)


@dataclass(frozen=True)
class Meta:
    """What every file says about itself: licence, last change, where it came from."""

    base_url: str
    licence_url: str
    licence_name: str
    modified_at: datetime | None
    generated_on: date
    filters: Mapping[str, str]


# --- the record --------------------------------------------------------------------------------


def term_of(agreement: Any) -> str:
    """The term kind of an agreement (DESIGN §2's ``term``).

    The stored ``term`` where the model has one (the deadlines work adds it, with
    ``fixed_then_indefinite``); otherwise derived from the end date and the renewal.
    """
    stored = getattr(agreement, "term", None)
    if stored in TERM_LABELS:
        return str(stored)
    if agreement.end_on is None:
        return TERM_INDEFINITE
    if agreement.renewal == Renewal.TACIT:
        return TERM_RENEWING
    return TERM_FIXED


def party_annual_cost(party: Party, total: Decimal | None) -> Decimal | None:
    """The kommun's own annual cost: its amount, else its share of the total."""
    if party.annual_cost is not None:
        return party.annual_cost
    if party.cost_share_percent is not None and total is not None:
        return (total * party.cost_share_percent / 100).quantize(Decimal("0.01"))
    return None


def honest_dates(
    agreement: Agreement, derived: DerivedDates, extras: PublicExtras, today: date
) -> dict[str, Any]:
    """The dates a reader needs, never a past first-period end passed off as the end.

    A running agreement shows the end of the period it is in now (``current_term_end_on``,
    from ``agreements/dates.py``), the next notice deadline and the end that notice by then
    would bring; once a decided notice exists, the day it ends (``ends_on``). A running
    agreement whose fixed end date has passed says so (``expired_on``) instead of pretending.
    """
    running = agreement.phase in (Phase.ACTIVE, Phase.EXITING)
    term = term_of(agreement)
    leaving = extras.agreement_exit
    ends_on: date | None = None
    if leaving is not None:
        ends_on = leaving.effective_on
    elif term == TERM_FIXED:
        ends_on = agreement.end_on
    # A notice deadline matters while the agreement runs and no decided notice ends it.
    open_deadline = running and leaving is None
    ended_on = extras.ended_on or (ends_on if agreement.phase == Phase.ENDED else None)
    expired = running and ends_on is not None and ends_on < today
    return {
        "start_on": agreement.start_on,
        "term": term,
        "first_term_end_on": agreement.end_on,
        "renewal_months": agreement.renewal_months if term == TERM_RENEWING else None,
        "notice_months": agreement.notice_months,
        "current_term_end_on": derived.current_term_end_on if running else None,
        "notice_deadline_on": derived.notice_deadline_on if open_deadline else None,
        "notice_term_end_on": derived.notice_term_end_on if open_deadline else None,
        "notice_given_on": leaving.notice_given_on if leaving is not None else None,
        "ends_on": ends_on,
        "ended_on": ended_on if agreement.phase == Phase.ENDED else None,
        "expired_on": ends_on if expired else None,
    }


def _exit_decision_record(decision: PublicExitDecision) -> dict[str, Any]:
    return {
        "municipality": decision.municipality,
        "decision_body": decision.decision_body or None,
        "decision_on": decision.decision_on,
        "decision_paragraph": decision.decision_paragraph or None,
        "decision_ref": decision.decision_ref or None,
    }


def exit_decisions_by_kommun(extras: PublicExtras) -> dict[str, PublicExitDecision]:
    """Each kommun's decision on the latest decided exit it decided on (for parties.csv)."""
    found: dict[str, PublicExitDecision] = {}
    for exit_ in extras.exits:  # oldest first: a later exit's decision replaces an earlier
        for decision in exit_.decisions:
            found[decision.municipality] = decision
    return found


def _exit_record(exit_: PublicExit) -> dict[str, Any]:
    return {
        "scope": exit_.scope,
        "status": exit_.status,
        "leaving_municipality": exit_.leaving_municipality,
        "notice_municipality": exit_.notice_municipality,
        "notice_given_on": exit_.notice_given_on,
        "effective_on": exit_.effective_on,
        "decision_ref": exit_.decision_ref or None,
        "adopted_on": exit_.adopted_on,
        "completed_on": exit_.completed_on,
        "withdrawn_on": exit_.withdrawn_on,
        "decisions": [_exit_decision_record(d) for d in exit_.decisions],
    }


RESULT_KEYS = ("rating", "goal_attainment", "reported_to", "reported_on")
COST_KEYS = ("cost_budget", "cost_outcome")


def review_record(review: PublicReview) -> dict[str, Any]:
    """A follow-up with only the parts its parties publish (the others are absent)."""
    record: dict[str, Any] = {
        "scope": review.scope,
        "municipality": review.municipality,
        "reviewed_on": review.reviewed_on,
    }
    if review.results:
        record["rating"] = review.rating or None
        record["goal_attainment"] = review.goal_attainment or None
        record["reported_to"] = review.reported_to or None
        record["reported_on"] = review.reported_on
    if review.costs:
        record["cost_budget"] = review.cost_budget
        record["cost_outcome"] = review.cost_outcome
    return record


def latest_review_fields(
    prefix: str, reviews: Sequence[PublicReview], results: bool, costs: bool
) -> dict[str, Any]:
    """The latest follow-up as flat fields (``joint_review_*``, ``own_review_*``): present
    when the parties publish that kind of data (empty when there is no follow-up yet)."""
    fields: dict[str, Any] = {}
    if results or costs:
        on = [r.reviewed_on for r in reviews if (results and r.results) or (costs and r.costs)]
        fields[f"{prefix}_on"] = max(on) if on else None
    if results:
        shown = [r for r in reviews if r.results]
        latest = review_record(shown[-1]) if shown else {}
        fields.update({f"{prefix}_{key}": latest.get(key) for key in RESULT_KEYS})
    if costs:
        shown = [r for r in reviews if r.costs]
        latest = review_record(shown[-1]) if shown else {}
        fields.update({f"{prefix}_{key}": latest.get(key) for key in COST_KEYS})
    return fields


def party_extras(party: Party, extras: PublicExtras | None) -> dict[str, Any]:
    """What the kommun publishes about its side beyond the default; nothing it does not."""
    code = party.municipality_code
    chosen = extras.published.get(code or "", frozenset()) if extras is not None else frozenset()
    fields: dict[str, Any] = {"published_extras": sorted(chosen, key=EXTRAS.index)}
    if "responsible_body" in chosen:
        fields["responsible_body"] = party.responsible_body or None
    own = [r for r in extras.reviews if r.municipality == code] if extras is not None else []
    fields.update(
        latest_review_fields(
            "own_review", own, "review_results" in chosen, "review_costs" in chosen
        )
    )
    return fields


def party_record(
    party: Party,
    agreement: Agreement,
    exit_decision: PublicExitDecision | None = None,
    extras: PublicExtras | None = None,
) -> dict[str, Any]:
    """One party as the public sees it: role, decision, dates and cost, and its decision on
    the latest decided exit; beyond that, only what the kommun has chosen to publish; never
    its contacts or its responsible official."""
    exit_record = _exit_decision_record(exit_decision) if exit_decision is not None else {}
    return {
        "agreement_id": agreement.id,
        "agreement_title": agreement.title,
        "municipality": party.municipality_code,
        "municipality_name": party.name,
        "role": party.role,
        "role_label": ROLE_LABELS.get(party.role, party.role),
        "decision_body": party.decision_body or None,
        "decision_on": party.decision_on,
        "decision_paragraph": party.decision_paragraph or None,
        "decision_ref": party.decision_ref or None,
        "joined_on": party.joined_on,
        "left_on": party.left_on,
        "cost_share_percent": party.cost_share_percent,
        "annual_cost": party_annual_cost(party, agreement.annual_cost),
        "exit_decision_body": exit_record.get("decision_body"),
        "exit_decision_on": exit_record.get("decision_on"),
        "exit_decision_paragraph": exit_record.get("decision_paragraph"),
        "exit_decision_ref": exit_record.get("decision_ref"),
        **party_extras(party, extras),
    }


def agreement_record(
    agreement: Agreement,
    derived: DerivedDates,
    extras: PublicExtras,
    url_for_agreement: Callable[[int], str],
    today: date,
    url_for_document_file: Callable[[int], str] | None = None,
) -> dict[str, Any]:
    """The public record of one agreement: every field of :data:`AGREEMENT_FIELDS`, plus its
    parties, phase history and decided exits (nested, for JSON)."""
    record: dict[str, Any] = {
        "id": agreement.id,
        "url": url_for_agreement(agreement.id),
        "title": agreement.title,
        "form": agreement.form,
        "form_label": FORM_LABELS.get(agreement.form, agreement.form),
        "phase": agreement.phase,
        "phase_label": PHASE_LABELS.get(agreement.phase, agreement.phase),
        "areas": [area.slug for area in agreement.areas],
        "area_labels": [area.label_sv for area in agreement.areas],
        "purpose": agreement.purpose or None,
        "goals": agreement.goals or None,
        "motive": agreement.motive or None,
        **honest_dates(agreement, derived, extras, today),
        "cost_basis": agreement.cost_basis,
        "annual_cost": agreement.annual_cost,
        "document_ref": agreement.document_ref or None,
        "document_url": agreement.document_url or None,
        "modified_at": agreement.updated_at,
    }
    exit_decisions = exit_decisions_by_kommun(extras)
    record["party_list"] = [
        party_record(p, agreement, exit_decisions.get(p.municipality_code or ""), extras)
        for p in agreement.parties
    ]
    # The joint follow-up is every party's: its flat fields need every current kommun party.
    current = [p.municipality_code for p in agreement.parties if p.is_current]
    kommuner = [code for code in current if code]
    joint = [r for r in extras.reviews if r.scope == "joint"]
    record.update(
        latest_review_fields(
            "joint_review",
            joint,
            bool(kommuner) and all(extras.publishes(c, "review_results") for c in kommuner),
            bool(kommuner) and all(extras.publishes(c, "review_costs") for c in kommuner),
        )
    )
    record["reviews"] = [review_record(r) for r in extras.reviews]
    record["history"] = [
        {"from": c.from_phase, "to": c.to_phase, "on": c.changed_on} for c in extras.history
    ]
    record["exits"] = [_exit_record(e) for e in extras.exits]
    record["documents"] = [
        {
            "agreement_id": agreement.id,
            "agreement_title": agreement.title,
            "type": d.doc_type,
            "title": d.title,
            "reference": d.reference or None,
            "decided_on": d.decided_on,
            "valid_from": d.valid_from,
            "valid_to": d.valid_to,
            "version": d.version,
            "file_url": (
                url_for_document_file(d.id)
                if d.has_public_file and url_for_document_file is not None
                else None
            ),
            "link_url": d.link_url or None,
            "type_label": DOCUMENT_TYPE_LABELS_SV.get(d.doc_type, d.doc_type),
        }
        for d in extras.documents
    ]
    return record


# --- values ------------------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def json_value(value: Any) -> Any:
    """A value as JSON carries it: amounts as decimal strings (no float rounding), ISO dates."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return _iso(value)


def csv_value(value: Any, decimal_comma: bool) -> str:
    """A value in a CSV cell: empty for none, ISO dates, ``;``-joined lists, the decimal mark
    of the variant; text that a spreadsheet would run as a formula is prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    value = _iso(value)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@") and not _looks_numeric(text):
        return "'" + text
    return text


def _looks_numeric(text: str) -> bool:
    try:
        Decimal(text.replace(",", "."))
    except ArithmeticError:
        return False
    except ValueError:
        return False
    return True


def parties_cell(record: Mapping[str, Any]) -> list[str]:
    """The current parties as ``kommunkod:roll`` (the agreement CSV's ``parties`` column)."""
    return [
        f"{p['municipality']}:{p['role']}" for p in record["party_list"] if p["left_on"] is None
    ]


# --- files -------------------------------------------------------------------------------------

COMMA, SEMICOLON = "comma", "semicolon"


def _csv(rows: Sequence[Sequence[str]], variant: str) -> bytes:
    """RFC 4180 with ``,`` (UTF-8, no BOM), or the Swedish-Excel variant: ``;``, decimal
    comma, UTF-8 with BOM so that Excel reads å, ä and ö right."""
    buffer = io.StringIO(newline="")
    delimiter = ";" if variant == SEMICOLON else ","
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    return (("\ufeff" + text) if variant == SEMICOLON else text).encode("utf-8")


def _table_csv(fields: Sequence[Field], items: Iterable[Mapping[str, Any]], variant: str) -> bytes:
    """A header of the fields' keys, then one row per item with its value for each field."""
    comma = variant == SEMICOLON
    rows = [[f.key for f in fields]]
    rows += [[csv_value(item.get(f.key), comma) for f in fields] for item in items]
    return _csv(rows, variant)


def agreements_csv(records: Sequence[Mapping[str, Any]], variant: str) -> bytes:
    """One row per agreement; the header is the field keys of :data:`AGREEMENT_FIELDS`."""
    items = ({**record, "parties": parties_cell(record)} for record in records)
    return _table_csv(AGREEMENT_FIELDS, items, variant)


def parties_csv(records: Sequence[Mapping[str, Any]], variant: str) -> bytes:
    """One row per party (current and former) of every agreement."""
    items = (party for record in records for party in record["party_list"])
    return _table_csv(PARTY_FIELDS, items, variant)


def documents_csv(records: Sequence[Mapping[str, Any]], variant: str) -> bytes:
    """One row per document (its current version) of every agreement."""
    items = (document for record in records for document in record["documents"])
    return _table_csv(DOCUMENT_FIELDS, items, variant)


def meta_json(meta: Meta) -> dict[str, Any]:
    return {
        "license": meta.licence_url,
        "license_name": meta.licence_name,
        "modified_at": _iso(meta.modified_at),
        "generated_on": meta.generated_on.isoformat(),
        "documentation": f"{meta.base_url}/public/open-data",
        "filters": dict(meta.filters),
    }


def json_item(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as JSON: ``parties`` is the nested list of party records."""
    item = {k: v for k, v in record.items() if k != "party_list"}
    item["parties"] = [
        {k: v for k, v in p.items() if k not in ("agreement_id", "agreement_title")}
        for p in record["party_list"]
    ]
    item["documents"] = [
        {k: v for k, v in d.items() if k not in ("agreement_id", "agreement_title")}
        for d in record["documents"]
    ]
    return json_value(item)


def agreements_json(records: Sequence[Mapping[str, Any]], meta: Meta) -> bytes:
    body = {
        **meta_json(meta),
        "total": len(records),
        "items": [json_item(r) for r in records],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
