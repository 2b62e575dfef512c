"""Small validators shared by services: text, numbers, dates and URLs.

Messages are Swedish (the source language) and translated when raised, in the language of the
request; callers pass their labels already translated (``_("Namn")``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from coop_tracker.core.i18n import _

WHITESPACE = re.compile(r"\s+")  # any Unicode space: a no-break or thin one copied from Excel
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARS_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
# Real cooperations are old (Norrvatten began in 1926); a date before 1850 is a typing error.
EARLIEST_DATE = date(1850, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def strip_control(value: str) -> str:
    """Search text without control characters (PostgreSQL cannot compare NUL)."""
    return CONTROL_CHARS_SINGLE_LINE.sub("", value)


def is_plain_key(value: str, max_length: int) -> bool:
    """Whether a code or slug is short and free of control characters (safe to look up)."""
    return len(value) <= max_length and not CONTROL_CHARS_SINGLE_LINE.search(value)


def missing(verb: str, label: str) -> str:
    """ "Ange namn." or, for a prefixed label such as "Part 2: roll", "Part 2: välj roll."."""
    prefix, sep, rest = label.rpartition(": ")
    if sep:
        return f"{prefix}: {_asked(verb, rest.lower())}"
    return _capitalised(_asked(verb, label.lower()))


def _asked(verb: str, label: str) -> str:
    if verb == "välj":
        return _("välj %(label)s.", label=label)
    return _("ange %(label)s.", label=label)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class Errors(dict[str, str]):
    """Field → message, keeping the first message per field."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


def text(
    value: Any,
    field: str,
    label: str,
    errors: Errors,
    *,
    max_length: int,
    required: bool = False,
    min_length: int = 0,
    multiline: bool = False,
) -> str:
    """A trimmed string; refuses control characters, over-long and (if required) empty text."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, _("%(label)s: ange text.", label=label))
        return ""
    value = value.replace("\r\n", "\n").strip()
    pattern = CONTROL_CHARS if multiline else CONTROL_CHARS_SINGLE_LINE
    if pattern.search(value):
        errors.add(field, _("%(label)s innehåller otillåtna styrtecken.", label=label))
        return value
    if required and not value:
        errors.add(field, missing("ange", label))
    elif value and len(value) < min_length:
        errors.add(field, _("%(label)s måste ha minst %(n)s tecken.", label=label, n=min_length))
    elif len(value) > max_length:
        errors.add(
            field,
            _(
                "%(label)s får vara högst %(n)s tecken (nu %(length)s).",
                label=label,
                n=max_length,
                length=len(value),
            ),
        )
    return value


def integer(
    value: Any,
    field: str,
    label: str,
    errors: Errors,
    *,
    minimum: int,
    maximum: int,
    required: bool = False,
) -> int | None:
    """An integer within bounds, or None when empty and not required."""
    if _empty(value, field, label, errors, required):
        return None
    number = _whole_number(value)
    if number is None:
        errors.add(field, _("%(label)s måste vara ett heltal.", label=label))
        return None
    if not minimum <= number <= maximum:
        errors.add(field, _between(label, minimum, maximum))
        return None
    return number


def _empty(
    value: Any, field: str, label: str, errors: Errors, required: bool, verb: str = "ange"
) -> bool:
    """Whether nothing was typed (a required field is then refused: "Ange …", "Välj …")."""
    if value is not None and value != "":
        return False
    if required:
        errors.add(field, missing(verb, label))
    return True


def _whole_number(value: Any) -> int | None:
    """``value`` as an integer, or None unless it is a whole number (a bool is not one)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if isinstance(value, float) and value != number:
        return None
    return number


def _between(label: str, minimum: Any, maximum: Any) -> str:
    return _(
        "%(label)s måste vara mellan %(minimum)s och %(maximum)s.",
        label=label,
        minimum=minimum,
        maximum=maximum,
    )


def decimal(
    value: Any,
    field: str,
    label: str,
    errors: Errors,
    *,
    minimum: Decimal,
    maximum: Decimal,
    places: int = 2,
) -> Decimal | None:
    """A non-negative amount or share as typed in Sweden: "1 450 000", "1450000,50" (spaces,
    no-break spaces and a decimal comma are fine; the API sends plain numbers)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.add(field, _("%(label)s måste vara ett tal.", label=label))
        return None
    try:
        number = Decimal(number_text(value))
    except InvalidOperation:
        errors.add(
            field, _("%(label)s måste vara ett tal, till exempel 1 234 567,50.", label=label)
        )
        return None
    if not number.is_finite():
        errors.add(field, _("%(label)s måste vara ett tal.", label=label))
        return None
    if not minimum <= number <= maximum:
        errors.add(field, _between(label, _fmt(minimum), _fmt(maximum)))
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def number_text(value: Any) -> str:
    """Typed number text made readable for ``Decimal``: no spaces, a decimal point."""
    return WHITESPACE.sub("", str(value)).replace(",", ".")


def normalised_amount(value: Any, places: int = 2) -> Any:
    """A typed amount in its stored form ("1 450 000" → "1450000.00"), to compare with saved
    values; text that is not a number comes back unchanged."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    try:
        number = Decimal(number_text(value))
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    return str(number.quantize(Decimal(1).scaleb(-places)))


def a_date(
    value: Any, field: str, label: str, errors: Errors, *, required: bool = False
) -> date | None:
    """A date (or ISO string) between 1850 and 2100."""
    if _empty(value, field, label, errors, required):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        errors.add(field, _("%(label)s måste vara ett datum i formen ÅÅÅÅ-MM-DD.", label=label))
        return None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        errors.add(
            field,
            _(
                "%(label)s måste ligga mellan %(earliest)s och %(latest)s.",
                label=label,
                earliest=EARLIEST_DATE,
                latest=LATEST_DATE,
            ),
        )
        return None
    return value


def url(value: Any, field: str, label: str, errors: Errors, *, max_length: int = 500) -> str:
    """An http(s) address or empty."""
    value = text(value, field, label, errors, max_length=max_length)
    if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        errors.add(
            field,
            _(
                "%(label)s måste vara en webbadress som börjar med https:// eller http://.",
                label=label,
            ),
        )
    return value


def choice(
    value: Any,
    field: str,
    label: str,
    errors: Errors,
    allowed: Mapping[Any, Any],
    *,
    required: bool,
) -> str | None:
    """One of ``allowed`` (value → Swedish label)."""
    if _empty(value, field, label, errors, required, verb="välj"):
        return None
    if not isinstance(value, str) or value not in allowed:
        names = ", ".join(allowed)
        errors.add(field, _("%(label)s måste vara ett av: %(names)s.", label=label, names=names))
        return None
    return value


def _fmt(number: Decimal) -> str:
    return f"{number:,.0f}".replace(",", " ")


MAX_ROW_ID = 2**31 - 1  # PostgreSQL's integer; larger ids in a URL cannot exist


def is_row_id(value: int) -> bool:
    """Whether an id from a URL can name a row (a huge one would overflow the database)."""
    return 1 <= value <= MAX_ROW_ID


def is_kommun_code(value: Any) -> bool:
    """Whether ``value`` has the shape of a kommunkod (four ASCII digits). Check this before a
    lookup: a NUL byte or a stray character in a form, a URL or a claim would otherwise reach
    the database, and PostgreSQL refuses NUL in text with an error (a 500)."""
    return is_digits(value, 4) and len(value) == 4


def is_digits(text: Any, max_digits: int = 12) -> bool:
    """Whether ``text`` is a plain number of ASCII digits that ``int()`` reads as written.

    ``str.isdigit`` also accepts "²" (which ``int`` refuses) and Arabic-Indic digits, and
    ``int`` refuses more than 4,300 digits; a query string may carry any of them.
    """
    return (
        isinstance(text, str) and 0 < len(text) <= max_digits and text.isascii() and text.isdigit()
    )
