"""Checklists know an exit plan by its id: lifecycle answers ``exit_plans_wanted`` with the
agreement's plans (``checklists.exits.exit_plans``)."""

from __future__ import annotations

import dataclasses

from coop_tracker.checklists.exits import ExitPlan, exit_plans, open_exit_plans
from coop_tracker.checklists.queries import checklist_sections
from coop_tracker.lifecycle import services
from tests.lifecycle_support import SYSTEM, TODAY, activate, adopt, plan_exit


def test_checklists_see_the_exit_plans_and_which_are_open(factory, session):
    agreement = activate(session, factory.agreement())
    assert exit_plans(session, agreement.id) == []
    plan = plan_exit(session, agreement)
    seen = ExitPlan(
        id=plan.id,
        kind=plan.kind,
        leaving_party_id=plan.leaving_party_id,
        title=plan.title,
        is_open=True,
    )
    assert exit_plans(session, agreement.id) == [seen]
    assert open_exit_plans(session, agreement) == [seen]
    groups = [g for s in checklist_sections(session, agreement) for g in s.groups if g.exit_id]
    assert groups and {g.exit_title for g in groups} == {plan.title}

    adopt(session, plan, "2026-03-01")
    services.withdraw_exit(
        session,
        plan,
        expected_version=plan.version,
        reason="Vi fortsätter",
        actor=SYSTEM,
        today=TODAY,
    )
    assert exit_plans(session, agreement.id) == [dataclasses.replace(seen, is_open=False)]
    assert open_exit_plans(session, agreement) == []
