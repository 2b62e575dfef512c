"""Lower domains re-plan an agreement's reminders through ``core.signals.deadlines_changed``:
the wiring exists on every app, and a review saved on its page or through the API, or an exit
plan's change (``tests/lifecycle/test_exit_follow_through.py``) changes the reminder rows at
once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coop_tracker.core.actor import Actor
from coop_tracker.core.signals import deadlines_changed
from coop_tracker.reminders.models import Reminder
from coop_tracker.reminders.planner import plan_reminders
from coop_tracker.reminders.receivers import replan_agreement
from coop_tracker.reviews.services import ReviewInput, create_review
from coop_tracker.routes import signal_receivers
from tests.reminders.conftest import TODAY

REVIEW = {"reviewed_on": "2026-04-10", "rating": "green", "goal_attainment": "met"}


@pytest.fixture(autouse=True)
def fixed_today(frozen_clock):
    frozen_clock.set(TODAY)


def _open_review_rows(session, agreement, *, expire: bool = True) -> int:
    if expire:
        session.expire_all()
    rows = session.scalars(
        select(Reminder).where(
            Reminder.agreement_id == agreement.id,
            Reminder.kind == "review_due",
            Reminder.cancelled_at.is_(None),
        )
    )
    return len(list(rows))


def test_reminders_listen_for_changed_deadlines(app):
    assert (deadlines_changed, replan_agreement) in signal_receivers()
    assert replan_agreement in [ref() for ref in deadlines_changed.receivers.values()]


def test_the_signal_replans_the_agreement_in_the_senders_transaction(session, scenario):
    plan_reminders(session, TODAY)
    session.commit()
    create_review(
        session, scenario.agreement, ReviewInput(**REVIEW), actor=Actor.system(), today=TODAY
    )
    assert _open_review_rows(session, scenario.agreement, expire=False) == 3
    deadlines_changed.send(session, agreement=scenario.agreement, today=TODAY)
    assert _open_review_rows(session, scenario.agreement, expire=False) == 0
    session.rollback()  # the receiver flushed, never committed
    assert _open_review_rows(session, scenario.agreement) == 3


def test_a_review_saved_on_its_page_replans_at_once(client, auth, session, scenario):
    plan_reminders(session, TODAY)
    session.commit()
    assert _open_review_rows(session, scenario.agreement) == 3
    auth.login("anna@vansbro.se")
    response = client.post(f"/agreements/{scenario.agreement.id}/reviews/new", data=REVIEW)
    assert response.status_code == 302
    assert _open_review_rows(session, scenario.agreement) == 0


def test_a_review_posted_through_the_api_replans_at_once(app, session, factory, scenario):
    plan_reminders(session, TODAY)
    session.commit()
    token = factory.token(scenario.vansbro_editor)
    response = app.test_client().post(
        f"/api/v1/agreements/{scenario.agreement.id}/reviews",
        json=REVIEW,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    assert _open_review_rows(session, scenario.agreement) == 0
