"""GET /api/v1/me: the token's own user."""

from __future__ import annotations


def test_me_describes_the_token_user(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    body = response.get_json()
    calendar_url = body.pop("calendar_url")
    assert calendar_url.startswith("http://localhost/calendar/") and calendar_url.endswith(".ics")
    assert api.get("/api/v1/me").get_json()["calendar_url"] == calendar_url  # stable
    assert body == {
        "id": api.user.id,
        "email": api.user.email,
        "name": api.user.name,
        "role": "editor",
        "municipality": "2021",
        "municipality_name": "Vansbro",
    }


def test_me_for_an_admin_without_home_kommun(api_as):
    admin = api_as("admin", None)
    body = admin.get("/api/v1/me").get_json()
    assert body["role"] == "admin"
    assert body["municipality"] is None and body["municipality_name"] is None


def test_me_calendar_url_takes_the_request_address_when_base_url_is_unset(app, api):
    app.config["BASE_URL"] = None  # COOP_TRACKER_BASE_URL not set
    body = api.get("/api/v1/me", base_url="https://samverkan.vansbro.se").get_json()
    assert body["calendar_url"].startswith("https://samverkan.vansbro.se/calendar/")
