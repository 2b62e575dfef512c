"""User administration (admins only, every change audited) and a user's own API tokens."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.extensions import db
from coop_tracker.users.models import ApiToken, User
from tests.html import main_form

PASSWORD = "ett-langt-losenord-123"


def _login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def _events(action, object_type="user"):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_type == object_type)
    ).all()


def test_admin_creates_a_user_who_can_log_in(app, client, factory):
    new_editor = {
        "email": "Ny@Vansbro.se",
        "name": "Ny Person",
        "role": "editor",
        "municipality_code": "2021",
    }
    factory.user("admin", None, email="admin@example.se", name="Ada")
    _login(client, "admin@example.se")
    response = client.post("/admin/users/new", data=new_editor | {"password": "kort"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="password-error"' in html and "minst 12 tecken" in html
    response = client.post(
        "/admin/users/new", data=new_editor | {"password": "ett-nytt-bra-losenord"}
    )
    assert response.status_code == 302
    assert "Ny Person" in client.get("/admin/users").get_data(as_text=True)
    event = _events("create")[-1]
    assert event.actor_name == "Ada" and event.source == "web"
    assert event.changes["email"] == [None, "ny@vansbro.se"]
    other = app.test_client()
    assert _login(other, "ny@vansbro.se", "ett-nytt-bra-losenord").status_code == 302


def test_non_admins_cannot_reach_user_administration(client, factory):
    target = factory.user("reader", "2021")
    factory.user("editor", "2021", email="anna@vansbro.se")
    _login(client, "anna@vansbro.se")
    for url in (
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{target.id}",
        f"/admin/users/{target.id}/password",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code == 403


def test_deactivate_and_reactivate(app, client, factory):
    factory.user("admin", None, email="admin@example.se")
    target = factory.user("editor", "2021", email="bo@vansbro.se")
    token = factory.token(target)
    bo = app.test_client()
    assert _login(bo, "bo@vansbro.se").status_code == 302
    _login(client, "admin@example.se")

    assert client.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code == 302
    # Bo's open session, his login and his API token stop working at once.
    assert bo.get("/").status_code == 302
    assert _login(app.test_client(), "bo@vansbro.se").status_code == 401
    assert (
        app.test_client()
        .get("/api/v1/nothing-here", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 401
    )
    assert "Inaktiverad" in client.get("/admin/users").get_data(as_text=True)
    assert _events("deactivate")[-1].changes == {"is_active": [True, False]}

    assert client.post(f"/admin/users/{target.id}/active", data={"active": "1"}).status_code == 302
    assert _login(app.test_client(), "bo@vansbro.se").status_code == 302
    assert _events("activate")


def test_admin_cannot_deactivate_themself(client, factory):
    admin = factory.user("admin", None, email="admin@example.se")
    _login(client, "admin@example.se")
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "Inaktivera kontot" not in page
    response = client.post(
        f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "Du kan inte inaktivera ditt eget konto." in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.is_active_account
    assert client.get("/admin/users").status_code == 200


def test_change_role_and_home_kommun(client, factory):
    factory.user("admin", None, email="admin@example.se")
    target = factory.user("reader", "2021", email="bo@vansbro.se", name="Bo")
    _login(client, "admin@example.se")
    url = f"/admin/users/{target.id}"
    data = main_form(client.get(url).get_data(as_text=True))
    assert data["role"] == "reader" and data["municipality_code"] == "2021"
    data.update(role="editor", municipality_code="9999")
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert 'id="municipality_code-error"' in response.get_data(as_text=True)
    data.update(municipality_code="2023")
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert (target.role, target.municipality_code) == ("editor", "2023")
    event = _events("update")[-1]
    assert event.changes == {"municipality_code": ["2021", "2023"], "role": ["reader", "editor"]}


def test_reset_password_follows_rules_and_ends_sessions(app, client, factory):
    factory.user("admin", None, email="admin@example.se")
    target = factory.user("editor", "2021", email="bosse@vansbro.se")
    bo = app.test_client()
    _login(bo, "bosse@vansbro.se")
    _login(client, "admin@example.se")
    url = f"/admin/users/{target.id}/password"
    for weak, message in (
        ("kort", "minst 12 tecken"),
        ("bosse-har-ett-losenord", "e-postadress"),
        ("aaaaaaaaaaaaaaa", "för enformigt"),
        ("losenordlosenord", "lätt att gissa"),
    ):
        response = client.post(url, data={"password": weak})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert 'id="password-error"' in html and message in html, weak
    assert client.post(url, data={"password": "helt-nytt-losenord-77"}).status_code == 302
    assert bo.get("/").status_code == 302  # logged out
    assert _login(app.test_client(), "bosse@vansbro.se").status_code == 401
    assert _login(app.test_client(), "bosse@vansbro.se", "helt-nytt-losenord-77").status_code == 302
    event = _events("reset_password")[-1]
    assert "helt-nytt" not in str(event.changes)


def test_own_password_change(client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    _login(client, "anna@vansbro.se")
    response = client.post("/account/password", data={"current_password": "fel", "password": "x"})
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.get_data(as_text=True)
    response = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": "kort"}
    )
    assert response.status_code == 422 and "minst 12 tecken" in response.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "mitt-nya-losenord-2026"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert _events("change_password")


def test_tokens_shown_once_listed_and_revoked(app, client, factory):
    user = factory.user("editor", "2021", email="anna@vansbro.se")
    _login(client, "anna@vansbro.se")
    response = client.post("/account/tokens", data={"name": "Ekonomisystemet"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    plain = re.search(r'<code class="token-value">(ck_[^<]+)</code>', html).group(1)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert plain not in listing  # shown once only
    assert "Ekonomisystemet" in listing and plain[:10] in listing and "Aldrig" in listing

    api = app.test_client()
    assert (
        api.get("/api/v1/nothing-here", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 404
    )
    assert "Aldrig" not in client.get("/account/tokens").get_data(as_text=True)  # last used

    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert (
        api.get("/api/v1/nothing-here", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 401
    )
    assert "Återkallad" in client.get("/account/tokens").get_data(as_text=True)
    assert _events("revoke", "api_token")


def test_cannot_revoke_someone_elses_token(client, factory):
    other = factory.user("editor", "2023")
    factory.token(other)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == other.id))
    factory.user("editor", "2021", email="anna@vansbro.se")
    _login(client, "anna@vansbro.se")
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.expire_all()
    assert token.revoked_at is None
    assert db.session.get(User, other.id).is_active_account
