"""Languages: the English catalogue is complete, the switch works, and Swedish is the fallback."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from coop_tracker import PROJECT_ROOT, create_app
from coop_tracker.extensions import db
from tests.conftest import _config

PO_FILE = PROJECT_ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


def _catalogue() -> Any:
    with PO_FILE.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue() -> None:
    """`make test` compiles the catalogue first; a bare `pytest` run compiles it here."""
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        # Written beside and renamed: another xdist worker may be reading the file right now.
        partial = MO_FILE.with_suffix(f".mo.{os.getpid()}")
        with partial.open("wb") as handle:
            write_mo(handle, _catalogue())
        os.replace(partial, MO_FILE)


def test_every_message_has_an_english_translation() -> None:
    catalogue = _catalogue()
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 800
    untranslated = [m.id for m in messages if not m.string or not all(m.string)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder() -> None:
    broken = []
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, string in enumerate(strings):
            # English has two forms like Swedish: the singular may leave out the number.
            source = ids[min(index, len(ids) - 1)]
            if sorted(set(PLACEHOLDER.findall(string))) != sorted(set(PLACEHOLDER.findall(source))):
                broken.append((ids[0], string))
    assert broken == []


@pytest.fixture
def english(client: Any, factory: Any, auth: Any) -> Any:
    """An editor in Vansbro with one agreement, reading the pages in English."""
    factory.user("editor", "2021", email="e@vansbro.se")
    agreement = factory.agreement(
        title="Miljö- och hälsoskydd Västerdalarna",
        notice_months=12,
        end_on="2027-12-31",
        renewal="tacit",
        renewal_months=24,
    )
    auth.login("e@vansbro.se")
    response = client.get("/sprak/en?next=/agreements/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/agreements/")
    return agreement


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_start_page_in_english(client: Any, english: Any) -> None:
    page = _page(client, "/")
    assert '<html lang="en">' in page
    assert "The municipality&#39;s cooperation" in page or "The municipality's cooperation" in page
    assert "Needs attention" in page
    assert (
        "Vansbro takes part in 1 cooperation you can see: planned, running or being wound up."
        in page
    )
    assert "Contractual cooperation" in page
    assert "Behöver uppmärksamhet" not in page
    assert "Kommunens samverkan" not in page
    assert ">Svenska<" in page  # the switch now offers the way back


def test_agreement_list_in_english(client: Any, english: Any) -> None:
    page = _page(client, "/agreements/")
    assert '<html lang="en">' in page
    assert "Clear filters" in page or "Filter" in page
    assert "All municipalities" in page
    assert "Environmental and public health" in page or "Miljö- och hälsoskydd" in page
    assert "Alla kommuner" not in page
    assert "Rensa filter" not in page
    assert english.title in page  # data stays as it was typed


def test_agreement_detail_in_english(client: Any, english: Any) -> None:
    page = _page(client, f"/agreements/{english.id}")
    assert "Dates and terms" in page
    assert "Last day for notice" in page
    assert "Fixed term that renews automatically (tacit renewal)" in page
    assert "24 months at a time" in page
    assert '<dt class="summary-list__key">Start</dt>' in page  # the date, not the home page
    assert '">Home</a>' in page  # the breadcrumb
    assert "Host municipality" in page or "Host" in page
    assert "Datum och villkor" not in page
    assert "Sista dag för uppsägning" not in page
    assert "månader i taget" not in page


def test_agreement_form_in_english(client: Any, english: Any) -> None:
    page = _page(client, "/agreements/new")
    assert "Register a new cooperation" in page
    assert "Form of cooperation" in page
    assert "Municipal federation (kommunalförbund)" in page
    assert "Notice period (months)" in page
    assert "(optional)" in page
    assert "Samverkansform" not in page
    assert "Uppsägningstid (månader)" not in page
    assert "(valfritt)" not in page


def test_refusals_and_flash_messages_in_english(client: Any, english: Any) -> None:
    response = client.post("/agreements/new", data={"title": "", "save": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There are errors to correct" in page
    assert "Enter name." in page
    assert "Ange namn." not in page
    response = client.post(
        "/agreements/new",
        data={
            "title": "Överförmyndare i Västerdalarna",
            "form": "gemensam_namnd",
            "areas": ["overformyndare"],
            "start_on": "2025-01-01",
            "term": "indefinite",
            "parties-0-municipality_code": "2021",
            "parties-0-role": "host",
            "parties-1-municipality_code": "2023",
            "parties-1-role": "member",
            "save": "1",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The cooperation “Överförmyndare i Västerdalarna” has been registered." in page


def test_municipality_page_in_english(client: Any, english: Any) -> None:
    page = _page(client, "/municipalities/2021")
    assert "As host municipality or provider" in page
    assert "Inhabitants" in page
    assert "Som värdkommun eller utförare" not in page
    assert "Vansbro" in page


def test_login_page_in_english(client: Any) -> None:
    client.get("/sprak/en")
    page = _page(client, "/login")
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Password" in page
    assert "Logga in" not in page
    assert "Lösenord" not in page


def test_switching_back_gives_swedish(client: Any, english: Any) -> None:
    assert "Needs attention" in _page(client, "/")
    client.get("/sprak/sv")
    page = _page(client, "/")
    assert '<html lang="sv">' in page
    assert "Behöver uppmärksamhet" in page
    assert "Needs attention" not in page
    assert ">English<" in page


def test_unknown_language_and_foreign_next_are_ignored(client: Any) -> None:
    response = client.get("/sprak/de?next=https://example.com/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = _page(client, "/login")
    assert '<html lang="sv">' in page


@pytest.fixture
def app_without_catalogue(database_uri: str, tmp_path: Path) -> Iterator[Any]:
    """An app whose translation directory has no compiled catalogue (a clone before `make`)."""
    empty = tmp_path / "translations"
    empty.mkdir()
    application = create_app(
        {**_config(database_uri, tmp_path), "BABEL_TRANSLATION_DIRECTORIES": str(empty)}
    )
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def test_without_a_compiled_catalogue_pages_stay_swedish(app_without_catalogue: Any) -> None:
    client = app_without_catalogue.test_client()
    client.get("/sprak/en")
    response = client.get("/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="sv">' in page
    assert "Logga in" in page
