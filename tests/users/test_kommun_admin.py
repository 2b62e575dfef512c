"""A kommun administrator: its own kommun's people, calendars and settings; nothing of others."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.permissions import can, restrict_users
from coop_tracker.users import services
from coop_tracker.users.models import User

NEW_USER = {
    "email": "ny@vansbro.se",
    "name": "Nils Nyberg",
    "role": "editor",
    "municipality_code": "2021",
    "password": "ett-nytt-bra-losenord",
}


@pytest.fixture
def people(factory):
    """A kommun administrator of Vansbro, a Vansbro editor, a Mora editor, a global admin."""
    return {
        "kadmin": factory.user("kommun_admin", "2021", email="ka@vansbro.se", name="Karin Adm"),
        "vansbro": factory.user("editor", "2021", email="e@vansbro.se", name="Erik Vansbro"),
        "mora": factory.user("editor", "2062", email="e@mora.se", name="Maja Mora"),
        "admin": factory.user("admin", "2021", email="admin@region.se", name="Global Admin"),
    }


def test_sees_and_changes_only_its_own_kommuns_people(client, auth, people, session):
    auth.login("ka@vansbro.se")
    listing = client.get("/admin/users").text
    assert "Erik Vansbro" in listing and "Karin Adm" in listing
    assert "Maja Mora" not in listing  # another kommun
    assert "Global Admin" not in listing  # a global administrator, even with Vansbro as home
    # The administration menu has no audit log of the whole installation.
    assert "/admin/audit" not in listing
    assert client.get("/admin/audit").status_code == 403

    for other in (people["mora"], people["admin"]):
        assert client.get(f"/admin/users/{other.id}").status_code == 404
        assert client.post(f"/admin/users/{other.id}/active", data={}).status_code == 404
        assert client.get(f"/admin/users/{other.id}/password").status_code == 404
    assert session.get(User, people["mora"].id).is_active_account

    # Its own kommun's editor: deactivate and reactivate, audited with its kommun.
    editor = people["vansbro"]
    assert client.post(f"/admin/users/{editor.id}/active", data={"active": "0"}).status_code == 302
    session.expire_all()
    assert not session.get(User, editor.id).is_active_account
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "deactivate").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.actor_name == "Karin Adm" and event.municipality_code == "2021"


def test_creates_users_of_its_own_kommun_only(client, auth, people, session):
    auth.login("ka@vansbro.se")
    form = client.get("/admin/users/new").text
    # Only Vansbro as home kommun; no global administrator role to give.
    assert 'value="2021"' in form and 'value="2062"' not in form
    assert 'value="admin"' not in form and 'value="kommun_admin"' in form

    refused = client.post("/admin/users/new", data={**NEW_USER, "municipality_code": "2062"})
    assert refused.status_code == 422
    assert "Hemkommun: du kan bara administrera användare i Vansbro." in refused.text
    refused = client.post("/admin/users/new", data={**NEW_USER, "role": "admin"})
    assert refused.status_code == 422
    assert "Roll: en kommunadministratör kan inte göra någon till administratör för alla" in (
        refused.text
    )
    assert session.scalar(select(User).where(User.email == "ny@vansbro.se")) is None

    assert client.post("/admin/users/new", data=NEW_USER).status_code == 302
    created = session.scalar(select(User).where(User.email == "ny@vansbro.se"))
    assert created.role == "editor" and created.municipality_code == "2021"
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "user", AuditEvent.action == "create")
    ).all()[-1]
    assert event.actor_name == "Karin Adm" and event.object_id == str(created.id)


def test_cannot_promote_or_move_its_people(client, auth, people, session):
    editor = people["vansbro"]
    auth.login("ka@vansbro.se")
    base = {"version": str(editor.version), "name": editor.name}
    promoted = client.post(
        f"/admin/users/{editor.id}", data={**base, "role": "admin", "municipality_code": "2021"}
    )
    assert promoted.status_code == 422 and "administratör för alla" in promoted.text
    moved = client.post(
        f"/admin/users/{editor.id}", data={**base, "role": "editor", "municipality_code": "2062"}
    )
    assert moved.status_code == 422 and "bara administrera användare i Vansbro" in moved.text
    session.expire_all()
    assert session.get(User, editor.id).role == "editor"
    assert session.get(User, editor.id).municipality_code == "2021"
    # Making a colleague a kommun administrator of the same kommun is allowed.
    made = client.post(
        f"/admin/users/{editor.id}",
        data={**base, "role": "kommun_admin", "municipality_code": "2021"},
    )
    assert made.status_code == 302
    session.expire_all()
    assert session.get(User, editor.id).role == "kommun_admin"


def test_the_services_refuse_other_kommuners_people(people, session):
    actor = Actor(user=people["kadmin"], source="web")
    with pytest.raises(PermissionDenied):
        services.set_active(session, people["mora"], False, actor=actor)
    with pytest.raises(PermissionDenied):
        services.reset_password(session, people["admin"], "ett-nytt-bra-losenord", actor=actor)
    with pytest.raises(PermissionDenied):
        services.create_token(session, people["mora"], "nyckel", actor=actor)
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(
            session,
            services.UserInput(**{**NEW_USER, "municipality_code": None}),
            actor=actor,
        )
    assert "municipality_code" in refused.value.fields
    query = restrict_users(select(User.email), people["kadmin"])
    assert sorted(session.scalars(query)) == ["e@vansbro.se", "ka@vansbro.se"]


def test_rights_beside_user_administration(people, factory):
    kadmin = people["kadmin"]
    own = factory.agreement([("2021", "host"), ("2023", "purchaser")], phase="active")
    other = factory.agreement([("2062", "host"), ("2034", "purchaser")], phase="active")
    # Everything an editor of Vansbro may do ...
    assert can(kadmin, "agreement.edit", own) and can(kadmin, "meeting.manage", "2021")
    assert can(kadmin, "municipality.settings", "2021")
    assert can(kadmin, "publication.manage", "2021")
    # ... and nothing of Mora or of the installation.
    assert not can(kadmin, "agreement.edit", other)
    assert not can(kadmin, "meeting.manage", "2062")
    assert not can(kadmin, "municipality.settings", "2062")
    assert not can(kadmin, "publication.manage", "2062")
    for action in ("audit.view_all", "reference.manage", "agreement.archive"):
        assert not can(kadmin, action)
    assert not can(kadmin, "checklist_template.manage")
    # An editor does not administer people or settings.
    assert not can(people["vansbro"], "users.manage")
    assert not can(people["vansbro"], "municipality.settings", "2021")


def test_api_as_a_kommun_administrator(client, factory, people):
    token = factory.token(people["kadmin"])
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["role"] == "kommun_admin" and me["municipality"] == "2021"
    own = factory.agreement([("2021", "host"), ("2023", "purchaser")], phase="active")
    other = factory.agreement([("2062", "host"), ("2034", "purchaser")], phase="active")
    changed = client.patch(
        f"/api/v1/agreements/{own.id}",
        json={"version": own.version, "title": "Miljötillsyn Vansbro–Malung-Sälen"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "Miljötillsyn Vansbro–Malung-Sälen"
    refused = client.patch(
        f"/api/v1/agreements/{other.id}", json={"version": other.version}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.get_json()["message"] == "Du har inte behörighet att göra detta."


def test_global_admin_creates_a_kommun_administrator(client, auth, people, app):
    auth.login("admin@region.se")
    response = client.post(
        "/admin/users/new",
        data={**NEW_USER, "role": "kommun_admin", "municipality_code": "2062"},
    )
    assert response.status_code == 302
    assert "Kommunadministratör" in client.get("/admin/users").text
    missing = client.post(
        "/admin/users/new",
        data={**NEW_USER, "email": "x@mora.se", "role": "kommun_admin", "municipality_code": ""},
    )
    assert missing.status_code == 422
    assert "Välj hemkommun för alla utom administratörer." in missing.text
    other = app.test_client()
    login = other.post("/login", data={"email": "ny@vansbro.se", "password": NEW_USER["password"]})
    assert login.status_code == 302
    assert "Maja Mora" in other.get("/admin/users").text  # Mora's kommun administrator
