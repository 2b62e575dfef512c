"""The annual cycle in the JSON API: ``GET /api/v1/municipalities/<code>/year?year=YYYY``."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.annual.queries import year_view
from coop_tracker.annual.rules import DUTY_LABELS
from coop_tracker.annual.services import DoneInput, mark_done
from coop_tracker.api.common import api_user, error_responses, permission_required
from coop_tracker.api.schemas import Schema
from coop_tracker.core.clock import today
from coop_tracker.core.errors import NotFound, ValidationFailed
from coop_tracker.core.validation import is_digits
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.reminders.planner import plan_reminders

blp = Blueprint(
    "api_year",
    __name__,
    url_prefix="/api/v1/municipalities",
    description="Årshjulet: en kommuns återkommande uppgifter i samverkan under ett år.",
)

KINDS = ", ".join(f"{kind} ({label})" for kind, label in DUTY_LABELS.items())


class AnnualYearQuerySchema(Schema):
    year = fields.String(
        load_default=None,
        metadata={"description": "Året, t.ex. 2027. Utan: innevarande år.", "example": "2027"},
    )


class AnnualDutySchema(Schema):
    """One duty of the kommun in one agreement."""

    kind = fields.String(metadata={"description": KINDS})
    label = fields.String()
    year = fields.Integer()
    agreement_id = fields.Integer()
    agreement_title = fields.String()
    form = fields.String()
    municipality = fields.String(metadata={"description": "Kommunkod."})
    due_on = fields.Date()
    title = fields.String()
    detail = fields.String(metadata={"description": "Vad som gäller och var det står."})
    status = fields.String(metadata={"description": "done, overdue eller open."})
    done_on = fields.Date(allow_none=True)
    reference = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class AnnualYearSchema(Schema):
    municipality = fields.String()
    year = fields.Integer()
    election_on = fields.Date(allow_none=True, metadata={"description": "Valdagen, om valår."})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    duties = fields.List(fields.Nested(AnnualDutySchema))


@blp.route("/<code>/year", endpoint="year")
class Year(MethodView):
    @blp.arguments(AnnualYearQuerySchema, location="query")
    @blp.response(200, AnnualYearSchema)
    @error_responses(blp, 401, 404, 422)
    def get(self, args: dict[str, Any], code: str) -> Any:
        """En kommuns årshjul

        Uppgifterna med sista dag under året, i datumordning, med status och (för klara)
        datum och referens. Samverkan som användaren inte får se är inte med.
        """
        if not is_digits(code, 4) or db.session.get(Municipality, code) is None:
            raise NotFound("Kommunen finns inte.")
        now = today()
        raw = args.get("year")
        if raw is None or raw == "":
            year = now.year
        elif is_digits(raw, 4) and 2000 <= int(raw) <= 2100:
            year = int(raw)
        else:
            raise ValidationFailed({"year": "År måste vara ett årtal mellan 2000 och 2100."})
        view = year_view(db.session, code, api_user(), year, now)
        return {
            "municipality": code,
            "year": year,
            "election_on": view.election_on,
            "counts": view.counts(),
            "duties": [row.as_json() for row in view.rows],
        }


class DoneSchema(Schema):
    """A duty marked done."""

    agreement_id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": KINDS})
    year = fields.Integer(required=True, metadata={"example": 2026})
    done_on = fields.String(required=True, metadata={"example": "2026-11-30"})
    reference = fields.String(required=True, metadata={"example": "KF 2026-11-30 § 112"})
    note = fields.String(load_default="")


def _home(code: str) -> str:
    if not is_digits(code, 4) or db.session.get(Municipality, code) is None:
        raise NotFound("Kommunen finns inte.")
    return code


@blp.route("/<code>/year/done", endpoint="year_done")
class YearDone(MethodView):
    @permission_required("annual.mark", load=lambda code: _home(code))
    @blp.arguments(DoneSchema)
    @blp.response(201, AnnualDutySchema)
    @error_responses(blp, 401, 403, 404, 422)
    def post(self, data: dict[str, Any], code: str) -> Any:
        """Markera en uppgift som klar

        Med datum (idag eller tidigare) och referens, till exempel diarienummer eller
        paragraf. Redaktörer markerar bara den egna kommunens uppgifter. Påminnelserna om
        uppgiften upphör.
        """
        agreement = get_visible_agreement(db.session, data["agreement_id"], api_user())
        now = today()
        done_input = DoneInput(
            kind=data["kind"],
            year=data["year"],
            done_on=data["done_on"],
            reference=data["reference"],
            note=data["note"],
        )
        mark_done(db.session, agreement, code, done_input, actor=web_actor(), today=now)
        plan_reminders(db.session, now, agreement_ids=[agreement.id])
        db.session.commit()
        view = year_view(db.session, code, api_user(), data["year"], now)
        row = next(
            r
            for r in view.rows
            if r.duty.agreement_id == agreement.id and r.duty.kind == data["kind"]
        )
        return row.as_json(), 201
