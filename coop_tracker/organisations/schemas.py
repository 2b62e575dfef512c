"""The organisation schemas: a förbund, Finsam or company as typed (``CheckedOrganisationSchema``,
the one check of its own fields that the form, the API and the service go through), and in the
API a party's organisation as sent (an id or a code), as named inside an agreement, as listed
and as registered."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from coop_tracker.api.schemas import OneOf, PaginationQuerySchema, Schema, text, wire_schema
from coop_tracker.core import schemas as checked
from coop_tracker.core.i18n import _l
from coop_tracker.organisations.models import REGISTERED_KINDS
from coop_tracker.organisations.rules import KIND_LABELS


class CheckedOrganisationSchema(checked.InputSchema):
    """A registered organisation's own fields as typed; the organisationsnummer's form and
    uniqueness and the company-only dates are checked by the service."""

    kind = checked.choice(
        _l("Typ av organisation"), {k: KIND_LABELS[k] for k in REGISTERED_KINDS}, required=True
    )
    name = checked.text(_l("Namn"), max_length=200, required=True, min_length=3)
    org_number = checked.text(_l("Organisationsnummer"), max_length=20)
    description = checked.text(_l("Beskrivning"), max_length=2000, multiline=True)
    articles_adopted_on = checked.a_date(_l("Bolagsordning antagen"))
    owner_directive_on = checked.a_date(_l("Ägardirektiv antaget"))


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
    q = text(100, metadata={"description": "Del av namn, kod eller organisationsnummer."})


class OrganisationCreateSchema(
    wire_schema(  # type: ignore[misc]  # (mypy cannot follow a built base)
        CheckedOrganisationSchema,
        required=("kind", "name"),
        org_number={"metadata": {"example": "222000-1234"}},
    )
):
    """A kommunalförbund, samordningsförbund or company to register."""
