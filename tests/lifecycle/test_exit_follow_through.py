"""An exit plan that follows what happens: task dates follow a changed notice date, a party's
decision ticks its decision task, and reminders change the moment a notice is recorded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.lifecycle import services
from coop_tracker.lifecycle.services import ExitInput, TaskInput
from coop_tracker.reminders.deadlines import deadlines_for
from coop_tracker.reminders.models import Kind, Reminder
from coop_tracker.reminders.planner import plan_reminders
from tests.lifecycle_support import SYSTEM, TODAY, active_forbund, adopt, decide, utträde


def _task(plan, kind, party_id):
    return next(t for t in plan.tasks if t.kind == kind and t.party_id == party_id)


def test_task_dates_follow_a_changed_notice_date_but_keep_a_date_typed_by_hand(factory, session):
    agreement = active_forbund(factory, session)
    plan = utträde(session, agreement, "2021")
    vansbro = agreement.party_for("2021").id
    assert _task(plan, "notice", vansbro).due_on == date(2026, 6, 30)
    assert _task(plan, "decision", vansbro).due_on == date(2026, 6, 16)
    # The planner types a date of their own on the MBL task.
    mbl = _task(plan, "mbl", vansbro)
    typed = TaskInput.from_task(mbl)
    typed.due_on = "2026-04-15"
    services.update_task(
        session, mbl, typed, expected_version=mbl.version, actor=SYSTEM, today=TODAY
    )
    # Vansbro's KF meets later than planned: the notice moves to 2026-09-30.
    data = ExitInput.from_exit(plan)
    data.notice_given_on = "2026-09-30"
    services.update_exit(
        session, plan, data, expected_version=plan.version, actor=SYSTEM, today=TODAY
    )
    assert _task(plan, "notice", vansbro).due_on == date(2026, 9, 30)
    # The decision comes before the notice: justering and anslag take two weeks.
    assert _task(plan, "decision", vansbro).due_on == date(2026, 9, 16)
    assert _task(plan, "mbl", vansbro).due_on == date(2026, 4, 15)  # typed by hand: kept


def test_recording_a_decision_ticks_that_partys_decision_task(factory, session):
    agreement = active_forbund(factory, session)
    plan = utträde(session, agreement, "2021")
    vansbro, leksand = agreement.party_for("2021"), agreement.party_for("2029")
    decide(
        session, plan, vansbro, body="Kommunfullmäktige", decided_on="2026-02-23", paragraph="§ 12"
    )
    decision = _task(plan, "decision", vansbro.id)
    assert decision.status == "done" and decision.done_on == date(2026, 2, 23)
    assert "Kommunfullmäktige, 2026-02-23, § 12" in decision.note
    # Leksand stays: its decision is adopting the amended förbundsordning.
    decide(session, plan, leksand, body="Kommunfullmäktige", decided_on="2026-03-02")
    assert _task(plan, "amend-charter", leksand.id).status == "done"
    # The others' tasks are untouched.
    assert _task(plan, "amend-charter", agreement.party_for("2031").id).status == "open"
    assert _task(plan, "mbl", vansbro.id).status == "open"
    logged = session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "exit_task", AuditEvent.action == "update"
        )
    ).all()
    assert len(logged) == 2


def test_a_planned_notice_keeps_the_reminders_and_a_given_one_stops_them_at_once(factory, session):
    today = date(2026, 12, 7)
    factory.user("editor", "2021", email="karin@vansbro.se")
    factory.user("editor", "2029", email="lars@leksand.se")
    agreement = active_forbund(
        factory,
        session,
        start_on="2024-01-01",
        end_on="2027-12-31",
        term="renewing",
        renewal_months=12,
        notice_months=12,
    )
    # A draft with a notice date still ahead is a plan, not a notice.
    plan = utträde(
        session,
        agreement,
        "2021",
        notice_given_on="2026-12-20",
        effective_on="2027-12-31",
        transition_starts_on="2027-01-01",
    )
    _, found = deadlines_for(session, today, agreement_ids=[agreement.id])
    decide_by = {d.municipality_code for d in found if d.kind == Kind.DECIDE_BY}
    assert "2021" in decide_by
    plan_reminders(session, today)
    session.commit()
    vansbro_rows = session.scalars(
        select(Reminder).where(
            Reminder.kind == Kind.DECIDE_BY,
            Reminder.recipient_email == "karin@vansbro.se",
            Reminder.cancelled_at.is_(None),
        )
    ).all()
    assert vansbro_rows  # a real reminder waits for Vansbro
    # The notice is given and the plan adopted: Vansbro's notice reminders are cancelled in
    # the same transaction, before any e-mail sweep can send one.
    data = ExitInput.from_exit(plan)
    data.notice_given_on = "2026-12-04"
    data.transition_starts_on = "2026-12-07"
    services.update_exit(
        session, plan, data, expected_version=plan.version, actor=SYSTEM, today=today
    )
    adopt(session, plan, "2026-12-03", today=today)
    session.commit()
    for row in vansbro_rows:
        session.refresh(row)
        assert row.cancelled_at is not None
    _, found = deadlines_for(session, today, agreement_ids=[agreement.id])
    assert "2021" not in {d.municipality_code for d in found if d.kind == Kind.DECIDE_BY}
    # Every member hears of the milestones, not only the one leaving: the others amend the
    # förbundsordning before it takes effect.
    milestones = [d for d in found if d.kind == Kind.EXIT_MILESTONE]
    assert milestones and {d.municipality_code for d in milestones} == {None}
    assert {d.detail for d in milestones} == {"Vansbro har sagt upp – utträder 2027-12-31."}
    leksand = session.scalars(
        select(Reminder).where(
            Reminder.kind == Kind.EXIT_MILESTONE, Reminder.recipient_email == "lars@leksand.se"
        )
    ).all()
    assert leksand
