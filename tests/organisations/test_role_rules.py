"""Who may take part in which form: role rules per kind of organisation, through the service."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.organisations.models import Organisation
from coop_tracker.organisations.services import OrganisationInput, create_organisation

FK, AF = "202100-5521", "202100-2114"  # Försäkringskassan, Arbetsförmedlingen
DALARNA = "20"


def _input(form: str, parties: list[PartyInput], **fields) -> AgreementInput:
    return AgreementInput(
        title=fields.pop("title", "Samverkan att pröva"),
        form=form,
        area_slugs=["socialtjanst"],
        parties=parties,
        start_on="2025-01-01",
        **fields,
    )


def _forbund(session, kind: str = "forbund", name: str = "Räddningstjänstförbundet Mitt"):
    return create_organisation(
        session, OrganisationInput(kind=kind, name=name), actor=Actor.system()
    )


def _refused(session, data: AgreementInput) -> str:
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, data, actor=Actor.system())
    return refused.value.fields["parties"]


def test_a_region_can_be_member_of_a_gemensam_namnd(session):
    data = _input(
        "gemensam_namnd",
        [
            PartyInput("2080", "host"),
            PartyInput(role="member", organisation=DALARNA),
            PartyInput("2021", "member"),
        ],
    )
    agreement = create_agreement(session, data, actor=Actor.system()).agreement
    region = next(p for p in agreement.parties if p.municipality_code is None)
    assert region.name == "Region Dalarna" and region.kind == "region"
    # A kommun party still carries its kommunkod, as before.
    assert {p.municipality_code for p in agreement.parties} == {"2080", "2021", None}


@pytest.mark.parametrize("form", ["gemensam_namnd", "kommunalforbund"])
def test_a_state_agency_or_forbund_cannot_join_a_public_law_form(session, form):
    forbund = _forbund(session)
    host = [PartyInput("2080", "host")] if form == "gemensam_namnd" else []
    data = _input(
        form,
        [
            *host,
            PartyInput("2021", "member"),
            PartyInput("2023", "member"),
            PartyInput(role="member", organisation=FK),
            PartyInput(role="member", organisation=forbund.id),
        ],
    )
    message = _refused(session, data)
    assert "Försäkringskassan (statlig myndighet) kan inte vara medlem" in message
    assert "Räddningstjänstförbundet Mitt (kommunalförbund) kan inte vara medlem" in message


def test_a_forbund_may_perform_in_avtalssamverkan_but_not_buy(session):
    forbund = _forbund(session)
    sells = _input(
        "avtalssamverkan",
        [PartyInput(role="host", organisation=forbund.id), PartyInput("2039", "purchaser")],
    )
    agreement = create_agreement(session, sells, actor=Actor.system()).agreement
    assert [p.kind for p in agreement.parties] == ["forbund", "kommun"]
    buys = _input(
        "avtalssamverkan",
        [PartyInput("2039", "host"), PartyInput(role="purchaser", organisation=forbund.id)],
        title="Förbundet köper",
    )
    assert "kan inte vara beställare" in _refused(session, buys)


def test_a_finsam_needs_its_four_kinds_of_member(session):
    members = [
        PartyInput(role="member", organisation=FK),
        PartyInput(role="member", organisation=AF),
        PartyInput(role="member", organisation=DALARNA),
        PartyInput("2021", "member"),
        PartyInput("2023", "member"),
        PartyInput("2026", "member"),
    ]
    agreement = create_agreement(
        session, _input("samordningsforbund", members), actor=Actor.system()
    ).agreement
    assert sorted(p.kind for p in agreement.parties) == [
        "agency",
        "agency",
        "kommun",
        "kommun",
        "kommun",
        "region",
    ]
    without_af_and_region = [members[0], *members[3:]]
    message = _refused(
        session, _input("samordningsforbund", without_af_and_region, title="Utan AF")
    )
    assert "Arbetsförmedlingen måste vara medlem" in message
    assert "Minst en region måste vara medlem" in message
    assert "Försäkringskassan måste" not in message


def test_a_finsam_member_is_never_a_host(session):
    data = _input(
        "samordningsforbund",
        [
            PartyInput(role="host", organisation=FK),
            PartyInput(role="member", organisation=AF),
            PartyInput(role="member", organisation=DALARNA),
            PartyInput("2021", "member"),
        ],
    )
    assert "alla parter medlemmar" in _refused(session, data)


def test_a_company_has_owners_with_shares_and_is_linked_to_its_agreement(session):
    company = _forbund(session, "company", "Dalarnas Energibolag AB")
    data = _input(
        "bolag",
        [
            PartyInput("2080", "member", ownership_percent="60"),
            PartyInput("2021", "member", ownership_percent="40"),
        ],
        body_organisation=company.id,
    )
    agreement = create_agreement(session, data, actor=Actor.system()).agreement
    assert agreement.body_organisation.name == "Dalarnas Energibolag AB"
    too_much = _input(
        "bolag",
        [
            PartyInput("2080", "member", ownership_percent="70"),
            PartyInput("2021", "member", ownership_percent="40"),
        ],
        title="För stora andelar",
    )
    assert "Ägarandelarna är sammanlagt mer än 100 %" in _refused(session, too_much)


def test_the_body_must_be_of_the_forms_kind_and_not_a_party(session):
    forbund = _forbund(session)
    data = _input(
        "samordningsforbund",
        [
            PartyInput(role="member", organisation=FK),
            PartyInput(role="member", organisation=AF),
            PartyInput(role="member", organisation=DALARNA),
            PartyInput("2021", "member"),
        ],
        body_organisation=forbund.id,
    )
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, data, actor=Actor.system())
    assert "samordningsförbund (finsam)" in refused.value.fields["body_organisation"]


def test_unknown_organisation_is_named_in_swedish(session):
    data = _input(
        "avtalssamverkan",
        [PartyInput("2021", "host"), PartyInput(role="purchaser", organisation="999999-9999")],
    )
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, data, actor=Actor.system())
    assert "Part 2: okänd organisation" in refused.value.fields["parties-1-organisation"]


def test_the_same_organisation_twice_is_refused(session):
    data = _input(
        "gemensam_namnd",
        [
            PartyInput("2080", "host"),
            PartyInput(role="member", organisation=DALARNA),
            PartyInput(role="member", organisation=DALARNA),
        ],
    )
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, data, actor=Actor.system())
    assert "Region Dalarna finns redan med" in refused.value.fields["parties-2-organisation"]


def test_reference_data_has_the_21_regions_and_the_two_finsam_agencies(session):
    regions = session.scalars(select(Organisation).where(Organisation.kind == "region")).all()
    assert len(regions) == 21
    assert {r.code for r in regions} == {r.county_code for r in regions}
    assert all(r.county is not None for r in regions)
    by_code = {r.code: r.name for r in regions}
    assert by_code["14"] == "Västra Götalandsregionen"
    assert by_code["23"] == "Region Jämtland Härjedalen"
    agencies = session.scalars(select(Organisation).where(Organisation.kind == "agency")).all()
    assert {(a.org_number, a.name) for a in agencies} == {
        (FK, "Försäkringskassan"),
        (AF, "Arbetsförmedlingen"),
    }
    kommuner = session.scalars(select(Organisation).where(Organisation.kind == "kommun")).all()
    assert len(kommuner) == 290
    assert all(k.code == k.municipality_code for k in kommuner)


def test_organisation_number_is_checked(session):
    with pytest.raises(ValidationFailed) as refused:
        create_organisation(
            session,
            OrganisationInput(
                kind="finsam", name="Samordningsförbundet X", org_number="222000-1234"
            ),
            actor=Actor.system(),
        )
    assert "kontrollsiffra" in refused.value.fields["org_number"]
    ok = create_organisation(
        session,
        OrganisationInput(kind="finsam", name="Samordningsförbundet X", org_number="2220001230"),
        actor=Actor.system(),
    )
    assert ok.org_number == "222000-1230"
