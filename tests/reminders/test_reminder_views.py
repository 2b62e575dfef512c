"""Att göra, the nav badge, snooze, settings, the private calendar feed, and the reminders API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from coop_tracker.extensions import db
from coop_tracker.reminders.models import Reminder
from tests.conftest import Auth
from tests.reminders.conftest import TODAY
from tests.sql_support import counted_statements


@pytest.fixture(autouse=True)
def fixed_today(frozen_clock):
    """The reminder pages and API as if today were 2026-04-15."""
    frozen_clock.set(TODAY)


def _badge(page: str) -> str:
    marker = 'class="badge">'
    return page.split(marker, 1)[1].split("<", 1)[0] if marker in page else ""


def test_todo_page_groups_by_week_and_snooze_hides_one(client, auth, scenario):
    auth.login("anna@vansbro.se")
    response = client.get("/att-gora")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _badge(page) == "3"
    headings = [line for line in page.splitlines() if '<h2 id="week-' in line]
    assert "Försenat" in headings[0]
    assert "Vecka 20, 2026 (11–17 maj)" in headings[1]  # decide-by 2026-05-16
    assert "Vecka 27, 2026 (29 juni–5 juli)" in headings[2]  # notice deadline 2026-06-30
    assert "Ärendet om uppsägning" in page and "Sista dag för uppsägning" in page

    review = db.session.scalar(
        select(Reminder).where(
            Reminder.recipient_email == "anna@vansbro.se", Reminder.kind == "review_due"
        )
    )
    response = client.post(f"/att-gora/{review.id}/snooze", data={"until": "2026-04-22"})
    assert response.status_code == 302
    page = client.get("/att-gora").get_data(as_text=True)
    assert "Försenat" not in page
    assert "Uppskjutet" in page and "visas igen 2026-04-22" in page
    assert _badge(page) == "2"

    bad = client.post(f"/att-gora/{review.id}/snooze", data={"until": "2026-04-01"})
    assert bad.status_code == 302
    assert "efter i dag" in client.get("/att-gora").get_data(as_text=True)


def test_nobody_can_snooze_another_persons_reminder(client, scenario, session):
    auth = Auth(client)
    auth.login("anna@vansbro.se")
    client.get("/att-gora")  # plans the rows
    auth.logout()
    auth.login("bo@malung.se")
    anna_row = session.scalar(
        select(Reminder.id).where(Reminder.recipient_email == "anna@vansbro.se")
    )
    assert (
        client.post(f"/att-gora/{anna_row}/snooze", data={"until": "2026-05-01"}).status_code == 404
    )


def test_the_badge_costs_one_query(client, auth, scenario):
    auth.login("anna@vansbro.se")
    client.get("/att-gora")
    client.get("/agreements/")
    with counted_statements() as statements:
        page = client.get("/agreements/").get_data(as_text=True)
    assert _badge(page) == "3"
    assert sum(1 for s in statements if "FROM reminder" in s) == 1


def test_settings_validate_lead_days(client, auth, scenario, session):
    auth.login("anna@vansbro.se")
    page = client.get("/installningar").get_data(as_text=True)
    assert 'value="90, 30, 7, 0"' in page
    response = client.post("/installningar", data={"lead_days": "90, tio"})
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)
    assert "inte ett heltal" in response.get_data(as_text=True)
    response = client.post("/installningar", data={"lead_days": "14; 60 60"})
    assert response.status_code == 302
    session.expire_all()
    assert scenario.vansbro_editor.reminder_lead_days == "60,14"


def _feed_path(page: str) -> str:
    start = page.index("http://localhost/calendar/")
    return page[start : page.index('"', start)].removeprefix("http://localhost")


def test_calendar_feed_parses_with_stable_uids_and_can_be_replaced(app, client, auth, scenario):
    auth.login("anna@vansbro.se")
    path = _feed_path(client.get("/installningar").get_data(as_text=True))
    auth.logout()
    anonymous = app.test_client()
    first = anonymous.get(path)
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(first.data)
    assert calendar["VERSION"] == "2.0" and "Vansbro" in str(calendar["X-WR-CALNAME"])
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    title = "Miljö- och hälsoskydd Vansbro–Malung-Sälen"
    assert set(events) == {
        f"Ärendet om uppsägning: {title}",
        f"Sista dag för uppsägning: {title}",
        f"Översyn av styrdokument: {title}",  # the årshjul's look at the agreement in 2027
    }  # the review overdue since 2025-01-01 lies too far back for a calendar
    review = events[f"Översyn av styrdokument: {title}"]
    assert review.decoded("DTSTART") == date(2027, 12, 31)
    notice = events[f"Sista dag för uppsägning: {title}"]
    assert notice.decoded("DTSTART") == date(2026, 6, 30)  # all-day: a DATE, not a DATE-TIME
    assert notice.decoded("DTEND") == date(2026, 7, 1)
    decide = events[f"Ärendet om uppsägning: {title}"]
    assert decide.decoded("DTSTART") == date(2026, 5, 16)  # Vansbro's, not Malung-Sälen's
    for item in events.values():
        [alarm] = item.walk("VALARM")
        assert alarm.decoded("TRIGGER") == -timedelta(days=7)
        assert str(item["URL"]).startswith("http://localhost/agreements/")
    second = Calendar.from_ical(anonymous.get(path).data)
    assert sorted(str(e["UID"]) for e in second.walk("VEVENT")) == sorted(
        str(e["UID"]) for e in events.values()
    )

    auth.login("anna@vansbro.se")
    client.post("/installningar/kalender")
    new_path = _feed_path(client.get("/installningar").get_data(as_text=True))
    assert new_path != path
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(new_path).status_code == 200
    assert anonymous.get("/calendar/gissning.ics").status_code == 404


def _feed_url(page: str) -> str:
    start = page.index('id="feed-url"')
    value = page.index('value="', start) + len('value="')
    return page[value : page.index('"', value)]


def test_links_take_the_request_address_when_base_url_is_unset(app, client, scenario):
    app.config["BASE_URL"] = None  # COOP_TRACKER_BASE_URL not set
    site = "https://samverkan.vansbro.se"
    login = {"email": "anna@vansbro.se", "password": "ett-langt-losenord-123"}
    assert client.post("/login", data=login, base_url=site).status_code == 302
    page = client.get("/installningar", base_url=site).get_data(as_text=True)
    feed = _feed_url(page)
    assert feed.startswith(f"{site}/calendar/") and feed.endswith(".ics")
    assert "127.0.0.1" not in page
    calendar = Calendar.from_ical(client.get(feed.removeprefix(site), base_url=site).data)
    urls = {str(e["URL"]) for e in calendar.walk("VEVENT")}
    assert urls and all(u.startswith(f"{site}/agreements/") for u in urls)


def test_upcoming_api_links_follow_a_proxy_when_base_url_is_unset(app, client, factory, scenario):
    app.config["BASE_URL"] = None
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)
    headers = {
        "Authorization": f"Bearer {factory.token(scenario.vansbro_editor)}",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "kollen.example.se",
    }
    body = client.get("/api/v1/reminders/upcoming", headers=headers).get_json()
    urls = [item["agreement_url"] for item in body["items"]]
    assert urls and all(u.startswith("https://kollen.example.se/agreements/") for u in urls)
    app.config["BASE_URL"] = "https://samverkan.example.se/"  # a configured address wins
    body = client.get("/api/v1/reminders/upcoming", headers=headers).get_json()
    assert body["items"][0]["agreement_url"].startswith("https://samverkan.example.se/agreements/")


def test_reminders_upcoming_api(client, factory, scenario):
    token = factory.token(scenario.vansbro_editor)
    response = client.get(
        "/api/v1/reminders/upcoming", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 3
    assert [(i["kind"], i["due_on"], i["overdue"]) for i in body["items"]] == [
        ("review_due", "2025-01-01", True),
        ("decide_by", "2026-05-16", False),
        ("notice_deadline", "2026-06-30", False),
    ]
    assert body["items"][0]["agreement_url"].startswith("http://localhost/agreements/")
    near = client.get(
        "/api/v1/reminders/upcoming?days=40", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert near["total"] == 2
    bad = client.get(
        "/api/v1/reminders/upcoming?days=-1", headers={"Authorization": f"Bearer {token}"}
    )
    assert bad.status_code == 422 and "days" in bad.get_json()["fields"]
