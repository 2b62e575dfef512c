"""A cost model by population with a KPI clause, entered through the pages and read back on the
agreement's tab, on Uppsikt and in the API (amounts checked by hand in the comments)."""

from __future__ import annotations

from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from tests.factories import PASSWORD

MEMBERS = [("2021", "member"), ("2023", "member"), ("2062", "member")]


def _setup(factory, auth, client):
    """Register population 2025-12-31 (as a Kolada sync leaves it): 5 000, 12 000, 28 000;
    entered for 2024-12-31: 5 100, 12 000, 27 900; KPI 2024–2026: 400, 405, 410 (test values)."""
    for code, population in (("2021", 5_000), ("2023", 12_000), ("2062", 28_000)):
        kommun = db.session.get(Municipality, code)
        kommun.population, kommun.population_year = population, 2025
    db.session.commit()
    agreement = factory.agreement(MEMBERS, form="kommunalforbund", phase="active",
                                  title="Räddningstjänsten i test")  # fmt: skip
    admin = factory.user("admin", None)
    auth.login(admin.email, PASSWORD)
    for year, level in ((2024, "400"), (2025, "405"), (2026, "410")):
        response = client.post(
            "/costs/reference",
            data={"what": "index", "series": "kpi", "year": year, "level": level,
                  "source": "Testvärden"},
        )  # fmt: skip
        assert response.status_code == 303
    for code, population in (("2021", 5_100), ("2023", 12_000), ("2062", 27_900)):
        response = client.post(
            "/costs/reference",
            data={"what": "population", "municipality_code": code, "on_date": "2024-12-31",
                  "population": population, "population_source": "SCB"},
        )  # fmt: skip
        assert response.status_code == 303
    auth.logout()
    return agreement


MODEL = {
    "method": "key",
    "base_year": "2024",
    "total_amount": "1 000 000",
    "weight_population": "100",
    "weight_usage": "",
    "weight_fixed": "",
    "population_on": "12-31",
    "population_year_offset": "-1",
    "index_series": "KPI",
    "index_lag": "0",
}


def test_population_key_with_kpi_on_the_tab_uppsikt_and_api(client, auth, factory):
    agreement = _setup(factory, auth, client)
    editor = factory.user("editor", "2021")
    auth.login(editor.email, PASSWORD)
    url = f"/agreements/{agreement.id}/costs"
    assert "ingen kostnadsmodell" in client.get(url).get_data(as_text=True)
    assert client.post(url, data=MODEL).status_code == 303

    page = client.get(url).get_data(as_text=True).replace("\u00a0", " ")
    # 2025: factor 405/400 = 1,0125 → 1 012 500 kr; population 2024-12-31 (45 000):
    #   Vansbro 1 012 500 × 5 100/45 000 = 114 750; Malung-Sälen × 12 000 = 270 000;
    #   Mora × 27 900 = 627 750.
    # 2026: factor 410/400 = 1,025 → 1 025 000 kr; population 2025-12-31 (45 000):
    #   Vansbro 113 888,89 → 113 889; Malung-Sälen 273 333,33 → 273 333; Mora 637 777,78 →
    #   637 778. Vansbro's change: 113 889 − 114 750 = −861.
    for text in ("114 750 kr", "270 000 kr", "627 750 kr", "1 012 500 kr",
                 "113 889 kr", "273 333 kr", "637 778 kr", "1 025 000 kr",
                 "−861 kr", "11,11 %", "Indexfaktor 2026: 1,0250"):  # fmt: skip
        assert text in page, text
    assert "Indexvärde saknas för KPI 2027." in page  # next year: no KPI yet
    assert "Totalbelopp 1 000 000 kr i 2024 års priser, fördelat 100 % efter folkmängd" in page

    oversight = client.get("/municipalities/2021/oversight").get_data(as_text=True)
    oversight = oversight.replace("\u00a0", " ")
    assert "Kommunens andel enligt kostnadsmodell" in oversight
    assert "114 750 kr" in oversight and "113 889 kr" in oversight and "−861 kr" in oversight

    report = client.get("/municipalities/2021/oversight/report").get_data(as_text=True)
    assert "Kommunens andel enligt kostnadsmodell" in report.replace("\u00a0", " ")
    csv_text = client.get("/municipalities/2021/costs.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Samverkan;Kostnad 2025 (kr);Kostnad 2026 (kr)")
    # 2025 → 2026 for Vansbro: −861 kr = −0,75 % of 114 750 (−0,750… → −0,8 with one decimal).
    assert "Räddningstjänsten i test;114750;113889;-861;-0,8;;11,11;" in csv_text

    token = factory.token(editor)
    body = client.get(
        f"/api/v1/agreements/{agreement.id}/costs", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    by_year = {y["year"]: y for y in body["years"]}
    assert by_year[2026]["total"] == "1025000"
    assert [(p["municipality"], p["amount"], p["share_percent"], p["change"])
            for p in by_year[2026]["parties"]] == [
        ("2021", "113889", "11.11", "-861"),
        ("2023", "273333", "26.67", "3333"),
        ("2062", "637778", "62.22", "10028"),
    ]  # fmt: skip
    assert by_year[2027]["total"] is None
    assert by_year[2027]["problems"] == ["Indexvärde saknas för KPI 2027."]
    assert body["model"]["index_series"] == "KPI"


def test_outcome_is_reconciled_per_party(client, auth, factory):
    agreement = _setup(factory, auth, client)
    editor = factory.user("editor", "2062")
    auth.login(editor.email, PASSWORD)
    client.post(f"/agreements/{agreement.id}/costs", data=MODEL)
    response = client.post(
        f"/agreements/{agreement.id}/costs/outcome",
        data={"outcome_year": "2025", "outcome_total": "1 020 000",
              "outcome_reference": "Årsredovisning 2025"},
    )  # fmt: skip
    assert response.status_code == 303
    page = client.get(f"/agreements/{agreement.id}/costs").get_data(as_text=True)
    page = page.replace("\u00a0", " ")
    # Outcome 1 020 000 by the 2025 key: Vansbro 1 020 000 × 5 100/45 000 = 115 600
    # (budget 114 750: +850), Malung-Sälen 272 000 (+2 000), Mora 632 400 (+4 650).
    assert "Budget och utfall 2025 (Årsredovisning 2025)" in page
    for text in ("115 600 kr", "+850 kr", "+2 000 kr", "+4 650 kr", "+7 500 kr"):
        assert text in page, text
    refused = client.post(
        f"/agreements/{agreement.id}/costs/outcome",
        data={"outcome_year": "2027", "outcome_total": ""},
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "År för utfallet måste vara mellan 2000 och 2026." in text


def test_bad_model_input_is_named_per_field_and_nothing_saved(client, auth, factory):
    agreement = factory.agreement(MEMBERS, form="kommunalforbund", phase="active")
    auth.login(factory.user("editor", "2021").email, PASSWORD)
    url = f"/agreements/{agreement.id}/costs"
    response = client.post(
        url,
        data={**MODEL, "weight_population": "60", "weight_fixed": "30",
              "party-2021-fixed_percent": "50", "party-2023-fixed_percent": "abc",
              "index_series": "K P I!", "population_on": "13-40"},
    )  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vansbro: fast andel (%)" not in page or "Malung-Sälen: fast andel (%) måste" in page
    assert "Malung-Sälen: fast andel (%) måste vara ett tal" in page
    assert "Indexserie: bokstäver och siffror, till exempel KPI." in page
    assert "Folkmängd per dag (MM-DD): skriv MM-DD, till exempel 12-31." in page
    response = client.post(url, data={**MODEL, "weight_population": "60", "weight_fixed": "30",
                                      "party-2021-fixed_percent": "50",
                                      "party-2023-fixed_percent": "30",
                                      "party-2062-fixed_percent": "20"})  # fmt: skip
    assert "ska tillsammans bli 100 % (nu 90 %)" in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "cost_model")) is None
    )


def test_readers_and_other_kommuner_cannot_change_costs(client, auth, factory):
    agreement = factory.agreement(MEMBERS, form="kommunalforbund", phase="active")
    auth.login(factory.user("reader", "2021").email, PASSWORD)
    url = f"/agreements/{agreement.id}/costs"
    assert client.get(url).status_code == 200
    assert "Lägg in kostnadsmodell" not in client.get(url).get_data(as_text=True)
    assert client.post(url, data=MODEL).status_code == 403
    auth.logout()
    auth.login(factory.user("editor", "0180").email, PASSWORD)
    assert client.post(url, data=MODEL).status_code == 403
    assert client.get("/costs/reference").status_code == 403


def test_a_regions_share_recorded_on_its_party_counts_in_the_model(client, auth, factory):
    """Hjälpmedel in a gemensam nämnd with Region Dalarna as host: the region's 50 % share is
    recorded on its party (the model keeps figures per kommun), the kommuner's in the model."""
    from decimal import Decimal

    from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement

    agreement = create_agreement(
        db.session,
        AgreementInput(
            title="Hjälpmedelsnämnden i test",
            form="gemensam_namnd",
            area_slugs=["kommunal-halso-sjukvard"],
            start_on="2024-01-01",
            parties=[
                PartyInput(organisation="20", role="host", cost_share_percent="50"),
                PartyInput(municipality_code="2021", role="member"),
                PartyInput(municipality_code="2023", role="member"),
            ],
        ),
        actor=factory.actor,
    ).agreement
    db.session.commit()
    assert agreement.parties[0].cost_share_percent == Decimal("50")
    editor = factory.user("editor", "2021")
    auth.login(editor.email, PASSWORD)
    model = {
        **MODEL,
        "total_amount": "1 000 000",
        "weight_population": "",
        "weight_fixed": "100",
        "index_series": "",
        "party-2021-fixed_percent": "20",
        "party-2023-fixed_percent": "30",
    }
    saved = client.post(f"/agreements/{agreement.id}/costs", data=model)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    page = client.get(f"/agreements/{agreement.id}/costs").get_data(as_text=True)
    page = page.replace("\u00a0", " ")
    region_row = page.split('<th scope="row">Region Dalarna</th>')[1].split("</tr>")[0]
    assert "Andel och belopp anges på parten under Ändra uppgifter" in region_row
    assert "500 000 kr" in page  # the region's half of 1 000 000
    assert "200 000 kr" in page and "300 000 kr" in page
