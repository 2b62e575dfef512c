"""The agreement form shows and accepts the external id."""

from __future__ import annotations

from coop_tracker.agreements.models import Agreement
from tests.agreements.test_views import _form


def test_the_form_shows_and_changes_the_external_id(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    response = client.post("/agreements/new", data=_form(external_id="L-7"))
    assert response.status_code == 302
    agreement = session.query(Agreement).one()
    assert (agreement.external_id_owner, agreement.external_id) == ("2021", "L-7")
    page = client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    assert 'name="external_id"' in page and 'value="L-7"' in page
    data = _form(external_id="L-8", version=str(agreement.version))
    response = client.post(f"/agreements/{agreement.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session.refresh(agreement)
    assert agreement.external_id == "L-8"
