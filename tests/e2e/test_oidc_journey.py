"""A kommun employee signs in with the kommun's own account (a real OpenID Connect provider
started on a free port), works, logs out; an unmapped person is turned away; local passwords
are off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from oidc_provider_mock import run_server_in_thread

from tests.e2e.conftest import assert_accessible
from tests.users.test_oidc import EDITORS_VANSBRO, _configure, _person, _provider

pytestmark = pytest.mark.e2e


@pytest.fixture
def issuer() -> Iterator[str]:
    with run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def tab(browser, live_server, live_app, issuer):
    """A browser tab that may reach the app and the provider, and nothing else."""
    live_app.config["BASE_URL"] = live_server.url
    _configure(live_app, _provider(issuer), local=False)
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    elsewhere: list[str] = []

    def guard(route):
        if route.request.url.startswith((live_server.url, issuer)):
            route.continue_()
        else:
            if route.request.frame.url.startswith(live_server.url):
                elsewhere.append(route.request.url)  # our pages load nothing from elsewhere
            route.abort()  # (the test provider's own page wants a CDN stylesheet)

    context.route("**/*", guard)
    page = context.new_page()
    failures: list[str] = []
    page.on("response", lambda r: failures.append(r.url) if r.status >= 500 else None)
    yield page
    context.close()
    assert failures == [] and elsewhere == []


def _choose_at_provider(tab, sub: str) -> None:
    tab.wait_for_url("**/oauth2/authorize**")
    tab.locator('input[name="sub"]').fill(sub)
    tab.get_by_role("button", name="Authorize").click()


def test_sign_in_with_the_kommuns_account_work_and_log_out(tab, live_server, issuer):
    _person(issuer, "entra-anna", email="anna@vansbro.se", name="Anna Åberg",
            groups=[EDITORS_VANSBRO])  # fmt: skip
    tab.goto("/agreements/")  # a page that needs login
    tab.wait_for_url("**/login**")
    assert tab.locator('input[name="password"]').count() == 0  # local passwords are off
    assert_accessible(tab, "oidc-login")
    tab.get_by_role("link", name="Logga in med Kommunens konto").click()
    _choose_at_provider(tab, "entra-anna")
    tab.wait_for_url(f"{live_server.url}/agreements/**")
    assert "Du är inloggad via Kommunens konto." in tab.content()
    assert "Anna Åberg" in tab.content()
    tab.get_by_role("button", name="Logga ut").click()
    tab.wait_for_url("**/login**")
    tab.goto("/agreements/")
    tab.wait_for_url("**/login**")  # the session is over


def test_a_person_in_no_mapped_group_is_turned_away(tab, live_server, issuer):
    _person(issuer, "entra-dan", email="dan@vansbro.se", groups=["ekonomi-alla"])
    tab.goto("/login")
    tab.get_by_role("link", name="Logga in med Kommunens konto").click()
    _choose_at_provider(tab, "entra-dan")
    tab.wait_for_url(f"{live_server.url}/login/oidc/kommun/callback**")
    assert "har ingen roll i Samverkanskollen" in tab.content()
    assert_accessible(tab, "oidc-refused")
    # Going back to the callback (a replayed state) is refused too, and nobody is logged in.
    response = requests.get(tab.url, timeout=5, allow_redirects=False)
    assert response.status_code == 401
    tab.goto("/")
    tab.wait_for_url("**/login**")
