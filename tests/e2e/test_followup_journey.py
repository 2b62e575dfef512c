"""A kommundirektör records a red review, enters KF meetings, sees decide-by and Att göra."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coop_tracker.agreements.dates import add_months
from coop_tracker.core.clock import today
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_review_meetings_decide_by_and_todo(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    now = today()
    # A term that ends at a month end ~7 months ahead, 3 months' notice: the notice deadline
    # lies ~4 months ahead; the KF meeting before it and its case deadline come earlier.
    term_end = add_months(now.replace(day=1), 8) - timedelta(days=1)
    notice_deadline = add_months(term_end, -3)
    meeting_on = notice_deadline - timedelta(days=14)
    case_deadline = meeting_on - timedelta(days=21)
    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
        agreement = factory.agreement(
            [("2021", "host"), ("2023", "purchaser")],
            phase="active",
            title="Överförmyndare Vansbro–Malung-Sälen",
            start_on="2024-01-01",
            end_on=term_end.isoformat(),
            renewal="tacit",
            renewal_months=12,
            notice_months=3,
            goals="Kortare handläggningstider och säkrare tillsyn.",
        )
        agreement_id = agreement.id

    login(page, "anna@vansbro.se")
    page.goto(f"/agreements/{agreement_id}")
    page.get_by_role("link", name="Uppföljning", exact=True).click()
    page.wait_for_url(f"**/agreements/{agreement_id}/reviews")
    assert "Ingen uppföljning är registrerad ännu." in page.content()
    assert_accessible(page, "followup-01-reviews-empty")

    page.get_by_role("link", name="Registrera uppföljning").click()
    page.get_by_label("Röd – allvarliga problem").check()
    page.get_by_label("Målen är delvis uppnådda").check()
    page.get_by_label("Kostnadsutfall (kr)").fill("312 500")
    page.locator("#answers-carrier_left-answer-yes").check()
    page.get_by_label("Kommentar till fråga 2").fill("Överförmyndarhandläggaren har slutat.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Skriv en kommentar till bedömningen" in summary.inner_text()
    assert_accessible(page, "followup-02-review-errors")

    summary.get_by_role("link").first.click()
    page.get_by_label("Kommentar till bedömningen").fill("Ärendebalansen växer sedan i våras.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_url(f"**/agreements/{agreement_id}/reviews")
    assert "är sparad" in page.content()
    light = page.locator(".traffic-light--red").first
    assert light.inner_text() == "Röd"
    assert "Överförmyndarhandläggaren har slutat." in page.content()
    assert_accessible(page, "followup-03-reviews")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Samverkan").click()
    assert page.locator("tbody .traffic-light--red").first.inner_text() == "Röd"

    page.goto("/municipalities/2021")
    page.get_by_role("link", name="Sammanträdesplan för KS och KF").click()
    assert_accessible(page, "followup-04-meetings-empty")
    page.get_by_label("Sammanträdesdag").fill(meeting_on.isoformat())
    page.get_by_label("Sista dag för ärenden").fill((meeting_on + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Lägg till sammanträdet").click()
    assert "kan inte vara efter sammanträdet" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "followup-05-meeting-error")
    page.get_by_label("Sista dag för ärenden").fill(case_deadline.isoformat())
    page.get_by_role("button", name="Lägg till sammanträdet").click()
    page.wait_for_load_state()
    assert "är tillagt" in page.content()
    # A KF meeting after the notice deadline is too late and must not be chosen.
    page.get_by_label("Sammanträdesdag").fill((notice_deadline + timedelta(days=7)).isoformat())
    page.get_by_label("Sista dag för ärenden").fill(notice_deadline.isoformat())
    page.get_by_role("button", name="Lägg till sammanträdet").click()
    page.wait_for_load_state()
    assert "är tillagt" in page.content()
    assert_accessible(page, "followup-06-meetings")

    page.goto(f"/agreements/{agreement_id}")
    dates = page.locator("#dates-title + dl").inner_text()
    assert f"Vansbro: {case_deadline.isoformat()}" in dates
    assert f"sista dag för ärenden till KF {meeting_on.isoformat()}" in dates
    assert "Malung-Sälen" in dates and "ingen sammanträdesplan" in dates
    assert_accessible(page, "followup-07-agreement-decide-by")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Att göra").click()
    # content() does not wait: without this it could read the page still being left behind
    # (once it came back empty, once without the badge).
    page.wait_for_url("**/att-gora")
    content = page.content()
    assert "Ärendet om uppsägning" in content
    assert case_deadline.isoformat() in content
    assert page.locator(".site-nav .badge").is_visible()
    assert_accessible(page, "followup-08-todo")

    page.get_by_role("link", name="Ändra påminnelsedagar eller prenumerera i din kalender").click()
    assert "/calendar/" in page.get_by_label("Din privata kalenderadress").input_value()
    assert_accessible(page, "followup-09-settings")
