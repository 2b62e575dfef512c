"""Login protection and sessions: rate limit per address, lockout per account, a message that
never tells whether an email exists, cookie flags, and logout that really ends the session."""

from __future__ import annotations

import re

import pytest

from coop_tracker import create_app
from coop_tracker.extensions import limiter
from tests.conftest import _config

PASSWORD = "ett-langt-losenord-123"


def _body(response) -> str:
    """The page without the per-request CSRF token, to compare two answers."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


def test_rate_limit_per_address(app, client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.post("/login", data={"email": "x@y.se", "password": "fel"}).status_code == 401
    blocked = client.post("/login", data={"email": "anna@vansbro.se", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "För många försök" in blocked.get_data(as_text=True)
    # Another address is not affected, and viewing the form is never limited.
    other = app.test_client()
    response = other.post(
        "/login",
        data={"email": "anna@vansbro.se", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert response.status_code == 302
    assert client.get("/login").status_code == 200
    # Tests (and operators) can clear the counters.
    limiter.reset()
    ok = client.post("/login", data={"email": "anna@vansbro.se", "password": PASSWORD})
    assert ok.status_code == 302


def test_refusal_never_reveals_whether_the_email_exists(client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    unknown = client.post("/login", data={"email": "finns-inte@vansbro.se", "password": "fel"})
    wrong = client.post("/login", data={"email": "anna@vansbro.se", "password": "fel"})
    assert unknown.status_code == wrong.status_code == 401
    assert _body(unknown).replace("finns-inte@vansbro.se", "E") == _body(wrong).replace(
        "anna@vansbro.se", "E"
    )
    assert "Fel e-postadress eller lösenord" in _body(wrong)


def test_lockout_after_repeated_failures_looks_the_same(client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    for _ in range(5):
        client.post("/login", data={"email": "anna@vansbro.se", "password": "fel"})
    locked = client.post("/login", data={"email": "anna@vansbro.se", "password": PASSWORD})
    assert locked.status_code == 401  # the right password does not help while locked
    unknown = client.post("/login", data={"email": "okand@vansbro.se", "password": PASSWORD})
    assert _body(locked).replace("anna@vansbro.se", "E") == _body(unknown).replace(
        "okand@vansbro.se", "E"
    )


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
