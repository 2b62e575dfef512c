"""A kommun's list of nämnder: kept by its kommun administrator, picked from by its parties."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coop_tracker.agreements.bodies import add_body, remove_body, rename_body
from coop_tracker.agreements.models import Party
from coop_tracker.agreements.services import (
    AgreementInput,
    PartyInput,
    create_agreement,
    update_agreement,
)
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.municipalities.models import Municipality
from tests.html import main_form


def _vansbro(session):
    return session.get(Municipality, "2021")


def _agreement(session, factory, body="", organisation_body=""):
    data = AgreementInput(
        title="Socialjour i Västerdalarna",
        form="avtalssamverkan",
        area_slugs=["socialtjanst"],
        start_on="2024-01-01",
        parties=[
            PartyInput(municipality_code="2021", role="host", responsible_body=body),
            PartyInput(organisation="20", role="purchaser", responsible_body=organisation_body),
        ],
    )
    agreement = create_agreement(session, data, actor=factory.actor).agreement
    session.commit()
    return agreement


def test_a_kommun_party_picks_its_responsible_nämnd_from_the_list(session, factory):
    add_body(session, _vansbro(session), "Socialnämnden", actor=factory.actor)
    # Written the list's way whatever the case; a region's nämnd is its own text.
    agreement = _agreement(
        session, factory, body="socialnämnden", organisation_body="Hälso- och sjukvårdsnämnden"
    )
    assert agreement.party_for("2021").responsible_body == "Socialnämnden"
    assert [p.responsible_body for p in agreement.parties if not p.municipality_code] == [
        "Hälso- och sjukvårdsnämnden"
    ]
    assert _agreement_with(session, factory, "Kommunstyrelsen") == "Kommunstyrelsen"


def _agreement_with(session, factory, body):
    data = AgreementInput(
        title="Lön",
        form="avtalssamverkan",
        area_slugs=["lon"],
        start_on="2024-01-01",
        parties=[
            PartyInput(municipality_code="2021", role="host", responsible_body=body),
            PartyInput(municipality_code="2023", role="purchaser"),
        ],
    )
    return (
        create_agreement(session, data, actor=factory.actor).agreement.parties[0].responsible_body
    )


def test_a_nämnd_not_in_the_list_is_refused_naming_the_party_and_the_choices(session, factory):
    add_body(session, _vansbro(session), "Socialnämnden", actor=factory.actor)
    with pytest.raises(ValidationFailed) as refused:
        _agreement(session, factory, body="Socialnämden")
    message = refused.value.fields["parties-0-responsible_body"]
    assert message.startswith(
        "Part 1: ansvarig nämnd ”Socialnämden” finns inte i listan över nämnder för Vansbro."
    )
    assert "Välj en av: Kommunfullmäktige, Kommunstyrelsen, Socialnämnden." in message


def test_a_name_from_before_the_list_is_kept_until_changed(session, factory):
    agreement = _agreement(session, factory)
    party = agreement.party_for("2021")
    party.responsible_body = "Individ- och familjenämnden"  # as migrated free text
    session.commit()
    data = AgreementInput.from_agreement(agreement)
    data.purpose = "Jour dygnet runt."
    update_agreement(
        session, agreement, data, expected_version=agreement.version, actor=factory.actor
    )
    session.commit()
    assert agreement.party_for("2021").responsible_body == "Individ- och familjenämnden"
    data = AgreementInput.from_agreement(agreement)
    data.parties[0].responsible_body = "Byggnämnden"
    with pytest.raises(ValidationFailed) as refused:
        update_agreement(
            session, agreement, data, expected_version=agreement.version, actor=factory.actor
        )
    assert "”Byggnämnden” finns inte i listan" in refused.value.fields["parties-0-responsible_body"]


def test_rename_follows_into_the_parties_and_remove_keeps_their_name(session, factory):
    body = add_body(session, _vansbro(session), "Socialnämnden", actor=factory.actor)
    agreement = _agreement(session, factory, body="Socialnämnden")
    rename_body(
        session,
        _vansbro(session),
        body,
        "Individ- och familjenämnden",
        expected_version=body.version,
        actor=factory.actor,
    )
    session.commit()
    party = session.scalar(select(Party).where(Party.id == agreement.party_for("2021").id))
    assert party.responsible_body == "Individ- och familjenämnden"
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "kommun_body").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.changes["name"] == ["Socialnämnden", "Individ- och familjenämnden"]
    assert event.changes["parties"] == [None, 1]
    assert remove_body(session, _vansbro(session), body, actor=factory.actor) == 1
    session.commit()
    assert party.responsible_body == "Individ- och familjenämnden"


def test_names_are_checked(session, factory):
    vansbro = _vansbro(session)
    add_body(session, vansbro, "Socialnämnden", actor=factory.actor)
    for name, message in [
        ("", "Ange nämndens namn."),
        ("  socialnämnden ", "”Socialnämnden” finns redan i listan för Vansbro."),
        ("KOMMUNSTYRELSEN", "”Kommunstyrelsen” finns redan i listan för Vansbro."),
        ("x" * 121, "Nämndens namn får vara högst 120 tecken"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            add_body(session, vansbro, name, actor=factory.actor)
        assert message in refused.value.fields["name"]


def test_only_the_kommuns_own_administrators_keep_the_list(session, factory):
    editor = factory.user("editor", "2021")
    other_admin = factory.user("kommun_admin", "2023")
    from coop_tracker.core.actor import Actor

    for user in (editor, other_admin):
        with pytest.raises(PermissionDenied):
            add_body(
                session, _vansbro(session), "Socialnämnden", actor=Actor(user=user, source="web")
            )
    own = factory.user("kommun_admin", "2021")
    add_body(session, _vansbro(session), "Socialnämnden", actor=Actor(user=own, source="web"))


def test_the_list_page_adds_renames_and_removes(client, factory, auth, session):
    factory.user("kommun_admin", "2021", email="ka@vansbro.se")
    auth.login("ka@vansbro.se")
    page = client.get("/municipalities/2021/bodies").get_data(as_text=True)
    assert "Kommunfullmäktige" in page and "Kommunstyrelsen" in page
    form = main_form(page)
    form["name"] = "Miljö- och byggnadsnämnden"
    added = client.post("/municipalities/2021/bodies", data=form)
    assert added.status_code == 302
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "”Miljö- och byggnadsnämnden” är tillagd i listan." in page
    form = main_form(page)
    form["name"] = "kommunfullmäktige"
    refused = client.post("/municipalities/2021/bodies", data=form)
    assert refused.status_code == 422
    assert "”Kommunfullmäktige” finns redan i listan för Vansbro." in refused.get_data(as_text=True)
    from coop_tracker.municipalities.models import KommunBody

    body = session.scalar(select(KommunBody))
    edit = client.get(f"/municipalities/2021/bodies/{body.id}").get_data(as_text=True)
    form = main_form(edit)
    form["name"] = "Samhällsbyggnadsnämnden"
    renamed = client.post(f"/municipalities/2021/bodies/{body.id}", data=form)
    assert renamed.status_code == 302
    page = client.get("/municipalities/2021/bodies").get_data(as_text=True)
    assert "”Miljö- och byggnadsnämnden” heter nu ”Samhällsbyggnadsnämnden”." in page
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "kommun_body").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in event] == ["create", "update"]


def test_the_party_form_offers_the_kommuns_list_and_marks_an_old_name(
    client, factory, auth, session
):
    add_body(session, _vansbro(session), "Socialnämnden", actor=factory.actor)
    agreement = _agreement(session, factory, body="Socialnämnden")
    party = agreement.party_for("2021")
    party.responsible_body = "Sociala nämnden"
    session.commit()
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    detail = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Ansvarig: Sociala nämnden (ej i listan)" in detail
    page = client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    select_html = page.split('name="parties-0-responsible_body"')[1].split("</select>")[0]
    assert '<option value="Socialnämnden">Socialnämnden</option>' in select_html
    assert '<option value="Kommunstyrelsen">Kommunstyrelsen</option>' in select_html
    assert '<option value="Sociala nämnden" selected>Sociala nämnden (ej i listan)</option>' in (
        select_html
    )
    # The region's party types its own nämnd.
    assert 'name="parties-1-responsible_body" type="text"' in page
