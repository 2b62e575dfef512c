"""Bearer-token authentication: every refusal is a JSON 401 in the API's error shape."""

from __future__ import annotations

from sqlalchemy import select

from coop_tracker.core.actor import Actor
from coop_tracker.users.models import ApiToken
from coop_tracker.users.services import revoke_token


def _assert_401(response):
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "unauthorized"
    assert "API-nyckel" in body["message"]
    assert body["fields"] == {}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_no_token_is_401(client):
    _assert_401(client.get("/api/v1/agreements"))
    _assert_401(client.post("/api/v1/agreements", json={}))


def test_unknown_token_is_401(client):
    _assert_401(client.get("/api/v1/me", headers={"Authorization": "Bearer ck_not-a-token"}))


def test_wrong_scheme_is_401(client, factory):
    token = factory.token(factory.user())
    _assert_401(client.get("/api/v1/me", headers={"Authorization": f"Basic {token}"}))
    _assert_401(client.get("/api/v1/me", headers={"Authorization": token}))
    _assert_401(client.get("/api/v1/me", headers={"Authorization": "Bearer "}))


def test_revoked_token_is_401(client, factory, session):
    user = factory.user()
    token = factory.token(user)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoke_token(session, session.scalar(select(ApiToken)), actor=Actor.system())
    session.commit()
    _assert_401(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}))


def test_token_of_a_deactivated_user_is_401(client, factory, session):
    user = factory.user()
    token = factory.token(user)
    user.is_active_account = False
    session.commit()
    _assert_401(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}))


def test_using_a_token_records_when(client, factory, session):
    user = factory.user()
    token = factory.token(user)
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    session.expire_all()
    assert session.scalar(select(ApiToken)).last_used_at is not None


def test_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["info"]["title"] == "Samverkanskollen API"


def test_unknown_api_path_is_a_json_404_for_a_token_holder(api):
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "not_found",
        "message": "Sidan eller uppgiften finns inte.",
        "fields": {},
    }


def test_wrong_method_is_a_json_405(api):
    response = api.client.delete("/api/v1/agreements", headers=api._headers(None))
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert response.get_json()["fields"] == {}


def test_only_the_document_itself_is_public(client):
    _assert_401(client.get("/api/v1/agreements/openapi.json"))
