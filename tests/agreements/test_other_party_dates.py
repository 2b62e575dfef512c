"""Decide-by dates for parties that are not kommuner: a region decides in regionfullmäktige or
regionstyrelsen but has no meeting calendar here (the fallback, said aloud); a state agency has
no fullmäktige (its date from the internal lead time, said in words)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coop_tracker.agreements import dates
from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement
from coop_tracker.schedule.rules import derived_dates

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(frozen_clock):
    frozen_clock.set(TODAY)


def _agreement(session, factory, form, parties, title):
    data = AgreementInput(
        title=title,
        form=form,
        area_slugs=["socialtjanst"],
        start_on="2024-07-01",
        end_on="2026-06-30",
        term="renewing",
        renewal_months=12,
        notice_months=3,
        internal_lead_days=30,
        parties=parties,
    )
    agreement = create_agreement(session, data, actor=factory.actor).agreement
    agreement.phase = "active"
    session.commit()
    return agreement


def test_a_region_gets_the_fallback_with_the_missing_calendar_said(session, factory, client, auth):
    agreement = _agreement(
        session,
        factory,
        "avtalssamverkan",
        [
            PartyInput(municipality_code="2021", role="host"),
            PartyInput(organisation="20", role="purchaser"),
        ],
        "Hjälpmedel till Region Dalarna",
    )
    derived = derived_dates(agreement, TODAY)
    assert derived.notice_deadline_on == date(2026, 3, 31)
    region = derived.others["20"]
    # Like a kommun without a calendar: the deadline less delivery time and the lead time.
    assert region.decide_by_on == derived.parties["2021"].decide_by_on
    assert region.decide_by_on < derived.notice_deadline_on
    assert region.warnings[0].startswith(
        "Sammanträdesplan för 2026 saknas för Region Dalarna region"
    )
    # The agreement's own decide-by stays the kommuner's.
    assert derived.decide_by_on == derived.parties["2021"].decide_by_on
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert f"Region Dalarna: {region.decide_by_on.isoformat()}" in page
    assert "saknas för Region Dalarna region" in page


def test_an_agency_has_no_fullmäktige_and_is_told_so(session, factory, api_as):
    agreement = _agreement(
        session,
        factory,
        "samordningsforbund",
        [
            PartyInput(organisation="202100-5521", role="member"),
            PartyInput(organisation="202100-2114", role="member"),
            PartyInput(organisation="20", role="member"),
            PartyInput(municipality_code="2021", role="member"),
        ],
        "Finsam Västerdalarna",
    )
    derived = derived_dates(agreement, TODAY)
    agency = derived.others["202100-5521"]
    buffer = timedelta(days=dates.DEFAULT_NOTICE_BUFFER_DAYS)
    assert agency.decide_by_on == date(2026, 3, 31) - buffer - timedelta(days=30)
    assert agency.warnings == [
        "Försäkringskassan är en statlig myndighet utan fullmäktige: datumet är sista dag för "
        "uppsägning minus tiden för delgivning och 30 dagars intern förberedelsetid."
    ]
    api = api_as("reader", "2021")
    body = api.get(f"/api/v1/agreements/{agreement.id}").get_json()
    parties = {p["name"]: p for p in body["parties"]}
    assert parties["Försäkringskassan"]["decide_by"]["decide_by_on"] == (
        agency.decide_by_on.isoformat()
    )
    assert parties["Försäkringskassan"]["decide_by"]["from_calendar"] is False
