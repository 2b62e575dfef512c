"""Reminders in the JSON API: ``GET /api/v1/reminders/upcoming`` (the caller's Att göra)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.api.common import api_user, listing
from coop_tracker.api.schemas import (
    PaginationQuerySchema,
    Range,
    Schema,
    page_of,
)
from coop_tracker.core.clock import today
from coop_tracker.core.web import public_base_url
from coop_tracker.extensions import db
from coop_tracker.reminders.planner import plan_reminders
from coop_tracker.reminders.queries import todo_items
from coop_tracker.reminders.rules import KIND_LABELS

blp = Blueprint(
    "api_reminders",
    __name__,
    url_prefix="/api/v1/reminders",
    description="Datum att hålla koll på: uppföljning, ärendet om uppsägning, uppsägningsdag, "
    "slutdatum.",
)


class UpcomingQuerySchema(PaginationQuerySchema):
    """How far ahead to look."""

    days = fields.Integer(
        load_default=90,
        validate=Range(min=0, max=730),
        metadata={"description": "Antal dagar framåt (försenade kommer alltid med)."},
    )
    include_snoozed = fields.Boolean(load_default=False)


class UpcomingSchema(Schema):
    """One deadline for the caller."""

    id = fields.Integer(metadata={"description": "Påminnelsens id (för att skjuta upp)."})
    kind = fields.String(metadata={"description": ", ".join(KIND_LABELS)})
    kind_label = fields.String()
    agreement_id = fields.Integer()
    agreement_url = fields.String()
    title = fields.String()
    detail = fields.String()
    due_on = fields.Date()
    overdue = fields.Boolean()
    snoozed_until = fields.Date(allow_none=True)


@blp.route("/upcoming", endpoint="upcoming")
class Upcoming(MethodView):
    @listing(blp, UpcomingQuerySchema, UpcomingSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Kommande och försenade datum

        Samma lista som sidan Att göra: datum i samverkan som den egna kommunen är part i, för
        redaktörer (och kontaktpersoner) som får påminnelser. Försenade först, sedan efter datum.
        """
        user = api_user()
        now = today()
        if user.municipality_code:
            plan_reminders(db.session, now, municipality_codes=[user.municipality_code])
            db.session.commit()
        horizon = now + timedelta(days=args["days"])
        base = public_base_url()
        items = [
            {
                "id": item.reminder_id,
                "kind": item.kind,
                "kind_label": str(KIND_LABELS.get(item.kind, item.kind)),
                "agreement_id": item.agreement_id,
                "agreement_url": f"{base}/agreements/{item.agreement_id}",
                "title": item.title,
                "detail": item.detail,
                "due_on": item.due_on,
                "overdue": item.is_overdue(now),
                "snoozed_until": item.snoozed_until,
            }
            for item in todo_items(db.session, user.id, now)
            if item.due_on <= horizon and (args["include_snoozed"] or not item.is_snoozed(now))
        ]
        items.sort(key=lambda i: (not i["overdue"], i["due_on"]))
        return page_of(items, args)
