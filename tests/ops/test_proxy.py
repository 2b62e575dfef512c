"""Behind a reverse proxy: the client's address and scheme come from the proxy's headers only
when TRUSTED_PROXIES says a proxy is there."""

from __future__ import annotations

import logging

import pytest

from coop_tracker import create_app
from coop_tracker.extensions import db
from tests.conftest import _config
from tests.factories import Factory

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "samverkan.example.se",
}


@pytest.fixture
def proxied(database_uri, tmp_path):
    """The app as nginx on the same server would see it: one trusted proxy, no BASE_URL."""
    config = _config(database_uri, tmp_path) | {"TRUSTED_PROXIES": 1, "BASE_URL": None}
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _access_clients(caplog) -> list[str]:
    return [r.client for r in caplog.records if r.name == "coop_tracker.access"]


def test_a_trusted_proxy_gives_the_client_address_scheme_and_host(proxied, caplog):
    caplog.set_level(logging.INFO, logger="coop_tracker.access")
    factory = Factory(db.session)
    user = factory.user(role="editor")
    token = factory.token(user)
    client = proxied.test_client()

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}", **FORWARDED})

    assert me.status_code == 200
    # Links the app builds point at the public https address, not http://localhost.
    assert me.get_json()["calendar_url"].startswith("https://samverkan.example.se/calendar/")
    # The browser is told to stay on https; the log names the real client.
    assert me.headers["Strict-Transport-Security"].startswith("max-age=")
    assert _access_clients(caplog)[-1] == "203.0.113.7"


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, client, caplog):
    """The default: anyone could send these headers, so they change nothing."""
    caplog.set_level(logging.INFO, logger="coop_tracker.access")
    response = client.get("/login", headers=FORWARDED)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert _access_clients(caplog)[-1] == "127.0.0.1"


def test_only_as_many_hops_as_configured_are_trusted(proxied, caplog):
    """A client that forges X-Forwarded-For in front of the real proxy is not believed: the
    proxy appends the address it saw, and with one trusted hop only that last one counts."""
    caplog.set_level(logging.INFO, logger="coop_tracker.access")
    client = proxied.test_client()
    client.get("/login", headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.4"})
    assert _access_clients(caplog)[-1] == "198.51.100.4"
