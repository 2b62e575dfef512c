"""Reminders for checklist items and exit tasks from the lifecycle capability's models
(``coop_tracker.checklists.models``, ``coop_tracker.lifecycle.models``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

import coop_tracker.checklists.models as cm
import coop_tracker.lifecycle.models as lm
from coop_tracker.reminders.deadlines import deadlines_for
from coop_tracker.reminders.models import Reminder
from coop_tracker.reminders.planner import plan_reminders
from tests.reminders.conftest import TODAY


def test_checklist_items_and_exit_tasks_remind_the_right_party(session, scenario):
    agreement = scenario.agreement
    template = cm.ChecklistTemplate(
        key="before-x",
        revision=1,
        phase="before",
        form="avtalssamverkan",
        title_sv="T",
        title_en="T",
        source="test",
    )
    session.add(template)
    session.flush()
    question = cm.ChecklistTemplateItem(
        template_id=template.id, key="k", text_sv="Besluta om utträde i KF", text_en="x"
    )
    session.add(question)
    session.flush()
    item = cm.ChecklistItem(
        agreement_id=agreement.id,
        template_item_id=question.id,
        phase="before",
        key="before-x/k",
        responsible_party_id=agreement.parties[1].id,  # Malung-Sälen
        due_on=date(2026, 4, 20),
    )
    exit_ = lm.Exit(agreement_id=agreement.id, title="Avveckling")
    session.add_all([item, exit_])
    session.flush()
    task = lm.ExitTask(
        exit_id=exit_.id, kind="archive", title="Leverera arkivet", due_on=date(2026, 4, 10)
    )
    session.add(task)
    session.commit()

    _agreements, found = deadlines_for(session, TODAY)
    assert {
        (d.kind, d.municipality_code, d.due_on)
        for d in found
        if d.subject_type not in ("agreement", "annual_duty")  # the årshjul: tests/annual
    } == {
        ("checklist_item_due", "2023", date(2026, 4, 20)),
        ("exit_task_due", None, date(2026, 4, 10)),  # a joint task: every party
    }
    plan_reminders(session, TODAY)
    session.commit()
    rows = session.scalars(select(Reminder).where(Reminder.subject_type != "agreement")).all()
    checklist = {r.recipient_email for r in rows if r.kind == "checklist_item_due"}
    assert checklist == {"cecilia@malung.se", "bo@malung.se"}
    exit_rows = {r.recipient_email for r in rows if r.kind == "exit_task_due"}
    assert exit_rows == {"cecilia@malung.se", "bo@malung.se", "anna@vansbro.se"}
    task.status = "done"
    session.commit()
    plan_reminders(session, TODAY)
    session.commit()
    done = session.scalars(select(Reminder).where(Reminder.kind == "exit_task_due")).all()
    assert all(r.cancelled_at is not None for r in done)
