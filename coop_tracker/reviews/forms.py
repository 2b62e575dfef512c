"""The review form: raw text fields; the service validates."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Form, FormField, HiddenField, RadioField, StringField, TextAreaField

from coop_tracker.core.forms import choices
from coop_tracker.reviews.models import Review
from coop_tracker.reviews.rules import ANSWER_LABELS, GOAL_LABELS, QUESTIONS, RATING_LABELS
from coop_tracker.reviews.services import REVIEW_FIELDS, AnswerInput, ReviewInput


def _answer_form(number: int, question: str) -> type[Form]:
    """A sub-form for one question: the answer (legend = the question) and a comment."""
    attributes = {
        "answer": RadioField(
            f"{number}. {question}", choices=choices(ANSWER_LABELS), validate_choice=False
        ),
        "comment": TextAreaField(f"Kommentar till fråga {number}"),
    }
    return type("AnswerForm", (Form,), attributes)


AnswersForm = type(
    "AnswersForm",
    (Form,),
    {
        key: FormField(_answer_form(number, question), label=question)
        for number, (key, question) in enumerate(QUESTIONS.items(), start=1)
    },
)


class ReviewForm(FlaskForm):
    """Record (or change) a review."""

    version = HiddenField()
    reviewed_on = StringField("Datum för uppföljningen")
    rating = RadioField("Bedömning", choices=choices(RATING_LABELS), validate_choice=False)
    rating_comment = TextAreaField("Kommentar till bedömningen")
    goal_attainment = RadioField(
        "Måluppfyllelse", choices=choices(GOAL_LABELS), validate_choice=False
    )
    goal_comment = TextAreaField("Kommentar om måluppfyllelse")
    cost_budget = StringField("Budget för året (kr)")
    cost_outcome = StringField("Kostnadsutfall (kr)")
    cost_comment = TextAreaField("Kommentar om kostnader")
    answers = FormField(AnswersForm)
    reported_to = StringField("Rapporterad till")
    reported_on = StringField("Rapporterad datum")
    next_review_on = StringField("Nästa uppföljning")

    def fill_from(self, review: Review) -> None:
        """Show a saved review's values."""
        for name in REVIEW_FIELDS:
            value = getattr(review, name)
            getattr(self, name).data = "" if value is None else str(value)
        for key in QUESTIONS:
            answer = review.answer_to(key)
            sub = self.answers.form[key].form
            sub.answer.data = answer.answer if answer else ""
            sub.comment.data = answer.comment if answer else ""
        self.version.data = review.version

    def to_input(self) -> ReviewInput:
        values: dict[str, Any] = {name: getattr(self, name).data for name in REVIEW_FIELDS}
        answers = {}
        for key in QUESTIONS:
            sub = self.answers.form[key].form
            if sub.answer.data or (sub.comment.data or "").strip():
                answers[key] = AnswerInput(answer=sub.answer.data or "", comment=sub.comment.data)
        return ReviewInput(**values, answers=answers)
