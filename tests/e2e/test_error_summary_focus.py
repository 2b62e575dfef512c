"""An editor sends the new-agreement form without choosing a form or an area: the title says
"Fel:", and each error-summary link puts the keyboard focus on the first choice of its group."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_error_summary_links_focus_the_first_choice_of_a_group(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        Factory(db.session).user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")

    login(page, "anna@vansbro.se")
    page.get_by_role("link", name="Registrera ny samverkan").first.click()
    assert not page.title().startswith("Fel:")
    page.get_by_label("Namn på samverkan").fill("Gemensam lönenämnd")
    page.get_by_role("button", name="Registrera samverkan").click()
    assert page.title().startswith("Fel: ")
    summary = page.locator(".error-summary")

    summary.get_by_role("link", name="Välj minst ett samverkansområde.").click()
    focused = page.evaluate(
        "() => [document.activeElement.type, document.activeElement.name,"
        " document.activeElement.closest('fieldset').id]"
    )
    assert focused == ["checkbox", "areas", "areas"]

    link = summary.locator("a[href='#form']")
    link.click()
    focused = page.evaluate("() => [document.activeElement.type, document.activeElement.name]")
    assert focused == ["radio", "form"]
