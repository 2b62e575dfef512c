"""Parties as a file names them: kommuner by name or kommunkod, other organisations by key."""

from __future__ import annotations

import re

from coop_tracker.exchange.values import Reading, fold
from coop_tracker.exchange.words import suggestion

_SUFFIX = re.compile(r"\s+(kommun|kommuns|stad|stads|municipality)$")
_PREFIX = re.compile(r"^(kommunen|staden)\s+")
# Genitive forms that are not simply the name plus "s".
IRREGULAR_GENITIVE = {"falu": "2080"}


def _name_key(text: str) -> str:
    return re.sub(r"[\s\-–]+", "", fold(text))


class Kommuner:
    """Finds a kommun by kommunkod (also with a lost leading zero) or by name as written:
    "Falun", "Falu kommun", "Säters kommun", "borlange", "Stockholms stad"."""

    def __init__(self, names: dict[str, str], others: dict[str, str] | None = None) -> None:
        self.names = names  # code → name
        # Other organisations that can be parties: key (länskod, organisationsnummer or
        # org-<id>) → name.
        self.others = others or {}
        self.others_by_key = {_name_key(name): key for key, name in self.others.items()}
        self.by_key: dict[str, str] = {}
        for code, name in names.items():
            key = _name_key(name)
            self.by_key[key] = code
            if not key.endswith("s"):
                self.by_key.setdefault(key + "s", code)
        for key, code in IRREGULAR_GENITIVE.items():
            if code in names:
                self.by_key[key] = code

    def find(self, raw: str) -> Reading:
        """The kommunkod for a code or a name; a note when a lost zero was restored, an error
        with a suggestion when the name is unknown."""
        text = raw.strip().strip(".")
        digits = re.sub(r"\s", "", text)
        if text in self.others:  # länskod, organisationsnummer or org-<id>
            return Reading(text)
        if digits.isdigit() and len(digits) == 10 and f"{digits[:6]}-{digits[6:]}" in self.others:
            return Reading(f"{digits[:6]}-{digits[6:]}")
        if digits.isdigit():
            return self._code(digits, raw)
        code_and_name = re.match(r"^(\d{3,4})\s+(.+)$", text)
        if code_and_name:
            found = self._code(code_and_name[1], raw)
            if found.error is None:
                return found
        other = self.others_by_key.get(_name_key(fold(text)))
        if other is not None:
            return Reading(other)
        folded = fold(text)
        folded = _SUFFIX.sub("", _PREFIX.sub("", folded))
        if folded.startswith("region ") and not self.others:
            region = folded.removeprefix("region ")
            if _name_key(region) == "gotland" and "0980" in self.names:
                return Reading("0980")
            return Reading(
                error="är en region, inte en kommun; bara kommuner kan vara parter här — "
                "ta bort den ur parterna och nämn den i Kommentar"
            )
        code = self.by_key.get(_name_key(folded))
        if code is not None:
            return Reading(code)
        close = suggestion(folded, list(self.names.values()))
        if close:
            return Reading(error=f"okänd kommun; menade du {close}?")
        return Reading(
            error="okänd kommun; skriv kommunens namn (t.ex. Falun eller Falu kommun) "
            "eller kommunkod (t.ex. 2080)"
        )

    def _code(self, digits: str, raw: str) -> Reading:
        if len(digits) == 4 and digits in self.names:
            return Reading(digits)
        if len(digits) == 3 and "0" + digits in self.names:
            code = "0" + digits
            return Reading(
                code,
                note=f"kommunkod {digits} tolkad som {code} ({self.names[code]}): "
                "nollan i början försvann när filen sparades som CSV",
            )
        return Reading(
            error="okänd kommunkod; en kommunkod har fyra siffror, t.ex. 0880 eller 2080"
        )


_PARTY_ROLE = re.compile(
    r"^(?P<name>.+?)\s*(?:\((?P<a>[^)]*)\)|:\s*(?P<b>[^:]+)|\s[-–]\s*(?P<c>.+))$"
)
_LIST_SPLIT = re.compile(r"\s*(?:[;,\n/&+]|\boch\b|\bsamt\b)\s*")


def split_parties(raw: str) -> list[tuple[str, str | None]]:
    """ "Borlänge (värd), Falun och Säter" → [("Borlänge", "värd"), ("Falun", None), …];
    also "2021:värd; 2023:beställare"."""
    parts: list[tuple[str, str | None]] = []
    # Commas inside brackets ("Falun (värd, utförare)") are not separators.
    protected = re.sub(r"\(([^)]*)\)", lambda m: "(" + m[1].replace(",", "\x1f") + ")", raw)
    for piece in _LIST_SPLIT.split(protected):
        piece = piece.replace("\x1f", ",").strip()
        if not piece:
            continue
        m = _PARTY_ROLE.match(piece)
        if m and (m["a"] or m["b"] or m["c"]):
            parts.append((m["name"].strip(), (m["a"] or m["b"] or m["c"]).strip()))
        else:
            parts.append((piece, None))
    return parts
