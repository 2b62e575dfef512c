"""Sign-in through OpenID Connect against a real provider (oidc-provider-mock) the tests start
on a free port: code flow with PKCE, state and nonce, matching, group mapping, just-in-time
creation, refusals (wrong audience, expired token, replayed state, unmapped group), local
passwords switched off, logout."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_provider_mock import run_server_in_thread
from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.users.models import User
from coop_tracker.users.oidc import init_oidc

EDITORS_VANSBRO = "5f1d-editors-vansbro"
READERS_MORA = "77aa-readers-mora"
ADMINS = "0c0c-admins"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def expired_issuer() -> Iterator[str]:
    """A provider whose tokens are already out of date when issued."""
    with run_server_in_thread(port=0, access_token_max_age=timedelta(minutes=-10)) as server:
        yield f"http://localhost:{server.server_port}"


def _provider(issuer: str, **extra) -> dict:
    return {
        "name": "kommun",
        "label": "Kommunens konto",
        "issuer": issuer,
        "client_id": "samverkanskollen",
        "client_secret": "hemligt-i-testet",
        "create_users": True,
        "groups": {
            EDITORS_VANSBRO: {"role": "editor", "municipality": "2021"},
            READERS_MORA: {"role": "reader", "municipality": "2062"},
            ADMINS: {"role": "admin"},
        },
        **extra,
    }


def _configure(app, *providers, local=True):
    app.config["OIDC_PROVIDERS"] = list(providers)
    app.config["LOCAL_PASSWORD_LOGIN"] = local
    init_oidc(app)


def _person(issuer: str, sub: str, **claims) -> None:
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204


def _vansbro_editor_at(app, issuer, sub: str, email: str, **provider_options) -> None:
    """The app signs in at ``issuer`` (``provider_options`` as for ``_provider``), where one
    person, ``sub`` with ``email``, is in Vansbro's editor group."""
    _configure(app, _provider(issuer, **provider_options))
    _person(issuer, sub, email=email, groups=[EDITORS_VANSBRO])


def _sign_in_at_provider(client, sub: str, start="/login/oidc/kommun"):
    """Start at the app, choose the person at the provider; the callback URL it sends back."""
    response = client.get(start)
    assert response.status_code == 302
    authorize = response.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"]
    assert query["response_type"] == ["code"]
    chosen = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert chosen.status_code == 302, chosen.text
    return chosen.headers["Location"]


def _callback(client, location):
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def test_first_sign_in_creates_the_user_from_the_group_mapping(app, client, session, issuer):
    _configure(app, _provider(issuer))
    _person(issuer, "sub-anna", email="anna@vansbro.se", name="Anna Åberg",
            groups=["annan-grupp", EDITORS_VANSBRO])  # fmt: skip
    page = client.get("/login").get_data(as_text=True)
    assert "Logga in med Kommunens konto" in page
    response = _callback(client, _sign_in_at_provider(client, "sub-anna"))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    user = session.scalar(select(User).where(User.email == "anna@vansbro.se"))
    assert (user.role, user.municipality_code, user.name) == ("editor", "2021", "Anna Åberg")
    assert (user.oidc_issuer, user.oidc_subject) == (issuer, "sub-anna")
    assert user.password_hash == ""  # no local password
    created = session.scalars(select(AuditEvent).where(AuditEvent.action == "create")).all()
    assert any(e.object_type == "user" and str(e.object_id) == str(user.id) for e in created)


def test_an_existing_account_is_found_by_email_then_by_subject(
    app, client, session, factory, issuer
):
    _configure(app, _provider(issuer, create_users=False))
    existing = factory.user("reader", "2062", email="bo@mora.se")
    _person(issuer, "sub-bo", email="Bo@Mora.se", groups=[READERS_MORA])
    assert _callback(client, _sign_in_at_provider(client, "sub-bo")).status_code == 302
    session.expire_all()
    assert existing.oidc_subject == "sub-bo"
    client.post("/logout")
    # The address changes at the provider; the subject still finds the account.
    _person(issuer, "sub-bo", email="bo.nytt@mora.se", groups=[READERS_MORA])
    other = app.test_client()
    assert _callback(other, _sign_in_at_provider(other, "sub-bo")).status_code == 302
    assert other.get("/").status_code == 200


def test_role_and_kommun_follow_the_groups_at_each_sign_in(app, client, session, factory, issuer):
    _configure(app, _provider(issuer))
    user = factory.user("reader", "2062", email="cecilia@vansbro.se")
    _person(issuer, "sub-cecilia", email="cecilia@vansbro.se", groups=[EDITORS_VANSBRO, ADMINS])
    _callback(client, _sign_in_at_provider(client, "sub-cecilia"))
    session.expire_all()
    assert (user.role, user.municipality_code) == ("admin", "2021")  # the highest role wins


def test_unmapped_group_is_refused_and_nothing_is_created(app, client, session, issuer):
    _configure(app, _provider(issuer))
    _person(issuer, "sub-dan", email="dan@vansbro.se", groups=["ekonomi-alla"])
    response = _callback(client, _sign_in_at_provider(client, "sub-dan"))
    assert response.status_code == 403
    assert "har ingen roll i Samverkanskollen" in response.get_data(as_text=True)
    assert session.scalar(select(User).where(User.email == "dan@vansbro.se")) is None
    assert client.get("/").status_code == 302  # not logged in


def test_no_account_and_no_creation_allowed(app, client, issuer):
    _vansbro_editor_at(app, issuer, "sub-eva", "eva@vansbro.se", create_users=False)
    response = _callback(client, _sign_in_at_provider(client, "sub-eva"))
    assert response.status_code == 403
    assert "inget konto i Samverkanskollen" in response.get_data(as_text=True)


def test_replayed_state_is_refused(app, client, issuer):
    _vansbro_editor_at(app, issuer, "sub-fia", "fia@vansbro.se")
    location = _sign_in_at_provider(client, "sub-fia")
    assert _callback(client, location).status_code == 302
    client.post("/logout")
    replay = _callback(client, location)  # the same state (and code) a second time
    assert replay.status_code == 401
    assert "redan använd" in replay.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_callback_from_another_browser_is_refused(app, client, issuer):
    _vansbro_editor_at(app, issuer, "sub-gun", "gun@vansbro.se")
    location = _sign_in_at_provider(client, "sub-gun")
    attacker = app.test_client()  # no state in its session
    assert _callback(attacker, location).status_code == 401


def test_wrong_audience_is_refused(app, client, issuer):
    _vansbro_editor_at(app, issuer, "sub-hans", "hans@vansbro.se", audience="en-annan-tjanst")
    response = _callback(client, _sign_in_at_provider(client, "sub-hans"))
    assert response.status_code == 401
    assert "avsedd för en annan tjänst" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_expired_token_is_refused(app, client, expired_issuer):
    _vansbro_editor_at(app, expired_issuer, "sub-ida", "ida@vansbro.se")
    response = _callback(client, _sign_in_at_provider(client, "sub-ida"))
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_provider_error_is_a_clear_refusal(app, client, issuer):
    _configure(app, _provider(issuer))
    response = client.get("/login/oidc/kommun/callback?error=access_denied&state=x")
    assert response.status_code == 401
    assert "avbröt inloggningen" in response.get_data(as_text=True)
    assert client.get("/login/oidc/okand").status_code == 404


def test_local_passwords_can_be_switched_off(app, client, factory, issuer):
    _configure(app, _provider(issuer), local=False)
    factory.user("editor", "2021", email="anna@vansbro.se")
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and "Logga in med Kommunens konto" in page
    response = client.post(
        "/login", data={"email": "anna@vansbro.se", "password": "ett-langt-losenord-123"}
    )
    assert response.status_code == 403
    assert "Inloggning med lösenord är avstängd" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_ends_the_local_session(app, client, issuer):
    _vansbro_editor_at(app, issuer, "sub-jan", "jan@vansbro.se")
    _callback(client, _sign_in_at_provider(client, "sub-jan"))
    assert client.get("/").status_code == 200
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_next_page_is_kept_through_the_provider_and_stays_on_the_site(app, client, issuer):
    _vansbro_editor_at(app, issuer, "sub-kim", "kim@vansbro.se")
    location = _sign_in_at_provider(client, "sub-kim", "/login/oidc/kommun?next=/agreements/")
    assert _callback(client, location).headers["Location"] == "/agreements/"
    client.post("/logout")
    location = _sign_in_at_provider(client, "sub-kim", "/login/oidc/kommun?next=//evil.example")
    assert _callback(client, location).headers["Location"] == "/"
