"""An agreement's change history in the JSON API (``GET /api/v1/agreements/<id>/history``)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.api.common import api_user, listing, permission_required, utc
from coop_tracker.api.schemas import (
    PaginationQuerySchema,
    Schema,
    envelope,
)
from coop_tracker.core.permissions import can
from coop_tracker.extensions import db
from coop_tracker.history.queries import agreement_events, describe_all

blp = Blueprint(
    "api_history",
    __name__,
    url_prefix="/api/v1/agreements",
    description="Ändringshistorik: vem ändrade vad och när, fält för fält.",
)


class ChangeSchema(Schema):
    """One changed field."""

    field = fields.String(required=True, metadata={"description": "Fältets tekniska namn."})
    label = fields.String(required=True, metadata={"description": "Fältets namn på svenska."})
    old = fields.Raw(allow_none=True, metadata={"description": "Värdet före (som lagrat)."})
    new = fields.Raw(allow_none=True, metadata={"description": "Värdet efter (som lagrat)."})
    old_text = fields.String(required=True, metadata={"description": "Värdet före, läsbart."})
    new_text = fields.String(required=True, metadata={"description": "Värdet efter, läsbart."})


class HistoryEventSchema(Schema):
    """One audit event about the agreement, its parties, contacts or later records."""

    id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    actor_id = fields.Integer(allow_none=True, metadata={"description": "Användarens id."})
    actor_name = fields.String(required=True, metadata={"description": "Vem (namnet sparas)."})
    source = fields.String(required=True, metadata={"description": "web, api, cli, import …"})
    request_id = fields.String(
        required=True, metadata={"description": "Samma id för alla ändringar i en begäran."}
    )
    action = fields.String(required=True, metadata={"example": "update"})
    action_label = fields.String(required=True, metadata={"example": "Ändrad"})
    object_type = fields.String(required=True, metadata={"example": "party"})
    object_type_label = fields.String(required=True, metadata={"example": "Part"})
    object_id = fields.String(required=True)
    object_label = fields.String(required=True)
    municipality = fields.String(allow_none=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True)


ERRORS = {
    401: "En giltig API-nyckel saknas.",
    404: "Samverkan finns inte eller är inte synlig för dig.",
}


def _load(agreement_id: int) -> Any:
    return get_visible_agreement(db.session, agreement_id, api_user())


@blp.route("/<int:agreement_id>/history", endpoint="history")
class History(MethodView):
    @permission_required("agreement.history", load=_load)
    @listing(blp, PaginationQuerySchema, HistoryEventSchema, 404, descriptions=ERRORS)
    def get(self, args: dict[str, Any], agreement_id: int) -> Any:
        """Ändringshistorik för en samverkan

        Alla ändringar av samverkan, dess parter och kontaktpersoner (och senare checklistor,
        uppföljningar och avveckling), senaste först. Ändringar med samma request_id gjordes i
        samma begäran.
        """
        agreement = _load(agreement_id)
        user = api_user()
        show_internal = can(user, "agreement.edit", agreement) or user.is_admin
        page = agreement_events(
            db.session, agreement.id, page=args["page"], per_page=args["per_page"]
        )
        items = []
        views = describe_all(
            db.session,
            page.items,
            show_internal=show_internal,
            show_people=can(user, "contact.view", agreement),
        )
        for event, view in zip(page.items, views, strict=True):
            raw = event.changes or {}
            items.append(
                {
                    "id": event.id,
                    "created_at": utc(event.created_at),
                    "actor_id": event.actor_id,
                    "actor_name": event.actor_name,
                    "source": event.source,
                    "request_id": event.request_id,
                    "action": event.action,
                    "action_label": view.action_label,
                    "object_type": event.object_type,
                    "object_type_label": view.object_type_label,
                    "object_id": event.object_id,
                    "object_label": view.object_label,
                    "municipality": event.municipality_code,
                    "changes": [
                        {
                            "field": c.field,
                            "label": c.label,
                            "old": _raw(raw.get(c.field), 0) if c.old != "…" else None,
                            "new": _raw(raw.get(c.field), 1) if c.new != "…" else None,
                            "old_text": c.old,
                            "new_text": c.new,
                        }
                        for c in view.changes
                    ],
                }
            )
        return envelope(items, page.total, page.page, page.per_page)


def _raw(pair: Any, index: int) -> Any:
    if isinstance(pair, list) and len(pair) > index:
        return pair[index]
    return None
