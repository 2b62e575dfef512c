"""Every agreement has a stable external id that the API shows and accepts."""

from __future__ import annotations

from tests.api.conftest import agreement_body


def test_an_agreement_made_here_gets_a_generated_id_and_a_kommun_may_set_its_own(api):
    created = api.post("/api/v1/agreements", json=agreement_body()).get_json()
    assert created["external_id"].startswith("SK-") and len(created["external_id"]) == 15
    assert created["external_id_owner"] is None

    own = api.post(
        "/api/v1/agreements", json=agreement_body(title="Lön Vansbro", external_id="17")
    ).get_json()
    assert (own["external_id"], own["external_id_owner"]) == ("17", "2021")

    response = api.patch(
        f"/api/v1/agreements/{created['id']}",
        json={"version": created["version"], "external_id": "18"},
    )
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["external_id"], response.get_json()["external_id_owner"]) == (
        "18",
        "2021",
    )
    # Vansbro's number 17 is taken in Vansbro's numbering.
    again = api.patch(
        f"/api/v1/agreements/{created['id']}",
        json={"version": response.get_json()["version"], "external_id": "17"},
    )
    assert again.status_code == 422
    assert again.get_json()["fields"]["external_id"] == (
        "Externt id ”17” kan inte användas; ange ett annat."
    )
