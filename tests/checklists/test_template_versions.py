"""Template versions and agreements: history is respected, changes are listed, many at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.checklists import templates, versions
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.checklists.queries import progress_by_agreement
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError, ValidationFailed
from tests.lifecycle_support import activate


def _add_question(session, actor, key: str, text: str, *, required: bool = True):
    template = templates.current_template(session, key)
    new = templates.save_template_item(
        session,
        template,
        None,
        templates.TemplateItemInput(text_sv=text, text_en=text, is_required=required),
        expected_revision=template.revision,
        actor=actor,
    )
    session.commit()
    return new


def _keys(session, agreement, phase: str) -> set[str]:
    return set(
        session.scalars(
            select(ChecklistItem.key).where(
                ChecklistItem.agreement_id == agreement.id,
                ChecklistItem.phase == phase,
                ChecklistItem.retired_at.is_(None),
            )
        )
    )


@pytest.fixture
def admin_actor(factory):
    return Actor(user=factory.user("admin", None), source="web")


def test_a_running_agreement_gets_new_during_questions_but_no_new_before_gate(
    factory, session, admin_actor
):
    running = activate(session, factory.agreement(title="Löneservice sedan 2014"))
    planned = factory.agreement(title="Planerad e-arkivsamverkan")
    before_progress = progress_by_agreement(session, [running.id])[running.id]["before"]
    assert before_progress.required_open == 0

    _add_question(session, admin_actor, "before", "Riskanalys är gjord")
    _add_question(session, admin_actor, "during", "Dataskyddet är följt upp")

    # The page says what the update would do, and that the new "before" question is not added.
    changes = {c.template.key: c for c in versions.version_changes(session, running)}
    assert [i.text_sv for i in changes["before"].added] == ["Riskanalys är gjord"]
    assert changes["before"].phase_passed is True
    assert [i.text_sv for i in changes["during"].added] == ["Dataskyddet är följt upp"]
    assert changes["during"].phase_passed is False

    result = versions.bring_up_to_date(session, running, actor=admin_actor)
    session.commit()
    assert result.added == 1 and result.not_added == 1
    assert "before/egen-1" not in _keys(session, running, "before")
    assert "during/egen-1" in _keys(session, running, "during")
    progress = progress_by_agreement(session, [running.id])[running.id]
    assert progress["before"].required_open == 0  # no "1 obligatoriska kvar"
    assert not versions.update_available(session, running)
    assert versions.version_changes(session, running) == []

    # A planned agreement has not passed its "before" gate: it gets the new question.
    versions.bring_up_to_date(session, planned, actor=admin_actor)
    session.commit()
    assert "before/egen-1" in _keys(session, planned, "before")


def test_a_kept_before_question_made_required_does_not_gate_a_running_agreement(
    factory, session, admin_actor
):
    running = activate(session, factory.agreement())
    template = templates.current_template(session, "before")
    optional = next(i for i in template.items if not i.is_required)
    templates.save_template_item(
        session,
        template,
        optional.key,
        templates.TemplateItemInput(
            text_sv=optional.text_sv, text_en=optional.text_en, is_required=True
        ),
        expected_revision=template.revision,
        actor=admin_actor,
    )
    session.commit()
    change = next(
        c for c in versions.version_changes(session, running) if c.template.key == "before"
    )
    assert [new.key for new in change.newly_required] == [optional.key]
    item = session.scalar(
        select(ChecklistItem).where(
            ChecklistItem.agreement_id == running.id,
            ChecklistItem.key == f"before/{optional.key}",
        )
    )
    item.status = "open"
    session.commit()
    versions.bring_up_to_date(session, running, actor=admin_actor)
    session.commit()
    assert item.is_required is False
    assert item.template_item.is_required is True
    assert progress_by_agreement(session, [running.id])[running.id]["before"].required_open == 0


def test_changes_list_what_is_added_changed_and_removed(factory, session, admin_actor):
    agreement = factory.agreement()
    template = templates.current_template(session, "before")
    first, second = template.items[0], template.items[1]
    edited = templates.save_template_item(
        session,
        template,
        first.key,
        templates.TemplateItemInput(text_sv="Ny lydelse", text_en="New wording"),
        expected_revision=template.revision,
        actor=admin_actor,
    )
    templates.remove_template_item(
        session, edited, second.key, expected_revision=edited.revision, actor=admin_actor
    )
    session.commit()
    change = next(
        c for c in versions.version_changes(session, agreement) if c.template.key == "before"
    )
    assert change.from_revisions == [1] and change.to_revision == 3
    assert [(old.text_sv, new.text_sv) for old, new in change.changed] == [
        (first.text_sv, "Ny lydelse")
    ]
    assert [i.text_sv for i in change.removed] == [second.text_sv]
    assert change.added == []


def test_ten_agreements_are_updated_in_one_audited_transaction(factory, session, admin_actor):
    running = [activate(session, factory.agreement(title=f"Pågående {n}")) for n in range(5)]
    planned = [factory.agreement(title=f"Planerad {n}") for n in range(5)]
    _add_question(session, admin_actor, "before", "Riskanalys är gjord")
    _add_question(session, admin_actor, "during", "Dataskyddet är följt upp")

    uses = {(u.key, u.revision): u.agreements for u in versions.version_use(session)}
    assert uses[("before", 1)] == 10
    assert uses[("during", 1)] == 5
    outdated, total = versions.outdated_agreements(session, "before", 1)
    assert total == 10 and {o.agreement.title for o in outdated} >= {"Pågående 0", "Planerad 0"}

    ids = [a.id for a in running + planned]
    result = versions.bring_many_up_to_date(session, [str(i) for i in ids], actor=admin_actor)
    session.commit()
    assert len(result.agreements) == 10
    assert (
        result.total.added == 5 + 5
    )  # a during question each for the running, before for the planned
    assert result.total.not_added == 5
    for agreement in running:
        assert "before/egen-1" not in _keys(session, agreement, "before")
        assert "during/egen-1" in _keys(session, agreement, "during")
    for agreement in planned:
        assert "before/egen-1" in _keys(session, agreement, "before")
    assert versions.outdated_agreements(session)[1] == 0
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.request_id == admin_actor.request_id)
    ).all()
    actions = [e.action for e in events]
    assert actions.count("update_templates") == 10
    bulk = next(e for e in events if e.action == "bulk_update_templates")
    assert sorted(bulk.changes["agreements"][1]) == sorted(a.title for a in running + planned)


def test_a_bulk_update_with_a_closed_agreement_changes_nothing(factory, session, admin_actor):
    open_one = factory.agreement(title="Öppen")
    ended = factory.agreement(title="Avslutad samverkan", phase="ended")
    _add_question(session, admin_actor, "before", "Riskanalys är gjord")
    with pytest.raises(DomainError, match="Avslutad samverkan"):
        versions.bring_many_up_to_date(session, [open_one.id, ended.id], actor=admin_actor)
    session.rollback()
    assert "before/egen-1" not in _keys(session, open_one, "before")
    with pytest.raises(ValidationFailed) as empty:
        versions.bring_many_up_to_date(session, [], actor=admin_actor)
    assert "Välj minst en samverkan" in empty.value.fields["agreement"]
    with pytest.raises(ValidationFailed):
        versions.bring_many_up_to_date(session, ["tio"], actor=admin_actor)
