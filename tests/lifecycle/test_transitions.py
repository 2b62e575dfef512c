"""The transition table, its gates, overrides and the history each change leaves."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from coop_tracker.agreements.models import Phase
from coop_tracker.audit.models import AuditEvent
from coop_tracker.checklists.models import ChecklistItem, ItemStatus
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, TransitionRefused
from coop_tracker.lifecycle import services
from coop_tracker.lifecycle.models import PhaseChange
from coop_tracker.lifecycle.rules import TRANSITIONS
from tests.lifecycle_support import (
    SYSTEM,
    TODAY,
    activate,
    adopt,
    plan_exit,
    record_decisions,
    resolve_items,
)

ALLOWED = {
    ("planned", "active"),
    ("planned", "abandoned"),
    ("active", "exiting"),
    ("exiting", "active"),
    ("exiting", "ended"),
}
PHASES = [p.value for p in Phase]


def test_the_table_holds_exactly_the_designed_transitions():
    assert set(TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(
    ("start", "end"),
    [pair for pair in itertools.product(PHASES, PHASES) if pair not in ALLOWED],
)
def test_every_pair_outside_the_table_is_refused(factory, session, start, end):
    agreement = factory.agreement()
    agreement.phase = start
    session.commit()
    with pytest.raises(TransitionRefused) as refused:
        services.transition(
            session, agreement, end, actor=SYSTEM, reason="Prov", override=True, today=TODAY
        )
    assert "kan inte gå från" in refused.value.reasons[0]
    assert agreement.phase == start


def test_planned_to_active_when_the_gates_are_met(factory, session):
    agreement = factory.agreement()
    activate(session, agreement)
    assert agreement.phase == "active"
    change = session.scalars(select(PhaseChange)).one()
    assert (change.from_phase, change.to_phase, change.changed_on) == ("planned", "active", TODAY)
    assert change.actor_name == "Kommandorad"
    # Entering active adds the "during" checklist.
    phases = set(session.scalars(select(ChecklistItem.phase)))
    assert phases == {"before", "during"}


def test_planned_to_abandoned_needs_a_reason(factory, session):
    agreement = factory.agreement()
    with pytest.raises(TransitionRefused) as refused:
        services.transition(session, agreement, "abandoned", actor=SYSTEM, today=TODAY)
    assert refused.value.reasons == ["Skriv en motivering för ”Avbryt planeringen”."]
    services.transition(
        session,
        agreement,
        "abandoned",
        actor=SYSTEM,
        reason="Ingen politisk majoritet",
        today=TODAY,
    )
    assert agreement.phase == "abandoned"


def test_active_to_exiting_needs_a_notice_and_then_adds_the_exit_checklist(factory, session):
    agreement = activate(session, factory.agreement())
    with pytest.raises(TransitionRefused) as refused:
        services.transition(session, agreement, "exiting", actor=SYSTEM, today=TODAY)
    assert "Ingen uppsägning är registrerad" in refused.value.reasons[0]
    plan = plan_exit(session, agreement)
    services.transition(session, agreement, "exiting", actor=SYSTEM, today=TODAY)
    assert agreement.phase == "exiting"
    assert (
        session.scalars(select(ChecklistItem).where(ChecklistItem.phase == "exit")).first()
        is not None
    )
    assert plan.tasks  # tasks per party role exist


def test_exiting_back_to_active_only_once_the_notice_is_withdrawn(factory, session):
    agreement = activate(session, factory.agreement())
    plan = plan_exit(session, agreement)
    adopt(session, plan, "2026-03-02")
    assert agreement.phase == "exiting"
    with pytest.raises(TransitionRefused) as refused:
        services.transition(
            session, agreement, "active", actor=SYSTEM, reason="Ändrat oss", today=TODAY
        )
    assert "gäller fortfarande" in refused.value.reasons[0]
    services.withdraw_exit(
        session,
        plan,
        expected_version=plan.version,
        reason="Ny politisk överenskommelse",
        actor=SYSTEM,
        today=TODAY,
    )
    assert agreement.phase == "active"
    last = session.scalars(select(PhaseChange).order_by(PhaseChange.id.desc())).first()
    assert last.to_phase == "active"
    assert "Ny politisk överenskommelse" in last.reason


def test_exiting_to_ended_needs_exit_items_and_a_completed_plan(factory, session):
    agreement = activate(session, factory.agreement())
    plan = plan_exit(session, agreement)
    adopt(session, plan, "2026-03-02")
    with pytest.raises(TransitionRefused) as refused:
        services.transition(session, agreement, "ended", actor=SYSTEM, today=TODAY)
    reasons = refused.value.reasons
    assert any(r.startswith("Avvecklingschecklistan: ”") for r in reasons)
    assert any(r.startswith("Avvecklingsuppgiften ”") for r in reasons)
    assert any("inte markerad som genomförd" in r for r in reasons)
    resolve_items(session, agreement, "exit")
    for task in plan.tasks:
        task.status = "done"
    services.complete_exit(session, plan, expected_version=plan.version, actor=SYSTEM, today=TODAY)
    services.transition(session, agreement, "ended", actor=SYSTEM, today=TODAY)
    assert agreement.phase == "ended"


def test_each_unmet_condition_for_starting_is_named(factory, session):
    agreement = factory.agreement([("2021", "host"), ("2023", "purchaser")])
    with pytest.raises(TransitionRefused) as refused:
        services.transition(session, agreement, "active", actor=SYSTEM, today=TODAY)
    reasons = refused.value.reasons
    assert "Vansbro saknar registrerat beslut (beslutande organ och datum)." in reasons
    assert "Malung-Sälen saknar registrerat beslut (beslutande organ och datum)." in reasons
    required = session.scalars(
        select(ChecklistItem).where(ChecklistItem.is_required.is_(True))
    ).all()
    checklist_reasons = [r for r in reasons if r.startswith("Före-checklistan")]
    assert len(checklist_reasons) == len(required)
    assert any("(Malung-Sälen)" in r for r in checklist_reasons)  # per-party items say whose

    # Fix one thing at a time: each fix removes exactly its reason.
    record_decisions(agreement)
    with pytest.raises(TransitionRefused) as refused:
        services.transition(session, agreement, "active", actor=SYSTEM, today=TODAY)
    assert not any("saknar registrerat beslut" in r for r in refused.value.reasons)
    first = required[0]
    first.status = ItemStatus.NOT_APPLICABLE
    first.not_applicable_reason = "Regleras i ett annat avtal"
    with pytest.raises(TransitionRefused) as refused:
        services.transition(session, agreement, "active", actor=SYSTEM, today=TODAY)
    assert len(refused.value.reasons) == len(required) - 1
    # Optional items never gate.
    for item in required:
        item.status = ItemStatus.DONE
    services.transition(session, agreement, "active", actor=SYSTEM, today=TODAY)
    assert agreement.phase == "active"


def test_a_missing_before_checklist_is_a_reason(factory, session):
    agreement = factory.agreement()
    for item in session.scalars(select(ChecklistItem)).all():
        session.delete(item)
    record_decisions(agreement)
    session.flush()
    with pytest.raises(TransitionRefused) as refused:
        services.transition(session, agreement, "active", actor=SYSTEM, today=TODAY)
    assert refused.value.reasons == ["Före-checklistan saknas. Skapa den under fliken Checklista."]


def test_a_party_that_has_left_does_not_gate(factory, session):
    agreement = factory.agreement([("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")])
    record_decisions(agreement)
    gagnef = agreement.party_for("2026")
    gagnef.decision_body = ""
    gagnef.left_on = TODAY
    items = session.scalars(select(ChecklistItem)).all()
    for item in items:
        if item.party_id != gagnef.id:
            item.status = ItemStatus.DONE
    services.transition(session, agreement, "active", actor=SYSTEM, today=TODAY)
    assert agreement.phase == "active"


def test_admin_override_needs_a_written_reason_and_is_recorded(factory, session):
    admin = factory.user("admin", None)
    actor = Actor(user=admin, source="web")
    agreement = factory.agreement()
    with pytest.raises(TransitionRefused) as refused:
        services.transition(session, agreement, "active", actor=actor, override=True, today=TODAY)
    assert refused.value.reasons == [
        "En administratör som går förbi villkoren måste skriva en motivering."
    ]
    change = services.transition(
        session,
        agreement,
        "active",
        actor=actor,
        override=True,
        reason="Besluten är fattade men inte registrerade än",
        today=TODAY,
    )
    assert agreement.phase == "active"
    assert change.is_override
    assert change.actor_name == admin.name
    assert any("saknar registrerat beslut" in r for r in change.overridden_reasons)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "override_transition")
    ).one()
    assert event.changes["phase"] == ["planned", "active"]
    assert event.actor_name == admin.name


def test_override_when_nothing_is_unmet_is_not_an_override(factory, session):
    admin = factory.user("admin", None)
    agreement = factory.agreement()
    record_decisions(agreement)
    resolve_items(session, agreement, "before")
    change = services.transition(
        session,
        agreement,
        "active",
        actor=Actor(user=admin, source="web"),
        override=True,
        today=TODAY,
    )
    assert not change.is_override


def test_only_admins_may_override_and_only_parties_may_transition(factory, session):
    editor = factory.user("editor", "2021")
    outsider = factory.user("editor", "0180")
    agreement = factory.agreement()
    with pytest.raises(PermissionDenied):
        services.transition(
            session,
            agreement,
            "active",
            actor=Actor(user=editor, source="web"),
            override=True,
            reason="x",
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.transition(
            session,
            agreement,
            "abandoned",
            actor=Actor(user=outsider, source="web"),
            reason="x",
            today=TODAY,
        )


def test_allowed_transitions_for_templates(factory, session):
    editor = factory.user("editor", "2021")
    admin = factory.user("admin", None)
    reader = factory.user("reader", "2021")
    agreement = factory.agreement()
    options = services.allowed_transitions(agreement, editor)
    assert [(o.to_phase, o.needs_reason, o.can_override) for o in options] == [
        ("active", False, False),
        ("abandoned", True, False),
    ]
    assert [o.can_override for o in services.allowed_transitions(agreement, admin)] == [
        True,
        False,
    ]
    assert services.allowed_transitions(agreement, reader) == []
