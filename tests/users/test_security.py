"""Sessions: a login message that never tells whether an email exists, cookie flags, and logout
that really ends the session. Throttling of failed logins: tests/users/test_throttle.py."""

from __future__ import annotations

import re

import pytest

from coop_tracker import create_app
from tests.conftest import _config

PASSWORD = "ett-langt-losenord-123"


def _body(response) -> str:
    """The page without the per-request CSRF token, to compare two answers."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


def test_refusal_never_reveals_whether_the_email_exists(client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    unknown = client.post("/login", data={"email": "finns-inte@vansbro.se", "password": "fel"})
    wrong = client.post("/login", data={"email": "anna@vansbro.se", "password": "fel"})
    assert unknown.status_code == wrong.status_code == 401
    assert _body(unknown).replace("finns-inte@vansbro.se", "E") == _body(wrong).replace(
        "anna@vansbro.se", "E"
    )
    assert "Fel e-postadress eller lösenord" in _body(wrong)


def test_session_cookie_flags(client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    response = client.post("/login", data={"email": "anna@vansbro.se", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over http in tests


@pytest.mark.parametrize(
    ("base_url", "secure"), [("https://samverkan.example.se", True), ("http://127.0.0.1", False)]
)
def test_secure_cookie_follows_base_url(database_uri, tmp_path, base_url, secure):
    config = _config(database_uri, tmp_path)
    config["BASE_URL"] = base_url
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["REMEMBER_COOKIE_SECURE"] is secure
    config["SESSION_COOKIE_SECURE"] = False  # an explicit setting wins
    assert create_app(config).config["SESSION_COOKIE_SECURE"] is False


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    client.post("/login", data={"email": "anna@vansbro.se", "password": PASSWORD})
    assert client.get("/").status_code == 200
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
