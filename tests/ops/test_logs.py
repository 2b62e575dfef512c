"""Logs an operator can use: an access line per request with its request id, JSON on request,
e-mail addresses masked, and the request id on the error page the user sees."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from coop_tracker import create_app
from coop_tracker.core.logs import mask_email
from coop_tracker.extensions import db
from coop_tracker.reminders.jobs import send_due
from coop_tracker.reminders.planner import plan_reminders
from tests.conftest import _config
from tests.reminders.conftest import TODAY, free_port

NOW = datetime(2026, 4, 15, 6, 0, tzinfo=UTC)


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def json_app(database_uri, tmp_path):
    app = create_app(_config(database_uri, tmp_path) | {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})

    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("no account for anna.svensson@vansbro.se")

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    # Back to text for the apps that follow (the handler is one per process).
    create_app(_config(database_uri, tmp_path))


def test_access_log_in_json_with_the_request_id(json_app, capsys):
    response = json_app.test_client().get("/login", headers={"X-Request-ID": "abc123"})
    assert response.status_code == 200
    access = [e for e in _json_lines(capsys.readouterr().err) if e["logger"].endswith("access")]
    assert access[-1]["request_id"] == "abc123"
    assert access[-1]["method"] == "GET" and access[-1]["path"] == "/login"
    assert access[-1]["status"] == 200 and access[-1]["client"] == "127.0.0.1"
    assert access[-1]["duration_ms"] >= 0


def test_an_unexpected_error_shows_its_reference_and_logs_it_masked(json_app, capsys):
    response = json_app.test_client().get("/_test/boom")
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    assert reference in response.get_data(as_text=True)  # the user can quote it to support
    err = capsys.readouterr().err
    assert "anna.svensson@vansbro.se" not in err
    errors = [e for e in _json_lines(err) if e["level"] == "ERROR"]
    assert errors[-1]["request_id"] == reference
    assert "a***@vansbro.se" in errors[-1]["exception"]


def test_a_failed_reminder_is_logged_without_the_recipients_address(
    app,
    session,
    scenario,
    capsys,
):
    plan_reminders(session, TODAY, now=NOW)
    session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    result = send_due(db.engine, app.config, today=TODAY, now=NOW)
    assert result.failed_emails >= 1
    err = capsys.readouterr().err
    assert "Reminder digest to" in err
    addresses = [digest.email for digest in result.digests]
    assert addresses and not any(address in err for address in addresses)
    assert mask_email(addresses[0]) in err


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("to anna.svensson@vansbro.se failed", "to a***@vansbro.se failed"),
        ("<Kalle@mora.se>, b@x.example.org", "<K***@mora.se>, b***@x.example.org"),
        ("no address here @ all", "no address here @ all"),
    ],
)
def test_mask_email(text, masked):
    assert mask_email(text) == masked
