"""The organisation pages' forms: registering and changing a förbund, and a stale save."""

from __future__ import annotations

from sqlalchemy import func, select

from coop_tracker.organisations.models import Organisation, OrgKind

FORBUND = {
    "kind": "forbund",
    "name": "Räddningstjänsten Dala Mitt",
    "org_number": "",
    "description": "",
    "articles_adopted_on": "",
    "owner_directive_on": "",
}


def _count(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.kind == OrgKind.FORBUND)
    )


def test_registering_a_forbund_saves_it_and_says_so(client, auth, factory, session):
    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    before = _count(session)
    response = client.post("/organisations/new", data=FORBUND)
    assert response.status_code == 302
    org = session.scalar(select(Organisation).where(Organisation.name == FORBUND["name"]))
    assert response.location.endswith(f"/organisations/{org.id}")
    assert _count(session) == before + 1
    page = client.get(response.location).get_data(as_text=True)
    assert "Räddningstjänsten Dala Mitt är registrerad." in page


def test_a_bad_organisation_is_refused_with_its_field_named(client, auth, factory, session):
    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    before = _count(session)
    response = client.post("/organisations/new", data={**FORBUND, "org_number": "123"})
    assert response.status_code == 422
    assert "ange tio siffror" in response.get_data(as_text=True)
    assert _count(session) == before


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, auth, factory, session):
    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    client.post("/organisations/new", data=FORBUND)
    org = session.scalar(select(Organisation).where(Organisation.name == FORBUND["name"]))
    opened = org.version
    first = {**FORBUND, "description": "Räddning i tre kommuner.", "version": str(opened)}
    response = client.post(f"/organisations/{org.id}/edit", data=first)
    assert response.status_code == 302
    assert "Ändringarna är sparade." in client.get(response.location).get_data(as_text=True)

    late = {**FORBUND, "name": "Dala Mitt räddning", "version": str(opened)}
    response = client.post(f"/organisations/{org.id}/edit", data=late)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Någon annan har ändrat organisationen sedan du öppnade sidan" in page
    assert 'value="Dala Mitt räddning"' in page
    session.expire_all()
    assert (org.name, org.description) == (FORBUND["name"], "Räddning i tre kommuner.")
