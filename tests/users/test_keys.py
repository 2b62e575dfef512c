"""Service accounts and their API keys: scope, one kommun, expiry, last use, revoking, audit."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.users import keys
from coop_tracker.users.services import LoginRefused, authenticate

TODAY = date(2026, 12, 7)


@pytest.fixture
def admin(factory):
    return Actor(user=factory.user("admin", None, name="Ada Admin"), source="web")


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _read_key_for_vansbro(session, admin, account_name, key_name):
    """A reader service account with a read-only key for Vansbro: (token, the key in plain)."""
    account = keys.create_service_account(
        session, keys.ServiceAccountInput(name=account_name, role="reader"), actor=admin
    )
    token, plain = keys.create_key(
        session,
        account,
        keys.KeyInput(name=key_name, scope="read", municipality_code="2021"),
        actor=admin,
        today=TODAY,
    )
    session.commit()
    return token, plain


def test_a_read_only_key_for_one_kommun_reads_that_kommun_and_cannot_write(
    client, factory, session, admin
):
    vansbro = factory.agreement(
        [("2021", "host"), ("2023", "purchaser")], title="Vansbros IT", phase="active"
    )
    factory.agreement(
        [("0180", "host"), ("0114", "purchaser")], title="Stockholms lön", phase="active"
    )
    token, plain = _read_key_for_vansbro(session, admin, "Diariet", "Diariet, läsning")
    assert token.last_used_at is None

    listed = client.get("/api/v1/agreements", headers=_bearer(plain)).get_json()
    assert [item["title"] for item in listed["items"]] == ["Vansbros IT"]
    assert client.get(f"/api/v1/agreements/{vansbro.id}", headers=_bearer(plain)).status_code == 200
    session.refresh(token)
    assert token.last_used_at is not None

    refused = client.patch(
        f"/api/v1/agreements/{vansbro.id}",
        json={"version": 1, "title": "Nytt namn"},
        headers=_bearer(plain),
    )
    assert refused.status_code == 403
    assert refused.get_json()["message"] == (
        "API-nyckeln ”Diariet, läsning” får bara läsa; den kan inte ändra något."
    )
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "refused"))
    assert event.object_type == "api_token" and event.actor_name == "Diariet"
    assert event.changes["attempted"][1] == f"PATCH /api/v1/agreements/{vansbro.id}"

    from coop_tracker.users.services import revoke_token

    revoke_token(session, token, actor=admin)
    session.commit()
    assert client.get("/api/v1/agreements", headers=_bearer(plain)).status_code == 401


def test_a_key_for_one_kommun_does_not_reach_another_kommuns_agreement(
    client, factory, session, admin
):
    stockholm = factory.agreement([("0180", "host"), ("0114", "purchaser")], phase="active")
    _token, plain = _read_key_for_vansbro(session, admin, "BI-verktyget", "BI")
    assert (
        client.get(f"/api/v1/agreements/{stockholm.id}", headers=_bearer(plain)).status_code == 404
    )


def test_an_expired_key_stops_working(client, factory, session, admin):
    account = keys.create_service_account(
        session, keys.ServiceAccountInput(name="Gammalt system"), actor=admin
    )
    token, plain = keys.create_key(
        session,
        account,
        keys.KeyInput(name="Till i dag", expires_on="2026-12-07"),
        actor=admin,
        today=TODAY,
    )
    session.commit()
    assert client.get("/api/v1/agreements", headers=_bearer(plain)).status_code == 200
    token.expires_on = date(2026, 12, 6)
    session.commit()
    assert keys.key_status(token, TODAY) == "expired"
    assert client.get("/api/v1/agreements", headers=_bearer(plain)).status_code == 401


def test_bad_input_names_the_field(factory, session, admin):
    with pytest.raises(ValidationFailed) as failure:
        keys.create_service_account(
            session,
            keys.ServiceAccountInput(name="", role="admin", municipality_code="9999"),
            actor=admin,
        )
    assert set(failure.value.fields) == {"name", "role", "municipality_code"}
    reader = keys.create_service_account(
        session, keys.ServiceAccountInput(name="Läsaren"), actor=admin
    )
    with pytest.raises(ValidationFailed) as failure:
        keys.create_key(
            session,
            reader,
            keys.KeyInput(name="", scope="write", expires_on="2026-01-01"),
            actor=admin,
            today=TODAY,
        )
    assert "rollen redaktör" in failure.value.fields["scope"]
    assert failure.value.fields["expires_on"] == "Giltig till och med: datumet har redan passerat."
    assert "name" in failure.value.fields


def test_only_admins_manage_keys_and_a_service_account_cannot_log_in(factory, session, admin):
    editor = Actor(user=factory.user("editor", "2021"), source="web")
    with pytest.raises(PermissionDenied):
        keys.create_service_account(session, keys.ServiceAccountInput(name="X"), actor=editor)
    account = keys.create_service_account(
        session, keys.ServiceAccountInput(name="Diariet"), actor=admin
    )
    session.commit()
    assert account.email.endswith("@tjanstekonto.invalid")
    with pytest.raises(LoginRefused):
        authenticate(session, account.email, "vad som helst", now=admin.user.created_at)


def test_admin_page_creates_shows_once_and_revokes_any_key(client, factory, auth, session):
    factory.user("admin", None, email="a@x.se", name="Ada Admin")
    person = factory.user("editor", "2021", name="Anna Berg")
    factory.token(person)
    auth.login("a@x.se")
    response = client.post(
        "/admin/nycklar/tjanstekonton",
        data={"account_name": "Diariet", "account_role": "reader", "account_municipality": ""},
    )
    assert response.status_code == 302
    account_id = session.scalar(
        select(AuditEvent.object_id).where(AuditEvent.object_type == "service_account")
    )
    bad = client.post(
        "/admin/nycklar",
        data={"account": account_id, "name": "", "scope": "write", "municipality": "2021"},
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Namn på nyckeln" in page and "rollen redaktör" in page
    created = client.post(
        "/admin/nycklar",
        data={
            "account": account_id,
            "name": "Diariet, läsning",
            "scope": "read",
            "municipality": "2021",
        },
    )
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    plain = re.search(r'<code class="token-value">(ck_[^<]+)</code>', page).group(1)
    assert "Vansbro" in page and "Bara läsa" in page
    assert plain not in client.get("/admin/nycklar").get_data(as_text=True)  # shown once
    assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 200
    # Anna's own key can be revoked by the administrator too.
    from coop_tracker.users.models import ApiToken

    annas = session.scalar(select(ApiToken).where(ApiToken.user_id == person.id))
    response = client.post(f"/admin/nycklar/{annas.id}/aterkalla", follow_redirects=True)
    assert "(Anna Berg) är återkallad" in response.get_data(as_text=True)
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Tjänstekonto" in log and "Återkallad" in log
