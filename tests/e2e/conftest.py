"""Browser journeys: a live server in a thread and headless Debian Chromium via Playwright."""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from coop_tracker.extensions import db
from tests.conftest import SharedApp, skip_or_fail

CHROMIUM = os.environ.get("COOP_TRACKER_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Screenshots for a person to look at (`make screenshots`): taken only when this names a folder.
# A full-page screenshot costs Chromium about as much as the axe check on the same page, and no
# test reads them back.
SCREENSHOTS_WANTED = bool(os.environ.get("COOP_TRACKER_SCREENSHOTS"))
SCREENSHOTS = Path(os.environ.get("COOP_TRACKER_SCREENSHOTS") or "/tmp/coop_tracker_screenshots")


# Where the live server serves axe-core to the pages under test (beside the app, not through
# it): loaded by URL, the browser keeps the script and its compiled code between pages, instead
# of parsing 650 kB of JavaScript sent over the DevTools pipe again for every check.
AXE_PATH = "/__e2e__/axe.min.js"


def _with_axe(app: Any) -> Any:
    """The app's WSGI callable, with axe-core served at AXE_PATH (cacheable for an hour)."""

    def serve(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != AXE_PATH:
            return app(environ, start_response)
        body = _axe_source().encode("utf-8")
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/javascript; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "max-age=3600"),
            ],
        )
        return [body]

    return serve


class LiveServer:
    """The app served on a free loopback port for the length of one test."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, _with_axe(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # Polled every 50 ms for the end of the test (the default half second made each
        # journey's teardown wait 0.25 s on average for the server to notice).
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def shared_live_app(
    template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedApp]:
    """The session's app for browser journeys: CSRF on, as in production."""
    shared = SharedApp(
        template_database, tmp_path_factory.mktemp("live"), "live", WTF_CSRF_ENABLED=True
    )
    yield shared
    shared.close()


@pytest.fixture
def live_app(shared_live_app: SharedApp, tmp_path: Path) -> Iterator[Any]:
    """An app with CSRF on, as in production, on a fresh database."""
    app = shared_live_app.reset(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app: Any) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium saknas på {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency
        skip_or_fail("playwright är inte installerat")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    external: list[str] = []

    def watch(request: Any) -> None:
        if not request.url.startswith((live_server.url, "data:", "blob:")):
            external.append(request.url)

    # Watched, not routed: routing every request through Playwright turns the browser's HTTP
    # cache off (each page would load and compile its scripts and styles again) and costs a
    # round trip to this process per request.
    context.on("request", watch)
    tab = context.new_page()
    read_document = tab.content

    def content() -> str:
        # Right after a click that submits a form, the answer may be committed but not yet
        # parsed: Playwright then reads an empty document. Wait until it is.
        tab.wait_for_load_state("domcontentloaded")
        html = read_document()
        if not html:
            tab.wait_for_load_state("load")
            html = read_document()
        return html

    tab.content = content
    errors: list[str] = []
    failures: list[str] = []
    tab.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()
    assert failures == [], f"server errors: {failures}"
    assert external == [], f"pages tried to load from other hosts: {external}"
    csp = [e for e in errors if "Content Security Policy" in e]
    assert csp == [], f"CSP violations: {csp}"


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def save_screenshot(page: Any, name: str, **options: Any) -> None:
    """A full-page screenshot ``name`` in SCREENSHOTS, when screenshots are wanted."""
    if SCREENSHOTS_WANTED:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True, **options)


def assert_accessible(page: Any, name: str) -> None:
    """Run axe-core (WCAG 2.1 A and AA) on the current page; save a screenshot for review.

    Only violations are asserted, so axe builds selectors for their nodes alone
    (``resultTypes``; the other kinds keep one node per rule): 60 % less work on a long page."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_PATH)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']
        })"""
    )
    save_screenshot(page, f"{name}.png")
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
    ]
    assert violations == [], f"axe violations on {name}: {json.dumps(violations, indent=1)}"


def login(page: Any, email: str, password: str = "ett-langt-losenord-123") -> None:
    page.goto("/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser journey is slow: `make test-fast` leaves them out (CI runs them all).
    A journey that fails runs once more (pytest-rerunfailures); one that fails twice fails."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.flaky(reruns=1))
