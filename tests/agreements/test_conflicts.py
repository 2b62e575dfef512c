"""No lost edits: two people edit the same agreement or contact; the second save is refused
with the other person's change shown beside what was typed, and the typed text is kept."""

from __future__ import annotations

import re

from tests.html import main_form


def _browser(app, auth_email):
    client = app.test_client()
    response = client.post(
        "/login", data={"email": auth_email, "password": "ett-langt-losenord-123"}
    )
    assert response.status_code == 302
    return client


def test_second_save_shows_their_change_and_keeps_what_i_typed(app, factory):
    anna = factory.user("editor", "2021", email="anna@vansbro.se", name="Anna")
    factory.user("editor", "2023", email="bo@malung.se", name="Bo")
    agreement = factory.agreement(title="Miljötillsyn i Västerdalarna", purpose="Gammalt syfte")
    first, second = _browser(app, anna.email), _browser(app, "bo@malung.se")
    url = f"/agreements/{agreement.id}/edit"

    page_one = first.get(url).get_data(as_text=True)
    page_two = second.get(url).get_data(as_text=True)
    form_one, form_two = main_form(page_one), main_form(page_two)
    assert form_one["title"] == "Miljötillsyn i Västerdalarna"

    form_one.update({"title": "Miljötillsyn Vansbro och Malung-Sälen", "save": "1"})
    assert first.post(url, data=form_one).status_code == 302

    form_two.update({"purpose": "Bos nya syfte som inte får försvinna", "save": "1"})
    response = second.post(url, data=form_two)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Någon annan hann spara först" in html
    # Their change, field by field: the title went from what Bo started with to Anna's title.
    row = re.search(r'<tr class="conflict__row" data-field="title">(.*?)</tr>', html, re.S)
    assert row, "the conflict table must name the title field"
    assert "Namn" in row.group(1)
    assert '<del class="diff__old">Miljötillsyn i Västerdalarna</del>' in row.group(1)
    assert "Miljötillsyn Vansbro och Malung-Sälen" in row.group(1)
    # Bo did not touch the title; what he typed there is shown next to it.
    assert '<td class="conflict__typed">Miljötillsyn i Västerdalarna' in row.group(1)
    # Purpose was not changed by Anna: not listed as a conflict.
    assert 'data-field="purpose"' not in html
    # What Bo typed is still in the form.
    kept = main_form(html)
    assert kept["purpose"] == "Bos nya syfte som inte får försvinna"

    # Saving again (now on top of Anna's version) succeeds and keeps Bo's purpose.
    kept["save"] = "1"
    assert second.post(url, data=kept).status_code == 302
    from coop_tracker.extensions import db

    db.session.expire_all()
    assert agreement.purpose == "Bos nya syfte som inte får försvinna"
    # Bo's re-save sent the title back as he had it: that is his visible choice.
    assert agreement.title == "Miljötillsyn i Västerdalarna"


def test_party_change_by_other_is_shown_by_kommun_and_field(app, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    factory.user("editor", "2023", email="bo@malung.se")
    agreement = factory.agreement()
    first, second = _browser(app, "anna@vansbro.se"), _browser(app, "bo@malung.se")
    url = f"/agreements/{agreement.id}/edit"
    form_one = main_form(first.get(url).get_data(as_text=True))
    form_two = main_form(second.get(url).get_data(as_text=True))
    form_one.update({"parties-1-decision_body": "Kommunfullmäktige", "save": "1"})
    assert first.post(url, data=form_one).status_code == 302
    form_two.update({"title": "Ett nytt namn från Bo", "save": "1"})
    response = second.post(url, data=form_two)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'data-field="party:2023:decision_body"' in html
    assert "Malung-Sälen: beslutande organ" in html
    assert main_form(html)["title"] == "Ett nytt namn från Bo"
    # The re-rendered form carries the party's new version, so saving again works.
    again = main_form(html)
    again["save"] = "1"
    assert second.post(url, data=again).status_code == 302


def test_contact_conflict_shows_both_values(app, factory, session):
    from coop_tracker.agreements.services import ContactInput, add_contact
    from coop_tracker.core.actor import Actor

    factory.user("editor", "2021", email="anna@vansbro.se")
    agreement = factory.agreement()
    party = agreement.parties[0]
    contact = add_contact(
        session, party, ContactInput(name="Karin Ek", title="Miljöchef"), actor=Actor.system()
    )
    session.commit()
    first, second = _browser(app, "anna@vansbro.se"), _browser(app, "anna@vansbro.se")
    url = f"/agreements/{agreement.id}/parties/{party.id}/contacts/{contact.id}"
    form_one = main_form(first.get(url).get_data(as_text=True))
    form_two = main_form(second.get(url).get_data(as_text=True))
    form_one["title"] = "Förvaltningschef"
    assert first.post(url, data=form_one).status_code == 302
    form_two["phone"] = "0281-123 45"
    response = second.post(url, data=form_two)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'data-field="title"' in html
    assert '<del class="diff__old">Miljöchef</del>' in html
    assert "Förvaltningschef" in html
    assert main_form(html)["phone"] == "0281-123 45"


def test_an_amount_left_as_shown_is_not_called_my_change(app, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    factory.user("editor", "2023", email="bo@malung.se")
    agreement = factory.agreement(annual_cost="1450000")
    first, second = _browser(app, "anna@vansbro.se"), _browser(app, "bo@malung.se")
    url = f"/agreements/{agreement.id}/edit"
    form_one = main_form(first.get(url).get_data(as_text=True))
    form_two = main_form(second.get(url).get_data(as_text=True))
    assert form_two["annual_cost"] == "1 450 000"
    form_one.update({"annual_cost": "1 500 000", "save": "1"})
    assert first.post(url, data=form_one).status_code == 302
    form_two.update({"title": "Ett nytt namn från Bo", "save": "1"})
    html = second.post(url, data=form_two).get_data(as_text=True)
    row = re.search(r'<tr class="conflict__row" data-field="annual_cost">(.*?)</tr>', html, re.S)
    assert row, "Anna's new amount must be shown"
    assert "1\u00a0500\u00a0000\u00a0kr" in row.group(
        1
    ) and "1\u00a0450\u00a0000\u00a0kr" in row.group(1)
    assert "du ändrade också" not in row.group(1)  # Bo left the amount as it was shown
