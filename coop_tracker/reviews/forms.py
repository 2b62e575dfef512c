"""The review form: raw text fields; the service validates."""

from __future__ import annotations

from typing import Any

from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import Form, FormField, HiddenField, RadioField, StringField, TextAreaField

from coop_tracker.core.forms import choices, field_text
from coop_tracker.core.i18n import _l
from coop_tracker.reviews.models import Review
from coop_tracker.reviews.rules import ANSWER_LABELS, GOAL_LABELS, QUESTIONS, RATING_LABELS
from coop_tracker.reviews.services import REVIEW_FIELDS, AnswerInput, ReviewInput


def _answer_form(number: int, question: Any) -> type[Form]:
    """A sub-form for one question: the answer (legend = the question) and a comment."""
    attributes = {
        "answer": RadioField(
            LazyString(lambda: f"{number}. {question}"),
            choices=choices(ANSWER_LABELS),
            validate_choice=False,
        ),
        "comment": TextAreaField(_l("Kommentar till fråga %(number)s", number=number)),
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
    party = RadioField(_l("Vems uppföljning"), choices=[], validate_choice=False)
    reviewed_on = StringField(_l("Datum för uppföljningen"))
    rating = RadioField(_l("Bedömning"), choices=choices(RATING_LABELS), validate_choice=False)
    rating_comment = TextAreaField(_l("Kommentar till bedömningen"))
    goal_attainment = RadioField(
        _l("Måluppfyllelse"), choices=choices(GOAL_LABELS), validate_choice=False
    )
    goal_comment = TextAreaField(_l("Kommentar om måluppfyllelse"))
    cost_budget = StringField(_l("Budget för året (kr)"))
    cost_outcome = StringField(_l("Kostnadsutfall (kr)"))
    cost_comment = TextAreaField(_l("Kommentar om kostnader"))
    answers = FormField(AnswersForm)
    reported_to = StringField(_l("Rapporterad till"))
    reported_on = StringField(_l("Datum för rapportering"))
    next_review_on = StringField(_l("Nästa uppföljning"))

    def fill_from(self, review: Review) -> None:
        """Show a saved review's values."""
        for name in REVIEW_FIELDS:
            getattr(self, name).data = field_text(getattr(review, name))
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
        return ReviewInput(**values, answers=answers, party=self.party.data or None)
