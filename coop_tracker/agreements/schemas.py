"""An agreement and its parties as sent: ``CheckedAgreementSchema``, the one check of an
agreement's own fields that the form, the import, the API and the services go through (with the
field's name in each Swedish message), and the API's request bodies (POST and PATCH), built
from those (``api.schemas.wire_schema``): the same fields, limits and choices, as JSON types.
What the API returns lives in ``payload_schemas``.

Decimal amounts (``annual_cost``, ``cost_share_percent``) are exchanged as strings with two
decimals ("125000.00") so that no client loses öre to floating point; a JSON number is accepted on
input too.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields

from coop_tracker.agreements.dates import term_from_legacy
from coop_tracker.agreements.models import DecidingBody, EndAlignment, Renewal, Term
from coop_tracker.agreements.rules import (
    ALIGNMENT_LABELS,
    COST_BASIS_LABELS,
    DECIDING_BODY_LABELS,
    FORM_LABELS,
    LEGACY_FORM_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
    TERM_LABELS,
)
from coop_tracker.api.schemas import (
    AREA_SLUG,
    MAX_AMOUNT,
    MUNICIPALITY_CODE,
    Length,
    OneOf,
    Range,
    choice,
    text,
    wire_field,
    wire_schema,
)
from coop_tracker.core import schemas as checked
from coop_tracker.core import validation as v
from coop_tracker.core.i18n import _, _l
from coop_tracker.organisations.schemas import OrganisationRef

# The limits of an agreement's fields, stated once for the check and the API's schemas.
TITLE_MIN, TITLE_MAX = 3, 200
LONG_TEXT_MAX = 5000  # purpose, goals, internal note
NOTE_MAX = 2000  # motive, cost note
DOCUMENT_REF_MAX = 100
DOCUMENT_URL_MAX = 500
EXTERNAL_ID_MAX = 100
NOTICE_MONTHS = (0, 60)
RENEWAL_MONTHS = (1, 120)
LEAD_DAYS = (0, 730)
REVIEW_INTERVAL_MONTHS = (1, 60)
DEFAULT_LEAD_DAYS = 60
DEFAULT_REVIEW_INTERVAL_MONTHS = 12
MAX_AREAS = 50
MAX_PARTIES = 290
CONTACT_NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
ARCHIVE_REASON_MAX = 2000
BODY_NAME_MAX = 120
DECISION_PARAGRAPH_MAX = 40
DECISION_REF_MAX = 60


def _flag(value: Any, field: str, label: str, errors: v.Errors) -> bool:
    """A checkbox or a JSON boolean."""
    if not isinstance(value, bool | None) and value not in ("y", "on", "1"):
        errors.add(field, _("Visas publikt måste vara sant eller falskt."))
    return bool(value)


class CheckedAgreementSchema(checked.InputSchema):
    """An agreement's own fields as typed, checked against each other: which dates and periods
    each kind of term needs. The old ``renewal`` (with ``end_on``) gives the term when none is
    given. Areas, parties and the founded organisation are checked by the service (they are
    looked up)."""

    title = checked.text(_l("Namn"), max_length=TITLE_MAX, required=True, min_length=TITLE_MIN)
    form = checked.choice(_l("Samverkansform"), FORM_LABELS, required=True)
    purpose = checked.text(_l("Syfte"), max_length=LONG_TEXT_MAX, multiline=True)
    goals = checked.text(
        _l("Mål och förväntade effekter"), max_length=LONG_TEXT_MAX, multiline=True
    )
    motive = checked.text(_l("Motiv"), max_length=NOTE_MAX, multiline=True)
    start_on = checked.a_date(_l("Startdatum"))
    end_on = checked.a_date(_l("Slutdatum"))
    notice_months = checked.integer(
        _l("Uppsägningstid"), minimum=NOTICE_MONTHS[0], maximum=NOTICE_MONTHS[1]
    )
    renewal = checked.choice(_l("Förlängning"), RENEWAL_LABELS, required=False)
    term = checked.choice(_l("Avtalstid"), TERM_LABELS, required=False)
    end_alignment = checked.choice(_l("Uppsägningen räknas till"), ALIGNMENT_LABELS, required=True)
    first_review_on = checked.a_date(_l("Första uppföljning"))
    renewal_months = checked.integer(
        _l("Förlängningsperiod"), minimum=RENEWAL_MONTHS[0], maximum=RENEWAL_MONTHS[1]
    )
    internal_lead_days = checked.integer(
        _l("Intern förberedelsetid"), minimum=LEAD_DAYS[0], maximum=LEAD_DAYS[1]
    )
    review_interval_months = checked.integer(
        _l("Uppföljningsintervall"),
        minimum=REVIEW_INTERVAL_MONTHS[0],
        maximum=REVIEW_INTERVAL_MONTHS[1],
    )
    cost_basis = checked.choice(_l("Kostnadsfördelning"), COST_BASIS_LABELS, required=False)
    annual_cost = checked.decimal(
        _l("Årlig kostnad"), minimum=Decimal(0), maximum=Decimal(MAX_AMOUNT)
    )
    cost_note = checked.text(_l("Kommentar om kostnader"), max_length=NOTE_MAX, multiline=True)
    document_ref = checked.text(_l("Diarienummer"), max_length=DOCUMENT_REF_MAX)
    document_url = checked.url(_l("Länk till avtalet"), max_length=DOCUMENT_URL_MAX)
    internal_note = checked.text(_l("Intern anteckning"), max_length=LONG_TEXT_MAX, multiline=True)
    is_public = checked.Checked(_flag, "")

    @ma.pre_load
    def _defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        lead = data.get("internal_lead_days")
        return {
            **data,
            "end_alignment": data.get("end_alignment") or EndAlignment.NONE,
            "internal_lead_days": DEFAULT_LEAD_DAYS if lead in (None, "") else lead,
        }

    @ma.validates_schema(skip_on_field_errors=False)
    def _fields_agree(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = _term_rules(dict(data))
        if errors:
            raise ma.ValidationError(errors)  # type: ignore[arg-type]

    @ma.post_load
    def _derived(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        _term_rules(data)
        return data


def _term_rules(values: dict[str, Any]) -> dict[str, str]:
    """The term's own rules, on the fields that were read (a wrong field is absent): which
    dates and periods each kind of term needs. ``values`` gets the derived term (from the old
    ``renewal``), loses ``renewal`` and gets the defaults."""
    errors: dict[str, str] = {}
    start, end = values.get("start_on"), values.get("end_on")
    if start and end and end <= start:
        checked.refuse(errors, "end_on", _("Slutdatum måste vara efter startdatum."))
    renewal = values.pop("renewal", None)
    term = values.get("term")
    if term is None and "term" in values:
        if renewal == Renewal.TACIT and end is None and "end_on" in values:
            checked.refuse(
                errors,
                "end_on",
                _("Ange slutdatum för första avtalsperioden när avtalet förlängs automatiskt."),
            )
        term = values["term"] = term_from_legacy(end, renewal)
    has_period = term in (Term.FIXED, Term.FIXED_THEN_INDEFINITE, Term.RENEWING)
    # A planned agreement may not know its dates yet; once it has a start, the period's end
    # is needed.
    dated = start is not None or term == Term.RENEWING
    if has_period and dated and end is None and "end_on" in values:
        checked.refuse(
            errors,
            "end_on",
            _(
                "Ange slutdatum: avtalet har en avtalsperiod (%(term)s).",
                term=TERM_LABELS[str(term)],
            ),
        )
    if term == Term.INDEFINITE and end is not None:
        checked.refuse(
            errors,
            "end_on",
            _(
                "Ett avtal som gäller tills vidare har inget slutdatum. Välj ”avtalsperiod och "
                "därefter tills vidare” om det har en första avtalsperiod."
            ),
        )
    needs_notice = term in (Term.FIXED_THEN_INDEFINITE, Term.RENEWING)
    if needs_notice and values.get("notice_months") is None and "notice_months" in values:
        checked.refuse(errors, "notice_months", _("Ange uppsägningstid för den här avtalstiden."))
    if term == Term.RENEWING:
        if values.get("renewal_months") is None and "renewal_months" in values:
            checked.refuse(
                errors,
                "renewal_months",
                _("Ange hur många månader varje förlängning gäller."),
            )
    else:
        values["renewal_months"] = None
    aligned = values.get("end_alignment") not in (None, EndAlignment.NONE)
    if aligned and term not in (Term.INDEFINITE, Term.FIXED_THEN_INDEFINITE):
        checked.refuse(
            errors,
            "end_alignment",
            _(
                "Uppsägning till månads- eller årsskifte gäller bara avtal som löper tills vidare "
                "(helt eller efter första avtalsperioden)."
            ),
        )
    if values.get("review_interval_months") is None:
        values["review_interval_months"] = DEFAULT_REVIEW_INTERVAL_MONTHS
    return errors


class CheckedPartySchema(checked.InputSchema):
    """One party's own fields as typed, checked against each other; its organisation, its
    responsible official and nämnd are looked up by the service. Refusals name the party
    ("Part 2: roll") and its field ("parties-1-role")."""

    role = checked.choice(_l("roll"), ROLE_LABELS, required=True)
    decision_body = checked.text(_l("beslutande organ"), max_length=BODY_NAME_MAX)
    deciding_body = checked.choice(
        _l("beslutar om uppsägning"), DECIDING_BODY_LABELS, required=False
    )
    deciding_body_name = checked.text(_l("nämndens namn"), max_length=BODY_NAME_MAX)
    decision_on = checked.a_date(_l("beslutsdatum"))
    decision_paragraph = checked.text(_l("paragraf"), max_length=DECISION_PARAGRAPH_MAX)
    decision_ref = checked.text(_l("diarienummer"), max_length=DECISION_REF_MAX)
    joined_on = checked.a_date(_l("anslöt"))
    left_on = checked.a_date(_l("lämnade"))
    cost_share_percent = checked.decimal(
        _l("kostnadsandel (%)"), minimum=Decimal(0), maximum=Decimal(100)
    )
    annual_cost = checked.decimal(
        _l("årlig kostnad"), minimum=Decimal(0), maximum=Decimal(MAX_AMOUNT)
    )
    ownership_percent = checked.decimal(
        _l("ägarandel (%)"), minimum=Decimal(0), maximum=Decimal(100)
    )
    responsible_body = checked.text(_l("ansvarig nämnd"), max_length=BODY_NAME_MAX)

    def __init__(self, number: int, today: date) -> None:
        """Party ``number`` (from 1); ``today`` is the latest allowed decision date."""
        self.party = _("Part %(n)s", n=number)
        super().__init__(label_prefix=self.party + ": ", field_prefix=f"parties-{number - 1}-")
        self.today = today

    @ma.pre_load
    def _defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {**data, "deciding_body": data.get("deciding_body") or DecidingBody.DEFAULT}

    @ma.validates_schema(skip_on_field_errors=False)
    def _fields_agree(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, str] = {}
        decided = data.get("decision_on")
        if decided and decided > self.today:
            checked.refuse(
                errors,
                "decision_on",
                _(
                    "%(party)s: beslutsdatum %(date)s ligger i framtiden. Registrera beslutet "
                    "när det är fattat.",
                    party=self.party,
                    date=decided.isoformat(),
                ),
            )
        if data.get("deciding_body") == DecidingBody.NAMND and not data.get("deciding_body_name"):
            checked.refuse(
                errors,
                "deciding_body_name",
                _("%(party)s: ange vilken nämnd som beslutar om uppsägning.", party=self.party),
            )
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            checked.refuse(
                errors,
                "left_on",
                _("%(party)s: datum för utträde är före anslutning.", party=self.party),
            )
        if errors:
            raise ma.ValidationError(errors)  # type: ignore[arg-type]

    @ma.post_load
    def _derived(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("deciding_body") != DecidingBody.NAMND:
            data["deciding_body_name"] = ""
        return data


class CheckedContactSchema(checked.InputSchema):
    """A contact person as typed: a name, and an e-mail address to be reminded."""

    name = checked.text(_l("Namn"), max_length=CONTACT_NAME_MAX, required=True)
    title = checked.text(_l("Titel"), max_length=CONTACT_NAME_MAX)
    email = checked.text(_l("E-post"), max_length=EMAIL_MAX)
    phone = checked.text(_l("Telefon"), max_length=PHONE_MAX)
    is_carrier = checked.boolean()
    wants_reminders = checked.boolean()
    is_responsible = checked.boolean()

    @ma.validates_schema(skip_on_field_errors=False)
    def _reachable(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, str] = {}
        email = data.get("email")
        if email and (
            "@" not in email
            or " " in email
            or email.startswith("@")
            or "." not in email.rsplit("@", 1)[-1]
        ):
            checked.refuse(
                errors, "email", _("E-post måste vara en e-postadress, t.ex. namn@kommun.se.")
            )
        if data.get("wants_reminders") and not email:
            checked.refuse(
                errors, "email", _("Ange e-post för att kontaktpersonen ska få påminnelser.")
            )
        if errors:
            raise ma.ValidationError(errors)  # type: ignore[arg-type]


class CheckedArchiveSchema(checked.InputSchema):
    """Why an agreement is archived (kept in the audit log)."""

    reason = checked.text(
        _l("Skäl till arkiveringen"), max_length=ARCHIVE_REASON_MAX, required=True, multiline=True
    )


class PartyInputSchema(
    wire_schema(  # type: ignore[misc]  # (mypy cannot follow a built base)
        CheckedPartySchema,
        required=("role",),
        ownership_percent={"description": "Bolag: ägarandel i procent, 0–100."},
        cost_share_percent={"example": "33.33", "description": "Andel i procent, 0–100."},
        # The wire also takes "" for the default body.
        deciding_body=fields.String(
            allow_none=True,
            validate=OneOf(["", *DECIDING_BODY_LABELS]),
            metadata={
                "description": "Vem som beslutar om uppsägning: kf, ks, namnd; tom = standard."
            },
        ),
    )
):
    """A party as sent in POST and PATCH: ``organisation`` or, for a kommun, ``municipality``;
    its own fields as ``CheckedPartySchema`` checks them."""

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
    responsible_user_id = fields.Integer(allow_none=True, validate=Range(min=1))
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


class AgreementFieldsSchema(
    wire_schema(  # type: ignore[misc]  # (mypy cannot follow a built base)
        CheckedAgreementSchema,
        form=choice(
            INPUT_FORM_LABELS,
            metadata={
                "description": "Samverkansformen. Det äldre värdet asymmetrisk läses som "
                "avtalssamverkan med asymmetric = true."
            },
        ),
        end_on={"metadata": {"description": "null = tills vidare."}},
        term={
            "allow_none": False,
            "metadata": {
                "description": "fixed, fixed_then_indefinite, indefinite eller renewing. Utan "
                "term gäller det äldre renewal (och end_on) som förut."
            },
        },
        end_alignment={
            "allow_none": True,
            "metadata": {"description": "none, month_end eller year_end (tills vidare-delen)."},
        },
        renewal={
            "allow_none": False,
            "metadata": {"description": "Äldre namn, alias för term: tacit = renewing."},
        },
        document_url={"metadata": {"example": "https://kommun.se/avtal"}},
        is_public=fields.Boolean(),
    )
):
    """The writable fields of an agreement; none required (PATCH sends only what changes). Its
    own fields as ``CheckedAgreementSchema`` checks them; areas, parties and the founded
    organisation as the service looks them up."""

    areas = fields.List(
        fields.String(validate=AREA_SLUG),
        validate=Length(min=1, max=MAX_AREAS),
        metadata={"description": "Områdenas slug, se GET /api/v1/areas."},
    )
    external_id = text(
        EXTERNAL_ID_MAX,
        allow_none=True,
        metadata={"description": "Er egen beteckning; tom behåller den nuvarande."},
    )
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
        validate=Length(max=MAX_PARTIES),
        metadata={
            "description": "Alla parter. Vid PATCH ersätter listan de nuvarande parterna; en "
            "part matchas mot en befintlig via kommunkoden och behåller de fält som inte skickas."
        },
    )


class AgreementCreateSchema(AgreementFieldsSchema):
    """A new agreement (POST)."""

    title = wire_field(CheckedAgreementSchema, "title", required=True)
    form = choice(INPUT_FORM_LABELS, required=True)
    areas = fields.List(
        fields.String(validate=AREA_SLUG), required=True, validate=Length(min=1, max=MAX_AREAS)
    )
    parties = fields.List(
        fields.Nested(PartyInputSchema), required=True, validate=Length(min=2, max=MAX_PARTIES)
    )


class AgreementPatchSchema(AgreementFieldsSchema):
    """A partial change (PATCH): only the fields sent change; ``version`` is required."""

    version = fields.Integer(
        required=True,
        validate=Range(min=1),
        metadata={"description": "Versionen du senast läste; annars 409."},
    )
