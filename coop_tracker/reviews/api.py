"""Reviews in the JSON API: ``GET`` and ``POST /api/v1/agreements/<id>/reviews``."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.api.common import (
    api_user,
    error_responses,
    listing,
    permission_required,
    utc,
    with_api_field_names,
)
from coop_tracker.api.schemas import PaginationQuerySchema, page_of
from coop_tracker.core.clock import today
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.signals import deadlines_changed
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db
from coop_tracker.reviews.models import Review
from coop_tracker.reviews.queries import reviews_for
from coop_tracker.reviews.schemas import ReviewCreateSchema, ReviewSchema
from coop_tracker.reviews.services import AnswerInput, ReviewInput, create_review

blp = Blueprint(
    "api_reviews",
    __name__,
    url_prefix="/api/v1/agreements",
    description="Uppföljningar av en samverkan: trafikljus, mål, kostnad och frågorna under "
    "pågående samverkan.",
)


def review_payload(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "agreement_id": review.agreement_id,
        "party": (
            {"id": review.party.id, "organisation": review.party.key, "name": review.party.name}
            if review.party is not None
            else None
        ),
        "reviewed_on": review.reviewed_on,
        "rating": review.rating,
        "rating_comment": review.rating_comment,
        "goal_attainment": review.goal_attainment,
        "goal_comment": review.goal_comment,
        "cost_budget": review.cost_budget,
        "cost_outcome": review.cost_outcome,
        "cost_comment": review.cost_comment,
        "answers": {a.question: {"answer": a.answer, "comment": a.comment} for a in review.answers},
        "reported_to": review.reported_to,
        "reported_on": review.reported_on,
        "next_review_on": review.next_review_on,
        "created_at": utc(review.created_at),
        "version": review.version,
    }


def _load(agreement_id: int) -> Any:
    return get_visible_agreement(db.session, agreement_id, api_user())


@blp.route("/<int:agreement_id>/reviews", endpoint="reviews")
class Reviews(MethodView):
    @listing(blp, PaginationQuerySchema, ReviewSchema, 404)
    def get(self, args: dict[str, Any], agreement_id: int) -> Any:
        """Lista uppföljningar

        Senaste först.
        """
        agreement = _load(agreement_id)
        reviews = reviews_for(db.session, agreement.id)
        return page_of(reviews, args, review_payload)

    @permission_required("review.create", load=_load)
    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, ReviewSchema)
    @error_responses(blp, 401, 403, 404)
    def post(self, data: dict[str, Any], agreement_id: int) -> Any:
        """Registrera en uppföljning

        Gul och röd bedömning kräver rating_comment. Redaktörer följer bara upp samverkan som
        den egna kommunen är part i.
        """
        agreement = _load(agreement_id)
        answers = {
            key: AnswerInput(value["answer"], value.get("comment", ""))
            for key, value in data.pop("answers").items()
        }
        try:
            review = create_review(
                db.session,
                agreement,
                ReviewInput(**data, answers=answers),
                actor=web_actor(),
                today=today(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            raise with_api_field_names(error, {}) from None
        deadlines_changed.send(db.session, agreement=agreement, today=today())  # re-plan reminders
        db.session.commit()
        location = url_for("api_reviews.reviews", agreement_id=agreement.id)
        return review_payload(review), 201, {"Location": location}
