"""A kommundirektör records a red review, enters KS and KF meetings, sees decide-by and Att göra."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coop_tracker.agreements.dates import add_months
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

# The first day of a month, the last day of a month and a leap day: the journey's dates are
# computed from the clock, so it must pass on each.
JOURNEY_DAYS = [date(2026, 12, 1), date(2027, 1, 31), date(2028, 2, 29)]


@pytest.mark.parametrize("day", JOURNEY_DAYS, ids=[d.isoformat() for d in JOURNEY_DAYS])
def test_review_meetings_decide_by_and_todo(page, live_app, frozen_clock, day):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    now = frozen_clock.set(day)

    # axe checks the pages on the first day only: on the other days they are the same pages
    # with other dates in them, and what those runs test is the dates.
    def check(name: str) -> None:
        if day == JOURNEY_DAYS[0]:
            assert_accessible(page, name)

    # A term that ends at a month end 7–8 months ahead with 3 months' notice: the notice must
    # reach Malung-Sälen by the deadline, 120–150 days ahead. Vansbro's fullmäktige decides
    # 16 days before it (14 are needed for justering, anslag and delivery); KS prepares the
    # case before the KF case deadline; with 60 days' own preparation before the KS case
    # deadline the case must be started 117 days before the notice deadline: 3–33 days from
    # today, inside the 90-day reminder window. A KF meeting 4 days before the deadline is in
    # time for the deadline itself but leaves no time to deliver the notice.
    term_end = add_months(now.replace(day=1), 8) - timedelta(days=1)
    notice_deadline = add_months(term_end, -3)
    kf_on = notice_deadline - timedelta(days=16)
    kf_case = kf_on - timedelta(days=21)
    ks_on = kf_case - timedelta(days=6)
    ks_case = ks_on - timedelta(days=14)
    decide_by = ks_case - timedelta(days=60)
    fallback = notice_deadline - timedelta(days=14 + 60)
    assert now < decide_by <= now + timedelta(days=90)

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
    check("followup-01-reviews-empty")

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
    check("followup-02-review-errors")

    summary.get_by_role("link").first.click()
    page.get_by_label("Kommentar till bedömningen").fill("Ärendebalansen växer sedan i våras.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_url(f"**/agreements/{agreement_id}/reviews")
    assert "är sparad" in page.content()
    light = page.locator(".traffic-light--red").first
    assert light.inner_text() == "Röd"
    assert "Överförmyndarhandläggaren har slutat." in page.content()
    check("followup-03-reviews")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Samverkan").click()
    assert page.locator("tbody .traffic-light--red").first.inner_text() == "Röd"

    page.goto("/municipalities/2021")
    page.get_by_role("link", name="Sammanträdesplan för KS och KF").click()
    check("followup-04-meetings-empty")
    page.get_by_label("Sammanträdesdag").fill(kf_on.isoformat())
    page.get_by_label("Sista dag för ärenden").fill((kf_on + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Lägg till sammanträdet").click()
    assert "kan inte vara efter sammanträdet" in page.locator(".error-summary").inner_text()
    check("followup-05-meeting-error")

    def add(body: str, meeting_on: date, case_deadline: date) -> None:
        page.get_by_label("Organ").select_option(body)
        page.get_by_label("Sammanträdesdag").fill(meeting_on.isoformat())
        page.get_by_label("Sista dag för ärenden").fill(case_deadline.isoformat())
        page.get_by_role("button", name="Lägg till sammanträdet").click()
        page.wait_for_load_state()
        assert "är tillagt" in page.content()

    add("kf", kf_on, kf_case)
    add("ks", ks_on, ks_case)
    # Too close to the deadline (no time for justering, anslag and delivery), and after it.
    add("kf", notice_deadline - timedelta(days=4), notice_deadline - timedelta(days=25))
    add("kf", notice_deadline + timedelta(days=7), notice_deadline)
    check("followup-06-meetings")

    page.goto(f"/agreements/{agreement_id}")
    dates = page.locator("#dates-title ~ dl").first.inner_text()
    assert f"Vansbro: {decide_by.isoformat()}" in dates
    assert (
        f"beslut i KF {kf_on.isoformat()}, berett i KS {ks_on.isoformat()}; sista dag för "
        f"ärenden till KS {ks_case.isoformat()}, minus 60 dagars intern förberedelsetid"
    ) in dates
    # Malung-Sälen has no calendar: the fallback, said aloud.
    assert f"Malung-Sälen: {fallback.isoformat()}" in dates
    assert f"Sammanträdesplan för {notice_deadline.year} saknas för Malung-Sälen KF" in dates
    check("followup-07-agreement-decide-by")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Att göra").click()
    # content() does not wait: without this it could read the page still being left behind
    # (once it came back empty, once without the badge).
    page.wait_for_url("**/att-gora")
    content = page.content()
    assert "Ärendet om uppsägning" in content
    assert decide_by.isoformat() in content
    assert page.locator(".site-nav .badge").is_visible()
    check("followup-08-todo")

    page.get_by_role("link", name="Ändra påminnelsedagar eller prenumerera i din kalender").click()
    assert "/calendar/" in page.get_by_label("Din privata kalenderadress").input_value()
    check("followup-09-settings")
