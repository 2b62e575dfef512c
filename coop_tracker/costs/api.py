"""Costs in the JSON API: ``GET /api/v1/agreements/<id>/costs`` — each party's share by year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.api.common import api_user, error_responses
from coop_tracker.api.schemas import Schema
from coop_tracker.core.clock import today
from coop_tracker.costs.calc import YearResult
from coop_tracker.costs.models import CostModel
from coop_tracker.costs.queries import agreement_costs
from coop_tracker.costs.services import model_snapshot
from coop_tracker.extensions import db

blp = Blueprint(
    "api_costs",
    __name__,
    url_prefix="/api/v1/agreements",
    description="Vad varje kommun betalar: kostnadsmodell, andel per part och år, avstämning.",
)

AMOUNT = "Belopp i hela kronor, som sträng."


class CostPartyShareSchema(Schema):
    municipality = fields.String(metadata={"description": "Kommunkod."})
    name = fields.String()
    share_percent = fields.Decimal(as_string=True, metadata={"description": "Andel i procent."})
    amount = fields.Decimal(as_string=True, metadata={"description": AMOUNT})
    change = fields.Decimal(
        as_string=True, allow_none=True, metadata={"description": "Mot året före, kronor."}
    )
    population = fields.Integer(allow_none=True)


class CostYearSchema(Schema):
    year = fields.Integer()
    total = fields.Decimal(as_string=True, allow_none=True, metadata={"description": AMOUNT})
    index_factor = fields.Decimal(as_string=True, allow_none=True)
    parties = fields.List(fields.Nested(CostPartyShareSchema))
    problems = fields.List(fields.String(), metadata={"description": "Varför året saknas."})


class CostReconciliationRowSchema(Schema):
    municipality = fields.String()
    name = fields.String()
    budget = fields.Decimal(as_string=True)
    outcome = fields.Decimal(as_string=True)
    difference = fields.Decimal(
        as_string=True, metadata={"description": "Utfall minus budget: att betala (+)."}
    )


class CostReconciliationSchema(Schema):
    year = fields.Integer()
    budget_total = fields.Decimal(as_string=True)
    outcome_total = fields.Decimal(as_string=True)
    reference = fields.String()
    parties = fields.List(fields.Nested(CostReconciliationRowSchema))


class CostsSchema(Schema):
    agreement_id = fields.Integer()
    model = fields.Dict(allow_none=True, metadata={"description": "Kostnadsmodellen, eller null."})
    years = fields.List(fields.Nested(CostYearSchema))
    reconciliations = fields.List(fields.Nested(CostReconciliationSchema))


def _change(amount: Decimal, previous: YearResult | None, code: str) -> Decimal | None:
    before = previous.amount_of(code) if previous is not None else None
    return None if before is None else amount - before


@blp.route("/<int:agreement_id>/costs", endpoint="costs")
class Costs(MethodView):
    @blp.response(200, CostsSchema)
    @error_responses(blp, 401, 404)
    def get(self, agreement_id: int) -> Any:
        """Kostnad per part

        Förra året, i år och nästa år: totalen, varje parts andel och belopp (hela kronor,
        delarna summerar till totalen) och förändringen mot året före; utfall avstämda mot
        budget.
        """
        agreement = get_visible_agreement(db.session, agreement_id, api_user())
        now = today()
        years = [now.year - 1, now.year, now.year + 1]
        costs = agreement_costs(db.session, agreement, years)
        row: CostModel | None = costs.model
        payload_years = []
        previous = None
        for cost in costs.years:
            result = cost.result
            payload_years.append(
                {
                    "year": cost.year,
                    "total": result.total if result else None,
                    "index_factor": result.factor if result else None,
                    "problems": cost.problems,
                    "parties": [
                        {
                            "municipality": part.code,
                            "name": part.name,
                            "share_percent": part.share_percent,
                            "amount": part.amount,
                            "change": _change(part.amount, previous, part.code),
                            "population": costs.populations.get(cost.year, {}).get(part.code),
                        }
                        for part in (result.parties if result else [])
                    ],
                }
            )
            previous = result
        snapshot = None
        if row is not None:
            snapshot = {
                key: (str(value) if value is not None and not isinstance(value, int | str)
                      else value)
                for key, value in model_snapshot(row).items()
            }  # fmt: skip
        return {
            "agreement_id": agreement.id,
            "model": snapshot,
            "years": payload_years,
            "reconciliations": [
                {
                    "year": rec.year,
                    "budget_total": rec.budget_total,
                    "outcome_total": rec.outcome_total,
                    "reference": rec.reference,
                    "parties": [
                        {
                            "municipality": code,
                            "name": name,
                            "budget": budget,
                            "outcome": outcome,
                            "difference": difference,
                        }
                        for code, name, budget, outcome, difference in rec.rows
                    ],
                }
                for rec in costs.reconciliations
            ],
        }
