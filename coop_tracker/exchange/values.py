"""Values as kommuner write them in their own registers, read into the register's fields.

Every reader takes the cell text and returns a ``Reading``: the value, or a Swedish message that
quotes nothing (the caller quotes the cell) and says how to write it, plus an optional note for
the preview when the value was interpreted ("1926" read as 1 January 1926). Pure functions: no
database, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from coop_tracker.agreements.dates import add_months

# Real cooperations are old: Norrvatten's förbund began in 1926, some water and fire
# services earlier still. A start date before this is almost certainly a typing error.
EARLIEST_START = date(1850, 1, 1)
LATEST_DATE = date(2100, 12, 31)

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
EMPTY_WORDS = {"", "-", "–", "—", "?", "x", "saknas", "ej angivet", "uppgift saknas", "n/a"}


@dataclass(frozen=True)
class Reading:
    """A cell read: ``value`` when it could be read, else ``error``; ``note`` tells the
    preview how a value was interpreted."""

    value: Any = None
    error: str | None = None
    note: str | None = None


def fold(text: Any) -> str:
    """Lower case without accents or extra spaces, for comparing names and words."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip()


def is_empty(text: str) -> bool:
    return fold(text) in EMPTY_WORDS


# --- dates ------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WORD_DATE = re.compile(r"^(?:(\d{1,2})\s+)?([a-z]+)\.?\s+(\d{4})$")
_DATE_PREFIX = re.compile(r"^(fr\.?o\.?m\.?|from|t\.?o\.?m\.?|tom|till|sedan|fran|start|ar)\s+")


_WITH_TIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ t](\d{1,2}):(\d{2})(?::\d{2}(?:[.,]\d+)?)?$")


def read_date(raw: Any, *, earliest: date = EARLIEST_START) -> Reading:
    """ISO dates, "1/1 2020", "1.1.2020", "20200101", "mars 2020", "2020-03" or a year alone
    ("1926" → 1 January 1926, said in the note); real date cells pass as they are."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return _in_range(raw, earliest)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    text = fold(raw)
    if text in EMPTY_WORDS:
        return Reading(None)
    text = _DATE_PREFIX.sub("", text).rstrip(".")
    note = None
    if m := _WITH_TIME.match(text):
        # A date cell saved as text keeps its time ("2024-01-01 00:00", "2024-01-01T08:30:00").
        text = m[1]
        if int(m[2]) or int(m[3]):
            note = f"klockslaget {m[2]}:{m[3]} är borttaget; bara dagen används"
    found: date | None = None
    try:
        if (m := _ISO.match(text)) or (m := _ISO_COMPACT.match(text)):
            found = date(int(m[1]), int(m[2]), int(m[3]))
        elif m := _DAY_MONTH_YEAR.match(text):
            found = date(int(m[3]), int(m[2]), int(m[1]))
        elif m := _YEAR_MONTH.match(text):
            found = date(int(m[1]), int(m[2]), 1)
            note = f"tolkat som den 1:a i månaden ({found.isoformat()})"
        elif m := _YEAR.match(text):
            found = date(int(m[1]), 1, 1)
            note = f"bara år angivet; tolkat som {found.isoformat()}"
        elif (m := _WORD_DATE.match(text)) and m[2] in MONTHS:
            found = date(int(m[3]), MONTHS[m[2]], int(m[1] or 1))
            if not m[1]:
                note = f"tolkat som den 1:a i månaden ({found.isoformat()})"
    except ValueError:
        return Reading(error="datumet finns inte i kalendern; skriv t.ex. 2020-01-01")
    if found is None:
        return Reading(error="skriv ett datum, t.ex. 2020-01-01, 1/1 2020 eller bara året 2020")
    reading = _in_range(found, earliest)
    return Reading(reading.value, reading.error, note if reading.error is None else None)


def _in_range(value: date, earliest: date) -> Reading:
    if not earliest <= value <= LATEST_DATE:
        return Reading(
            error=f"datumet måste ligga mellan {earliest.year} och {LATEST_DATE.year}; "
            "kontrollera årtalet"
        )
    return Reading(value)


# --- months -----------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "en": 1,
    "ett": 1,
    "tva": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "atta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "arton": 18,
    "tjugofyra": 24,
    "trettiosex": 36,
}
_UNIT_MONTHS = r"(?:manader|manad|man|mnd|m)"
_UNIT_YEARS = r"(?:ars|aren|ar)"
_DURATION = re.compile(
    r"^(?P<n>\d+(?:[.,]5)?|" + "|".join(_NUMBER_WORDS) + r")\s*"
    r"(?P<unit>" + _UNIT_MONTHS + r"|" + _UNIT_YEARS + r"|dagar|dag|d|veckor|vecka|v)?\.?"
    r"(?=$|[\s,(/])"
)
MONTHS_HINT = "skriv antal månader, t.ex. 6, ”6 mån” eller ”1 år”"


def _number(text: str) -> float:
    return float(_NUMBER_WORDS.get(text) or text.replace(",", "."))


def duration_months(text: str) -> tuple[int, str] | None:
    """(months, rest of the text) for "12 månader", "2 år", "24 mån", "tolv månader", "90 dagar"
    (whole months only); None when the text does not start with a duration."""
    m = _DURATION.match(text)
    if m is None:
        return None
    number = _number(m["n"])
    unit = m["unit"] or "man"
    if re.fullmatch(_UNIT_YEARS, unit):
        months = number * 12
    elif unit in ("dagar", "dag", "d"):
        if number % 30:
            return None
        months = number / 30
    elif unit in ("veckor", "vecka", "v"):
        return None
    else:
        months = number
    if months != int(months):
        return None
    return int(months), text[m.end() :].strip(" ,.")


def read_months(raw: Any) -> Reading:
    """A period in months ("12", "12 mån", "1 år", "årligen")."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return (
            Reading(int(raw)) if float(raw).is_integer() else Reading(error="skriv antal månader")
        )
    text = fold(raw)
    if is_empty(text):
        return Reading(None)
    if text in ("arligen", "varje ar", "en gang per ar", "arsvis"):
        return Reading(12)
    if text in ("halvarsvis", "varje halvar", "tva ganger per ar"):
        return Reading(6)
    found = duration_months(text)
    if found is None or found[1]:
        return Reading(error="skriv antal månader, t.ex. 12, ”12 mån” eller ”1 år”")
    return Reading(found[0])


# Words after a notice period that only explain it ("före avtalstidens utgång").
_NOTICE_TAIL = re.compile(
    r"^(uppsagningstid|ömsesidig|omsesidig|inbordes|fore|innan|fran|räknat|raknat|fore avtalstidens"
    r"|vid|till|per|fore utgangen|innan utgangen|\(|ömsesidigt|omsesidigt|skriftlig|for bada)"
)
_YEAR_END_WORDS = re.compile(r"(arsskift|kalenderars|31 december|arets slut|utgangen av ar)")
_MONTH_END_WORDS = re.compile(r"(manadsskift|manads slut|utgangen av manad|sista dagen i manad)")


def read_notice(raw: Any) -> Reading:
    """A notice period in months: "6", "12 månader", "1 år", "6 mån före avtalstidens utgång".
    The note says when the wording asks for a year or month end (the term's end alignment)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and 0 <= raw <= 60:
            return Reading(int(raw))
        return Reading(error=MONTHS_HINT + " (0–60)")
    text = fold(raw)
    if text in EMPTY_WORDS:
        return Reading(None)
    if text in ("ingen", "ingen uppsagningstid", "0"):
        return Reading(0)
    found = duration_months(text)
    if found is None:
        return Reading(error=MONTHS_HINT)
    months, rest = found
    if rest and not _NOTICE_TAIL.match(rest) and not _YEAR_END_WORDS.search(rest):
        return Reading(error=MONTHS_HINT + "; resten av texten kan stå i Kommentar")
    if months > 60:
        return Reading(error="uppsägningstiden får vara högst 60 månader")
    return Reading(months)


def alignment_of(raw: Any) -> str | None:
    """``year_end`` or ``month_end`` when a notice or term text says so, else None."""
    text = fold(raw)
    if _YEAR_END_WORDS.search(text):
        return "year_end"
    if _MONTH_END_WORDS.search(text):
        return "month_end"
    return None


# --- amounts ----------------------------------------------------------------------------------

_AMOUNT = re.compile(
    r"^(?P<approx>ca\.?|cirka|circa|ungefar|ung\.?|~)?\s*"
    r"(?P<number>\d[\d\s.,']*)\s*"
    r"(?P<unit>kr|kronor|sek|:-|tkr|tsek|tusen kronor|tusen|mkr|msek|milj\.?(?: ?kr)?|miljoner"
    r"(?: kronor)?|mnkr|mdkr)?\.?"
    r"\s*(?P<per>/\s*ar|per ar|om aret|arligen|/ar\.?)?\s*$"
)
_PER_CAPITA = re.compile(r"(/\s*inv|per inv|/\s*invanare|per invanare|/\s*capita|kr/inv)")


def read_amount(raw: Any) -> Reading:
    """An annual amount in kronor: "1 250 000 kr", "52,4 mkr", "820 tkr", "ca 7 500 000 kr",
    "1,2 miljoner"; the note says when a unit or an approximation was read."""
    if isinstance(raw, bool):
        return Reading(error="skriv ett belopp i kronor, t.ex. 1 250 000 kr eller 820 tkr")
    if isinstance(raw, int | float | Decimal):
        value = Decimal(str(raw))
        return Reading(value) if value >= 0 else Reading(error="beloppet kan inte vara negativt")
    text = fold(raw).replace("\u2009", " ")
    if text in EMPTY_WORDS:
        return Reading(None)
    if _PER_CAPITA.search(text):
        return Reading(
            error="ett belopp per invånare är inte en årskostnad; skriv årskostnaden i kronor "
            "och lägg per-invånare-beloppet i Kommentar"
        )
    m = _AMOUNT.match(text)
    if m is None:
        return Reading(
            error="skriv ett belopp i kronor, t.ex. 1 250 000 kr, 820 tkr eller 52,4 mkr"
        )
    number = _amount_number(m["number"])
    if number is None:
        return Reading(
            error="skriv ett belopp i kronor, t.ex. 1 250 000 kr, 820 tkr eller 52,4 mkr"
        )
    unit = (m["unit"] or "").rstrip(".")
    factor = 1
    if unit in ("tkr", "tsek", "tusen kronor", "tusen"):
        factor = 1000
    elif unit.startswith(("mkr", "msek", "milj", "mnkr")):
        factor = 1_000_000
    elif unit == "mdkr":
        factor = 1_000_000_000
    value = (number * factor).quantize(Decimal("0.01"))
    notes = []
    if factor != 1:
        notes.append(f"tolkat som {_kronor(value)}")
    if m["approx"]:
        notes.append("ungefärligt belopp (”ca”) importerat som " + _kronor(value))
    return Reading(value, note="; ".join(dict.fromkeys(notes)) or None)


def _amount_number(text: str) -> Decimal | None:
    """ "1 250 000", "1.250.000", "52,4", "1 250 000,50" → Decimal."""
    text = re.sub(r"[\s']", "", text)
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif text.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _kronor(value: Decimal) -> str:
    whole = int(value)
    text = f"{whole:,}".replace(",", " ")
    return f"{text} kr"


# --- the term ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """An "Avtalstid" cell read: the kind of term (the deadlines issue's ``term``), the end of
    the (first) fixed period, the renewal period and the start when the cell gave one."""

    kind: str  # fixed | fixed_then_indefinite | indefinite | renewing
    end_on: date | None = None
    renewal_months: int | None = None
    start_on: date | None = None
    months: int | None = None  # a fixed period given as a length ("3 år"), ended from the start
    alignment: str | None = None


_INDEFINITE = re.compile(
    r"^(tills?\s*vidare|tv|t\.v\.|lopande|obestamd tid|utan slutdatum|ingen slutdag|"
    r"tillsvidareavtal|gäller tills vidare|galler tills vidare)\.?$"
)
_THEN_INDEFINITE = re.compile(
    r"(darefter|sedan|efter det|och (darefter )?)\s*(tills?\s*vidare|lopande)"
)
_RENEWS = re.compile(
    r"(forlangs|forlanges|forlangning|automatisk(t)? forlang|tyst forlang)"
    r"(?:[^0-9]*?\b(?P<n>\d+|"
    + "|".join(_NUMBER_WORDS)
    + r")\s*(?P<unit>"
    + _UNIT_MONTHS
    + "|"
    + _UNIT_YEARS
    + r")\b)?"
)
_SEPARATOR = re.compile(r"\s*(?:–|—|-{1,2}|\btill\b|\bt\.o\.m\.?|\btom\b)\s*")
# The deadlines issue's names of the four terms, as the export writes them.
TERM_WORDS = {
    "avtalsperiod som upphor utan uppsagning": "fixed",
    "avtalsperiod och darefter tills vidare": "fixed_then_indefinite",
    "avtalsperiod som forlangs automatiskt (tyst forlangning)": "renewing",
    "avtalsperiod som forlangs automatiskt": "renewing",
    "fixed": "fixed",
    "fixed_then_indefinite": "fixed_then_indefinite",
    "indefinite": "indefinite",
    "renewing": "renewing",
}
TERM_HINT = (
    "skriv t.ex. ”tills vidare”, ”2020-01-01 – 2023-12-31”, ”3 år”, "
    "”3 år, därefter tills vidare” eller ”förlängs 1 år i taget”"
)


def read_term(raw: Any) -> Reading:
    """An "Avtalstid" cell: "tills vidare", "3 år", "t.o.m. 2025-12-31", "2020–2023",
    "3 år, därefter tills vidare", "2 år, förlängs 1 år i taget"."""
    if isinstance(raw, date | datetime):
        end = read_date(raw)
        return Reading(Term("fixed", end_on=end.value)) if end.error is None else end
    text = fold(raw)
    if text in EMPTY_WORDS:
        return Reading(None)
    if text in TERM_WORDS:  # the export's own wording; the dates are in their own columns
        return Reading(Term(TERM_WORDS[text]))
    alignment = alignment_of(text)
    if _INDEFINITE.match(text):
        return Reading(Term("indefinite", alignment=alignment))
    renews = _RENEWS.search(text)
    then_indefinite = _THEN_INDEFINITE.search(text)
    head = text
    for match in (renews, then_indefinite):
        if match is not None:
            head = head[: min(match.start(), len(head))]
    head = head.strip(" ,.;")
    head = re.sub(r"^(avtalet galler|galler|avtalstid|forsta perioden|initialt)\s*", "", head)
    head = re.sub(r"\s*(med|och)$", "", head).strip(" ,.;")
    first = _first_period(head)
    if isinstance(first, str):
        return Reading(error=TERM_HINT)
    start_on, end_on, months = first
    if renews is not None:
        renewal = None
        if renews["n"]:
            renewal = int(_number(renews["n"])) * (
                12 if re.fullmatch(_UNIT_YEARS, renews["unit"]) else 1
            )
        elif re.search(r"(ett|1) ar i taget|arsvis|med ett ar", text):
            renewal = 12
        if renewal is None:
            return Reading(
                error="skriv hur länge varje förlängning gäller, t.ex. ”förlängs 1 år i taget”"
            )
        if end_on is None and months is None:
            months = renewal  # "förlängs 1 år i taget": every period, the first too, is a year
        return Reading(Term("renewing", end_on, renewal, start_on, months, alignment))
    if then_indefinite is not None:
        if end_on is None and months is None:
            return Reading(Term("indefinite", start_on=start_on, alignment=alignment))
        return Reading(Term("fixed_then_indefinite", end_on, None, start_on, months, alignment))
    if end_on is None and months is None:
        return Reading(error=TERM_HINT)
    return Reading(Term("fixed", end_on, None, start_on, months, alignment))


def _first_period(text: str) -> tuple[date | None, date | None, int | None] | str:
    """(start, end, length in months) of "2020-01-01 – 2023-12-31", "t.o.m. 2023-12-31",
    "2020–2023", "3 år" or "" (nothing); an error string otherwise."""
    if not text:
        return (None, None, None)
    length = duration_months(text)
    if length is not None and not length[1]:
        return (None, None, length[0])
    for separator in _SEPARATOR.finditer(text):
        left, right = text[: separator.start()], text[separator.end() :]
        if not left.strip() or not right.strip():
            continue
        start, end = read_date(left), read_date(right)
        if start.error is None and end.error is None and start.value and end.value:
            end_on = end.value
            if _YEAR.match(_DATE_PREFIX.sub("", right.strip())):
                end_on = date(end_on.year, 12, 31)
            return (start.value, end_on, None)
    end = read_date(text)
    if end.error is None and end.value is not None:
        end_on = end.value
        bare = _DATE_PREFIX.sub("", text).strip()
        if _YEAR.match(bare):
            end_on = date(end_on.year, 12, 31)
        return (None, end_on, None)
    return "error"


def term_end(start_on: date, months: int) -> date:
    """The last day of a period of ``months`` that starts on ``start_on``."""
    from datetime import timedelta

    return add_months(start_on, months) - timedelta(days=1)
