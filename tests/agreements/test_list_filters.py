"""The agreement list filtered by any party (a region, an agency…) and by who is responsible."""

from __future__ import annotations

from coop_tracker.agreements.bodies import add_body
from coop_tracker.agreements.models import Contact
from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement
from coop_tracker.municipalities.models import Municipality


def _agreement(session, factory, title, parties, **fields):
    data = AgreementInput(
        title=title,
        form=fields.pop("form", "avtalssamverkan"),
        area_slugs=["miljo-halsoskydd"],
        parties=parties,
        start_on="2024-01-01",
        **fields,
    )
    agreement = create_agreement(session, data, actor=factory.actor).agreement
    session.commit()
    return agreement


def _world(session, factory):
    """Hjälpmedel with Region Dalarna, a Finsam with Försäkringskassan, and one of kommuner only
    in which Vansbro's socialnämnd and official answer."""
    vansbro = session.get(Municipality, "2021")
    for name in ("Omsorgsnämnden", "Socialnämnden"):
        add_body(session, vansbro, name, actor=factory.actor)
    _agreement(
        session,
        factory,
        "Hjälpmedelsnämnden i Dalarna",
        [
            PartyInput(
                organisation="20", role="host", responsible_body="Hälso- och sjukvårdsnämnden"
            ),
            PartyInput(municipality_code="2021", role="member", responsible_body="Omsorgsnämnden"),
        ],
        form="gemensam_namnd",
    )
    _agreement(
        session,
        factory,
        "Samordningsförbundet Västerdalarna",
        [
            PartyInput(organisation="202100-5521", role="member"),
            PartyInput(organisation="202100-2114", role="member"),
            PartyInput(organisation="20", role="member"),
            PartyInput(municipality_code="2021", role="member"),
            PartyInput(municipality_code="2023", role="member"),
        ],
        form="samordningsforbund",
    )
    official = factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Lindqvist")
    third = _agreement(
        session,
        factory,
        "Socialjour i Västerdalarna",
        [
            PartyInput(
                municipality_code="2021",
                role="host",
                responsible_body="Socialnämnden",
                responsible_user_id=official.id,
            ),
            PartyInput(municipality_code="2023", role="purchaser"),
        ],
    )
    malung = third.party_for("2023")
    session.add(Contact(party=malung, name="Per Ersson", is_responsible=True))
    session.commit()


def _titles(page: str) -> list[str]:
    names = ["Hjälpmedelsnämnden i Dalarna", "Samordningsförbundet Västerdalarna"]
    names.append("Socialjour i Västerdalarna")
    return [n for n in names if f">{n}</a>" in page]


def test_list_filters_by_any_party_and_says_so_in_the_selection(client, factory, auth, session):
    _world(session, factory)
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    page = client.get("/agreements/").get_data(as_text=True)
    assert 'id="organisation"' in page
    assert '<optgroup label="Regioner">' in page and ">Region Dalarna</option>" in page
    assert ">Försäkringskassan</option>" in page
    region = client.get("/agreements/?organisation=20").get_data(as_text=True)
    assert _titles(region) == ["Hjälpmedelsnämnden i Dalarna", "Samordningsförbundet Västerdalarna"]
    assert "Urval: part: Region Dalarna" in region
    assert '<option value="20" selected>Region Dalarna</option>' in region
    # An agency by its organisationsnummer, as the API names it.
    fk = client.get("/agreements/?organisation=202100-5521").get_data(as_text=True)
    assert _titles(fk) == ["Samordningsförbundet Västerdalarna"]
    assert "part: Försäkringskassan" in fk


def test_an_unknown_organisation_is_named_and_dropped(client, factory, auth, session):
    _world(session, factory)
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    response = client.get("/agreements/?organisation=999999-9999")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Det finns ingen organisation med koden eller numret ”999999-9999”." in page
    assert len(_titles(page)) == 3


def test_list_filters_by_responsible_nämnd_user_or_contact(client, factory, auth, session):
    _world(session, factory)
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    by_body = client.get("/agreements/?responsible=socialnämnd").get_data(as_text=True)
    assert _titles(by_body) == ["Socialjour i Västerdalarna"]
    assert "Urval: ansvarig nämnd eller person: ”socialnämnd”" in by_body
    by_user = client.get("/agreements/?responsible=lindqvist").get_data(as_text=True)
    assert _titles(by_user) == ["Socialjour i Västerdalarna"]
    by_contact = client.get("/agreements/?responsible=Per+Ersson").get_data(as_text=True)
    assert _titles(by_contact) == ["Socialjour i Västerdalarna"]
    # With a kommun chosen, only that kommun's responsible counts: Per Ersson is Malung-Sälen's.
    vansbro = client.get("/agreements/?municipality=2021&responsible=Per+Ersson")
    assert _titles(vansbro.get_data(as_text=True)) == []
    malung = client.get("/agreements/?municipality=2023&responsible=Per+Ersson")
    assert _titles(malung.get_data(as_text=True)) == ["Socialjour i Västerdalarna"]
    nämnd = client.get("/agreements/?responsible=sjukvårdsnämnden").get_data(as_text=True)
    assert _titles(nämnd) == ["Hjälpmedelsnämnden i Dalarna"]


def test_export_follows_the_party_filter(client, factory, auth, session):
    _world(session, factory)
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    body = client.get("/exchange/export.csv?organisation=202100-5521").get_data(as_text=True)
    assert "Samordningsförbundet Västerdalarna" in body
    assert "Hjälpmedelsnämnden i Dalarna" not in body


def test_api_list_filters_by_organisation_and_responsible(api_as, session, factory):
    _world(session, factory)
    api = api_as("reader", "2021")
    region = api.get("/api/v1/agreements?organisation=20").get_json()
    assert sorted(a["title"] for a in region["items"]) == [
        "Hjälpmedelsnämnden i Dalarna",
        "Samordningsförbundet Västerdalarna",
    ]
    af = api.get("/api/v1/agreements?organisation=2021002114").get_json()
    assert [a["title"] for a in af["items"]] == ["Samordningsförbundet Västerdalarna"]
    who = api.get("/api/v1/agreements?responsible=Socialnämnden&municipality=2021").get_json()
    assert [a["title"] for a in who["items"]] == ["Socialjour i Västerdalarna"]
    refused = api.get("/api/v1/agreements?organisation=999999-9999")
    assert refused.status_code == 422
    assert "organisation" in refused.get_json()["fields"]
