"""Exit kinds: utträde, avveckling and likvidation, with tasks by side and each plan's own list;
planners own the plan (own tasks, not applicable with a reason, decisions, övergångsavtal)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.core.errors import DomainError, StaleVersion, TransitionRefused, ValidationFailed
from coop_tracker.lifecycle import plans, services
from coop_tracker.lifecycle.services import TaskInput
from tests.lifecycle_support import (
    SYSTEM,
    TODAY,
    activate,
    active_forbund,
    adopt,
    decide,
    notice,
    plan_exit,
    utträde,
)


def _livsmedel_with_two_purchasers(factory, session):
    """An active avtalssamverkan on livsmedelskontroll: Vansbro hosts Malung-Sälen and Gagnef."""
    return activate(
        session,
        factory.agreement(
            [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
            areas=["livsmedelskontroll"],
        ),
    )


def _items(session, plan):
    return session.scalars(select(ChecklistItem).where(ChecklistItem.exit_id == plan.id)).all()


def test_vansbro_leaving_a_five_member_förbund(factory, session):
    agreement = active_forbund(factory, session)
    plan = utträde(session, agreement, "2021")
    vansbro = agreement.party_for("2021")
    remaining = [p for p in agreement.parties if p.id != vansbro.id]
    by_party: dict[int | None, dict[str, object]] = {}
    for task in plan.tasks:
        by_party.setdefault(task.party_id, {})[task.kind] = task

    # Vansbro negotiates (MBL 11 §) and decides before its notice, then gives notice.
    own = by_party[vansbro.id]
    assert {"mbl", "decision", "notice", "take-back"} <= set(own)
    assert own["mbl"].due_on < own["decision"].due_on < date(2026, 6, 30)
    assert own["decision"].title.startswith("Beslut i fullmäktige om utträde")
    assert "11 §" in own["mbl"].legal_source
    assert own["notice"].due_on == date(2026, 6, 30)
    # Each of the four that stay adopts the amended förbundsordning, and receives no archive.
    for party in remaining:
        kinds = set(by_party[party.id])
        assert kinds == {"amend-charter"}, (party.municipality.name, kinds)
        assert "9 kap. 6 §" in by_party[party.id]["amend-charter"].legal_source
    # The förbund's money: eget kapital, pensions (with the ansvarsförbindelse), shortfall.
    joint = by_party[None]
    assert {"equity-share", "pensions", "shortfall", "staff-transfer"} <= set(joint)
    assert "1998" in joint["pensions"].title
    assert "6 b §" in joint["staff-transfer"].legal_source

    # The plan's own checklist: the förbund withdrawal list, amended charter per remaining member.
    items = _items(session, plan)
    keys = {(i.key, i.party_id) for i in items}
    for party in remaining:
        assert ("exit-kommunalforbund/amended-charter", party.id) in keys
    assert ("exit-kommunalforbund/amended-charter", vansbro.id) not in keys
    assert ("exit-withdrawal/leaving-mbl", vansbro.id) in keys
    assert not any(k.startswith("exit-likvidation/") for k, _p in keys)

    # Adopted, the plan cannot complete while required tasks or items are open.
    adopt(session, plan, "2026-06-30", today=date(2026, 7, 1))
    assert agreement.phase == "active" and plan.kind == "withdrawal"
    with pytest.raises(TransitionRefused) as refused:
        services.complete_exit(
            session, plan, expected_version=plan.version, actor=SYSTEM, today=date(2026, 7, 1)
        )
    reasons = " ".join(refused.value.reasons)
    assert "Anta den ändrade förbundsordningen i fullmäktige" in reasons
    assert "eget kapital" in reasons and "ansvarsförbindelsen" in reasons
    assert "Den ändrade förbundsordningen är antagen av kommunfullmäktige" in reasons
    assert "(förbundet) är inte klar" in reasons and "(gemensamt)" not in reasons


def test_a_second_utträde_gets_its_own_list(factory, session):
    agreement = active_forbund(factory, session)
    vansbro_plan = utträde(session, agreement, "2021")
    gagnef_plan = utträde(session, agreement, "2026")
    assert vansbro_plan.id != gagnef_plan.id
    vansbro_items, gagnef_items = _items(session, vansbro_plan), _items(session, gagnef_plan)
    assert vansbro_items and gagnef_items
    assert not {i.id for i in vansbro_items} & {i.id for i in gagnef_items}
    gagnef = agreement.party_for("2026")
    assert any(
        i.key == "exit-withdrawal/leaving-decision" and i.party_id == gagnef.id
        for i in gagnef_items
    )
    # The same party cannot have two open utträden.
    with pytest.raises(ValidationFailed) as failed:
        utträde(session, agreement, "2026")
    assert "leaving_party_id" in failed.value.fields


def test_a_förbund_left_with_one_member_goes_into_likvidation(factory, session):
    agreement = active_forbund(factory, session, [("2021", "member"), ("2023", "member")])
    plan = utträde(session, agreement, "2021")
    assert plan.kind == "withdrawal"
    outcome = adopt(session, plan, "2026-06-30", today=date(2026, 7, 1))
    assert plan.kind == "liquidation" and plan.scope == "agreement"
    assert agreement.phase == "exiting"
    assert "likvidation" in outcome.messages[0]
    kinds = {t.kind for t in plan.tasks}
    assert {"liquidator", "pay-debts", "distribute", "final-report", "archive"} <= kinds
    assert {"contracts-org", "pensions"} <= kinds
    assert "amend-charter" not in kinds  # nobody stays to amend it
    keys = {i.key for i in _items(session, plan)}
    assert "exit-likvidation/final-report" in keys and "exit-likvidation/archive" in keys
    assert not any(k.startswith("exit-kommunalforbund/") for k in keys)
    # The agreement cannot end before the likvidation list is done.
    refused = services.unmet_conditions(
        session, agreement, services.TRANSITIONS[("exiting", "ended")], TODAY
    )
    assert any("slutredovisning" in r.lower() for r in refused)


def test_avtalssamverkan_exit_lists_delegation_taxa_and_personal_data(factory, session):
    agreement = _livsmedel_with_two_purchasers(factory, session)
    plan = utträde(session, agreement, "2026")
    gagnef, host = agreement.party_for("2026"), agreement.party_for("2021")
    kinds = {(t.kind, t.party_id) for t in plan.tasks}
    for kind in ("delegation", "taxa", "supervisors", "personal-data"):
        assert (kind, gagnef.id) in kinds
    assert ("pending-cases", host.id) in kinds and ("personal-data", host.id) in kinds
    assert ("decision", gagnef.id) in kinds
    decision = next(t for t in plan.tasks if t.kind == "decision")
    assert decision.title.startswith("Beslut i behörigt organ")
    keys = {(i.key, i.party_id) for i in _items(session, plan)}
    assert ("exit-avtalssamverkan/delegation-revoked", gagnef.id) in keys
    assert ("exit-avtalssamverkan/taxa", gagnef.id) in keys
    assert ("exit-avtalssamverkan/personal-data", None) in keys
    # The purchaser that stays gets none of it.
    assert not any(pid == agreement.party_for("2023").id for _k, pid in keys)


@pytest.mark.parametrize(
    ("form", "parties", "kind", "field_error"),
    [
        ("avtalssamverkan", [("2021", "host"), ("2023", "purchaser")], "liquidation", True),
        ("kommunalforbund", [("2021", "member"), ("2023", "member")], "ending", True),
        ("kommunalforbund", [("2021", "member"), ("2023", "member")], "liquidation", False),
        ("gemensam_namnd", [("2021", "host"), ("2023", "member")], "ending", False),
        ("avtalssamverkan", [("2021", "host"), ("2023", "purchaser")], "nonsense", True),
    ],
)
def test_the_kind_must_fit_the_form(factory, session, form, parties, kind, field_error):
    agreement = activate(session, factory.agreement(parties, form=form))
    if field_error:
        with pytest.raises(ValidationFailed) as failed:
            services.create_exit(
                session, agreement, notice(agreement, kind=kind), actor=SYSTEM, today=TODAY
            )
        assert "kind" in failed.value.fields
    else:
        plan = plan_exit(session, agreement, notice(agreement, kind=kind))
        assert plan.kind == kind and plan.scope == "agreement"


def test_gemensam_namnd_utträde_amends_reglemente_for_those_staying(factory, session):
    agreement = activate(
        session,
        factory.agreement(
            [("2021", "host"), ("2023", "member"), ("2026", "member")], form="gemensam_namnd"
        ),
    )
    plan = utträde(session, agreement, "2026")
    by_kind: dict[str, set[int | None]] = {}
    for task in plan.tasks:
        by_kind.setdefault(task.kind, set()).add(task.party_id)
    staying = {agreement.party_for("2021").id, agreement.party_for("2023").id}
    assert by_kind["amend-rules"] == staying
    keys = {(i.key, i.party_id) for i in _items(session, plan)}
    for pid in staying:
        assert ("exit-gemensam_namnd-withdrawal/amended-rules", pid) in keys


def test_changing_the_leaving_party_rebuilds_the_plan_but_keeps_work_done(factory, session):
    agreement = active_forbund(factory, session)
    plan = utträde(session, agreement, "2021")
    vansbro, gagnef = agreement.party_for("2021"), agreement.party_for("2026")
    mbl = next(t for t in plan.tasks if t.kind == "mbl")
    data = TaskInput.from_task(mbl)
    data.status = "done"
    services.update_task(
        session, mbl, data, expected_version=mbl.version, actor=SYSTEM, today=TODAY
    )
    edited = services.ExitInput.from_exit(plan)
    edited.leaving_party_id = gagnef.id
    edited.notice_party_id = gagnef.id
    services.update_exit(
        session, plan, edited, expected_version=plan.version, actor=SYSTEM, today=TODAY
    )
    assert ("mbl", gagnef.id) in {(t.kind, t.party_id) for t in plan.tasks}
    assert mbl in plan.tasks  # done work is kept
    assert ("amend-charter", vansbro.id) in {(t.kind, t.party_id) for t in plan.tasks}
    assert ("amend-charter", gagnef.id) not in {(t.kind, t.party_id) for t in plan.tasks}
    keys = {(i.key, i.party_id) for i in _items(session, plan)}
    assert ("exit-withdrawal/leaving-mbl", gagnef.id) in keys
    assert ("exit-withdrawal/leaving-mbl", vansbro.id) not in keys


# --------------------------------------------------------------------------- planners own it


def test_own_tasks_added_changed_and_removed(factory, session):
    agreement = active_forbund(factory, session)
    plan = utträde(session, agreement, "2021")
    with pytest.raises(ValidationFailed) as failed:
        plans.add_task(session, plan, TaskInput(title=""), actor=SYSTEM, today=TODAY)
    assert "title" in failed.value.fields
    task = plans.add_task(
        session,
        plan,
        TaskInput(
            title="Säg upp hyresavtalet för brandstationen",
            party_id=agreement.party_for("2021").id,
            due_on="2027-06-30",
            is_required=True,
        ),
        actor=SYSTEM,
        today=TODAY,
    )
    assert task.is_custom and task.is_required and task in plan.tasks
    data = TaskInput.from_task(task)
    data.title = "Säg upp hyresavtalet för brandstationen i Vansbro"
    services.update_task(
        session, task, data, expected_version=task.version, actor=SYSTEM, today=TODAY
    )
    assert task.title.endswith("i Vansbro")
    generated = next(t for t in plan.tasks if t.kind == "mbl")
    with pytest.raises(DomainError, match="inte tillämplig"):
        plans.remove_task(session, generated, expected_version=generated.version, actor=SYSTEM)
    with pytest.raises(StaleVersion):
        plans.remove_task(session, task, expected_version=99, actor=SYSTEM)
    plans.remove_task(session, task, expected_version=task.version, actor=SYSTEM)
    assert task not in plan.tasks


def test_not_applicable_needs_a_reason(factory, session):
    agreement = active_forbund(factory, session)
    plan = utträde(session, agreement, "2021")
    task = next(t for t in plan.tasks if t.kind == "shortfall")
    data = TaskInput.from_task(task)
    data.status = "not_applicable"
    with pytest.raises(ValidationFailed) as failed:
        services.update_task(
            session, task, data, expected_version=task.version, actor=SYSTEM, today=TODAY
        )
    assert "not_applicable_reason" in failed.value.fields
    data.not_applicable_reason = "Förbundet har inget underskott enligt bokslutet 2025."
    services.update_task(
        session, task, data, expected_version=task.version, actor=SYSTEM, today=TODAY
    )
    assert task.is_resolved and task.not_applicable_reason.startswith("Förbundet har")


def test_each_party_records_its_own_decision(factory, session):
    agreement = active_forbund(factory, session)
    plan = utträde(session, agreement, "2021")
    vansbro, leksand = agreement.party_for("2021"), agreement.party_for("2029")
    with pytest.raises(ValidationFailed) as failed:
        decide(session, plan, vansbro, body="", decided_on="2026-03-03")
    assert set(failed.value.fields) == {"body", "decided_on"}
    assert "framtiden" in failed.value.fields["decided_on"]
    decision = decide(
        session,
        plan,
        vansbro,
        body="Kommunfullmäktige",
        decided_on="2026-02-23",
        paragraph="§ 12",
        case_number="KS 2025/311",
    )
    decide(session, plan, leksand, body="Kommunfullmäktige", decided_on="2026-03-02")
    assert {d.party_id for d in plan.decisions} == {vansbro.id, leksand.id}
    with pytest.raises(StaleVersion):
        decide(
            session,
            plan,
            vansbro,
            expected_version=99,
            body="Kommunfullmäktige",
            decided_on="2026-02-24",
        )
    decide(
        session,
        plan,
        vansbro,
        expected_version=decision.version,
        body="Kommunfullmäktige",
        decided_on="2026-02-24",
        paragraph="§ 13",
    )
    assert (decision.decided_on, decision.paragraph) == (date(2026, 2, 24), "§ 13")


def test_an_övergångsavtal_is_created_prefilled_and_linked(factory, session):
    agreement = _livsmedel_with_two_purchasers(factory, session)
    plan = utträde(session, agreement, "2026")
    created = plans.create_transition_agreement(session, plan, actor=SYSTEM, today=TODAY)
    assert plan.transition_agreement_id == created.id
    assert created.phase == "planned" and created.form == "avtalssamverkan"
    assert {(p.municipality_code, p.role) for p in created.parties} == {
        ("2021", "host"),
        ("2026", "purchaser"),
    }
    assert [a.slug for a in created.areas] == ["livsmedelskontroll"]
    assert created.start_on == date(2027, 12, 31)
    assert plan.title in created.internal_note
    with pytest.raises(DomainError, match="redan"):
        plans.create_transition_agreement(session, plan, actor=SYSTEM, today=TODAY)
    forbund = active_forbund(factory, session)
    forbund_plan = utträde(session, forbund, "2021")
    with pytest.raises(DomainError, match="organisation samverkan bildar"):
        plans.create_transition_agreement(session, forbund_plan, actor=SYSTEM, today=TODAY)
    # With the förbund registered as the organisation the agreement forms, the förbund
    # delivers to Vansbro after the utträde.
    from coop_tracker.organisations.services import OrganisationInput, create_organisation

    forbund.body_organisation = create_organisation(
        session,
        OrganisationInput(kind="forbund", name="Räddningstjänstförbundet Västra Dalarna"),
        actor=SYSTEM,
    )
    session.flush()
    bridge = plans.create_transition_agreement(session, forbund_plan, actor=SYSTEM, today=TODAY)
    assert [(p.name, p.role) for p in bridge.parties] == [
        ("Räddningstjänstförbundet Västra Dalarna", "host"),
        ("Vansbro", "purchaser"),
    ]
    assert bridge.title.startswith("Övergångsavtal: Räddningstjänstförbundet Västra Dalarna")
    assert session.scalar(select(Agreement).where(Agreement.id == created.id)) is not None


def test_a_new_exit_template_version_is_offered_to_open_plans(factory, session):
    import dataclasses

    from coop_tracker.checklists import templates, versions

    agreement = active_forbund(factory, session)
    plan = utträde(session, agreement, "2021")
    assert not versions.update_available(session, agreement)
    files = templates.load_template_files()
    withdrawal = next(f for f in files if f.key == "exit-withdrawal")
    reworded = dict(withdrawal.items[0], text_sv="MBL-förhandlingen är klar före beslutet")
    changed = dataclasses.replace(withdrawal, items=(reworded, *withdrawal.items[1:]))
    assert templates.seed_checklist_templates(session, actor=SYSTEM, files=[changed]).created == 1
    assert versions.update_available(session, agreement)
    vansbro = agreement.party_for("2021")
    item = next(
        i
        for i in _items(session, plan)
        if i.key == "exit-withdrawal/leaving-mbl" and i.party_id == vansbro.id
    )
    item.status = "done"
    session.flush()
    result = versions.bring_up_to_date(session, agreement, actor=SYSTEM)
    assert result.updated >= 1
    session.refresh(item)
    assert item.status == "done"  # the answer is kept
    assert item.template_item.text_sv == "MBL-förhandlingen är klar före beslutet"
    assert not versions.update_available(session, agreement)
