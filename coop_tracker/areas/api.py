"""The area vocabulary in the JSON API: list, read, add, rename, retire and merge."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import select

from coop_tracker.api.common import error_responses, listing, permission_required
from coop_tracker.api.schemas import (
    Length,
    PaginationQuerySchema,
    Regexp,
    Schema,
    paged,
    wire_field,
    wire_schema,
)
from coop_tracker.areas import services as area_services
from coop_tracker.core.errors import NotFound
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area
from coop_tracker.municipalities.queries import areas_page
from coop_tracker.municipalities.schemas import AREA_SLUG_MAX, CheckedAreaSchema

areas_blp = Blueprint(
    "api_areas",
    __name__,
    url_prefix="/api/v1/areas",
    description="Samverkansområden (kontrollerad vokabulär).",
)


class AreaSchema(Schema):
    """A samverkansområde."""

    slug = fields.String(metadata={"example": "raddningstjanst"})
    label_sv = fields.String(metadata={"example": "Räddningstjänst"})
    label_en = fields.String(metadata={"example": "Rescue services"})
    is_active = fields.Boolean(metadata={"description": "Kan väljas för nya samverkan."})


class AreaCreateSchema(
    wire_schema(  # type: ignore[misc]  # (mypy cannot follow a built base)
        CheckedAreaSchema, required=("label_sv", "label_en")
    )
):
    """A new area: its names, and a short name (made from the Swedish name when not sent)."""

    slug = fields.String(
        validate=Regexp(r"^[a-z0-9-]{1,60}$", error="Kortnamn: bara a–z, siffror och bindestreck.")
    )


class AreaPatchSchema(Schema):
    label_sv = wire_field(CheckedAreaSchema, "label_sv")
    label_en = wire_field(CheckedAreaSchema, "label_en")
    is_active = fields.Boolean(metadata={"description": "false avvecklar området."})


class AreaMergeSchema(Schema):
    into = fields.String(
        required=True,
        validate=Length(max=AREA_SLUG_MAX),
        metadata={"description": "Kortnamnet på området som tar över."},
    )


NOT_FOUND_AREA = "Samverkansområdet finns inte."


@areas_blp.route("", endpoint="areas")
class Areas(MethodView):
    @listing(areas_blp, PaginationQuerySchema, AreaSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Lista samverkansområden"""
        rows, total = areas_page(db.session, page=args["page"], per_page=args["per_page"])
        return paged(rows, total, args)

    @permission_required("areas.manage")
    @areas_blp.arguments(AreaCreateSchema)
    @areas_blp.response(201, AreaSchema)
    @error_responses(areas_blp, 401, 403, 422)
    def post(self, data: dict[str, Any]) -> Any:
        """Lägg till ett samverkansområde (administratörer)

        Kortnamnet (slug) bildas av det svenska namnet om det inte anges.
        """
        area = area_services.add_area(
            db.session, area_services.AreaInput(**data), actor=web_actor()
        )
        db.session.commit()
        return area


@areas_blp.route("/<slug>", endpoint="area")
class AreaResource(MethodView):
    @areas_blp.response(200, AreaSchema)
    @error_responses(areas_blp, 401, 404, descriptions={404: NOT_FOUND_AREA})
    def get(self, slug: str) -> Any:
        """Hämta ett samverkansområde"""
        return _area(slug)

    @permission_required("areas.manage")
    @areas_blp.arguments(AreaPatchSchema)
    @areas_blp.response(200, AreaSchema)
    @error_responses(areas_blp, 401, 403, 404, 422, descriptions={404: NOT_FOUND_AREA})
    def patch(self, data: dict[str, Any], slug: str) -> Any:
        """Byt namn på, avveckla eller återta ett samverkansområde (administratörer)

        ``is_active: false`` avvecklar området: det erbjuds inte för ny samverkan men finns kvar
        på samverkan som har det. Ett sammanslaget område kan inte tas i bruk igen.
        """
        area = _area(slug)
        actor = web_actor()
        if "label_sv" in data or "label_en" in data:
            area_services.rename_area(
                db.session,
                area,
                area_services.AreaInput(
                    data.get("label_sv", area.label_sv), data.get("label_en", area.label_en)
                ),
                actor=actor,
            )
        if data.get("is_active") is False and area.is_active:
            area_services.retire_area(db.session, area, actor=actor)
        elif data.get("is_active") is True and not area.is_active:
            area_services.restore_area(db.session, area, actor=actor)
        db.session.commit()
        return area


@areas_blp.route("/<slug>/merge", endpoint="area_merge")
class AreaMerge(MethodView):
    @permission_required("areas.manage")
    @areas_blp.arguments(AreaMergeSchema)
    @areas_blp.response(200, AreaSchema)
    @error_responses(areas_blp, 401, 403, 404, 422, descriptions={404: NOT_FOUND_AREA})
    def post(self, data: dict[str, Any], slug: str) -> Any:
        """Slå ihop ett samverkansområde med ett annat (administratörer)

        All samverkan med området får målområdet (``into``) i stället; området avvecklas.
        Svaret är målområdet.
        """
        area = _area(slug)
        area_services.merge_area(db.session, area, data["into"], actor=web_actor())
        db.session.commit()
        return _area(data["into"])


def _area(slug: str) -> Area:
    area: Area | None = db.session.scalar(select(Area).where(Area.slug == slug[:60]))
    if area is None:
        raise NotFound(NOT_FOUND_AREA)
    return area
