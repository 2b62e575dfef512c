"""The planner: who gets which reminder rows, idempotence, cancelling when a deadline goes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from coop_tracker.core.actor import Actor
from coop_tracker.reminders.models import OVERDUE, Reminder
from coop_tracker.reminders.planner import plan_reminders
from coop_tracker.reviews.services import ReviewInput, create_review
from tests.reminders.conftest import TODAY


def _rows(session, **where):
    query = select(Reminder).where(*[getattr(Reminder, k) == v for k, v in where.items()])
    return list(session.scalars(query.order_by(Reminder.recipient_email, Reminder.kind)))


def _deadlines(session, email):
    return {
        (r.kind, r.due_on) for r in _rows(session, recipient_email=email) if r.cancelled_at is None
    }


def test_plan_targets_editors_and_opted_in_contacts(session, scenario):
    result = plan_reminders(session, TODAY)
    session.commit()
    assert result.recipients == {"anna@vansbro.se", "bo@malung.se", "cecilia@malung.se"}
    assert _deadlines(session, "anna@vansbro.se") == {
        ("review_due", date(2025, 1, 1)),
        ("notice_deadline", date(2026, 6, 30)),
        ("decide_by", date(2026, 5, 16)),
    }
    # Bo is reminded 7 and 0 days before: only the overdue review is within reach yet.
    assert _deadlines(session, "bo@malung.se") == {("review_due", date(2025, 1, 1))}
    assert _deadlines(session, "cecilia@malung.se") == {
        ("review_due", date(2025, 1, 1)),
        ("notice_deadline", date(2026, 6, 30)),
        ("decide_by", date(2026, 5, 16)),
    }
    for email in ("politiker@vansbro.se", "someone@stockholm.se", "tyst@vansbro.se"):
        assert _rows(session, recipient_email=email) == []
    # Decide-by concerns one party: Cecilia's is Malung-Sälen's, Anna's is Vansbro's.
    assert {r.municipality_code for r in _rows(session, kind="decide_by")} == {"2021", "2023"}


def test_lead_rows_ahead_plus_the_one_already_reached(session, scenario):
    plan_reminders(session, TODAY)
    notice = _rows(session, recipient_email="anna@vansbro.se", kind="notice_deadline")
    # 90 days before (2026-04-01) has been reached: sent now; 30, 7 and 0 lie ahead.
    assert sorted((r.lead_days, r.remind_on) for r in notice) == [
        (0, date(2026, 6, 30)),
        (7, date(2026, 6, 23)),
        (30, date(2026, 5, 31)),
        (90, date(2026, 4, 1)),
    ]
    decide = _rows(session, recipient_email="anna@vansbro.se", kind="decide_by")
    # 30 days before is tomorrow; 90 days before has passed and is the one reached now.
    assert sorted(r.lead_days for r in decide) == [OVERDUE, 0, 7, 30, 90]
    review = _rows(session, recipient_email="anna@vansbro.se", kind="review_due")
    assert [(r.lead_days, r.remind_on) for r in review] == [(OVERDUE, date(2025, 1, 2))]


def test_planning_twice_changes_nothing(session, scenario):
    first = plan_reminders(session, TODAY)
    session.commit()
    count = session.scalar(select(func.count()).select_from(Reminder))
    second = plan_reminders(session, TODAY)
    session.commit()
    assert first.inserted == count > 0
    assert (second.inserted, second.cancelled, second.revived) == (0, 0, 0)
    assert session.scalar(select(func.count()).select_from(Reminder)) == count


def test_a_recorded_review_cancels_the_overdue_reminder(session, scenario):
    plan_reminders(session, TODAY)
    session.commit()
    create_review(
        session,
        scenario.agreement,
        ReviewInput(reviewed_on="2026-04-10", rating="green", goal_attainment="met"),
        actor=Actor.system(),
        today=TODAY,
    )
    result = plan_reminders(session, TODAY, agreement_ids=[scenario.agreement.id])
    session.commit()
    assert result.cancelled == 3  # one overdue review row per recipient
    assert ("review_due", date(2025, 1, 1)) not in _deadlines(session, "anna@vansbro.se")
    # The next review (2027-04-10) is a year away: beyond everyone's 90-day reach.
    assert not any(k == "review_due" for k, _ in _deadlines(session, "anna@vansbro.se"))


def test_a_user_who_changes_lead_times_gets_new_rows(session, scenario):
    plan_reminders(session, TODAY)
    scenario.vansbro_editor.reminder_lead_days = "80,14"
    plan_reminders(session, TODAY)
    session.commit()
    open_notice = [
        r.lead_days
        for r in _rows(session, recipient_email="anna@vansbro.se", kind="notice_deadline")
        if r.cancelled_at is None
    ]
    assert sorted(open_notice) == [14, 80]


def test_reminders_are_stored_in_swedish_whoever_plans_them(app, session, scenario):
    """Att göra plans the user's reminders while the page is read: one read in English must
    not store English text (the e-mails are Swedish and the rows would churn)."""
    from flask_babel import force_locale

    from coop_tracker.core.i18n import current_language

    with app.test_request_context(), force_locale("en"):
        assert current_language() == "en"
        plan_reminders(session, TODAY)
    english = {(r.title, r.detail) for r in session.scalars(select(Reminder))}
    session.execute(Reminder.__table__.delete())
    plan_reminders(session, TODAY)
    swedish = {(r.title, r.detail) for r in session.scalars(select(Reminder))}
    assert english == swedish
    assert any(detail for _title, detail in swedish)
