"""Exits: notice against the terms, utträde and the role rules, exit plans and their tasks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coop_tracker.agreements.models import Party
from coop_tracker.audit.models import AuditEvent
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.core.errors import (
    DomainError,
    StaleVersion,
    TransitionRefused,
    ValidationFailed,
)
from coop_tracker.lifecycle import plans, services
from coop_tracker.lifecycle.models import Exit, PhaseChange
from coop_tracker.lifecycle.queries import timeline
from tests.lifecycle_support import SYSTEM, TODAY, activate, adopt, notice, plan_exit

# (form, parties, leaving kommun, do the others go on?)
LEAVING_CASES = [
    (
        "avtalssamverkan",
        [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
        "2026",
        True,
    ),
    ("avtalssamverkan", [("2021", "host"), ("2023", "purchaser")], "2023", False),
    (
        "avtalssamverkan",
        [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
        "2021",
        False,
    ),
    ("gemensam_namnd", [("2062", "host"), ("2034", "member"), ("2039", "member")], "2039", True),
    ("gemensam_namnd", [("2062", "host"), ("2034", "member"), ("2039", "member")], "2062", False),
    ("gemensam_namnd", [("2062", "host"), ("2034", "member")], "2034", False),
    ("kommunalforbund", [("2062", "member"), ("2034", "member"), ("2039", "member")], "2034", True),
    ("kommunalforbund", [("2062", "member"), ("2034", "member")], "2034", False),
    ("asymmetrisk", [("2062", "host"), ("2034", "purchaser"), ("2039", "purchaser")], "2039", True),
    (
        "asymmetrisk",
        [("2062", "host"), ("2034", "purchaser"), ("2039", "purchaser")],
        "2062",
        False,
    ),
    ("ovrig", [("2062", "member"), ("2034", "host"), ("2039", "purchaser")], "2034", True),
    ("ovrig", [("2062", "member"), ("2034", "host")], "2034", False),
]


@pytest.mark.parametrize(("form", "parties", "leaving", "goes_on"), LEAVING_CASES)
def test_role_rules_after_a_party_leaves(factory, session, form, parties, leaving, goes_on):
    agreement = factory.agreement(parties, form=form)
    party = agreement.party_for(leaving)
    assert (services.remaining_role_errors(agreement, party) == []) is goes_on


@pytest.mark.parametrize(("form", "parties", "leaving", "goes_on"), LEAVING_CASES)
def test_utträde_keeps_the_agreement_active_only_when_the_rules_hold(
    factory, session, form, parties, leaving, goes_on
):
    agreement = activate(session, factory.agreement(parties, form=form))
    party = agreement.party_for(leaving)
    data = notice(agreement, scope="party", leaving_party_id=party.id, notice_party_id=party.id)
    plan = plan_exit(session, agreement, data)
    outcome = adopt(session, plan, "2026-03-02")
    if goes_on:
        assert agreement.phase == "active"
        assert plan.scope == "party"
        assert "Samverkan fortsätter med" in outcome.messages[0]
    else:
        assert agreement.phase == "exiting"
        assert plan.scope == "agreement"
        if form == "kommunalforbund":
            assert plan.kind == "liquidation"
            assert "Förbundet går därför i likvidation" in outcome.messages[0]
        else:
            assert plan.kind == "ending"
            assert "Hela samverkan går därför till avveckling" in outcome.messages[0]
        change = session.scalars(select(PhaseChange)).all()[-1]
        assert change.to_phase == "exiting" and change.exit_id == plan.id


def test_a_leaving_party_keeps_its_row_and_history(factory, session):
    agreement = activate(
        session,
        factory.agreement([("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")]),
    )
    gagnef = agreement.party_for("2026")
    data = notice(
        agreement,
        scope="party",
        leaving_party_id=gagnef.id,
        notice_party_id=gagnef.id,
        effective_on="2026-12-31",
    )
    plan = plan_exit(session, agreement, data)
    adopt(session, plan, "2026-03-02")
    # Tasks: the leaver takes the task back; the host hands over; the other purchaser stays.
    kinds_for = {}
    for task in plan.tasks:
        kinds_for.setdefault(task.party_id, set()).add(task.kind)
    assert {"mbl", "decision", "notice", "take-back", "it-data"} <= kinds_for[gagnef.id]
    assert {"delegation", "taxa", "supervisors", "personal-data"} <= kinds_for[gagnef.id]
    host = agreement.party_for("2021")
    assert {"scale-down", "staff-transfer", "records-handover", "personal-data"} <= (
        kinds_for[host.id]
    )
    assert agreement.party_for("2023").id not in kinds_for
    required = [t for t in plan.tasks if t.is_required]
    with pytest.raises(TransitionRefused) as refused:
        services.complete_exit(
            session, plan, expected_version=plan.version, actor=SYSTEM, today=TODAY
        )
    items = session.scalars(select(ChecklistItem).where(ChecklistItem.exit_id == plan.id)).all()
    open_required = [i for i in items if i.is_required]
    assert len(refused.value.reasons) == len(required) + len(open_required)
    for task in plan.tasks:
        task.status = "done"
    for item in items:
        item.status = "done"
    services.complete_exit(session, plan, expected_version=plan.version, actor=SYSTEM, today=TODAY)
    session.commit()
    assert session.get(Party, gagnef.id).left_on == date(2026, 12, 31)
    assert len(agreement.parties) == 3 and len(agreement.current_parties) == 2
    assert agreement.phase == "active"
    titles = [e.title for e in timeline(session, agreement)]
    assert "Gagnef lämnade samverkan" in titles
    assert "Gagnef sade upp samverkan" in titles
    leave = session.scalars(select(AuditEvent).where(AuditEvent.action == "leave")).one()
    assert leave.changes == {"left_on": [None, "2026-12-31"]}


def test_late_notice_is_allowed_but_flagged(factory, session):
    # Tacit renewal: term ends 2027-12-31, 12 months' notice -> deadline 2026-12-31.
    agreement = activate(
        session,
        factory.agreement(
            end_on="2027-12-31", renewal="tacit", renewal_months="12", notice_months="12"
        ),
    )
    on_time = services.create_exit(
        session,
        agreement,
        notice(agreement, notice_given_on="2026-12-01", effective_on="2027-12-31"),
        actor=SYSTEM,
        today=TODAY,
    )
    assert not on_time.exit.is_notice_late and on_time.warnings == []
    plans.delete_exit(session, on_time.exit, expected_version=on_time.exit.version, actor=SYSTEM)
    late = services.create_exit(
        session,
        agreement,
        notice(agreement, notice_given_on="2027-02-01", effective_on="2027-12-31"),
        actor=SYSTEM,
        today=TODAY,
    )
    assert late.exit.is_notice_late
    assert late.exit.earliest_end_on == date(2028, 12, 31)
    assert "tidigast upphöra 2028-12-31" in late.warnings[0]


def test_a_draft_needs_no_notice_but_adoption_does(factory, session):
    agreement = activate(session, factory.agreement())
    plan = plan_exit(session, agreement, services.ExitInput(scope="agreement"))
    assert plan.status == "draft" and plan.title.startswith("Avveckling av ")
    assert agreement.phase == "active"
    with pytest.raises(ValidationFailed) as failed:
        adopt(session, plan, "")
    assert set(failed.value.fields) == {
        "adopted_on",
        "notice_party_id",
        "notice_given_on",
        "effective_on",
    }


def test_exit_validation_names_each_field(factory, session):
    agreement = activate(session, factory.agreement())
    with pytest.raises(ValidationFailed) as failed:
        services.create_exit(
            session,
            agreement,
            services.ExitInput(
                scope="party",
                notice_party_id=999999,
                notice_given_on="2026-05-01",
                effective_on="2026-04-01",
                transition_starts_on="2026-02-30",
            ),
            actor=SYSTEM,
            today=TODAY,
        )
    assert set(failed.value.fields) == {
        "leaving_party_id",
        "notice_party_id",
        "effective_on",
        "transition_starts_on",
    }


def test_one_open_plan_per_scope(factory, session):
    agreement = activate(session, factory.agreement())
    services.create_exit(session, agreement, notice(agreement), actor=SYSTEM, today=TODAY)
    with pytest.raises(ValidationFailed) as failed:
        services.create_exit(session, agreement, notice(agreement), actor=SYSTEM, today=TODAY)
    assert "scope" in failed.value.fields


def test_no_exit_plan_for_a_planned_agreement(factory, session):
    agreement = factory.agreement()
    with pytest.raises(DomainError):
        services.create_exit(session, agreement, notice(agreement), actor=SYSTEM, today=TODAY)


def test_tasks_per_role_of_a_whole_exit(factory, session):
    agreement = activate(
        session,
        factory.agreement(
            [("2062", "host"), ("2034", "member"), ("2039", "member")], form="gemensam_namnd"
        ),
    )
    plan = plan_exit(session, agreement)
    by_party = {}
    for task in plan.tasks:
        by_party.setdefault(task.party_id, []).append(task)
    host, orsa = agreement.party_for("2062"), agreement.party_for("2034")
    host_titles = [t.title for t in by_party[host.id]]
    assert any(t.startswith("Avveckla verksamheten för de andra") for t in host_titles)
    assert not any(t.startswith("Bygg upp") for t in host_titles)
    assert any(
        t.startswith("Bygg upp egen verksamhet") for t in (x.title for x in by_party[orsa.id])
    )
    joint = by_party[None]
    assert {t.kind for t in joint} == {
        "transition-group",
        "contracts",
        "assets-debts",
        "communication",
    }
    # Due dates follow the plan: the party giving notice decides two weeks before it, the others
    # by the start of the transition; the rest by the end of the transition.
    assert next(t for t in by_party[host.id] if t.kind == "decision").due_on == date(2026, 2, 15)
    decision = next(t for t in by_party[orsa.id] if t.kind == "decision")
    assert decision.due_on == date(2026, 6, 1)
    assert next(t for t in by_party[orsa.id] if t.kind == "it-data").due_on == date(2027, 12, 31)


def test_task_update_refuses_a_stale_version(factory, session):
    agreement = activate(session, factory.agreement())
    plan = plan_exit(session, agreement)
    task = plan.tasks[0]
    data = services.TaskInput.from_task(task)
    data.status = "done"
    data.owner_name = "Eva Lund"
    services.update_task(
        session, task, data, expected_version=task.version, actor=SYSTEM, today=TODAY
    )
    assert task.done_on == TODAY and task.done_by_name == "Kommandorad"
    with pytest.raises(StaleVersion):
        services.update_task(session, task, data, expected_version=1, actor=SYSTEM, today=TODAY)


def test_a_draft_is_deleted_not_withdrawn(factory, session):
    agreement = activate(session, factory.agreement())
    plan = plan_exit(session, agreement)
    with pytest.raises(DomainError, match="Ta bort utkastet"):
        services.withdraw_exit(
            session, plan, expected_version=plan.version, reason="x", actor=SYSTEM, today=TODAY
        )
    plan_id = plan.id
    assert session.scalars(select(ChecklistItem).where(ChecklistItem.exit_id == plan_id)).all()
    plans.delete_exit(session, plan, expected_version=plan.version, actor=SYSTEM)
    session.commit()
    assert session.get(Exit, plan_id) is None
    assert not session.scalars(select(ChecklistItem).where(ChecklistItem.exit_id == plan_id)).all()
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "exit")).all()[-1]
    assert event.action == "delete" and agreement.phase == "active"


def test_an_adopted_plan_is_withdrawn_not_deleted(factory, session):
    agreement = activate(session, factory.agreement())
    plan = plan_exit(session, agreement)
    adopt(session, plan, "2026-03-01")
    assert agreement.phase == "exiting"
    with pytest.raises(DomainError, match="återkallas"):
        plans.delete_exit(session, plan, expected_version=plan.version, actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        services.withdraw_exit(
            session, plan, expected_version=plan.version, reason="", actor=SYSTEM, today=TODAY
        )
    services.withdraw_exit(
        session,
        plan,
        expected_version=plan.version,
        reason="Parterna kom överens om att fortsätta",
        actor=SYSTEM,
        today=TODAY,
    )
    assert plan.status == "withdrawn" and agreement.phase == "active"


def test_an_exit_cannot_be_adopted_with_a_future_decision_date(factory, session):
    agreement = activate(session, factory.agreement())
    plan = plan_exit(session, agreement)
    with pytest.raises(ValidationFailed) as failed:
        adopt(session, plan, "2026-03-03")
    assert "ligger i framtiden" in failed.value.fields["adopted_on"]
