"""An editor on a phone (390 × 844): the menu folds away and every main page fits the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coop_tracker.agreements.dates import add_months
from coop_tracker.core.clock import today
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def menu_state(page) -> tuple[str, bool]:
    """What a screen reader is told about the menu button: its role and whether it is open."""
    cdp = page.context.new_cdp_session(page)
    try:
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            if node["role"]["value"] == "DisclosureTriangle":
                expanded = {p["name"]: p["value"]["value"] for p in node.get("properties", [])}
                return node["role"]["value"], expanded.get("expanded")
    finally:
        cdp.detach()
    return "", False


def test_main_pages_fit_a_phone_and_the_menu_folds(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    now = today()
    term_end = add_months(now.replace(day=1), 5) - timedelta(days=1)
    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
        # A long title and a near notice deadline: Att göra and the tables get long rows.
        agreement = factory.agreement(
            [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
            phase="active",
            title="Gemensam överförmyndarverksamhet för Vansbro, Malung-Sälen och Gagnef",
            areas=["overformyndare", "it-digitalisering"],
            start_on="2024-01-01",
            end_on=term_end.isoformat(),
            renewal="tacit",
            renewal_months=24,
            notice_months=3,
            annual_cost="1250000",
            is_public=True,
            purpose="Rättssäker och effektiv tillsyn över gode män, förvaltare och förmyndare.",
        )
        factory.agreement(
            [("2021", "member"), ("2023", "member"), ("2062", "member")],
            form="kommunalforbund",
            phase="active",
            title="Räddningstjänsten Dala Mitt",
            areas=["raddningstjanst"],
            is_public=True,
        )
        agreement_id = agreement.id
    live_app.config["ACCESSIBILITY_CONTACT_EMAIL"] = "tillganglighet@vansbro.se"

    page.set_viewport_size(PHONE)
    login(page, "anna@vansbro.se")
    page.wait_for_url("**/")

    # The menu is folded behind one button: the page's heading is on the first screen.
    nav = page.get_by_role("navigation", name="Huvudmeny")
    toggle = nav.locator("summary")
    assert toggle.inner_text().strip() == "Meny"
    assert menu_state(page) == ("DisclosureTriangle", False)  # a button, collapsed
    assert not nav.get_by_role("link", name="Samverkan").is_visible()
    assert page.locator("h1").bounding_box()["y"] < 250
    # The keyboard opens it; Escape folds it again and leaves focus on the button.
    toggle.focus()
    page.keyboard.press("Enter")
    assert menu_state(page) == ("DisclosureTriangle", True)
    assert nav.get_by_role("link", name="Samverkan").is_visible()
    assert_accessible(page, "mobile-00-menu-open")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert not nav.get_by_role("link", name="Samverkan").is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    # A link in the open menu leads on, and the next page starts with the menu folded.
    toggle.click()
    nav.get_by_role("link", name="Att göra").click()
    page.wait_for_url("**/att-gora")
    assert page.get_by_role("heading", name="Att göra", level=1).is_visible()
    assert not nav.get_by_role("link", name="Samverkan").is_visible()

    pages = [
        ("/", "mobile-01-start"),
        ("/agreements/", "mobile-02-agreements"),
        (f"/agreements/{agreement_id}", "mobile-03-detail"),
        ("/municipalities/2021", "mobile-04-municipality"),
        ("/municipalities/2021/oversight", "mobile-05-oversight"),
        ("/att-gora", "mobile-06-todo"),
        ("/network", "mobile-07-network"),
        ("/network?overview=kommuner", "mobile-07b-network-every-kommun"),
        ("/public/", "mobile-08-public"),
        (f"/public/{agreement_id}", "mobile-09-public-detail"),
        ("/tillganglighet", "mobile-10-accessibility"),
        ("/agreements/new", "mobile-11-agreement-form"),
        (f"/agreements/{agreement_id}/livscykel", "mobile-12-lifecycle"),
        (f"/agreements/{agreement_id}/checklista", "mobile-13-checklist"),
        (f"/agreements/{agreement_id}/reviews", "mobile-14-reviews"),
        (f"/agreements/{agreement_id}/history", "mobile-15-history"),
        ("/municipalities/", "mobile-16-municipalities"),
        ("/municipalities/2021/similar", "mobile-17-similar"),
        ("/municipalities/2021/meetings", "mobile-18-meetings"),
        ("/installningar", "mobile-19-settings"),
    ]
    too_wide = {}
    for path, name in pages:
        page.goto(path)
        if path.startswith("/network?"):
            page.locator("#network-canvas[data-ready='true']").wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
        # A table wider than the screen scrolls in its own named region, reachable by keyboard.
        for wrap in page.locator(".table-wrap").all():
            if wrap.evaluate("e => e.scrollWidth > e.clientWidth + 1"):
                assert wrap.get_attribute("role") == "region", path
                assert wrap.get_attribute("tabindex") == "0", path
                assert wrap.get_attribute("aria-label") or wrap.get_attribute("aria-labelledby")
        assert_accessible(page, name)
        if path == "/att-gora":
            # On a phone each deadline is a block: its agreement and button are on screen.
            snooze = page.get_by_role("button", name="Skjut upp").first
            assert snooze.bounding_box()["x"] + snooze.bounding_box()["width"] <= PHONE["width"]
        if path == "/tillganglighet":
            contact = page.get_by_role("link", name="tillganglighet@vansbro.se")
            assert contact.get_attribute("href") == "mailto:tillganglighet@vansbro.se"
    assert too_wide == {}, f"pages wider than {PHONE['width']} px: {too_wide}"

    # On a wide screen the links show without the button.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert nav.get_by_role("link", name="Samverkan").is_visible()
    assert not toggle.is_visible()


def test_the_menu_works_without_javascript(browser, live_server, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        Factory(db.session).user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    login(page, "anna@vansbro.se")
    page.wait_for_url("**/")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert not nav.get_by_role("link", name="Nätverk").is_visible()
    nav.locator("summary").click()
    nav.get_by_role("link", name="Nätverk").click()
    page.wait_for_url("**/network")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # On a wide screen the links show at once, with no button in the way.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert nav.get_by_role("link", name="Samverkan").is_visible()
    assert not nav.locator("summary").is_visible()
    context.close()
