"""Checklist templates (data files, versions, admin edits) and items on agreements."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from coop_tracker.checklists import items as checklist_items
from coop_tracker.checklists import templates, versions
from coop_tracker.checklists.models import ChecklistItem, ChecklistTemplate, ItemStatus
from coop_tracker.checklists.queries import checklist_sections, progress_by_agreement
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from tests.lifecycle_support import SYSTEM
from tests.sql_support import counted_statements


def _items(session, agreement, phase="before"):
    return session.scalars(
        select(ChecklistItem).where(
            ChecklistItem.agreement_id == agreement.id, ChecklistItem.phase == phase
        )
    ).all()


def test_data_files_hold_every_set_in_both_languages():
    files = {f.key: f for f in templates.load_template_files()}
    assert {"before", "during", "exit"} <= set(files)
    for form in ("kommunalforbund", "gemensam_namnd", "avtalssamverkan"):
        assert f"before-{form}" in files
    for spec in files.values():
        for item in spec.items:
            assert item["text_sv"] and item["text_en"]
    forbund = {i["key"] for i in files["before-kommunalforbund"].items}
    assert {"charter-withdrawal", "charter-dissolution"} <= forbund
    namnd = {i["key"] for i in files["before-gemensam_namnd"].items}
    assert {"cost-sharing", "insight", "archive", "term-notice"} <= namnd
    avtal = files["before-avtalssamverkan"]
    procurement = next(i for i in avtal.items if i["key"] == "public-public")
    assert procurement["text_sv"].startswith("Kontrollera att")
    assert "§" not in procurement["guidance_sv"]  # no legal citation for a [verify] fact


def test_seed_is_idempotent_and_a_changed_file_makes_a_new_version(session):
    before = session.scalar(select(func.count()).select_from(ChecklistTemplate))
    assert templates.seed_checklist_templates(session, actor=SYSTEM).created == 0
    assert session.scalar(select(func.count()).select_from(ChecklistTemplate)) == before

    files = templates.load_template_files()
    during = next(f for f in files if f.key == "during")
    changed_item = dict(during.items[0], text_sv="Ny formulering av första frågan")
    changed = dataclasses.replace(during, items=(changed_item, *during.items[1:]))
    result = templates.seed_checklist_templates(session, actor=SYSTEM, files=[changed])
    assert result.created == 1
    current = templates.current_template(session, "during")
    assert current.revision == 2 and current.items[0].text_sv == "Ny formulering av första frågan"
    old = session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.key == "during", ChecklistTemplate.revision == 1
        )
    )
    assert not old.is_current and old.items[0].text_sv != current.items[0].text_sv
    assert templates.seed_checklist_templates(session, actor=SYSTEM, files=[changed]).created == 0


def test_bad_data_file_is_refused_with_its_name():
    with pytest.raises(ValueError, match="x.toml: phase"):
        templates.parse_template({"key": "x", "phase": "sometime", "items": []}, "x.toml")
    with pytest.raises(ValueError, match="roles"):
        templates.parse_template(
            {
                "key": "x",
                "phase": "before",
                "title_sv": "x",
                "title_en": "x",
                "items": [{"key": "a", "text_sv": "a", "text_en": "a", "roles": ["king"]}],
            },
            "x.toml",
        )


@pytest.mark.parametrize(
    ("form", "parties", "expected_keys", "absent_keys"),
    [
        (
            "avtalssamverkan",
            [("2021", "host"), ("2023", "purchaser")],
            {
                "before-avtalssamverkan/public-public",
                "before/host-capacity",
                "before/purchaser-competence",
            },
            {"before-kommunalforbund/charter-withdrawal"},
        ),
        (
            "kommunalforbund",
            [("2062", "member"), ("2034", "member")],
            {
                "before-kommunalforbund/charter-withdrawal",
                "before-kommunalforbund/charter-dissolution",
            },
            {
                "before/host-capacity",
                "before/purchaser-competence",
                "before-avtalssamverkan/public-public",
            },
        ),
        (
            "gemensam_namnd",
            [("2062", "host"), ("2034", "member")],
            {"before-gemensam_namnd/insight", "before-gemensam_namnd/host-organisation"},
            {"before/purchaser-competence"},
        ),
    ],
)
def test_before_checklist_per_form_and_role(
    factory, session, form, parties, expected_keys, absent_keys
):
    agreement = factory.agreement(parties, form=form)
    keys = {item.key for item in _items(session, agreement)}
    assert expected_keys <= keys
    assert not keys & absent_keys


def test_per_party_items_are_one_per_concerned_party(factory, session):
    agreement = factory.agreement([("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")])
    items = _items(session, agreement)
    decisions = [i for i in items if i.key == "before/party-decision"]
    assert sorted(i.party_id for i in decisions) == sorted(p.id for p in agreement.parties)
    competence = [i for i in items if i.key == "before/purchaser-competence"]
    purchasers = {p.id for p in agreement.parties if p.role == "purchaser"}
    assert {i.party_id for i in competence} == purchasers
    host = agreement.party_for("2021")
    shared = [i for i in items if i.key == "before-avtalssamverkan/written-agreement"]
    assert len(shared) == 1 and shared[0].party_id is None
    # An item for exactly one concerned party names it responsible.
    capacity = next(i for i in items if i.key == "before/host-capacity")
    assert capacity.responsible_party_id == host.id


def test_instantiate_twice_adds_nothing(factory, session):
    agreement = factory.agreement()
    count = len(_items(session, agreement))
    assert checklist_items.instantiate(session, agreement, "before", actor=SYSTEM) == 0
    assert len(_items(session, agreement)) == count


def test_admin_edit_makes_a_version_and_bringing_up_to_date_keeps_answers(factory, session):
    admin = factory.user("admin", None)
    actor = Actor(user=admin, source="web")
    agreement = factory.agreement()
    items = {i.key: i for i in _items(session, agreement)}
    purpose = items["before/purpose-goals"]
    purpose.status = ItemStatus.DONE
    partners = items["before/partners"]
    partners.status = ItemStatus.DONE
    cost = items["before/expectations-cost"]  # open; will be removed
    session.commit()
    old_template_item = purpose.template_item_id

    template = templates.current_template(session, "before")
    edited = templates.save_template_item(
        session,
        template,
        "purpose-goals",
        templates.TemplateItemInput(
            text_sv="Syftet är skrivet", text_en="Purpose written", is_required=True
        ),
        expected_revision=template.revision,
        actor=actor,
    )
    assert edited.revision == 2
    added = templates.save_template_item(
        session,
        edited,
        None,
        templates.TemplateItemInput(text_sv="Risker är analyserade", is_required=True),
        expected_revision=edited.revision,
        actor=actor,
    )
    removed = templates.remove_template_item(
        session, added, "partners", expected_revision=added.revision, actor=actor
    )
    removed = templates.remove_template_item(
        session, removed, "expectations-cost", expected_revision=removed.revision, actor=actor
    )
    assert removed.revision == 5
    assert [i.text_en for i in removed.items if i.key == "egen-1"] == ["Risker är analyserade"]
    with pytest.raises(StaleVersion):
        templates.remove_template_item(
            session, removed, "practical", expected_revision=2, actor=actor
        )

    # The agreement keeps its version until someone brings it up to date.
    session.refresh(purpose)
    assert purpose.template_item_id == old_template_item
    assert versions.update_available(session, agreement)
    result = versions.bring_up_to_date(session, agreement, actor=actor)
    assert (result.added, result.retired, result.kept_done) == (1, 2, 1)
    session.refresh(purpose)
    assert purpose.status == ItemStatus.DONE
    assert purpose.template_item.text_sv == "Syftet är skrivet"
    assert partners.retired_at is not None and partners.status == ItemStatus.DONE
    assert cost.retired_at is not None
    assert not versions.update_available(session, agreement)
    sections = checklist_sections(session, agreement)
    before = next(s for s in sections if s.phase == "before")
    assert partners in before.retired  # kept as history
    assert cost not in before.retired  # an open removed item simply goes
    assert versions.bring_up_to_date(session, agreement, actor=actor).changed is False


def test_editors_may_not_edit_templates(factory, session):
    editor = factory.user("editor", "2021")
    template = templates.current_template(session, "before")
    with pytest.raises(PermissionDenied):
        templates.save_template_item(
            session,
            template,
            None,
            templates.TemplateItemInput(text_sv="x"),
            expected_revision=template.revision,
            actor=Actor(user=editor, source="web"),
        )


def test_not_applicable_needs_a_reason_and_stale_saves_are_refused(factory, session):
    editor = factory.user("editor", "2021")
    actor = Actor(user=editor, source="web")
    agreement = factory.agreement()
    item = _items(session, agreement)[0]
    data = checklist_items.ItemInput.from_item(item)
    data.status = "not_applicable"
    data.evidence_url = "ftp://x"
    data.responsible_party_id = 99999
    with pytest.raises(ValidationFailed) as failed:
        checklist_items.update_item(session, item, data, expected_version=item.version, actor=actor)
    assert set(failed.value.fields) == {
        "not_applicable_reason",
        "evidence_url",
        "responsible_party_id",
    }
    data = checklist_items.ItemInput.from_item(item)
    data.status = "not_applicable"
    data.not_applicable_reason = "Regleras i förbundsordningen"
    checklist_items.update_item(session, item, data, expected_version=1, actor=actor)
    assert item.version == 2 and item.done_by_name == editor.name and item.done_at
    with pytest.raises(StaleVersion) as stale:
        checklist_items.toggle_item(session, item, expected_version=1, actor=actor)
    assert stale.value.current["status"] == "not_applicable"
    checklist_items.toggle_item(session, item, expected_version=2, actor=actor)
    assert item.status == "open" and item.done_at is None and item.not_applicable_reason == ""


def test_progress_counts_in_one_query(factory, session, app):

    agreements = [factory.agreement() for _ in range(3)]
    item = _items(session, agreements[0])[0]
    item.status = ItemStatus.DONE
    session.commit()
    ids = [a.id for a in agreements]
    with counted_statements(session.get_bind()) as statements:
        progress = progress_by_agreement(session, ids)
    assert len(statements) == 1
    total = len(_items(session, agreements[0]))
    assert progress[ids[0]]["before"].resolved == 1
    assert progress[ids[0]]["before"].total == total
    assert progress[ids[1]]["before"].resolved == 0
