"""API schemas: a base schema with Swedish validation messages, errors, pagination, agreements.

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

from decimal import Decimal
from typing import Any, ClassVar

import marshmallow as ma
from marshmallow import fields, validate

from coop_tracker.agreements.rules import (
    COST_BASIS_LABELS,
    FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
)

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


class ContainsOnly(validate.ContainsOnly):
    default_message = "Får bara innehålla: {choices}."


class NoneOf(validate.NoneOf):
    default_message = "Värdet är inte tillåtet."


class Regexp(validate.Regexp):
    default_message = "Har fel format."


class Email(validate.Email):
    default_message = "Måste vara en e-postadress, t.ex. namn@kommun.se."


class URL(validate.URL):
    default_message = "Måste vara en webbadress som börjar med https://."


class Equal(validate.Equal):
    default_message = "Måste vara {other}."


def _custom_error(validator: Any) -> str | None:
    """The message a schema author wrote, or None when the validator has its English default."""
    error = getattr(validator, "error", None)
    return None if error == getattr(type(validator), "default_message", None) else error


def _swedish_validator(validator: Any) -> Any:
    """The Swedish equivalent of a stock marshmallow validator (others are returned as they are)."""
    if type(validator).__module__ != validate.__name__:
        return validator  # already ours, or a function/custom validator with its own message
    error = _custom_error(validator)
    if isinstance(validator, validate.Range):
        return Range(
            validator.min,
            validator.max,
            min_inclusive=validator.min_inclusive,
            max_inclusive=validator.max_inclusive,
            error=validator.error,
        )
    if isinstance(validator, validate.Length):
        return Length(validator.min, validator.max, equal=validator.equal, error=validator.error)
    if isinstance(validator, validate.ContainsOnly):
        return ContainsOnly(validator.choices, validator.labels, error=error)
    if isinstance(validator, validate.OneOf):
        return OneOf(validator.choices, validator.labels, error=error)
    if isinstance(validator, validate.NoneOf):
        return NoneOf(validator.iterable, error=error)
    if isinstance(validator, validate.Regexp):
        return Regexp(validator.regex, error=error)
    if isinstance(validator, validate.Email):
        return Email(error=error)
    if isinstance(validator, validate.URL):
        return URL(
            relative=validator.relative,
            absolute=validator.absolute,
            schemes=validator.schemes,
            require_tld=validator.require_tld,
            error=error,
        )
    if isinstance(validator, validate.Equal):
        return Equal(validator.comparable, error=error)
    return validator


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


# ---------------------------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------------------------

MUNICIPALITY_CODE = Regexp(r"^\d{4}$", error="Kommunkod ska vara fyra siffror, t.ex. 0180.")
MAX_AMOUNT = 100_000_000_000


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


def _amount(
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
            "example": example,
            "description": f"{description} Sträng med två decimaler, 0–{maximum}; "
            "ett JSON-tal godtas också.",
        },
    )


def _text(max_length: int, *, min_length: int | None = None, **kwargs: Any) -> fields.String:
    return fields.String(validate=Length(min=min_length, max=max_length), **kwargs)


def _choice(labels: dict[str, str], **kwargs: Any) -> fields.String:
    return fields.String(validate=OneOf(list(labels)), **kwargs)


class ContactSchema(Schema):
    """A contact person of a party (shown to callers who may see contacts)."""

    id = fields.Integer(dump_only=True)
    name = fields.String()
    title = fields.String()
    email = fields.String()
    phone = fields.String()
    is_carrier = fields.Boolean(metadata={"description": "Personen som bär samverkan."})
    wants_reminders = fields.Boolean()
    version = fields.Integer()


class DecideBySchema(Schema):
    """When a party must have its notice case in: its deciding body's last meeting on or
    before the notice deadline, else the deadline minus the internal lead time."""

    decide_by_on = fields.Date(allow_none=True)
    body = fields.String(metadata={"description": "kf, ks eller namnd (KF om inget annat)."})
    meeting_on = fields.Date(allow_none=True, metadata={"description": "Sammanträdet."})
    case_deadline_on = fields.Date(
        allow_none=True, metadata={"description": "Sista dag för ärenden till sammanträdet."}
    )
    from_calendar = fields.Boolean(
        metadata={"description": "false: ingen sammanträdesplan, förberedelsetiden används."}
    )


class LatestReviewSchema(Schema):
    """The latest review's traffic light."""

    id = fields.Integer()
    reviewed_on = fields.Date()
    rating = fields.String(metadata={"description": "green, yellow eller red."})


class PartySchema(Schema):
    """A kommun's participation, as returned."""

    id = fields.Integer()
    municipality = fields.String(metadata={"description": "Kommunkod", "example": "2021"})
    municipality_name = fields.String()
    role = _choice(ROLE_LABELS)
    decision_body = fields.String()
    decision_on = fields.Date(allow_none=True)
    decision_paragraph = fields.String()
    decision_ref = fields.String(metadata={"description": "Diarienummer för beslutet."})
    joined_on = fields.Date(allow_none=True)
    left_on = fields.Date(allow_none=True)
    cost_share_percent = _amount(100, example="33.33", description="Andel i procent.")
    annual_cost = _amount()
    version = fields.Integer()
    contacts = fields.List(
        fields.Nested(ContactSchema),
        metadata={"description": "Bara för den som får se kontaktpersoner."},
    )
    decide_by = fields.Nested(
        DecideBySchema,
        allow_none=True,
        metadata={"description": "Bara för nuvarande parter när det finns en uppsägningsdag."},
    )


class AgreementSchema(Schema):
    """An agreement as returned, with the dates derived as of today."""

    id = fields.Integer()
    title = fields.String()
    form = _choice(FORM_LABELS)
    phase = _choice(PHASE_LABELS)
    areas = fields.List(fields.String(), metadata={"description": "Områdenas slug."})
    purpose = fields.String()
    goals = fields.String()
    motive = fields.String()
    start_on = fields.Date(allow_none=True)
    end_on = fields.Date(allow_none=True, metadata={"description": "null = tills vidare."})
    notice_months = fields.Integer(allow_none=True)
    renewal = _choice(RENEWAL_LABELS)
    renewal_months = fields.Integer(allow_none=True)
    internal_lead_days = fields.Integer()
    review_interval_months = fields.Integer(allow_none=True)
    cost_basis = _choice(COST_BASIS_LABELS, allow_none=True)
    annual_cost = _amount()
    cost_note = fields.String()
    document_ref = fields.String()
    document_url = fields.String()
    is_public = fields.Boolean()
    internal_note = fields.String(metadata={"description": "Bara för den som får ändra samverkan."})
    archived_at = fields.DateTime(allow_none=True)
    version = fields.Integer(metadata={"description": "Skickas med vid PATCH."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    parties = fields.List(fields.Nested(PartySchema))
    notice_deadline_on = fields.Date(
        allow_none=True, metadata={"description": "Sista dag att säga upp avtalet."}
    )
    current_term_end_on = fields.Date(allow_none=True)
    decide_by_on = fields.Date(
        allow_none=True,
        metadata={
            "description": "Tidigaste dag då någon part måste lämna in ärendet om uppsägning "
            "(se parties[].decide_by)."
        },
    )
    next_review_on = fields.Date(
        allow_none=True,
        metadata={
            "description": "Senaste uppföljningens nästa datum, annars dess datum plus "
            "intervallet, annars start plus intervallet."
        },
    )
    latest_review = fields.Nested(LatestReviewSchema, allow_none=True)
    warnings = fields.List(
        fields.String(),
        metadata={"description": "Råd som inte hindrade att spara (bara efter POST och PATCH)."},
    )


class PartyInputSchema(Schema):
    """A party as sent in POST and PATCH."""

    municipality = fields.String(
        required=True, validate=MUNICIPALITY_CODE, metadata={"example": "2021"}
    )
    role = _choice(ROLE_LABELS, required=True)
    decision_body = _text(120, allow_none=True)
    decision_on = fields.Date(allow_none=True)
    decision_paragraph = _text(40, allow_none=True)
    decision_ref = _text(60, allow_none=True)
    joined_on = fields.Date(allow_none=True)
    left_on = fields.Date(allow_none=True)
    cost_share_percent = _amount(100, example="33.33", description="Andel i procent, 0–100.")
    annual_cost = _amount()
    version = fields.Integer(
        validate=Range(min=1),
        metadata={"description": "Valfritt vid PATCH: partens version, för att upptäcka krockar."},
    )


class AgreementFieldsSchema(Schema):
    """The writable fields of an agreement; none required (PATCH sends only what changes)."""

    title = _text(200, min_length=3)
    form = _choice(FORM_LABELS)
    areas = fields.List(
        fields.String(validate=Length(max=60)),
        validate=Length(min=1, max=50),
        metadata={"description": "Områdenas slug, se GET /api/v1/areas."},
    )
    purpose = _text(5000, allow_none=True)
    goals = _text(5000, allow_none=True)
    motive = _text(2000, allow_none=True)
    start_on = fields.Date(allow_none=True)
    end_on = fields.Date(allow_none=True, metadata={"description": "null = tills vidare."})
    notice_months = fields.Integer(allow_none=True, validate=Range(min=0, max=60))
    renewal = _choice(RENEWAL_LABELS)
    renewal_months = fields.Integer(allow_none=True, validate=Range(min=1, max=120))
    internal_lead_days = fields.Integer(allow_none=True, validate=Range(min=0, max=730))
    review_interval_months = fields.Integer(allow_none=True, validate=Range(min=1, max=60))
    cost_basis = _choice(COST_BASIS_LABELS, allow_none=True)
    annual_cost = _amount()
    cost_note = _text(2000, allow_none=True)
    document_ref = _text(100, allow_none=True)
    document_url = _text(500, allow_none=True, metadata={"example": "https://kommun.se/avtal"})
    internal_note = _text(5000, allow_none=True)
    is_public = fields.Boolean()
    parties = fields.List(
        fields.Nested(PartyInputSchema),
        validate=Length(max=290),
        metadata={
            "description": "Alla parter. Vid PATCH ersätter listan de nuvarande parterna; en "
            "part matchas mot en befintlig via kommunkoden och behåller de fält som inte skickas."
        },
    )


class AgreementCreateSchema(AgreementFieldsSchema):
    """A new agreement (POST)."""

    title = _text(200, min_length=3, required=True)
    form = _choice(FORM_LABELS, required=True)
    areas = fields.List(
        fields.String(validate=Length(max=60)), required=True, validate=Length(min=1, max=50)
    )
    parties = fields.List(
        fields.Nested(PartyInputSchema), required=True, validate=Length(min=2, max=290)
    )


class AgreementPatchSchema(AgreementFieldsSchema):
    """A partial change (PATCH): only the fields sent change; ``version`` is required."""

    version = fields.Integer(
        required=True,
        validate=Range(min=1),
        metadata={"description": "Versionen du senast läste; annars 409."},
    )


class AgreementListQuerySchema(PaginationQuerySchema):
    """Filters for the agreement list."""

    SORTS = ("title", "form", "phase", "start_on", "end_on", "updated_at")

    municipality = fields.String(validate=MUNICIPALITY_CODE, metadata={"description": "Kommunkod"})
    role = _choice(ROLE_LABELS, metadata={"description": "Kommunens roll (med municipality)."})
    form = _choice(FORM_LABELS)
    area = _text(60, metadata={"description": "Områdets slug."})
    phase = _choice(PHASE_LABELS)
    q = _text(100, metadata={"description": "Fritext: namn, syfte, diarienummer, kommun."})
    sort = fields.String(
        load_default="title",
        validate=OneOf([*SORTS, *(f"-{s}" for s in SORTS)]),
        metadata={"description": "Sorteringsfält; minus framför ger fallande ordning."},
    )

    @ma.validates_schema
    def _role_needs_municipality(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("role") and not data.get("municipality"):
            raise ma.ValidationError("Ange också municipality (kommunkod).", "role")
