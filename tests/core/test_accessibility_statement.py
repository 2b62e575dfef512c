"""The accessibility statement names a contact, the supervisory authority and known shortcomings."""

from __future__ import annotations

from pathlib import Path

from coop_tracker import create_app
from tests.conftest import _config


def test_statement_names_the_configured_contact_and_digg(app, client):
    app.config["ACCESSIBILITY_CONTACT_EMAIL"] = "tillganglighet@vansbro.se"
    page = client.get("/tillganglighet").get_data(as_text=True)
    assert '<a href="mailto:tillganglighet@vansbro.se">tillganglighet@vansbro.se</a>' in page
    assert "Myndigheten för digital förvaltning (Digg)" in page
    assert "Om du inte får svar" in page
    assert 'href="https://www.digg.se/tdosanmalan"' in page
    assert "delvis förenlig med lagen" in page
    assert "taggad PDF enligt standarden PDF/UA-1" in page
    assert "inte taggad" not in page
    assert "ingen e-postadress" not in page


def test_statement_without_a_contact_says_so_and_tells_the_admin_the_setting(
    app, client, auth, factory
):
    app.config["ACCESSIBILITY_CONTACT_EMAIL"] = None
    page = client.get("/tillganglighet").get_data(as_text=True)
    assert "mailto:" not in page
    assert "ännu ingen e-postadress för frågor om tillgänglighet" in page
    assert "COOP_TRACKER_ACCESSIBILITY_CONTACT_EMAIL" not in page  # not for the public
    assert "Myndigheten för digital förvaltning (Digg)" in page

    factory.user("admin", None, email="admin@example.se")
    auth.login("admin@example.se")
    page = client.get("/tillganglighet").get_data(as_text=True)
    assert "COOP_TRACKER_ACCESSIBILITY_CONTACT_EMAIL" in page


def test_statement_in_english(app, client):
    app.config["ACCESSIBILITY_CONTACT_EMAIL"] = "a11y@example.se"
    client.get("/sprak/en")
    page = client.get("/tillganglighet").get_data(as_text=True)
    assert "mailto:a11y@example.se" in page
    assert "Agency for Digital Government" in page
    assert "If you get no reply" in page


def test_contact_comes_from_the_environment(monkeypatch, database_uri: str, tmp_path: Path):
    monkeypatch.setenv("COOP_TRACKER_ACCESSIBILITY_CONTACT_EMAIL", "tillganglighet@mora.se")
    application = create_app(_config(database_uri, tmp_path))
    page = application.test_client().get("/tillganglighet").get_data(as_text=True)
    assert "mailto:tillganglighet@mora.se" in page
