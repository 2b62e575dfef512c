"""Words kommuner use in their registers for forms, roles, status, areas and deciding bodies."""

from __future__ import annotations

import difflib
import re
from typing import Any

from coop_tracker.exchange.values import fold

# The legal form as kommuner name it in their registers (folded: no case, no accents).
FORM_WORDS: dict[str, str] = {
    "avtalssamverkan": "avtalssamverkan",
    "samverkansavtal": "avtalssamverkan",
    "avtal": "avtalssamverkan",
    "avtal om samverkan": "avtalssamverkan",
    "samarbetsavtal": "avtalssamverkan",
    "kommunal avtalssamverkan": "avtalssamverkan",
    "avtalssamverkan (kl 9:37)": "avtalssamverkan",
    "avtalssamverkan enligt kl 9 kap 37": "avtalssamverkan",
    "uppdragsavtal": "avtalssamverkan",
    "tjansteavtal": "avtalssamverkan",
    "gemensam namnd": "gemensam_namnd",
    "gemensamma namnd": "gemensam_namnd",
    "gemensamma namnder": "gemensam_namnd",
    "gem. namnd": "gemensam_namnd",
    "gem namnd": "gemensam_namnd",
    "namnd": "gemensam_namnd",
    "kommunalforbund": "kommunalforbund",
    "forbund": "kommunalforbund",
    "kommunalt forbund": "kommunalforbund",
    "forbundsordning": "kommunalforbund",
    "direktionsforbund": "kommunalforbund",
    "asymmetrisk samverkan": "asymmetrisk",
    "asymmetrisk": "asymmetrisk",
    "ovrig samverkan": "ovrig",
    "ovrig": "ovrig",
    "ovrigt": "ovrig",
    "annan": "ovrig",
    "bolag": "bolag",
    "aktiebolag": "bolag",
    "gemensamt bolag": "bolag",
    "gemensamt agt bolag": "bolag",
    "delagt bolag": "bolag",
    "forening": "ovrig",
    "ideell forening": "ovrig",
    "ekonomisk forening": "ovrig",
    "natverk": "ovrig",
    "samarbete": "ovrig",
    "stiftelse": "ovrig",
    "overenskommelse": "ovrig",
    "avsiktsforklaring": "ovrig",
    "samordningsforbund": "samordningsforbund",
    "samordningsforbund (finsam)": "samordningsforbund",
    "finsam": "samordningsforbund",
}
FORM_HINT = (
    "Avtalssamverkan/Samverkansavtal, Gemensam nämnd, Kommunalförbund, Samordningsförbund, "
    "Gemensamt ägt bolag, Övrig (Asymmetrisk läses som avtalssamverkan med markeringen)"
)

ROLE_WORDS_IN: dict[str, str] = {
    "host": "host",
    "vard": "host",
    "vardkommun": "host",
    "utforare": "host",
    "utforande": "host",
    "utforande kommun": "host",
    "uppdragstagare": "host",
    "ansvarig": "host",
    "ansvarig kommun": "host",
    "saljare": "host",
    "levererar": "host",
    "leverantor": "host",
    "huvudman": "host",
    "purchaser": "purchaser",
    "bestallare": "purchaser",
    "bestallande": "purchaser",
    "bestallande kommun": "purchaser",
    "kopare": "purchaser",
    "kund": "purchaser",
    "kop": "purchaser",
    "koper": "purchaser",
    "mottagare": "purchaser",
    "mottagande": "purchaser",
    "mottagande kommun": "purchaser",
    "uppdragsgivare": "purchaser",
    "anslutande": "purchaser",
    "ansluten": "purchaser",
    "member": "member",
    "medlem": "member",
    "medlemskommun": "member",
    "delagare": "member",
    "agare": "member",
    "part": "member",
    "samverkanspart": "member",
    "samverkande": "member",
    "samverkande kommun": "member",
    "jamlik": "member",
    "jambordig": "member",
}
ROLE_HINT = "värd/utförare, beställare/köpare eller medlem"

STATUS_WORDS: dict[str, str] = {
    "planerad": "planned",
    "planerat": "planned",
    "planerade": "planned",
    "under utredning": "planned",
    "utredning": "planned",
    "forslag": "planned",
    "pagaende": "active",
    "gallande": "active",
    "galler": "active",
    "aktiv": "active",
    "aktivt": "active",
    "lopande": "active",
    "i kraft": "active",
    "ja": "active",
    "avveckling": "exiting",
    "under avveckling": "exiting",
    "uppsagt": "exiting",
    "uppsagd": "exiting",
    "sagts upp": "exiting",
    "avslutad": "ended",
    "avslutat": "ended",
    "upphort": "ended",
    "upphord": "ended",
    "har upphort": "ended",
    "utgatt": "ended",
    "avbruten": "abandoned",
    "avbrutet": "abandoned",
    "ej genomfort": "abandoned",
}
STATUS_HINT = "Gällande, Planerat, Uppsagt, Avslutat eller Avbrutet"

# Samverkansområden as kommuner name them (folded), beside the areas' own names.
AREA_WORDS: dict[str, str] = {
    "miljo": "miljo-halsoskydd",
    "miljo och halsa": "miljo-halsoskydd",
    "miljo- och halsa": "miljo-halsoskydd",
    "miljotillsyn": "miljo-halsoskydd",
    "miljo- och halsoskydd": "miljo-halsoskydd",
    "livsmedel": "livsmedelskontroll",
    "raddning": "raddningstjanst",
    "brand": "raddningstjanst",
    "raddningstjanst": "raddningstjanst",
    "it": "it-digitalisering",
    "it-drift": "it-digitalisering",
    "digitalisering": "it-digitalisering",
    "ikt": "it-digitalisering",
    "lon": "lon",
    "loneadministration": "lon",
    "lonekontor": "lon",
    "va": "vatten-avlopp",
    "vatten": "vatten-avlopp",
    "vatten och avlopp": "vatten-avlopp",
    "dricksvatten": "vatten-avlopp",
    "renhallning": "avfall",
    "avfallshantering": "avfall",
    "sophamtning": "avfall",
    "overformyndare": "overformyndare",
    "overformyndarnamnd": "overformyndare",
    "gymnasium": "gymnasieskola",
    "gymnasiet": "gymnasieskola",
    "vuxenutbildning": "vuxenutbildning",
    "komvux": "vuxenutbildning",
    "alkohol": "alkohol-tobakstillsyn",
    "serveringstillstand": "alkohol-tobakstillsyn",
    "alkohol och tobak": "alkohol-tobakstillsyn",
    "bygglov": "plan-bygg",
    "plan- och bygg": "plan-bygg",
    "samhallsbyggnad": "plan-bygg",
    "kart och mat": "kart-mat-gis",
    "gis": "kart-mat-gis",
    "lantmateri": "kart-mat-gis",
    "krisberedskap": "krisberedskap-civilt-forsvar",
    "civilt forsvar": "krisberedskap-civilt-forsvar",
    "socialtjanst": "socialtjanst",
    "individ- och familjeomsorg": "socialtjanst",
    "ifo": "socialtjanst",
    "aldreomsorg": "aldreomsorg",
    "lss": "funktionsstod-lss",
    "hemsjukvard": "kommunal-halso-sjukvard",
    "turism": "naringsliv-turism",
    "naringsliv": "naringsliv-turism",
    "kultur": "kultur",
    "bibliotek": "kultur",
    "e-arkiv": "e-arkiv",
    "arkiv": "e-arkiv",
    "upphandling": "upphandling",
    "inkop": "upphandling",
    "ekonomi": "ekonomi",
    "ekonomiadministration": "ekonomi",
    "hr": "hr-personal",
    "personal": "hr-personal",
    "dataskydd": "dataskydd",
    "dataskyddsombud": "dataskydd",
    "dso": "dataskydd",
    "revision": "revision",
    "fardtjanst": "fardtjanst",
    "kollektivtrafik": "kollektivtrafik",
    "bostadsanpassning": "bostadsanpassning",
    "energiradgivning": "energi-klimatradgivning",
    "energi- och klimatradgivning": "energi-klimatradgivning",
}

# The body that decided, from a decision cell ("KF 2019-06-17 § 45").
BODY_WORDS: dict[str, str] = {
    "kf": "Kommunfullmäktige",
    "kommunfullmaktige": "Kommunfullmäktige",
    "ks": "Kommunstyrelsen",
    "kommunstyrelsen": "Kommunstyrelsen",
    "ksau": "Kommunstyrelsens arbetsutskott",
    "au": "Kommunstyrelsens arbetsutskott",
}

# Who decides a party's notice, as written in a file (the Parter sheet's column).
DECIDING_BODY_WORDS_IN: dict[str, str] = {
    "kf": "kf",
    "kommunfullmaktige": "kf",
    "fullmaktige": "kf",
    "ks": "ks",
    "kommunstyrelsen": "ks",
    "kommunstyrelse": "ks",
    "styrelsen": "ks",
    "namnd": "namnd",
    "en namnd": "namnd",
    "namnden": "namnd",
}


def read_word(raw: Any, words: dict[str, str]) -> str | None:
    """The code for a word from ``words`` (folded; a trailing explanation in brackets and
    the words "kommun"/"samverkan" do not matter); None when unknown."""
    text = fold(raw).strip(" .")
    if text in words:
        return words[text]
    bare = re.sub(r"\s*\(.*\)$", "", text).strip()
    if bare in words:
        return words[bare]
    return None


def suggestion(raw: Any, choices: list[str]) -> str | None:
    """The closest of ``choices`` to ``raw`` when it is close (for "Menade du …?")."""
    folded = {fold(c): c for c in choices}
    close = difflib.get_close_matches(fold(raw), list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None
