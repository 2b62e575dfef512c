"""The token's own user in the JSON API (``GET /api/v1/me``)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.api.common import api_user, error_responses
from coop_tracker.api.schemas import Schema
from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from coop_tracker.users.calendar import calendar_url, ensure_calendar_secret
from coop_tracker.users.models import User

blp = Blueprint(
    "api_me", __name__, url_prefix="/api/v1/me", description="Den inloggade nyckelns användare."
)


class MeSchema(Schema):
    """The user a token belongs to."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String(metadata={"description": "admin, editor eller reader."})
    municipality = fields.String(allow_none=True, metadata={"description": "Hemkommunens kod."})
    municipality_name = fields.String(allow_none=True)
    calendar_url = fields.String(
        metadata={
            "description": "Privat kalenderprenumeration (iCalendar) med användarens datum. "
            "Fungerar utan inloggning: dela den inte."
        }
    )
    # Later fields are added here and in me_payload.


def me_payload(user: User) -> dict[str, Any]:
    """What ``/me`` tells about ``user``; extend here together with ``MeSchema``."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "municipality": user.municipality_code,
        "municipality_name": user.municipality.name if user.municipality else None,
        "calendar_url": calendar_url_for(user),
    }


def calendar_url_for(user: User) -> str:
    """The user's absolute feed address; the secret is created on first use."""
    if not user.calendar_secret:
        ensure_calendar_secret(db.session, user, actor=Actor(user=user, source="api"))
        db.session.commit()
    return calendar_url(user.calendar_secret or "")


@blp.route("", endpoint="me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @error_responses(blp, 401)
    def get(self) -> Any:
        """Den egna användaren"""
        return me_payload(api_user())
