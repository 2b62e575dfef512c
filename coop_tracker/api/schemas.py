"""The API's shared schema base: Swedish validation messages, errors, pagination, common fields.

Below the domains: each domain's schemas live in its own ``schemas.py`` and derive from these.

Every API schema derives from ``Schema`` below. When a field is bound to it, ``swedish(field)``
replaces marshmallow's English default messages (for every field class in marshmallow, including
the inner fields of lists and dicts) and swaps stock validators (Length, Range, OneOf, Regexp,
Email, URL, …) for the Swedish ones in this module. Messages a schema author wrote explicitly are
kept. Nothing in marshmallow itself is changed.

Decimal amounts (``annual_cost``, ``cost_share_percent``) are exchanged as strings with two
decimals ("125000.00") so that no client loses öre to floating point; a JSON number is accepted on
input too.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import marshmallow as ma
from marshmallow import fields, validate

from coop_tracker.core import schemas as checked
from coop_tracker.core import validation as v

# ---------------------------------------------------------------------------------------------
# Swedish messages
# ---------------------------------------------------------------------------------------------

# Field class → its messages in Swedish. Looked up along the field's MRO (most specific first), so
# a subclass of, say, fields.Integer gets the Integer messages.
FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {
        "required": "Fältet saknas.",
        "null": "Fältet får inte vara tomt (null).",
        "validator_failed": "Ogiltigt värde.",
    },
    fields.String: {
        "invalid": "Måste vara en textsträng.",
        "invalid_utf8": "Måste vara giltig UTF-8-text.",
    },
    fields.Number: {"invalid": "Måste vara ett tal.", "too_large": "Talet är för stort."},
    fields.Integer: {"invalid": "Måste vara ett heltal."},
    fields.Float: {"special": "Oändligt eller NaN är inte tillåtet."},
    fields.Decimal: {
        "invalid": 'Måste vara ett tal, t.ex. "1234.50".',
        "special": "Oändligt eller NaN är inte tillåtet.",
    },
    fields.Boolean: {"invalid": "Måste vara true eller false."},
    fields.Date: {
        "invalid": "Måste vara ett datum i formen ÅÅÅÅ-MM-DD.",
        "invalid_awareness": "Måste vara ett datum i formen ÅÅÅÅ-MM-DD.",
        "format": "Datumet kan inte visas.",
    },
    fields.DateTime: {
        "invalid": "Måste vara en tidpunkt i ISO 8601-form, t.ex. 2026-03-31T12:00:00Z.",
        "invalid_awareness": "Tidpunkten måste ange tidszon.",
        "format": "Tidpunkten kan inte visas.",
    },
    fields.Time: {
        "invalid": "Måste vara ett klockslag, t.ex. 13:30.",
        "invalid_awareness": "Klockslaget har fel tidszonsangivelse.",
        "format": "Klockslaget kan inte visas.",
    },
    fields.TimeDelta: {
        "invalid": "Måste vara en tidslängd.",
        "format": "Tidslängden kan inte visas.",
    },
    fields.List: {"invalid": "Måste vara en lista."},
    fields.Tuple: {"invalid": "Måste vara en lista med rätt antal värden."},
    fields.Mapping: {"invalid": "Måste vara ett objekt."},
    fields.Nested: {"type": "Måste vara ett objekt."},
    fields.Email: {"invalid": "Måste vara en e-postadress, t.ex. namn@kommun.se."},
    fields.Url: {"invalid": "Måste vara en webbadress som börjar med https://."},
    fields.UUID: {"invalid_uuid": "Måste vara ett UUID."},
    fields.IP: {"invalid_ip": "Måste vara en IP-adress."},
    fields.IPInterface: {"invalid_ip_interface": "Måste vara ett IP-nät."},
    fields.Enum: {"unknown": "Måste vara ett av: {choices}."},
}

SCHEMA_MESSAGES = {
    "unknown": "Okänt fält.",
    "type": "Fel typ av indata: ett JSON-objekt väntades.",
}


class Range(validate.Range):
    """Range with Swedish messages."""

    message_min = "Måste vara {min_op} {{min}}."
    message_max = "Måste vara {max_op} {{max}}."
    message_all = "Måste vara {min_op} {{min}} och {max_op} {{max}}."
    message_gte = "minst"
    message_gt = "större än"
    message_lte = "högst"
    message_lt = "mindre än"


class Length(validate.Length):
    """Length with Swedish messages: "tecken" for text, "element" for lists."""

    message_min = "Måste ha minst {min} {unit}."
    message_max = "Får ha högst {max} {unit}."
    message_all = "Måste ha mellan {min} och {max} {unit}."
    message_equal = "Måste ha exakt {equal} {unit}."

    def _format_error(self, value: Any, message: str) -> str:
        return (self.error or message).format(
            input=value,
            min=self.min,
            max=self.max,
            equal=self.equal,
            unit="tecken" if isinstance(value, str) else "element",
        )


class OneOf(validate.OneOf):
    """OneOf with a Swedish message listing the allowed values."""

    default_message = "Måste vara ett av: {choices}."


class Regexp(validate.Regexp):
    default_message = "Har fel format."


# The other stock validators' own messages, in Swedish.
_MESSAGES: dict[type[validate.Validator], str] = {
    validate.ContainsOnly: "Får bara innehålla: {choices}.",
    validate.NoneOf: "Värdet är inte tillåtet.",
    validate.Email: "Måste vara en e-postadress, t.ex. namn@kommun.se.",
    validate.URL: "Måste vara en webbadress som börjar med https://.",
    validate.Equal: "Måste vara {other}.",
}
# A stock validator → its Swedish twin (a subclass with the Swedish messages).
SWEDISH_VALIDATORS: dict[type[validate.Validator], type[validate.Validator]] = {
    validate.Range: Range,
    validate.Length: Length,
    validate.OneOf: OneOf,
    validate.Regexp: Regexp,
    **{
        stock: type(stock.__name__, (stock,), {"default_message": message})
        for stock, message in _MESSAGES.items()
    },
}


def _swedish_validator(validator: Any) -> Any:
    """The Swedish twin of a stock marshmallow validator, with the same settings and any message
    the schema author wrote; other validators are returned as they are."""
    twin_class = SWEDISH_VALIDATORS.get(type(validator))
    if twin_class is None:
        return validator  # already ours, or a function/custom validator with its own message
    if isinstance(validator, validate.Range):  # its messages are filled in when it is made
        return Range(
            validator.min,
            validator.max,
            min_inclusive=validator.min_inclusive,
            max_inclusive=validator.max_inclusive,
            error=validator.error,
        )
    twin = copy.copy(validator)
    twin.__class__ = twin_class
    english = getattr(type(validator), "default_message", None)
    if english is not None and validator.error == english:
        twin.error = twin_class.default_message  # type: ignore[attr-defined]
    return twin


def _english_defaults(field: fields.Field) -> dict[str, str]:
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def swedish(field: fields.Field) -> fields.Field:
    """Give ``field`` (and the fields inside it) Swedish messages and validators, in place."""
    english = _english_defaults(field)
    swedish_messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        swedish_messages.update(FIELD_MESSAGES.get(cls, {}))
    for key, message in swedish_messages.items():
        if field.error_messages.get(key) == english.get(key):
            field.error_messages[key] = message
    field.validators = [_swedish_validator(v) for v in field.validators]
    for inner in _inner_fields(field):
        swedish(inner)
    return field


def _inner_fields(field: fields.Field) -> list[fields.Field]:
    inner: list[fields.Field] = []
    if isinstance(field, fields.List):
        inner.append(field.inner)
    if isinstance(field, fields.Tuple):
        inner.extend(field.tuple_fields)
    if isinstance(field, fields.Mapping):
        inner.extend(f for f in (field.key_field, field.value_field) if f is not None)
    return inner


class Schema(ma.Schema):
    """Base of every API schema: Swedish messages, unknown fields refused."""

    error_messages: ClassVar[dict[str, str]] = SCHEMA_MESSAGES  # type: ignore[misc]

    class Meta:
        unknown = ma.RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        swedish(field_obj)


# ---------------------------------------------------------------------------------------------
# Errors and pagination
# ---------------------------------------------------------------------------------------------


class ErrorSchema(Schema):
    """Every refusal: a code, a Swedish message, and the fields it concerns."""

    error = fields.String(
        required=True,
        metadata={
            "description": "Maskinläsbar kod: bad_request, unauthorized, forbidden, not_found, "
            "method_not_allowed, conflict, invalid, validation_failed, …",
            "example": "validation_failed",
        },
    )
    message = fields.String(
        required=True,
        metadata={
            "description": "Meddelande på svenska.",
            "example": "Uppgifterna innehåller fel.",
        },
    )
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": "Fältnamn → orsak. Fält i listor anges med punkt och index, "
            "t.ex. parties.0.municipality.",
            "example": {"title": "Fältet saknas."},
        },
    )
    current = fields.Dict(
        metadata={"description": "Vid 409: de sparade värdena, i samma form som en GET."}
    )
    current_version = fields.Integer(metadata={"description": "Vid 409: sparad version."})
    reasons = fields.List(
        fields.String(), metadata={"description": "Vid vägrade fasbyten: varje ouppfyllt villkor."}
    )


class PaginationQuerySchema(Schema):
    """``page`` (from 1) and ``per_page`` (1–200, default 50)."""

    DEFAULT_PER_PAGE = 50
    MAX_PER_PAGE = 200

    page = fields.Integer(
        load_default=1,
        validate=Range(min=1, max=1_000_000),
        metadata={"description": "Sidnummer, från 1."},
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": "Antal per sida, 1–200."},
    )


_PAGE_SCHEMAS: dict[str, type[Schema]] = {}


def page_schema(item_schema: type[ma.Schema]) -> type[Schema]:
    """The list envelope ``{"items", "total", "page", "per_page"}`` around ``item_schema``.

    One class per item schema (named e.g. ``AgreementPageSchema``), so the OpenAPI document gets
    one component for each.
    """
    base = item_schema.__name__.removesuffix("Schema")
    name = f"{base}PageSchema"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = type(
            name,
            (Schema,),
            {
                "__doc__": f"En sida {base}.",
                "items": fields.List(fields.Nested(item_schema), required=True),
                "total": fields.Integer(
                    required=True, metadata={"description": "Antal träffar totalt."}
                ),
                "page": fields.Integer(required=True),
                "per_page": fields.Integer(required=True),
            },
        )
    return _PAGE_SCHEMAS[name]


def envelope(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    """A page of results as the list schemas expect it."""
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def paged(items: list[Any], total: int, args: Mapping[str, Any]) -> dict[str, Any]:
    """``items`` as the page the query asked for (its ``page`` and ``per_page``) of ``total``."""
    return envelope(items, total, args["page"], args["per_page"])


def page_of(
    rows: Sequence[Any], args: Mapping[str, Any], show: Callable[[Any], Any] = lambda row: row
) -> dict[str, Any]:
    """The page the query asked for of ``rows`` (all of them loaded), each shown by ``show``."""
    start = (args["page"] - 1) * args["per_page"]
    return paged([show(row) for row in rows[start : start + args["per_page"]]], len(rows), args)


# ---------------------------------------------------------------------------------------------
# Common fields
# ---------------------------------------------------------------------------------------------

MUNICIPALITY_CODE = Regexp(r"^\d{4}$", error="Kommunkod ska vara fyra siffror, t.ex. 0180.")
MAX_AMOUNT = 100_000_000_000
AREA_SLUG = Regexp(
    r"^[a-z0-9-]{1,60}$",
    error="Ange områdets slug: små bokstäver a–z, siffror och bindestreck, t.ex. lon.",
)
# How an amount is written when sent as a string (the schema states it; the field reads it).
AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"


class AmountRange(validate.Validator):
    """Bounds for an amount sent as a decimal string.

    Not a ``Range``: apispec would document its bounds as ``minimum``/``maximum``, which OpenAPI
    allows only on numbers; the bounds are in the field's description instead.
    """

    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum = Decimal(minimum)
        self.maximum = Decimal(maximum)

    def __call__(self, value: Decimal) -> Decimal:
        if not self.minimum <= value <= self.maximum:
            raise ma.ValidationError(f"Måste vara minst {self.minimum} och högst {self.maximum}.")
        return value


def amount(
    maximum: int = MAX_AMOUNT, *, example: str = "125000.00", description: str = "Belopp i kronor."
) -> fields.Decimal:
    return fields.Decimal(
        places=2,
        as_string=True,
        allow_nan=False,
        allow_none=True,
        validate=AmountRange(0, maximum),
        metadata={
            "type": "string",
            "format": "decimal",
            "pattern": AMOUNT_PATTERN,
            "example": example,
            "description": f"{description} Sträng med två decimaler, 0–{maximum}; "
            "ett JSON-tal godtas också.",
        },
    )


def text(max_length: int, *, min_length: int | None = None, **kwargs: Any) -> fields.String:
    return fields.String(validate=Length(min=min_length, max=max_length), **kwargs)


def choice(labels: dict[str, str], **kwargs: Any) -> fields.String:
    return fields.String(validate=OneOf(list(labels)), **kwargs)


# ---------------------------------------------------------------------------------------------
# Request fields from the one check of an input
# ---------------------------------------------------------------------------------------------


def _limit(field: checked.Checked, name: str) -> Any:
    """A limit of a ``Checked`` field: the one it was given, else its check's default."""
    if name in field.limits:
        return field.limits[name]
    return inspect.signature(field.check).parameters[name].default


def _text_field(field: checked.Checked, options: dict[str, Any]) -> fields.Field:
    return text(_limit(field, "max_length"), min_length=field.limits.get("min_length"), **options)


def _integer_field(field: checked.Checked, options: dict[str, Any]) -> fields.Field:
    bounds = Range(min=field.limits["minimum"], max=field.limits["maximum"])
    return fields.Integer(validate=bounds, **options)


def _amount_field(field: checked.Checked, options: dict[str, Any]) -> fields.Field:
    if field.limits["minimum"] != 0:
        raise ValueError("An amount on the wire starts at 0 (see AmountRange).")
    options.pop("allow_none", None)  # an amount may always be null
    return amount(int(field.limits["maximum"]), **options)


def _date_field(field: checked.Checked, options: dict[str, Any]) -> fields.Field:
    return fields.Date(**options)


def _choice_field(field: checked.Checked, options: dict[str, Any]) -> fields.Field:
    return choice(field.args[0], **options)


def _boolean_field(field: checked.Checked, options: dict[str, Any]) -> fields.Field:
    return fields.Boolean(**options)


# The check a ``Checked`` field runs → its field on the wire, with the same limits.
WIRE_FIELDS: dict[Callable[..., Any], Callable[[checked.Checked, dict[str, Any]], fields.Field]] = {
    v.text: _text_field,
    v.url: _text_field,
    v.integer: _integer_field,
    v.decimal: _amount_field,
    v.a_date: _date_field,
    v.choice: _choice_field,
    checked.ticked: _boolean_field,
}


def wire_field(checked_schema: type[ma.Schema], name: str, **options: Any) -> fields.Field:
    """The API's field for ``checked_schema``'s field ``name``: of the JSON type, with the same
    limits (length, range, choices, amount) and the API's Swedish messages; nullable unless the
    check requires a value. ``options``: marshmallow arguments that add to or change these
    (``required``, ``allow_none``, ``load_default``, ``metadata``; ``example`` and
    ``description`` for an amount)."""
    field = checked_schema._declared_fields[name]
    if not isinstance(field, checked.Checked):
        raise TypeError(f"{checked_schema.__name__}.{name} is not a checked field.")
    kwargs = {"allow_none": not field.limits.get("required", False), **options}
    return WIRE_FIELDS[field.check](field, kwargs)


def wire_schema(
    checked_schema: type[ma.Schema],
    *,
    required: Collection[str] = (),
    **options: dict[str, Any] | fields.Field,
) -> type[Schema]:
    """The API's request schema for the input that ``checked_schema`` checks: ``wire_field``
    for each of its fields. ``required`` names the fields a request must send; ``options`` per
    field name are ``wire_field``'s options, or the field itself where the wire takes another
    type than the check (a flag, a wider choice).

    The request schema checks the wire (types and limits, refused as 422 "invalid"); the checked
    schema, run by the service, then checks the values with its field-named messages and the
    rules between fields (refused as 422 "validation_failed").
    """
    declared: dict[str, fields.Field] = {}
    for name in checked_schema._declared_fields:
        given = options.pop(name, {})
        if isinstance(given, fields.Field):
            declared[name] = given
        else:
            extra = {"required": True} if name in required else {}
            declared[name] = wire_field(checked_schema, name, **given, **extra)
    if options:
        raise TypeError(f"{checked_schema.__name__} has no field {', '.join(options)}.")
    name = checked_schema.__name__.removeprefix("Checked").removesuffix("Schema") + "WireSchema"
    return type(name, (Schema,), {"__doc__": checked_schema.__doc__, **declared})
