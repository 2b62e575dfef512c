"""The review schemas: a review as returned and as sent, with the answers to the recurring
questions."""

from __future__ import annotations

from marshmallow import fields

from coop_tracker.api.schemas import Length, OneOf, Schema, amount
from coop_tracker.reviews.rules import ANSWER_LABELS, GOAL_LABELS, QUESTIONS, RATING_LABELS

QUESTION_TEXT = "; ".join(f"{key}: {text}" for key, text in QUESTIONS.items())


class AnswerSchema(Schema):
    """The answer to one recurring question."""

    answer = fields.String(required=True, validate=OneOf(list(ANSWER_LABELS)))
    comment = fields.String(load_default="", validate=Length(max=2000))


class PartyRefSchema(Schema):
    """The party whose own review it is."""

    id = fields.Integer()
    organisation = fields.String(metadata={"description": "Kommunkod, länskod, org.nr eller id."})
    name = fields.String()


class ReviewSchema(Schema):
    """A review as returned."""

    id = fields.Integer()
    agreement_id = fields.Integer()
    party = fields.Nested(
        PartyRefSchema,
        allow_none=True,
        metadata={"description": "Partens egen uppföljning; null för den gemensamma."},
    )
    reviewed_on = fields.Date()
    rating = fields.String(metadata={"description": "green, yellow eller red."})
    rating_comment = fields.String()
    goal_attainment = fields.String(metadata={"description": ", ".join(GOAL_LABELS)})
    goal_comment = fields.String()
    cost_budget = amount()
    cost_outcome = amount()
    cost_comment = fields.String()
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(AnswerSchema),
        metadata={"description": f"Fråga → svar. Frågorna: {QUESTION_TEXT}"},
    )
    reported_to = fields.String()
    reported_on = fields.Date(allow_none=True)
    next_review_on = fields.Date(allow_none=True)
    created_at = fields.DateTime()
    version = fields.Integer()


class ReviewCreateSchema(Schema):
    """A new review. ``rating_comment`` is required for yellow and red."""

    party = fields.Raw(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "För en parts egen uppföljning: partens id (heltal), kommunkod, "
            "länskod eller organisationsnummer. Utelämnad: parternas gemensamma uppföljning. "
            "En redaktör registrerar bara sin egen kommuns.",
            "example": "1447",
        },
    )
    reviewed_on = fields.Date(required=True)
    rating = fields.String(required=True, validate=OneOf(list(RATING_LABELS)))
    rating_comment = fields.String(load_default="", validate=Length(max=5000))
    goal_attainment = fields.String(required=True, validate=OneOf(list(GOAL_LABELS)))
    goal_comment = fields.String(load_default="", validate=Length(max=5000))
    cost_budget = amount()
    cost_outcome = amount()
    cost_comment = fields.String(load_default="", validate=Length(max=5000))
    answers = fields.Dict(
        keys=fields.String(validate=OneOf(list(QUESTIONS))),
        values=fields.Nested(AnswerSchema),
        load_default=dict,
        metadata={"description": f"Fråga → svar (yes, partly, no). Frågorna: {QUESTION_TEXT}"},
    )
    reported_to = fields.String(load_default="", validate=Length(max=200))
    reported_on = fields.Date(allow_none=True, load_default=None)
    next_review_on = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "Tomt: räknas från uppföljningsintervallet."},
    )
