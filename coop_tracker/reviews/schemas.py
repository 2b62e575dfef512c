"""The review schemas: a review as typed (``ReviewInputSchema``, the one check of a review's
fields that the form, the API and the services go through), and as the API returns and receives
it (with the answers to the recurring questions). The limits are stated once, here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields

from coop_tracker.api.schemas import MAX_AMOUNT, Length, OneOf, Schema, amount, wire_schema
from coop_tracker.core import schemas as checked
from coop_tracker.core import validation as v
from coop_tracker.core.i18n import _, _l
from coop_tracker.reviews.models import Rating
from coop_tracker.reviews.rules import ANSWER_LABELS, GOAL_LABELS, QUESTIONS, RATING_LABELS

COMMENT_MAX = 5000
ANSWER_COMMENT_MAX = 2000
REPORTED_TO_MAX = 200


class ReviewInputSchema(checked.InputSchema):
    """A review's own fields as typed, checked against each other; ``today`` is the latest
    allowed review date. (The answers are read by ``answers`` below.)"""

    reviewed_on = checked.a_date(_l("Datum för uppföljningen"), required=True)
    rating = checked.choice(_l("Bedömning"), RATING_LABELS, required=True)
    rating_comment = checked.text(
        _l("Kommentar till bedömningen"), max_length=COMMENT_MAX, multiline=True
    )
    goal_attainment = checked.choice(_l("Måluppfyllelse"), GOAL_LABELS, required=True)
    goal_comment = checked.text(
        _l("Kommentar om måluppfyllelse"), max_length=COMMENT_MAX, multiline=True
    )
    cost_budget = checked.decimal(_l("Budget"), minimum=Decimal(0), maximum=Decimal(MAX_AMOUNT))
    cost_outcome = checked.decimal(
        _l("Kostnadsutfall"), minimum=Decimal(0), maximum=Decimal(MAX_AMOUNT)
    )
    cost_comment = checked.text(
        _l("Kommentar om kostnader"), max_length=COMMENT_MAX, multiline=True
    )
    reported_to = checked.text(_l("Rapporterad till"), max_length=REPORTED_TO_MAX)
    reported_on = checked.a_date(_l("Datum för rapportering"))
    next_review_on = checked.a_date(_l("Nästa uppföljning"))

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    @ma.validates_schema(skip_on_field_errors=False)
    def _fields_agree(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, str] = {}
        rating, reviewed = data.get("rating"), data.get("reviewed_on")
        if rating in (Rating.YELLOW, Rating.RED) and not data.get("rating_comment"):
            checked.refuse(
                errors,
                "rating_comment",
                _("Skriv en kommentar till bedömningen: vid gul bedömning ska ni förklara varför.")
                if rating == Rating.YELLOW
                else _(
                    "Skriv en kommentar till bedömningen: vid röd bedömning ska ni förklara varför."
                ),
            )
        if reviewed and reviewed > self.today:
            checked.refuse(
                errors,
                "reviewed_on",
                _(
                    "Datum för uppföljningen kan inte vara i framtiden: ange i dag (%(today)s) "
                    "eller ett tidigare datum.",
                    today=self.today.isoformat(),
                ),
            )
        next_on, reported_on = data.get("next_review_on"), data.get("reported_on")
        if reviewed and next_on and next_on <= reviewed:
            checked.refuse(
                errors,
                "next_review_on",
                _("Nästa uppföljning måste vara efter uppföljningens datum."),
            )
        if reviewed and reported_on and reported_on < reviewed:
            checked.refuse(
                errors,
                "reported_on",
                _("Datum för rapportering kan inte vara före uppföljningens datum."),
            )
        if reported_on and not data.get("reported_to"):
            checked.refuse(errors, "reported_to", _("Ange vem uppföljningen rapporterades till."))
        if errors:
            raise ma.ValidationError(errors)  # type: ignore[arg-type]


def checked_answers(raw: Any, errors: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The answers as typed (question → an ``answer``/``comment`` pair), as question →
    (answer, comment); a comment needs an answer. Refusals go into ``errors``."""
    problems = v.Errors(errors)
    answers: dict[str, tuple[str, str]] = {}
    given_answers = raw if isinstance(raw, dict) else None
    if given_answers is None:
        problems.add("answers", _("Svaren ska anges per fråga."))
        given_answers = {}
    unknown = [key for key in given_answers if key not in QUESTIONS]
    if unknown:
        problems.add(
            "answers",
            _("Okänd fråga: %(keys)s", keys=", ".join(str(k)[:40] for k in unknown[:5])),
        )
    for number, key in enumerate(QUESTIONS, start=1):
        given = given_answers.get(key)
        if given is None:
            continue
        label = _("Fråga %(n)s", n=number)
        answer = v.choice(
            given.answer,
            f"answers-{key}-answer",
            label + ": " + _("svar"),
            problems,
            ANSWER_LABELS,
            required=False,
        )
        comment = v.text(
            given.comment,
            f"answers-{key}-comment",
            label + ": " + _("kommentar"),
            problems,
            max_length=ANSWER_COMMENT_MAX,
            multiline=True,
        )
        if comment and not answer:
            problems.add(f"answers-{key}-answer", label + ": " + _("välj ja, delvis eller nej."))
        if answer:
            answers[key] = (answer, comment)
    errors.update(problems)
    return answers


QUESTION_TEXT = "; ".join(f"{key}: {text}" for key, text in QUESTIONS.items())


class AnswerSchema(Schema):
    """The answer to one recurring question."""

    answer = fields.String(required=True, validate=OneOf(list(ANSWER_LABELS)))
    comment = fields.String(load_default="", validate=Length(max=ANSWER_COMMENT_MAX))


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


# The comments on the wire: text, "" when not sent (never null).
_COMMENT = {"allow_none": False, "load_default": ""}


class ReviewCreateSchema(
    wire_schema(  # type: ignore[misc]  # (mypy cannot follow a built base)
        ReviewInputSchema,
        required=("reviewed_on", "rating", "goal_attainment"),
        rating_comment=_COMMENT,
        goal_comment=_COMMENT,
        cost_comment=_COMMENT,
        reported_to=_COMMENT,
        reported_on={"load_default": None},
        next_review_on={
            "load_default": None,
            "metadata": {"description": "Tomt: räknas från uppföljningsintervallet."},
        },
    )
):
    """A new review: its own fields as ``ReviewInputSchema`` checks them, the party and the
    answers. ``rating_comment`` is required for yellow and red."""

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
    answers = fields.Dict(
        keys=fields.String(validate=OneOf(list(QUESTIONS))),
        values=fields.Nested(AnswerSchema),
        load_default=dict,
        metadata={"description": f"Fråga → svar (yes, partly, no). Frågorna: {QUESTION_TEXT}"},
    )
