"""Recording reviews (uppföljning) of an agreement: the review schema checks the fields, the
service checks the party, permissions and versions and writes the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.audit.services import diff, plain, record, record_update
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can
from coop_tracker.reviews.models import Review, ReviewAnswer
from coop_tracker.reviews.schemas import ReviewInputSchema, checked_answers

REVIEW_FIELDS = (
    "reviewed_on",
    "rating",
    "rating_comment",
    "goal_attainment",
    "goal_comment",
    "cost_budget",
    "cost_outcome",
    "cost_comment",
    "reported_to",
    "reported_on",
    "next_review_on",
)


@dataclass
class AnswerInput:
    """One answer as typed: yes / partly / no (or empty) and a comment."""

    answer: Any = ""
    comment: Any = ""


@dataclass
class ReviewInput:
    """A review as typed in the form or sent to the API (unvalidated)."""

    reviewed_on: Any = None
    rating: Any = None
    rating_comment: Any = ""
    goal_attainment: Any = None
    goal_comment: Any = ""
    cost_budget: Any = None
    cost_outcome: Any = None
    cost_comment: Any = ""
    reported_to: Any = ""
    reported_on: Any = None
    next_review_on: Any = None
    answers: dict[str, AnswerInput] = field(default_factory=dict)
    # One party's own review: its party id, kommunkod or organisation key; empty: the joint one.
    party: Any = None


def review_snapshot(review: Review) -> dict[str, Any]:
    """The review's fields and answers, for audit and conflict views."""
    data = {name: plain(getattr(review, name)) for name in REVIEW_FIELDS}
    if review.party_id is not None:
        data["party"] = review.party.name if review.party is not None else review.party_id
    for answer in review.answers:
        data[f"answers.{answer.question}"] = f"{answer.answer}: {answer.comment}".rstrip(": ")
    return data


def _validate(data: ReviewInput, today: date) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The review's fields and answers through the review schema; ``ValidationFailed`` names
    every wrong field."""
    values, errors = ReviewInputSchema(today).check(vars(data))
    answers = checked_answers(data.answers, errors)
    if errors:
        raise ValidationFailed(errors)
    return values, answers


def _check_permission(agreement: Agreement, actor: Actor, party: Party | None = None) -> None:
    user = actor.user
    if user is not None and not can(user, "review.create", agreement):
        raise PermissionDenied(_("Du kan bara följa upp samverkan som din kommun är part i."))
    if (
        user is not None
        and party is not None
        and user.role != "admin"
        and party.municipality_code != user.municipality_code
    ):
        raise PermissionDenied(
            _("Du kan bara registrera din egen kommuns uppföljning, inte en annan parts.")
        )


def review_party(agreement: Agreement, value: Any) -> Party | None:
    """The current party a review is for (its id, kommunkod or organisation key); None for the
    joint review. Raises ValidationFailed naming the field when it is not a party."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    for party in agreement.current_parties:
        keys = {str(party.id), party.municipality_code, f"org-{party.organisation_id}"}
        org = party.organisation
        if org is not None:
            keys |= {org.code, org.org_number}
        if text in keys:
            return party
    raise ValidationFailed(
        {
            "party": _(
                "Part: %(value)s är inte en nuvarande part i samverkan. Ange partens id, "
                "kommunkod eller organisationsnummer, eller inget för den gemensamma "
                "uppföljningen.",
                value=repr(text[:20]),
            )
        }
    )


def create_review(
    session: Session, agreement: Agreement, data: ReviewInput, *, actor: Actor, today: date
) -> Review:
    """Record a review made on or before ``today``; yellow and red ratings need a comment.

    With ``data.party`` it is that party's own review (an editor records only its own
    kommun's); without, the parties' joint review."""
    party = review_party(agreement, data.party)
    _check_permission(agreement, actor, party)
    values, answers = _validate(data, today)
    review = Review(
        agreement_id=agreement.id,
        party_id=party.id if party is not None else None,
        created_by_id=actor.user_id,
        **values,
    )
    review.answers = [
        ReviewAnswer(question=key, answer=answer, comment=comment)
        for key, (answer, comment) in answers.items()
    ]
    session.add(review)
    session.flush()
    record(
        session,
        actor,
        action="create",
        object_type="review",
        object_id=review.id,
        label=_review_label(review, agreement, party),
        agreement_id=agreement.id,
        municipality_code=party.municipality_code if party is not None else None,
        changes=diff({}, review_snapshot(review)),
    )
    return review


def update_review(
    session: Session,
    agreement: Agreement,
    review: Review,
    data: ReviewInput,
    *,
    expected_version: Any,
    actor: Actor,
    today: date,
) -> Review:
    """Change a review; a stale version is refused with the current values. Whose review it
    is (joint or a party's) does not change."""
    _check_permission(agreement, actor, review.party)
    check_version(expected_version, review.version, lambda: review_snapshot(review))
    values, answers = _validate(data, today)
    before = review_snapshot(review)
    for name, value in values.items():
        setattr(review, name, value)
    existing = {a.question: a for a in review.answers}
    for key, (answer, comment) in answers.items():
        row = existing.pop(key, None)
        if row is None:
            review.answers.append(ReviewAnswer(question=key, answer=answer, comment=comment))
        else:
            row.answer, row.comment = answer, comment
    for row in existing.values():
        review.answers.remove(row)
    record_update(
        session,
        actor,
        before,
        review_snapshot(review),
        object_type="review",
        object_id=review.id,
        label=_review_label(review, agreement, review.party),
        agreement_id=agreement.id,
        municipality_code=review.party.municipality_code if review.party else None,
    )
    return review


def _review_label(review: Review, agreement: Agreement, party: Party | None) -> str:
    if party is None:
        return f"Uppföljning {review.reviewed_on} av {agreement.title}"
    return f"Uppföljning {review.reviewed_on} av {agreement.title} ({party.name})"
