"""Contact persons in the API: for the parties' own users and administrators only."""

from __future__ import annotations

from tests.agreements.test_contact_visibility import EMAIL, NAME, agreement  # noqa: F401


def test_api_gives_contacts_to_parties_only(api_as, agreement):  # noqa: F811
    own = api_as("reader", "2021").get(f"/api/v1/agreements/{agreement.id}").get_json()
    assert own["parties"][0]["contacts"][0]["email"] == EMAIL
    other = api_as("editor", "2062")
    body = other.get(f"/api/v1/agreements/{agreement.id}").get_json()
    assert body["title"] == agreement.title
    assert all("contacts" not in party for party in body["parties"])
    listing = other.get("/api/v1/agreements").get_data(as_text=True)
    history = other.get(f"/api/v1/agreements/{agreement.id}/history").get_data(as_text=True)
    assert EMAIL not in listing and NAME not in history and EMAIL not in history
