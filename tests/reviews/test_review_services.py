"""Reviews without HTTP: the rating rule, answers, permissions, and the latest review in lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from coop_tracker.reviews.queries import latest_reviews
from coop_tracker.reviews.services import AnswerInput, ReviewInput, create_review, update_review
from coop_tracker.schedule.queries import derived_dates_for
from tests.sql_support import counted_statements

TODAY = date(2026, 4, 15)


def _review(**changes):
    base = dict(reviewed_on="2026-03-01", rating="green", goal_attainment="met")
    base.update(changes)
    return ReviewInput(**base)


@pytest.mark.parametrize("rating", ["yellow", "red"])
def test_yellow_and_red_need_a_comment(session, factory, rating):
    agreement = factory.agreement(phase="active")
    editor = factory.user("editor", "2021")
    with pytest.raises(ValidationFailed) as failure:
        create_review(
            session, agreement, _review(rating=rating), actor=Actor(editor, "web"), today=TODAY
        )
    assert "rating_comment" in failure.value.fields
    assert "kommentar" in failure.value.fields["rating_comment"].lower()
    review = create_review(
        session,
        agreement,
        _review(rating=rating, rating_comment="Bemanningen räcker inte."),
        actor=Actor(editor, "web"),
        today=TODAY,
    )
    assert review.rating == rating


def test_green_needs_no_comment_and_answers_are_stored(session, factory):
    agreement = factory.agreement(phase="active", annual_cost="100000")
    editor = factory.user("editor", "2023")
    review = create_review(
        session,
        agreement,
        _review(
            cost_budget="100 000",
            cost_outcome="112500,50",
            cost_comment="Fler ärenden än väntat.",
            answers={
                "carrier_left": AnswerInput("yes", "Kommundirektören i Ljusdal slutade."),
                "initial_choices": AnswerInput("partly", ""),
            },
            reported_to="Kommunstyrelsen",
            reported_on="2026-03-15",
        ),
        actor=Actor(editor, "web"),
        today=TODAY,
    )
    session.commit()
    assert review.cost_deviation == Decimal("12500.50")
    assert review.answer_to("carrier_left").answer == "yes"
    assert review.answer_to("carrier_left").comment.startswith("Kommundirektören")
    assert review.answer_to("communication_politicians") is None
    event_ = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "review"))
    assert event_.agreement_id == agreement.id
    assert "answers.carrier_left" in event_.changes


def test_bad_input_names_every_field(session, factory):
    agreement = factory.agreement(phase="active")
    with pytest.raises(ValidationFailed) as failure:
        create_review(
            session,
            agreement,
            ReviewInput(
                reviewed_on="2026-13-01",
                rating="purple",
                goal_attainment=None,
                cost_outcome="mycket",
                next_review_on="2020-01-01",
                reported_on="2026-04-01",
                answers={"carrier_left": AnswerInput("kanske", ""), "x": AnswerInput("yes")},
            ),
            actor=Actor.system(),
            today=TODAY,
        )
    fields = failure.value.fields
    assert {"reviewed_on", "rating", "goal_attainment", "cost_outcome", "reported_to"} <= set(
        fields
    )
    assert "answers-carrier_left-answer" in fields
    assert "answers" in fields


def test_only_editors_of_a_party_may_record(session, factory):
    agreement = factory.agreement(phase="active")
    outsider = factory.user("editor", "0180")
    reader = factory.user("reader", "2021")
    for user in (outsider, reader):
        with pytest.raises(PermissionDenied):
            create_review(session, agreement, _review(), actor=Actor(user, "web"), today=TODAY)


def test_stale_update_is_refused(session, factory):
    agreement = factory.agreement(phase="active")
    review = create_review(session, agreement, _review(), actor=Actor.system(), today=TODAY)
    session.commit()
    version = review.version
    update_review(
        session,
        agreement,
        review,
        _review(rating="yellow", rating_comment="Sämre"),
        expected_version=version,
        actor=Actor.system(),
        today=TODAY,
    )
    session.commit()
    with pytest.raises(StaleVersion) as stale:
        update_review(
            session,
            agreement,
            review,
            _review(),
            expected_version=version,
            actor=Actor.system(),
            today=TODAY,
        )
    assert stale.value.current["rating"] == "yellow"


def test_next_review_uses_the_latest_review(session, factory):
    agreement = factory.agreement(phase="active", start_on="2024-01-31", review_interval_months=12)
    today = date(2026, 1, 15)
    derived = derived_dates_for(session, [agreement], today)[agreement.id]
    assert derived.next_review_on == date(2025, 1, 31)  # start + interval, no review yet
    assert derived.latest_review is None

    create_review(
        session, agreement, _review(reviewed_on="2025-02-28"), actor=Actor.system(), today=TODAY
    )
    session.commit()
    derived = derived_dates_for(session, [agreement], today)[agreement.id]
    assert derived.next_review_on == date(2026, 2, 28)  # last + 12 months (month end kept)

    create_review(
        session,
        agreement,
        _review(
            reviewed_on="2025-11-30", rating="red", rating_comment="x", next_review_on="2026-02-01"
        ),
        actor=Actor.system(),
        today=TODAY,
    )
    session.commit()
    derived = derived_dates_for(session, [agreement], today)[agreement.id]
    assert derived.next_review_on == date(2026, 2, 1)  # the explicit date wins
    assert derived.latest_review.rating == "red"


def test_latest_reviews_is_one_query_for_any_number_of_agreements(session, factory):
    agreements = [factory.agreement(phase="active") for _ in range(6)]
    for number, agreement in enumerate(agreements):
        for day in (1, 2):
            create_review(
                session,
                agreement,
                _review(
                    reviewed_on=f"2026-0{day}-1{number}",
                    rating="green" if day == 1 else "yellow",
                    rating_comment="ok",
                ),
                actor=Actor.system(),
                today=TODAY,
            )
    session.commit()
    ids = [a.id for a in agreements]
    session.expunge_all()
    with counted_statements() as statements:
        latest = latest_reviews(session, ids)
    assert len(statements) == 1
    assert {r.rating for r in latest.values()} == {"yellow"}
    assert len(latest) == 6


def test_a_review_cannot_be_dated_after_today(session, factory):
    agreement = factory.agreement(phase="active")
    with pytest.raises(ValidationFailed) as failure:
        create_review(
            session, agreement, _review(reviewed_on="2026-04-16"), actor=Actor.system(), today=TODAY
        )
    assert failure.value.fields["reviewed_on"].startswith("Datum för uppföljningen kan inte")
    review = create_review(
        session, agreement, _review(reviewed_on="2026-04-15"), actor=Actor.system(), today=TODAY
    )
    session.commit()
    with pytest.raises(ValidationFailed) as failure:
        update_review(
            session,
            agreement,
            review,
            _review(reviewed_on="2027-01-01"),
            expected_version=review.version,
            actor=Actor.system(),
            today=TODAY,
        )
    assert "i framtiden" in failure.value.fields["reviewed_on"]
