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
    ALIGNMENT_LABELS,
    COST_BASIS_LABELS,
    DECIDING_BODY_LABELS,
    FORM_LABELS,
    LEGACY_FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
    TERM_LABELS,
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
            "pattern": AMOUNT_PATTERN,
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
    """When a party must have its notice case in: the earliest case deadline of its deciding
    body's meeting chain (KS before KF) that leaves the buffer before the notice deadline,
    minus the internal lead time; without a calendar, the deadline minus buffer and lead time
    (and a warning)."""

    decide_by_on = fields.Date(allow_none=True)
    body = fields.String(metadata={"description": "kf, ks eller namnd."})
    body_name = fields.String(metadata={"description": "Nämndens namn när en nämnd beslutar."})
    meeting_on = fields.Date(allow_none=True, metadata={"description": "Sammanträdet."})
    case_deadline_on = fields.Date(
        allow_none=True, metadata={"description": "Sista dag för ärenden till sammanträdet."}
    )
    prepared_on = fields.Date(
        allow_none=True, metadata={"description": "KS-sammanträdet som bereder ett KF-ärende."}
    )
    prepared_case_deadline_on = fields.Date(allow_none=True)
    from_calendar = fields.Boolean(
        metadata={"description": "false: ingen användbar sammanträdesplan, förberedelsetiden."}
    )
    warnings = fields.List(fields.String())


class LatestReviewSchema(Schema):
    """The latest review's traffic light."""

    id = fields.Integer()
    reviewed_on = fields.Date()
    rating = fields.String(metadata={"description": "green, yellow eller red."})


class OrganisationRef(fields.Field):
    """A party's organisation as sent: an id (integer) or a kommunkod, länskod or
    organisationsnummer (text)."""

    default_error_messages = {  # type: ignore[assignment]
        "invalid": "Ange organisationens id (heltal) eller kod: kommunkod, länskod eller "
        "organisationsnummer.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int) and 0 < value < 2**31:
            return value
        if isinstance(value, str) and 0 < len(value.strip()) <= 20:
            return value.strip()
        raise self.make_error("invalid")


class OrganisationBriefSchema(Schema):
    """An organisation as named inside an agreement."""

    id = fields.Integer()
    key = fields.String(metadata={"description": "Kod, organisationsnummer eller id."})
    kind = fields.String(
        metadata={"description": "kommun, region, forbund, finsam, company eller agency."}
    )
    name = fields.String()


class OrganisationSchema(OrganisationBriefSchema):
    """An organisation that can be a party."""

    code = fields.String(
        allow_none=True, metadata={"description": "Kommunkod (4 siffror) eller länskod (2)."}
    )
    org_number = fields.String(allow_none=True, metadata={"example": "202100-5521"})
    municipality = fields.String(allow_none=True, metadata={"description": "Kommunkod."})
    county_code = fields.String(allow_none=True)
    description = fields.String()
    articles_adopted_on = fields.Date(
        allow_none=True, metadata={"description": "Bolag: bolagsordningen antagen."}
    )
    owner_directive_on = fields.Date(
        allow_none=True, metadata={"description": "Bolag: senaste ägardirektiv antaget."}
    )
    founding_agreement = fields.Integer(
        allow_none=True,
        metadata={"description": "Id för den samverkan som bildar förbundet eller bolaget."},
    )
    members = fields.List(
        fields.Nested(OrganisationBriefSchema),
        metadata={"description": "Förbund och bolag: nuvarande medlemmar eller ägare."},
    )
    version = fields.Integer()


class OrganisationListQuerySchema(PaginationQuerySchema):
    """Filters for the organisation list."""

    kind = fields.String(
        validate=OneOf(["kommun", "region", "forbund", "finsam", "company", "agency"]),
        metadata={"description": "kommun, region, forbund, finsam, company eller agency."},
    )
    q = _text(100, metadata={"description": "Del av namn, kod eller organisationsnummer."})


class OrganisationCreateSchema(Schema):
    """A kommunalförbund, samordningsförbund or company to register."""

    kind = fields.String(required=True, validate=OneOf(["forbund", "finsam", "company"]))
    name = _text(200, min_length=3, required=True)
    org_number = _text(20, allow_none=True, metadata={"example": "222000-1234"})
    description = _text(2000, allow_none=True)
    articles_adopted_on = fields.Date(allow_none=True)
    owner_directive_on = fields.Date(allow_none=True)


class PartySchema(Schema):
    """An organisation's participation, as returned."""

    id = fields.Integer()
    organisation = fields.String(
        metadata={
            "description": "Partens kod: kommunkod, länskod, organisationsnummer eller id.",
            "example": "2021",
        }
    )
    organisation_id = fields.Integer()
    organisation_kind = fields.String(
        metadata={"description": "kommun, region, forbund, finsam, company eller agency."}
    )
    name = fields.String(metadata={"description": "Partens namn."})
    municipality = fields.String(
        allow_none=True,
        metadata={"description": "Kommunkod; null för andra parter.", "example": "2021"},
    )
    municipality_name = fields.String(allow_none=True)
    role = _choice(ROLE_LABELS)
    responsible_body = fields.String(metadata={"description": "Ansvarig nämnd hos parten."})
    responsible_user_id = fields.Integer(
        allow_none=True, metadata={"description": "Ansvarig tjänsteperson (användare)."}
    )
    ownership_percent = _amount(100, description="Bolag: ägarandel i procent.")
    decision_body = fields.String()
    deciding_body = fields.String(metadata={"description": "kf, ks, namnd; tom = standard."})
    deciding_body_name = fields.String()
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
    term = _choice(TERM_LABELS)
    end_alignment = _choice(ALIGNMENT_LABELS)
    renewal = _choice(
        RENEWAL_LABELS, metadata={"description": "Äldre namn: tacit = term renewing."}
    )
    renewal_months = fields.Integer(allow_none=True)
    internal_lead_days = fields.Integer()
    review_interval_months = fields.Integer(allow_none=True)
    first_review_on = fields.Date(allow_none=True)
    cost_basis = _choice(COST_BASIS_LABELS, allow_none=True)
    annual_cost = _amount()
    cost_note = fields.String()
    document_ref = fields.String()
    document_url = fields.String()
    is_public = fields.Boolean()
    asymmetric = fields.Boolean(
        metadata={"description": "En stor part utför åt mindre (en egenskap, inte en form)."}
    )
    form_needs_confirmation = fields.Boolean(
        metadata={"description": "Formen ändrades av systemet och väntar på bekräftelse."}
    )
    body_organisation = fields.Nested(OrganisationBriefSchema, allow_none=True)
    external_id = fields.String(
        metadata={
            "description": "Stabilt externt id: kommunens egen beteckning eller ett som "
            "Samverkanskollen gett (SK-…). Följer med export och känns igen vid import."
        }
    )
    external_id_owner = fields.String(
        allow_none=True,
        metadata={
            "description": "Kommunkod för kommunen vars numrering id:t följer; null "
            "för Samverkanskollens egna id."
        },
    )
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
    """A party as sent in POST and PATCH: ``organisation`` or, for a kommun, ``municipality``."""

    organisation = OrganisationRef(
        metadata={
            "description": "Id (heltal) eller kod: kommunkod, länskod (region) eller "
            "organisationsnummer. Se GET /api/v1/organisations.",
            "example": "20",
        }
    )
    municipality = fields.String(
        validate=MUNICIPALITY_CODE,
        metadata={
            "description": "Kommunkod; för kommuner i stället för organisation.",
            "example": "2021",
        },
    )
    role = _choice(ROLE_LABELS, required=True)
    responsible_body = _text(120, allow_none=True)
    responsible_user_id = fields.Integer(allow_none=True, validate=Range(min=1))
    ownership_percent = _amount(100, description="Bolag: ägarandel i procent, 0–100.")
    decision_body = _text(120, allow_none=True)
    deciding_body = fields.String(
        allow_none=True,
        validate=OneOf(["", *DECIDING_BODY_LABELS]),
        metadata={"description": "Vem som beslutar om uppsägning: kf, ks, namnd; tom = standard."},
    )
    deciding_body_name = _text(120, allow_none=True)
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

    @ma.validates_schema
    def _names_the_party(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "organisation" not in data and "municipality" not in data:
            raise ma.ValidationError(
                "Ange organisation (eller municipality för en kommun).", "organisation"
            )


# Forms accepted on input: the legal forms and the old "asymmetrisk" (mapped by the service).
INPUT_FORM_LABELS = {**FORM_LABELS, **LEGACY_FORM_LABELS}


class AgreementFieldsSchema(Schema):
    """The writable fields of an agreement; none required (PATCH sends only what changes)."""

    title = _text(200, min_length=3)
    form = _choice(
        INPUT_FORM_LABELS,
        metadata={
            "description": "Samverkansformen. Det äldre värdet asymmetrisk läses som "
            "avtalssamverkan med asymmetric = true."
        },
    )
    areas = fields.List(
        fields.String(validate=AREA_SLUG),
        validate=Length(min=1, max=50),
        metadata={"description": "Områdenas slug, se GET /api/v1/areas."},
    )
    purpose = _text(5000, allow_none=True)
    goals = _text(5000, allow_none=True)
    motive = _text(2000, allow_none=True)
    start_on = fields.Date(allow_none=True)
    end_on = fields.Date(allow_none=True, metadata={"description": "null = tills vidare."})
    notice_months = fields.Integer(allow_none=True, validate=Range(min=0, max=60))
    term = _choice(
        TERM_LABELS,
        metadata={
            "description": "fixed, fixed_then_indefinite, indefinite eller renewing. Utan term "
            "gäller det äldre renewal (och end_on) som förut."
        },
    )
    end_alignment = _choice(
        ALIGNMENT_LABELS,
        allow_none=True,
        metadata={"description": "none, month_end eller year_end (tills vidare-delen)."},
    )
    renewal = _choice(
        RENEWAL_LABELS, metadata={"description": "Äldre namn, alias för term: tacit = renewing."}
    )
    renewal_months = fields.Integer(allow_none=True, validate=Range(min=1, max=120))
    internal_lead_days = fields.Integer(allow_none=True, validate=Range(min=0, max=730))
    review_interval_months = fields.Integer(allow_none=True, validate=Range(min=1, max=60))
    first_review_on = fields.Date(allow_none=True)
    cost_basis = _choice(COST_BASIS_LABELS, allow_none=True)
    annual_cost = _amount()
    cost_note = _text(2000, allow_none=True)
    document_ref = _text(100, allow_none=True)
    external_id = _text(
        100,
        allow_none=True,
        metadata={"description": "Er egen beteckning; tom behåller den nuvarande."},
    )
    document_url = _text(500, allow_none=True, metadata={"example": "https://kommun.se/avtal"})
    internal_note = _text(5000, allow_none=True)
    is_public = fields.Boolean()
    asymmetric = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "Avtalssamverkan eller gemensam nämnd där en stor part utför åt "
            "mindre. null: avgörs av befolkningen (värden minst dubbelt så stor)."
        },
    )
    body_organisation = OrganisationRef(
        allow_none=True,
        metadata={
            "description": "Kommunalförbundet, samordningsförbundet eller bolaget som "
            "samverkan bildar (id eller organisationsnummer)."
        },
    )
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
    form = _choice(INPUT_FORM_LABELS, required=True)
    areas = fields.List(
        fields.String(validate=AREA_SLUG), required=True, validate=Length(min=1, max=50)
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
    role = _choice(
        ROLE_LABELS,
        metadata={
            "description": "Partsroll: med municipality kommunens roll, annars samverkan där "
            "någon part har rollen."
        },
    )
    form = _choice(FORM_LABELS)
    area = _text(60, metadata={"description": "Områdets slug."})
    phase = _choice(PHASE_LABELS)
    q = _text(100, metadata={"description": "Fritext: namn, syfte, diarienummer, kommun."})
    organisation = _text(
        20,
        metadata={
            "description": "Samverkan där organisationen är part: kommunkod, länskod, "
            "organisationsnummer eller id (som i GET /organisations).",
            "example": "20",
        },
    )
    responsible = _text(
        100,
        metadata={
            "description": "Del av namnet på en parts ansvariga nämnd eller ansvariga "
            "tjänsteperson; med municipality bara den kommunens part."
        },
    )
    sort = fields.String(
        load_default="title",
        validate=OneOf([*SORTS, *(f"-{s}" for s in SORTS)]),
        metadata={"description": "Sorteringsfält; minus framför ger fallande ordning."},
    )


class DatesQuerySchema(Schema):
    """The what-if question: notice reaches the other parties on this day."""

    notice_on = fields.Date(
        metadata={
            "description": "Dagen uppsägningen når de andra parterna (ÅÅÅÅ-MM-DD). Utan den: "
            "i dag.",
            "example": "2027-03-15",
        }
    )


class PartyDecideBySchema(Schema):
    """One party's decide-by date for a notice received on the asked day."""

    municipality = fields.String(metadata={"description": "Kommunkod", "example": "2021"})
    municipality_name = fields.String()
    on = fields.Date(
        metadata={"description": "Sista dag att lämna in ärendet (förberedelsetiden avdragen)."}
    )
    body = fields.String(metadata={"description": "kf, ks eller namnd."})
    body_name = fields.String()
    meeting_on = fields.Date(allow_none=True, metadata={"description": "Beslutande sammanträde."})
    case_deadline_on = fields.Date(allow_none=True)
    prepared_on = fields.Date(
        allow_none=True, metadata={"description": "KS-sammanträdet som bereder ett KF-ärende."}
    )
    prepared_case_deadline_on = fields.Date(allow_none=True)
    warnings = fields.List(fields.String())


class AgreementDatesSchema(Schema):
    """What follows if notice reaches the other parties on ``notice_on``."""

    notice_on = fields.Date()
    notice_deadline_on = fields.Date(
        allow_none=True,
        metadata={"description": "Sista dag för uppsägning för den nuvarande perioden."},
    )
    earliest_end_on = fields.Date(
        allow_none=True,
        metadata={"description": "Tidigaste slutdag om uppsägningen når parterna notice_on."},
    )
    current_term_ends_on = fields.Date(allow_none=True)
    decide_by = fields.List(fields.Nested(PartyDecideBySchema))
    warnings = fields.List(fields.String())
