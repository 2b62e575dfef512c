"""CSRF: with protection on (as in production), every POST route refuses a form without a
valid token, and nothing changes; the same form with the token goes through."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.extensions import db
from coop_tracker.organisations.models import Organisation
from tests.app_support import introspection_app
from tests.factories import PASSWORD


def _post_routes() -> list[tuple[str, str]]:
    app = introspection_app()
    return sorted(
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    )


POST_ROUTES = _post_routes()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture
def world(app, factory, saved_world):
    """The objects every POST route needs, built once per session (then put back)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return saved_world.get(app, "csrf", lambda: _build_world(factory))


def _build_world(factory):
    admin = factory.user("admin", "2021", email="admin@vansbro.se")
    other = factory.user("editor", "2021", email="editor@vansbro.se")
    factory.token(admin)
    agreement = factory.agreement(phase="active")
    from coop_tracker.agreements.services import ContactInput, add_contact
    from coop_tracker.core.actor import Actor

    add_contact(db.session, agreement.parties[0], ContactInput(name="Kim"), actor=Actor.system())
    follow_up = _follow_up_objects(agreement, admin)
    from coop_tracker.lifecycle.services import ExitInput, create_exit

    plan = create_exit(
        db.session, agreement, ExitInput(), actor=Actor.system(), today=agreement.start_on
    ).exit
    from coop_tracker.documents.services import DocumentInput, VersionInput, create_document

    document = create_document(
        db.session,
        agreement,
        DocumentInput(
            doc_type="avtal", title="Avtalet", first=VersionInput(link_url="https://d.se/1")
        ),
        actor=Actor.system(),
    )
    db.session.commit()
    return {
        "document_id": document.id,
        "exit_id": plan.id,
        "task_id": plan.tasks[0].id,
        "item_id": db.session.scalar(
            select(ChecklistItem.id).where(ChecklistItem.agreement_id == agreement.id).limit(1)
        ),
        "agreement_id": agreement.id,
        "party_id": agreement.parties[0].id,
        "contact_id": agreement.parties[0].contacts[0].id,
        "user_id": other.id,
        "token_id": admin.tokens[0].id,
        "code": "2021",
        "org_id": db.session.scalar(select(Organisation.id).limit(1)),
        # A nämnd in Vansbro's list: the CSRF check refuses before the view looks it up.
        "body_id": 1,
        # An årshjul duty: the CSRF check refuses before the view looks the duty up.
        "kind": "annual_report",
        "year": 2027,
        **follow_up,
    }


def _follow_up_objects(agreement, user):
    """A meeting, a review and one of ``user``'s reminders, for the follow-up routes."""
    from datetime import date

    from tests.factories import follow_up_records

    meeting, review, reminder = follow_up_records(
        db.session, agreement, user, code="2021", due_on=date(2026, 6, 1)
    )
    return {"meeting_id": meeting.id, "review_id": review.id, "reminder_id": reminder.id}


def _logged_in(app):
    client = app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": "admin@vansbro.se", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def test_there_are_post_routes_to_check():
    assert len(POST_ROUTES) >= 10


def test_login_without_token_is_refused(app, world):
    client = app.test_client()
    response = client.post("/login", data={"email": "admin@vansbro.se", "password": PASSWORD})
    assert response.status_code == 303
    follow = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "säkerhetstoken" in follow
    assert client.get("/").status_code == 302  # still not logged in


@pytest.mark.parametrize(("endpoint", "rule"), POST_ROUTES, ids=[r[0] for r in POST_ROUTES])
def test_post_without_token_is_refused(app, world, endpoint, rule):
    client = _logged_in(app)
    url = rule
    for name, value in world.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    before = db.session.query(AuditEvent).count()
    # As a form post from a browser: refused with a message, sent back, nothing saved.
    response = client.post(url, data={"name": "x", "password": "y", "active": "0"})
    assert response.status_code == 303, f"{url}: {response.status_code}"
    # As a JSON client: a 400 with the reason.
    response = client.post(url, data={"title": "x"}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf_failed"
    # A token from another session does not help either.
    stranger = app.test_client()
    foreign = _token(stranger.get("/login").get_data(as_text=True))
    response = client.post(
        url, data={"csrf_token": foreign}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.query(AuditEvent).count() == before
    assert client.get("/").status_code == 200  # the refused logout did not log out


def test_with_the_token_the_same_post_goes_through(app, world):
    client = _logged_in(app)
    url = f"/agreements/{world['agreement_id']}/archive"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": _token(page), "reason": "Dubblett"})
    assert response.status_code == 302
    assert "Samverkan är arkiverad" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
