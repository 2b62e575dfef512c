"""A planner takes an agreement through its whole life: refused start, fix, start, one party
leaves while two go on, exit plan for the rest, end. Every step is in the timeline and the
audit log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from coop_tracker.core import clock
from tests.e2e.conftest import assert_accessible, login, save_screenshot

pytestmark = pytest.mark.e2e


def _mark_all_open_items_done(page, section_id: str) -> int:
    """Click every "Markera som klar" in a checklist section; returns how many."""
    section = page.locator(f"section[aria-labelledby='{section_id}']")
    buttons = section.locator("form[data-checklist-toggle] button", has_text="Markera som klar")
    clicked = 0
    while buttons.count():
        button = buttons.first
        item_id = button.evaluate("b => b.closest('li').id")
        button.click()
        # Updated in place by the script: the status tag changes without a page load.
        page.locator(f"#{item_id} [data-status-tag]", has_text="Klar").wait_for()
        clicked += 1
    return clicked


def _tab(page, name: str) -> None:
    tabs = page.get_by_role("navigation", name="Delar av samverkan")
    tabs.get_by_role("link", name=name, exact=True).click()


def _finish_tasks(page, live_app) -> None:
    """Mark the first exit task and the first item of the plan's own checklist done with their
    one-click forms (a full post and redirect each), then the rest as the same planner through
    the services (the same forms again would only cost the journey a page load each: some 70),
    and load the plan again."""
    from sqlalchemy import select

    from coop_tracker.checklists.items import toggle_item
    from coop_tracker.checklists.models import ChecklistItem
    from coop_tracker.core.actor import Actor
    from coop_tracker.extensions import db
    from coop_tracker.lifecycle import services
    from coop_tracker.lifecycle.models import ExitTask
    from coop_tracker.users.models import User

    for selector in (
        page.locator("tr[id^='task-'] form button", has_text=re.compile(r"^Klar: ")),
        page.locator("li[data-plan-item] form button", has_text="Markera som klar"),
    ):
        assert selector.count()
        with page.expect_navigation():
            selector.first.click()
        assert "är klar." in page.locator(".flash-list").inner_text()

    plan_id = int(re.search(r"/avveckling/(\d+)", page.url).group(1))
    with live_app.app_context():
        user = db.session.scalars(select(User).where(User.email == "anna@vansbro.se")).one()
        actor = Actor(user=user, source="web")
        for task in db.session.scalars(select(ExitTask).where(ExitTask.exit_id == plan_id)):
            if not task.is_resolved:
                data = services.TaskInput.from_task(task)
                data.status = "done"
                services.update_task(
                    db.session,
                    task,
                    data,
                    expected_version=task.version,
                    actor=actor,
                    today=clock.today(),
                )
        items = select(ChecklistItem).where(ChecklistItem.exit_id == plan_id)
        for item in db.session.scalars(items):
            if not item.is_resolved:
                toggle_item(db.session, item, expected_version=item.version, actor=actor)
        db.session.commit()
    page.reload()
    assert not page.locator("tr[id^='task-'] form button", has_text=re.compile(r"^Klar: ")).count()
    assert not page.locator("li[data-plan-item] form button", has_text="Markera som klar").count()


def test_whole_lifecycle(page, live_app):
    from sqlalchemy import select

    from coop_tracker.audit.models import AuditEvent
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
        agreement = factory.agreement(
            [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
            title="Överförmyndare i Västerdalarna",
            areas=["overformyndare"],
            notice_months="6",
        )
        agreement_id = agreement.id

    today = clock.today()  # the live server runs in this process: it reads the same clock
    gagnef_leaves = (today + timedelta(days=120)).isoformat()
    all_end = (today + timedelta(days=180)).isoformat()

    login(page, "anna@vansbro.se")
    page.wait_for_url("**/")
    page.goto(f"/agreements/{agreement_id}")
    _tab(page, "Livscykel")
    assert_accessible(page, "lc-01-lifecycle-planned")

    # 1. Starting is refused, and every unmet condition is listed.
    page.get_by_role("button", name="Starta samverkan").click()
    summary = page.locator(".error-summary")
    assert "Samverkan kan inte bli pågående ännu" in summary.inner_text()
    reasons = summary.locator("[data-refusal-reasons] li").all_inner_texts()
    assert "Gagnef saknar registrerat beslut (beslutande organ och datum)." in reasons
    assert any(r.startswith("Före-checklistan: ”Syfte, mål") for r in reasons)
    assert_accessible(page, "lc-02-start-refused")

    # 2. Fix: the before checklist (toggled in place), one item not applicable, decisions.
    _tab(page, "Checklista")
    assert_accessible(page, "lc-03-checklist")
    page.evaluate("window.__samePage = true")
    written = page.locator("li", has_text="Ett skriftligt avtal beskriver uppgifterna")
    written.get_by_role("link", name=re.compile(r"^Ändra, ansvarig")).click()
    page.get_by_label("Inte tillämplig").check()
    page.get_by_role("button", name="Spara").click()
    assert (
        "Ange skäl till att punkten inte är tillämplig."
        in page.locator(".error-summary").inner_text()
    )
    assert_accessible(page, "lc-04-item-error")
    page.get_by_label("Skäl till att punkten inte är tillämplig").fill(
        "Avtalet finns redan från den tidigare samverkan"
    )
    page.get_by_role("button", name="Spara").click()
    assert "Checklistpunkten är sparad." in page.content()
    page.evaluate("window.__samePage = true")
    done = _mark_all_open_items_done(page, "phase-before")
    assert done > 10
    assert page.evaluate("window.__samePage") is True  # no page load while toggling
    progress = page.locator("[data-progress-phase='before'] [data-progress-text]").inner_text()
    assert re.fullmatch(r"(\d+) av \1 klara", progress), progress
    assert_accessible(page, "lc-05-checklist-done")

    _tab(page, "Översikt")
    page.get_by_role("link", name="Ändra uppgifter").click()
    for index in range(3):
        page.locator(f"#parties-{index}-decision_body").evaluate(
            "el => el.closest('details').open = true"
        )
        page.locator(f"#parties-{index}-decision_body").fill("Kommunfullmäktige")
        page.locator(f"#parties-{index}-decision_on").fill("2025-11-20")
    page.get_by_role("button", name="Spara").last.click()
    assert "Ändringarna är sparade." in page.content()

    # 3. Start.
    _tab(page, "Livscykel")
    page.get_by_role("button", name="Starta samverkan").click()
    assert "Samverkan är nu pågående." in page.content()
    assert "Planerad → Pågående" in page.locator("[data-timeline]").inner_text()
    assert_accessible(page, "lc-06-active")

    # 4. Gagnef leaves; Vansbro and Malung-Sälen go on.
    _tab(page, "Avveckling")
    assert_accessible(page, "lc-07-exits-empty")
    page.get_by_role("link", name="Ny avvecklingsplan").click()
    page.get_by_role("radio", name="Utträde", exact=True).check()
    page.get_by_label("Part som lämnar").select_option(label="Gagnef")
    page.get_by_label("Part som säger upp").select_option(label="Gagnef")
    page.get_by_label("Uppsägningen lämnades").fill(today.isoformat())
    page.get_by_label("Samverkan upphör från").fill(gagnef_leaves)
    assert_accessible(page, "lc-08-exit-form")
    page.get_by_role("button", name="Spara som utkast").click()
    assert "samverkan fortsätter utan Gagnef" in page.content()
    assert_accessible(page, "lc-09-exit-draft")
    page.get_by_label("Beslut (paragraf eller diarienummer)").fill("KF § 4")
    page.get_by_role("button", name="Anta planen").click()
    assert "Samverkan fortsätter med 2 parter." in page.content()
    _finish_tasks(page, live_app)
    page.get_by_role("button", name="Markera planen som genomförd").click()
    assert "Gagnef har lämnat samverkan; dess historik finns kvar." in page.content()
    assert "Gagnef lämnade samverkan" in page.locator("[data-timeline]").inner_text()
    assert_accessible(page, "lc-10-exit-party-done")

    _tab(page, "Översikt")
    assert f"lämnade {gagnef_leaves}" in page.content()
    assert "Pågående" in page.locator(".tag").first.inner_text()

    # 5. An exit plan for the rest: draft, adopt, complete, then end the agreement.
    _tab(page, "Avveckling")
    page.get_by_role("link", name="Ny avvecklingsplan").click()
    page.get_by_role("radio", name="Avveckling", exact=True).check()
    page.get_by_label("Namn på planen").fill("Avveckling av överförmyndarsamverkan")
    page.get_by_label("Part som säger upp").select_option(label="Malung-Sälen")
    page.get_by_label("Uppsägningen lämnades").fill(today.isoformat())
    page.get_by_label("Samverkan upphör från").fill(all_end)
    page.get_by_label("Övergången börjar").fill(today.isoformat())
    page.get_by_label("Övergången är klar").fill(all_end)
    page.get_by_role("button", name="Spara som utkast").click()
    page.get_by_role("button", name="Anta planen").click()
    assert "Planen är antagen och samverkan är under avveckling." in page.content()
    assert_accessible(page, "lc-11-exit-adopted")
    page.get_by_role("link", name=re.compile("Utskriftsvänlig version")).click()
    assert "Bilaga: avvecklingsplan" in page.content()
    assert_accessible(page, "lc-12-print")
    page.emulate_media(media="print")
    save_screenshot(page, "lc-12b-print-media.png")
    page.emulate_media(media="screen")
    page.go_back()
    _finish_tasks(page, live_app)
    page.get_by_role("button", name="Markera planen som genomförd").click()
    assert "Avvecklingsplanen är genomförd." in page.content()

    # The plan's own exit checklist was done before it could be completed, so the agreement
    # can end at once.
    _tab(page, "Livscykel")
    page.get_by_role("button", name="Avsluta samverkan").click()
    assert "Samverkan är nu avslutad." in page.content()
    timeline = page.locator("[data-timeline]").inner_text()
    steps = [
        "Gagnef sade upp samverkan",
        "Malung-Sälen sade upp samverkan",
        "Samverkan registrerades (planerad)",
        "Planerad → Pågående",
        "Avvecklingsplanen antogs: Gagnef lämnar",
        "Avvecklingsplanen genomförd: Gagnef lämnar",
        "Avvecklingsplanen antogs: Avveckling av överförmyndarsamverkan",
        "Pågående → Avveckling",
        "Avvecklingsplanen genomförd: Avveckling av överförmyndarsamverkan",
        "Avveckling → Avslutad",
        "Gagnef lämnade samverkan",  # effective later, so last
    ]
    positions = [timeline.index(step) for step in steps]
    assert positions == sorted(positions), timeline
    assert_accessible(page, "lc-13-ended")

    with live_app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.agreement_id == agreement_id)
        ).all()
        actions = [(e.object_type, e.action) for e in events]
        assert actions.count(("agreement", "transition")) == 3
        for expected in (
            ("exit", "create"),
            ("exit", "adopt"),
            ("exit", "complete"),
            ("party", "leave"),
            ("checklist_item", "update"),
            ("checklist", "instantiate"),
        ):
            assert expected in actions, expected
        assert {e.actor_name for e in events if e.action == "transition"} == {"Anna Berg"}
