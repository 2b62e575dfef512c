"""The documented fields of the open data: each file's columns and each JSON key, with its kind,
label and description. The open-data page renders these lists, so the files and their
description cannot drift apart; column names never change meaning, and new columns are only
ever added at the end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coop_tracker.core.i18n import _l

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
            "avtalssamverkan, gemensam_namnd, kommunalforbund, samordningsforbund, bolag "
            "eller ovrig (se kodlistan nedan)."
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
            "Nuvarande parter som part:roll, åtskilda med semikolon (t.ex. "
            "2062:host;2084:member;20:member): kommunkod, länskod för en region, annars "
            "organisationsnummer. Alla uppgifter om parterna finns i parter-filen."
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
    Field(
        "municipality",
        CODE,
        _l("Kommunkod"),
        _l(
            "Kommunens fyrsiffriga kommunkod (SCB); tom när parten inte är en kommun (se "
            "organisation och organisation_kind)."
        ),
    ),
    Field("municipality_name", TEXT, _l("Kommun"), _l("Partens namn (oftast en kommun).")),
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
    Field(
        "organisation",
        CODE,
        _l("Part"),
        _l(
            "Partens identitet, som i API:t: kommunkoden för en kommun, länskoden för en "
            "region, annars organisationsnumret (saknas det: organisationens nummer här). Samma "
            "värde som i samverkan-filens kolumn parties."
        ),
    ),
    Field(
        "organisation_kind",
        CODE,
        _l("Slag av part"),
        _l(
            "kommun, region, forbund (kommunalförbund), finsam (samordningsförbund), company "
            "(gemensamt ägt bolag) eller agency (statlig myndighet)."
        ),
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
