"""The agreement as the API returns it (with its parties, contacts and derived dates), the
list's filters and the what-if dates. What is sent lives in ``schemas``.

Decimal amounts (``annual_cost``, ``cost_share_percent``) are exchanged as strings with two
decimals ("125000.00") so that no client loses öre to floating point; a JSON number is accepted on
input too.
"""

from __future__ import annotations

from marshmallow import fields

from coop_tracker.agreements.rules import (
    ALIGNMENT_LABELS,
    COST_BASIS_LABELS,
    FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
    TERM_LABELS,
)
from coop_tracker.api.schemas import (
    MUNICIPALITY_CODE,
    OneOf,
    PaginationQuerySchema,
    Schema,
    amount,
    choice,
    text,
)
from coop_tracker.organisations.schemas import OrganisationBriefSchema


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
    role = choice(ROLE_LABELS)
    responsible_body = fields.String(metadata={"description": "Ansvarig nämnd hos parten."})
    responsible_user_id = fields.Integer(
        allow_none=True, metadata={"description": "Ansvarig tjänsteperson (användare)."}
    )
    ownership_percent = amount(100, description="Bolag: ägarandel i procent.")
    decision_body = fields.String()
    deciding_body = fields.String(metadata={"description": "kf, ks, namnd; tom = standard."})
    deciding_body_name = fields.String()
    decision_on = fields.Date(allow_none=True)
    decision_paragraph = fields.String()
    decision_ref = fields.String(metadata={"description": "Diarienummer för beslutet."})
    joined_on = fields.Date(allow_none=True)
    left_on = fields.Date(allow_none=True)
    cost_share_percent = amount(100, example="33.33", description="Andel i procent.")
    annual_cost = amount()
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
    form = choice(FORM_LABELS)
    phase = choice(PHASE_LABELS)
    areas = fields.List(fields.String(), metadata={"description": "Områdenas slug."})
    purpose = fields.String()
    goals = fields.String()
    motive = fields.String()
    start_on = fields.Date(allow_none=True)
    end_on = fields.Date(allow_none=True, metadata={"description": "null = tills vidare."})
    notice_months = fields.Integer(allow_none=True)
    term = choice(TERM_LABELS)
    end_alignment = choice(ALIGNMENT_LABELS)
    renewal = choice(RENEWAL_LABELS, metadata={"description": "Äldre namn: tacit = term renewing."})
    renewal_months = fields.Integer(allow_none=True)
    internal_lead_days = fields.Integer()
    review_interval_months = fields.Integer(allow_none=True)
    first_review_on = fields.Date(allow_none=True)
    cost_basis = choice(COST_BASIS_LABELS, allow_none=True)
    annual_cost = amount()
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


class AgreementListQuerySchema(PaginationQuerySchema):
    """Filters for the agreement list."""

    SORTS = ("title", "form", "phase", "start_on", "end_on", "updated_at")

    municipality = fields.String(validate=MUNICIPALITY_CODE, metadata={"description": "Kommunkod"})
    role = choice(
        ROLE_LABELS,
        metadata={
            "description": "Partsroll: med municipality kommunens roll, annars samverkan där "
            "någon part har rollen."
        },
    )
    form = choice(FORM_LABELS)
    area = text(60, metadata={"description": "Områdets slug."})
    phase = choice(PHASE_LABELS)
    q = text(100, metadata={"description": "Fritext: namn, syfte, diarienummer, kommun."})
    organisation = text(
        20,
        metadata={
            "description": "Samverkan där organisationen är part: kommunkod, länskod, "
            "organisationsnummer eller id (som i GET /organisations).",
            "example": "20",
        },
    )
    responsible = text(
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
