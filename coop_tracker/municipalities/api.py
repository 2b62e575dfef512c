"""Reference data in the JSON API: the 290 kommuner."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.api.common import error_responses, listing
from coop_tracker.api.schemas import (
    Length,
    PaginationQuerySchema,
    Regexp,
    Schema,
    paged,
)
from coop_tracker.core.errors import NotFound
from coop_tracker.core.validation import is_kommun_code
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.municipalities.queries import search_municipalities

municipalities_blp = Blueprint(
    "api_municipalities",
    __name__,
    url_prefix="/api/v1/municipalities",
    description="Sveriges 290 kommuner med kommunkod och län.",
)


class MunicipalitySchema(Schema):
    """A kommun."""

    code = fields.String(metadata={"description": "Kommunkod, fyra siffror.", "example": "2021"})
    name = fields.String(metadata={"example": "Vansbro"})
    county_code = fields.String(metadata={"example": "20"})
    county_name = fields.String(metadata={"example": "Dalarnas län"})
    skr_group = fields.String(allow_none=True, metadata={"description": "SKR:s kommungrupp."})
    skr_group_year = fields.Integer(allow_none=True)
    population = fields.Integer(allow_none=True)
    population_year = fields.Integer(allow_none=True)
    population_source = fields.String(
        allow_none=True, metadata={"description": "Källa för folkmängd och kommungrupp."}
    )


class MunicipalityQuerySchema(PaginationQuerySchema):
    county = fields.String(
        validate=Regexp(r"^\d{2}$", error="Länskod ska vara två siffror, t.ex. 20."),
        metadata={"description": "Länskod."},
    )
    q = fields.String(
        validate=Length(max=80), metadata={"description": "Del av namnet eller kodens början."}
    )


def municipality_payload(municipality: Municipality) -> dict[str, Any]:
    return {
        "code": municipality.code,
        "name": municipality.name,
        "county_code": municipality.county_code,
        "county_name": municipality.county.name,
        "skr_group": municipality.skr_group,
        "skr_group_year": municipality.skr_group_year,
        "population": municipality.population,
        "population_year": municipality.population_year,
        "population_source": municipality.population_source,
    }


NOT_FOUND_MUNICIPALITY = "Kommunen finns inte. Kommunkoden har fyra siffror, t.ex. 0180."


@municipalities_blp.route("", endpoint="municipalities")
class Municipalities(MethodView):
    @listing(municipalities_blp, MunicipalityQuerySchema, MunicipalitySchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Lista kommuner

        Sorterade efter namn; filtrera på län (county) eller namn/kod (q).
        """
        rows, total = search_municipalities(
            db.session,
            county=args.get("county"),
            q=args.get("q"),
            page=args["page"],
            per_page=args["per_page"],
        )
        items = [municipality_payload(m) for m in rows]
        return paged(items, total, args)


@municipalities_blp.route("/<code>", endpoint="municipality")
class MunicipalityResource(MethodView):
    @municipalities_blp.response(200, MunicipalitySchema)
    @error_responses(municipalities_blp, 401, 404, descriptions={404: NOT_FOUND_MUNICIPALITY})
    def get(self, code: str) -> Any:
        """Hämta en kommun med kommunkod"""
        municipality = db.session.get(Municipality, code) if is_kommun_code(code) else None
        if municipality is None:
            raise NotFound(NOT_FOUND_MUNICIPALITY)
        return municipality_payload(municipality)
