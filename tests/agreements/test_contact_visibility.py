"""Contact persons are personal data: only the parties' own users and administrators see them
(page, API, JSON export, history), never another kommun's users or the public."""

from __future__ import annotations

import pytest

from coop_tracker.agreements.services import ContactInput, add_contact
from coop_tracker.core.actor import Actor

NAME = "Kim Kontaktsson"
EMAIL = "kim.kontaktsson@vansbro.se"


@pytest.fixture
def agreement(factory, session):
    agreement = factory.agreement(
        [("2021", "host"), ("2023", "purchaser")], phase="active", is_public=True
    )
    add_contact(
        session,
        agreement.parties[0],
        ContactInput(name=NAME, email=EMAIL, phone="0281-750 00"),
        actor=Actor.system(),
    )
    session.commit()
    return agreement


def _sees_contact(client, auth, email, agreement):
    auth.login(email)
    page = client.get(f"/agreements/{agreement.id}").text
    history = client.get(f"/agreements/{agreement.id}/history").text
    export = client.get("/exchange/export.json").text
    auth.logout()
    found = [NAME in page, EMAIL in page, NAME in history, EMAIL in history, EMAIL in export]
    assert len(set(found)) == 1, found  # all or nothing
    return found[0]


def test_parties_and_admins_see_contacts_others_do_not(client, auth, factory, agreement):
    factory.user("reader", "2021", email="lasare@vansbro.se")
    factory.user("editor", "2023", email="redaktor@malung.se")
    factory.user("admin", None, email="admin@region.se")
    factory.user("reader", "2062", email="lasare@mora.se")
    factory.user("kommun_admin", "2062", email="ka@mora.se")
    assert _sees_contact(client, auth, "lasare@vansbro.se", agreement)
    assert _sees_contact(client, auth, "redaktor@malung.se", agreement)
    assert _sees_contact(client, auth, "admin@region.se", agreement)
    assert not _sees_contact(client, auth, "lasare@mora.se", agreement)
    assert not _sees_contact(client, auth, "ka@mora.se", agreement)

    auth.login("lasare@mora.se")
    page = client.get(f"/agreements/{agreement.id}").text
    assert "visas bara för användare i kommuner som är parter" in page
    auth.logout()
    public = client.get(f"/public/{agreement.id}").text
    assert NAME not in public and EMAIL not in public
