"""A planner's three exits: Vansbro leaves a five-member räddningstjänstförbund, a förbund left
with one member goes into likvidation, and a purchaser leaves an avtalssamverkan."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from coop_tracker.core import clock
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def _agreement(live_app, parties, form, title, areas):
    from coop_tracker.extensions import db
    from tests.factories import Factory
    from tests.lifecycle_support import activate

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("editor", "2021", email="planerare@vansbro.se", name="Pia Planerare")
        agreement = factory.agreement(parties, form=form, title=title, areas=areas)
        activate(db.session, agreement)
        return agreement.id


def _new_plan(page, agreement_id, kind, leaving, notice_on, effective_on):
    page.goto(f"/agreements/{agreement_id}/avveckling/ny")
    page.get_by_role("radio", name=kind, exact=True).check()
    page.get_by_label("Part som lämnar").select_option(label=leaving)
    page.get_by_label("Part som säger upp").select_option(label=leaving)
    page.get_by_label("Uppsägningen lämnades").fill(notice_on)
    page.get_by_label("Samverkan upphör från").fill(effective_on)


def _tasks(page) -> list[dict[str, str]]:
    """Every task row as its kind, party, title and due date."""
    return page.locator("tr[data-task-kind]").evaluate_all(
        """rows => rows.map(r => ({
            kind: r.dataset.taskKind,
            party: r.dataset.taskParty,
            title: r.querySelector('[data-task-title]').textContent.trim(),
            // the cell's text without the heading shown beside it on a phone
            due: [...r.cells[3].childNodes]
                .filter(n => !(n.classList && n.classList.contains('stack-label')))
                .map(n => n.textContent).join('').trim(),
        }))"""
    )


def test_vansbro_leaves_a_five_member_kommunalforbund(page, live_app):
    agreement_id = _agreement(
        live_app,
        [
            ("2021", "member"),
            ("2023", "member"),
            ("2026", "member"),
            ("2029", "member"),
            ("2031", "member"),
        ],
        "kommunalforbund",
        "Räddningstjänstförbundet Västra Dalarna",
        ["raddningstjanst"],
    )
    today = clock.today()
    notice_on = today + timedelta(days=90)
    effective_on = date(notice_on.year + 1, 12, 31)
    login(page, "planerare@vansbro.se")
    page.wait_for_url("**/")
    _new_plan(
        page, agreement_id, "Utträde", "Vansbro", notice_on.isoformat(), effective_on.isoformat()
    )
    assert_accessible(page, "exit-01-vansbro-form")
    page.get_by_role("button", name="Spara som utkast").click()
    assert "Vansbro lämnar Räddningstjänstförbundet Västra Dalarna" in page.content()
    assert page.locator("[data-exit-kind]").inner_text() == "Utträde"
    assert "samverkan fortsätter utan Vansbro" in page.content()

    tasks = _tasks(page)
    vansbro = {t["kind"]: t for t in tasks if t["party"] == "Vansbro"}
    # Vansbro's MBL negotiation and fullmäktige decision fall before its notice.
    assert vansbro["mbl"]["due"] < vansbro["decision"]["due"] < notice_on.isoformat()
    assert vansbro["notice"]["due"] == notice_on.isoformat()
    # Each of the four that stay adopts the amended förbundsordning; none receives the archive.
    for name in ("Malung-Sälen", "Gagnef", "Leksand", "Rättvik"):
        theirs = [t for t in tasks if t["party"] == name]
        assert [t["kind"] for t in theirs] == ["amend-charter"], (name, theirs)
        assert theirs[0]["title"] == "Anta den ändrade förbundsordningen i fullmäktige"
    assert not any("Ta emot handlingar" in t["title"] and t["party"] != "Vansbro" for t in tasks)
    forbund = {t["kind"] for t in tasks if t["party"] == "Förbundet"}
    assert {"equity-share", "pensions", "shortfall", "staff-transfer"} <= forbund
    # The exit checklist appears for this exit.
    checklist = page.locator("section[aria-labelledby='plan-checklist-title']")
    assert "Utträde ur kommunalförbund" in checklist.inner_text()
    assert checklist.locator("[data-plan-item='exit-kommunalforbund/amended-charter']").count() == 4
    assert_accessible(page, "exit-02-vansbro-draft")

    # Vansbro's own decision, with diarienummer; a date in the future is refused.
    decisions = page.locator("section[aria-labelledby='decisions-title']")
    decisions.locator("tr", has_text="Vansbro").get_by_role("link").click()
    page.get_by_label("Beslutsdatum").fill((today + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Spara beslutet").click()
    assert "Beslutsdatum kan inte vara i framtiden" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "exit-03-decision-error")
    page.get_by_label("Beslutsdatum").fill(today.isoformat())
    page.get_by_label("Paragraf").fill("§ 61")
    page.get_by_label("Diarienummer").fill("KS 2026/201")
    page.get_by_role("button", name="Spara beslutet").click()
    assert "Beslutet för Vansbro är registrerat." in page.content()
    row = page.locator("section[aria-labelledby='decisions-title'] tr", has_text="Vansbro")
    assert "KS 2026/201" in row.inner_text() and "§ 61" in row.inner_text()
    # The decision is Vansbro's decision task, done.
    decision_task = page.locator("tr[data-task-kind='decision'][data-task-party='Vansbro']")
    assert "Klar" in decision_task.locator("td").nth(4).inner_text()

    # Vansbro's KF meets a month later: the notice moves, and the MBL task follows it.
    page.get_by_role("link", name="Ändra planen").click()
    later = notice_on + timedelta(days=30)
    page.get_by_label("Uppsägningen lämnades").fill(later.isoformat())
    page.get_by_role("button", name="Spara planen").click()
    moved = {t["kind"]: t for t in _tasks(page) if t["party"] == "Vansbro"}
    assert moved["notice"]["due"] == later.isoformat()
    assert moved["mbl"]["due"] == (later - timedelta(days=42)).isoformat()

    # A task of the planner's own.
    page.get_by_role("link", name="Lägg till en egen uppgift").click()
    assert_accessible(page, "exit-04-own-task")
    own_task = "Säg upp hyresavtalet för brandstationen i Vansbro"
    page.get_by_label("Uppgift", exact=True).fill(own_task)
    page.get_by_label("Part").select_option(label="Vansbro")
    page.get_by_role("button", name="Lägg till uppgiften").click()
    assert "är tillagd" in page.content()

    # Adopted, the plan cannot be completed while the required work is open.
    page.get_by_label("Beslut (paragraf eller diarienummer)").fill("KF § 61")
    page.get_by_role("button", name="Anta planen").click()
    assert "Vansbro lämnar samverkan från" in page.content()
    page.get_by_role("button", name="Markera planen som genomförd").click()
    reasons = page.locator("[data-refusal-reasons]").inner_text()
    assert "Anta den ändrade förbundsordningen i fullmäktige" in reasons
    assert "eget kapital" in reasons and "ansvarsförbindelsen" in reasons
    assert "Den ändrade förbundsordningen är antagen av kommunfullmäktige" in reasons
    assert_accessible(page, "exit-05-vansbro-refused")


def test_a_forbund_left_with_one_member_goes_into_likvidation(page, live_app):
    agreement_id = _agreement(
        live_app,
        [("2021", "member"), ("2023", "member")],
        "kommunalforbund",
        "Vansbro och Malung-Sälens lönenämndsförbund",
        ["lon"],
    )
    today = clock.today()
    login(page, "planerare@vansbro.se")
    page.wait_for_url("**/")
    _new_plan(
        page,
        agreement_id,
        "Utträde",
        "Malung-Sälen",
        today.isoformat(),
        date(today.year + 1, 12, 31).isoformat(),
    )
    page.get_by_role("button", name="Spara som utkast").click()
    warning = page.locator(".notification--warning").inner_text()
    assert "Förbundet går därför i likvidation" in warning
    page.get_by_role("button", name="Anta planen").click()
    assert "Förbundet går därför i likvidation." in page.content()
    assert page.locator("[data-exit-kind]").inner_text() == "Likvidation"
    kinds = {t["kind"] for t in _tasks(page)}
    assert {
        "liquidator",
        "pay-debts",
        "distribute",
        "final-report",
        "archive",
        "contracts-org",
        "pensions",
    } <= kinds
    assert "amend-charter" not in kinds
    checklist = page.locator("section[aria-labelledby='plan-checklist-title']").inner_text()
    assert "Likvidation av kommunalförbund" in checklist
    assert "Slutredovisning med förvaltningsberättelse har lämnats till medlemmen" in checklist
    assert_accessible(page, "exit-06-likvidation")
    page.get_by_role("link", name=re.compile("Utskriftsvänlig version")).click()
    assert "Beslut hos parterna" in page.content()
    assert_accessible(page, "exit-07-likvidation-print")


def test_a_purchaser_leaves_an_avtalssamverkan(page, live_app):
    agreement_id = _agreement(
        live_app,
        [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
        "avtalssamverkan",
        "Livsmedelskontroll i Västerdalarna",
        ["livsmedelskontroll"],
    )
    today = clock.today()
    effective = date(today.year + 1, 6, 30)
    login(page, "planerare@vansbro.se")
    page.wait_for_url("**/")
    _new_plan(page, agreement_id, "Utträde", "Gagnef", today.isoformat(), effective.isoformat())
    page.get_by_role("button", name="Spara som utkast").click()
    tasks = _tasks(page)
    gagnef = {t["kind"]: t["title"] for t in tasks if t["party"] == "Gagnef"}
    assert gagnef["delegation"].startswith("Återkalla delegationen")
    assert gagnef["taxa"].startswith("Bestäm vilken taxa som gäller")
    assert gagnef["personal-data"].startswith("Avsluta personuppgiftsbiträdesavtalet")
    assert gagnef["decision"].startswith("Beslut i behörigt organ")
    vansbro = {t["kind"] for t in tasks if t["party"] == "Vansbro"}
    assert {"pending-cases", "personal-data", "records-handover"} <= vansbro
    assert not [t for t in tasks if t["party"] == "Malung-Sälen"]
    checklist = page.locator("section[aria-labelledby='plan-checklist-title']").inner_text()
    assert "Delegationen till den utförande kommunens anställda är återkallad" in checklist
    assert "Personuppgiftsbiträdesavtalet är avslutat" in checklist
    assert "Dataskyddsförordningen (EU) 2016/679 art. 28.3 g" in checklist
    assert_accessible(page, "exit-08-avtalssamverkan")

    # Not applicable needs a reason.
    row = page.locator("tr[data-task-kind='supervisors']")
    row.get_by_role("link", name=re.compile("^Ändra eller inte tillämplig")).click()
    page.get_by_role("radio", name="Inte tillämplig").check()
    page.get_by_role("button", name="Spara uppgiften").click()
    assert "Skriv varför uppgiften inte är tillämplig." in page.content()
    assert_accessible(page, "exit-09-task-reason")
    page.get_by_label("Skäl till att uppgiften inte är tillämplig").fill(
        "Livsmedelsverket får besked genom kontrollplanen."
    )
    page.get_by_role("button", name="Spara uppgiften").click()
    assert "Inte tillämplig: Livsmedelsverket får besked" in page.content()

    # The övergångsavtal: Vansbro goes on delivering to Gagnef for a while.
    page.get_by_role("button", name="Skapa övergångsavtal").click()
    assert "Övergångsavtalet är skapat" in page.content()
    name = page.get_by_label("Namn på samverkan").input_value()
    assert name.startswith("Övergångsavtal: Vansbro utför åt Gagnef")
    assert_accessible(page, "exit-10-overgangsavtal")
