"""The network page, its JSON, exports, Liknande kommuner and starting from an example."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict

import networkx as nx
import pytest
from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.audit.models import AuditEvent
from coop_tracker.municipalities.models import Municipality
from tests.network.conftest import expected_graph

ROW = re.compile(r'<tr data-code="(\d{4})">(.*?)</tr>', re.S)
USER_TABLE = re.compile(r'(SELECT|UPDATE) "?user"?[ .]')  # quoted on PostgreSQL
CELL = re.compile(r'data-measure="(\w+)">([^<]*)')


def table(html: str) -> dict[str, dict[str, str]]:
    """The node table as {code: {measure: text}}."""
    return {code: dict(CELL.findall(body)) for code, body in ROW.findall(html)}


def login(client, factory, role="reader", municipality="2021"):
    user = factory.user(role, municipality)
    response = client.post(
        "/login", data={"email": user.email, "password": "ett-langt-losenord-123"}
    )
    assert response.status_code in (302, 303)
    return user


def test_the_network_needs_a_login(client):
    response = client.get("/network")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/network/graph.json").status_code in (302, 401)


def test_the_table_shows_the_numbers_networkx_computes(client, factory, network):
    login(client, factory)
    response = client.get("/network")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/network"' in html and "Nätverk" in html  # nav item
    rows = table(html)
    assert len(rows) == 290
    graph = expected_graph()
    graph.add_nodes_from(rows)
    for code, measures in rows.items():
        assert int(measures["partners"]) == graph.degree(code), code
    assert rows["2023"]["agreements"] == "3"
    assert rows["2023"]["as_purchaser"] == "2" and rows["2023"]["as_member"] == "1"
    # Communities: the page's groups are networkx's Louvain partition (same seed).
    groups = defaultdict(set)
    for code, measures in rows.items():
        if measures["community"] != "–":
            groups[measures["community"]].add(code)
    connected = graph.subgraph([n for n in graph if graph.degree(n)])
    louvain = nx.community.louvain_communities(connected, weight="weight", seed=2018)
    assert {frozenset(g) for g in groups.values()} == {frozenset(c) for c in louvain}
    # Cooperation beyond the kommun's group, in words: partners in other groups, how many.
    group_of = {code: n for n, members in enumerate(louvain) for code in members}
    for code, measures in rows.items():
        outside = [n for n in graph.neighbors(code) if group_of.get(n) != group_of.get(code)]
        reach = " ".join(measures["reach"].split())
        if outside:
            groups_outside = len({group_of[n] for n in outside})
            assert reach.startswith(f"{len(outside)} partner i {groups_outside} ann"), code
        elif graph.degree(code):
            assert reach == "bara inom sin grupp", code
        else:
            assert reach == "–", code
    # Malung-Sälen gets services from Vansbro as host, in two agreements.
    assert "Mora" in html and "värdkommun: Vansbro (2 samverkan)" in html
    assert "Kopplingar, flest gemensamma samverkan först (8" in html


def test_filters_reach_the_table_and_bad_values_are_named(client, factory, network):
    login(client, factory)
    html = client.get("/network?area=raddningstjanst").get_data(as_text=True)
    rows = table(html)
    assert {c for c, m in rows.items() if m["partners"] != "0"} == {"2062", "2080", "2023"}
    assert "Kommuner utan samverkan inom räddningstjänst" in html
    neighbourhood = client.get("/network?municipality=2021&depth=2").get_data(as_text=True)
    assert set(table(neighbourhood)) == {"2021", "2023", "2062", "2080"}
    assert "Grannskapet kring Vansbro, 2 steg" in neighbourhood
    bad = client.get("/network?area=nope&depth=7&county=99")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "Okänt samverkansområde." in text
    assert "Antal steg måste vara 1 eller 2." in text
    assert client.get("/network/graph.json?area=nope").status_code == 422


def test_graph_json_for_the_canvas(client, factory, network):
    login(client, factory)
    body = client.get("/network/graph.json").get_json()
    assert len(body["nodes"]) == 290
    assert {(e["s"], e["t"]): e["w"] for e in body["edges"]} == {
        tuple(sorted((a, b))): w for a, b, w in expected_graph().edges(data="weight")
    }
    assert len(body["labels"]["county"]) == 21
    assert body["group_labels"]["C8"] == "Landsbygdskommun"
    focus = client.get("/network/graph.json?municipality=2062").get_json()
    assert focus["focus"] == "2062"
    assert {n["id"]: n["depth"] for n in focus["nodes"]}["2062"] == 0
    bipartite = client.get("/network/graph.json?municipality=2062&view=bipartite").get_json()
    assert {n["id"] for n in bipartite["nodes"] if n["kind"] == "agreement"} == {
        f"a:{network['IT-nämnden Mora Orsa Älvdalen'].id}",
        f"a:{network['Räddningstjänstförbundet'].id}",
    }


def test_the_side_panel_lists_the_kommuns_agreements(client, factory, network):
    login(client, factory)
    body = client.get("/network/municipalities/2023.json").get_json()
    assert body["name"] == "Malung-Sälen"
    titles = {a["title"]: a for a in body["agreements"]}
    assert set(titles) == {
        "Miljö Vansbro–Malung",
        "Livsmedel Vansbro–Malung",
        "Räddningstjänstförbundet",
    }
    forbund = titles["Räddningstjänstförbundet"]
    assert forbund["url"] == f"/agreements/{network['Räddningstjänstförbundet'].id}"
    assert forbund["role"] == "member" and set(forbund["partners"]) == {"Mora", "Falun"}
    assert body["measures"]["main_host"] == "Vansbro"
    assert body["urls"]["similar"] == "/municipalities/2023/similar"
    assert client.get("/network/municipalities/9999.json").status_code == 404


def test_the_bipartite_table_lists_the_agreements(client, factory, network):
    login(client, factory)
    html = client.get("/network?view=bipartite&county=01").get_data(as_text=True)
    assert "Samverkan och deras parter (1," in html
    assert "Överförmyndare Stockholm–Väsby" in html
    assert "Kulturnätverk" not in html  # ended


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_load_in_networkx_and_as_plain_xml(client, factory, network, fmt):
    login(client, factory)
    response = client.get(f"/network/export.{fmt}?county=20")
    assert response.status_code == 200
    assert f'filename="samverkansnatverk.{fmt}"' in response.headers["Content-Disposition"]
    data = response.get_data()
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    graph = reader(io.BytesIO(data))
    expected = expected_graph().subgraph([n for n in expected_graph() if n.startswith("20")])
    assert graph.number_of_nodes() == 15  # Dalarna's kommuner
    assert graph.number_of_edges() == expected.number_of_edges()
    weights = {tuple(sorted((a, b))): int(w) for a, b, w in graph.edges(data="weight")}
    assert weights[("2021", "2023")] == 2
    forms = {tuple(sorted((a, b))): f for a, b, f in graph.edges(data="forms")}
    assert forms[("2023", "2062")] == "kommunalforbund"  # a string, not a list: Gephi reads it
    mora = graph.nodes["2062"]
    assert (mora.get("name") or mora.get("label")) == "Mora"
    assert int(mora["partners"]) == 4
    # A second, independent reader: the XML itself.
    root = ET.fromstring(data)  # noqa: S314 - our own export, in a test
    tags = [element.tag.rsplit("}", 1)[-1] for element in root.iter()]
    assert tags.count("node") == 15
    assert tags.count("edge") == expected.number_of_edges()
    if fmt == "graphml":
        keys = {
            (k.get("for"), k.get("attr.name")): k.get("attr.type")
            for k in root.iter()
            if k.tag.endswith("key")
        }
        assert keys["edge", "weight"] in ("int", "long")
        assert keys["edge", "agreement_ids"] == "string"
        assert keys["node", "betweenness"] == "double"
        assert keys["node", "agreements"] in ("int", "long")
    else:
        titles = {
            (a.get("title"), a.get("type")) for a in root.iter() if a.tag.endswith("attribute")
        }
        assert {("areas", "string"), ("agreement_ids", "string"), ("partners", "long")} <= titles
        weights = [e.get("weight") for e in root.iter() if e.tag.endswith("edge")]
        assert max(weights) == "2"


def test_json_export_is_node_link(client, factory, network):
    login(client, factory)
    response = client.get("/network/export.json?view=bipartite&municipality=2062")
    assert 'filename="samverkansnatverk-bipartit.json"' in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())
    assert "edges" in data
    graph = nx.node_link_graph(data, edges="edges")
    assert nx.is_bipartite(graph)
    assert graph.nodes["m:2062"]["name"] == "Mora"
    assert client.get("/network/export.pdf").status_code == 404


def test_similar_page_explains_and_says_when_kolada_data_is_missing(client, factory, network):
    login(client, factory, "reader", "2062")
    html = client.get("/municipalities/2034/similar").get_data(as_text=True)
    assert "Liknande kommuner som Orsa" in html
    assert "Kommungruppen är inte hämtad" in html
    assert "Samma län: Dalarnas län." in html
    assert "Räddningstjänst" in html  # what similar kommuner do and Orsa does not
    assert "Starta planerad samverkan" not in html  # a reader may not start one
    assert client.get("/municipalities/9999/similar").status_code == 404


def test_similar_uses_group_and_population_when_fetched(client, factory, network, session):
    for code, group, population in [
        ("2034", "C9", 6_900),
        ("2039", "C9", 7_000),
        ("2062", "C7", 20_000),
    ]:
        municipality = session.get(Municipality, code)
        municipality.skr_group, municipality.population = group, population
    session.commit()
    login(client, factory)
    html = client.get("/municipalities/2034/similar").get_data(as_text=True)
    assert "Uppgifter saknas" not in html
    assert "Samma kommungrupp: C9 Landsbygdskommun med besöksnäring." in html
    assert "Liknande folkmängd: 7\u00a0000 invånare" in html


def test_municipality_page_links_to_similar_and_neighbourhood(client, factory, network):
    login(client, factory)
    html = client.get("/municipalities/2062").get_data(as_text=True)
    assert 'href="/municipalities/2062/similar"' in html
    assert 'href="/network?municipality=2062"' in html


def example(network):
    return network["Räddningstjänstförbundet"]


def test_an_editor_starts_a_planned_agreement_from_an_example(client, factory, network, session):
    login(client, factory, "editor", "2021")  # Vansbro has no räddningstjänst
    html = client.get("/municipalities/2021/similar").get_data(as_text=True)
    source = example(network)
    link = f"/municipalities/2021/similar/adopt/{source.id}"
    assert link in html
    form = client.get(link).get_data(as_text=True)
    assert 'value="Räddningstjänstförbundet"' in form
    assert "Syftet med Räddningstjänstförbundet." in form
    response = client.post(
        link,
        data={"title": "Räddningstjänst Vansbro", "partner_code": "2062", "own_role": "member"},
    )
    assert response.status_code == 302
    created = session.scalar(select(Agreement).where(Agreement.title == "Räddningstjänst Vansbro"))
    assert response.headers["Location"].endswith(f"/agreements/{created.id}")
    assert created.phase == "planned"
    assert created.form == "kommunalforbund"
    assert [a.slug for a in created.areas] == ["raddningstjanst"]
    assert created.purpose == "Syftet med Räddningstjänstförbundet."
    assert created.goals == "Målen för Räddningstjänstförbundet."
    assert sorted((p.municipality_code, p.role) for p in created.parties) == [
        ("2021", "member"),
        ("2062", "member"),
    ]
    assert f"nr {source.id}" in created.internal_note
    audit = session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "agreement", AuditEvent.object_id == str(created.id)
        )
    )
    assert audit is not None and audit.action == "create"
    page = client.get(f"/agreements/{created.id}").get_data(as_text=True)
    assert "är skapad utifrån exemplet" in page


def test_roles_follow_the_form_of_the_example(client, factory, network, session):
    login(client, factory, "editor", "2080")
    source = network["Miljö Vansbro–Malung"]
    link = f"/municipalities/2080/similar/adopt/{source.id}"
    assert 'value="2021" selected' in client.get(link).get_data(as_text=True)  # the host
    client.post(
        link, data={"title": "Miljö Falun", "partner_code": "2021", "own_role": "purchaser"}
    )
    created = session.scalar(select(Agreement).where(Agreement.title == "Miljö Falun"))
    assert sorted((p.municipality_code, p.role) for p in created.parties) == [
        ("2021", "host"),
        ("2080", "purchaser"),
    ]


def test_starting_from_an_example_refuses_bad_input_with_named_fields(client, factory, network):
    login(client, factory, "editor", "2021")
    link = f"/municipalities/2021/similar/adopt/{example(network).id}"
    response = client.post(link, data={"title": "Ny", "partner_code": "", "own_role": "host"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Välj vilken kommun ni vill samverka med." in html
    assert "Välj en roll för din kommun som passar samverkansformen." in html
    same = client.post(link, data={"title": "Ny samverkan", "partner_code": "2021"})
    assert "Välj en annan kommun än din egen." in same.get_data(as_text=True)
    short = client.post(link, data={"title": "N", "partner_code": "2062", "own_role": "member"})
    assert short.status_code == 422
    assert 'href="#title"' in short.get_data(as_text=True)


def test_only_editors_of_that_kommun_may_start_from_an_example(client, factory, network):
    link = f"/municipalities/2021/similar/adopt/{example(network).id}"
    login(client, factory, "editor", "2062")
    assert client.get(link).status_code == 403
    assert client.post(link, data={"partner_code": "2062"}).status_code == 403
    client.post("/logout")
    login(client, factory, "reader", "2021")
    assert client.get(link).status_code == 403
    client.post("/logout")
    login(client, factory, "admin", None)
    assert client.get(link).status_code == 403


def test_a_planned_example_of_others_is_not_found(client, factory, network):
    login(client, factory, "editor", "2021")
    planned = network["Lön Falun–Stockholm"]
    assert client.get(f"/municipalities/2021/similar/adopt/{planned.id}").status_code == 404


def test_page_queries_do_not_grow_with_the_data(app, client, factory, count_queries, session):
    app.config["NETWORK_CACHE_SIZE"] = 0
    login(client, factory, "editor", "2021")
    codes = ["2021", "2023", "2062", "2034", "2039", "2080"]

    def add(n, start):
        for i in range(n):
            a, b = codes[(start + i) % 6], codes[(start + i + 1) % 6]
            factory.agreement([(a, "host"), (b, "purchaser")], phase="active")

    urls = [
        "/network",
        "/network/graph.json",
        "/network/municipalities/2021.json",
        "/municipalities/2021/similar",
        "/network/export.gexf",
    ]

    def measure():
        counts = {}
        for url in urls:
            with count_queries() as statements:
                assert client.get(url).status_code == 200, url
            # The logged-in user is loaded by Flask-Login or served from the session's identity
            # map depending on what was committed before: not the network's doing.
            counts[url] = len([s for s in statements if not USER_TABLE.match(s)])
        return counts

    add(5, 0)
    few = measure()
    add(45, 5)
    assert measure() == few


def test_a_kommun_keeps_its_group_number_in_every_view(client, factory, network):
    """Groups are the whole network's: a neighbourhood or a filter does not renumber them."""
    login(client, factory)
    whole = table(client.get("/network").get_data(as_text=True))
    numbered = {code: m["community"] for code, m in whole.items() if m["community"] != "–"}
    assert len(set(numbered.values())) >= 2
    for query in (
        "?municipality=2023",
        "?municipality=2062&depth=2",
        "?area=raddningstjanst",
        "?county=20",
    ):
        html = client.get(f"/network{query}").get_data(as_text=True)
        view = table(html)
        shown = {code: m["community"] for code, m in view.items() if m["community"] != "–"}
        assert shown, query
        for code, number in shown.items():
            assert number == numbered[code], (query, code)
        # The group list names the same numbers.
        for number in set(shown.values()):
            assert f"Grupp {number}</strong>" in html, (query, number)


def test_similar_kommuner_say_what_reference_data_they_rest_on(client, factory, network, session):
    from coop_tracker.municipalities.models import Municipality

    login(client, factory)
    page = client.get("/municipalities/2021/similar").get_data(as_text=True)
    assert "kommungrupperna är inte hämtade" in page and "folkmängden är inte hämtad" in page
    for code, group, population in (("2021", "C9", 5000), ("2023", "C9", 10000)):
        municipality = session.get(Municipality, code)
        municipality.skr_group, municipality.skr_group_year = group, 2023
        municipality.population, municipality.population_year = population, 2024
    session.commit()
    page = " ".join(client.get("/municipalities/2021/similar").get_data(as_text=True).split())
    assert "SKR:s kommungruppsindelning från 2023 (2 av 290 kommuner har en grupp)" in page
    assert "folkmängd från 2024 (2 kommuner)" in page


def test_similar_kommuner_say_where_the_reference_data_came_from_and_when(
    client, factory, network, session
):
    from datetime import UTC, datetime

    from coop_tracker.audit.services import record
    from coop_tracker.core.actor import Actor
    from coop_tracker.municipalities.kolada import SOURCE

    login(client, factory)
    page = " ".join(client.get("/municipalities/2021/similar").get_data(as_text=True).split())
    assert "har aldrig hämtats från Kolada i den här installationen" in page
    for code in ("2021", "2023"):
        municipality = session.get(Municipality, code)
        municipality.population, municipality.population_year = 5000, 2024
        municipality.population_source = SOURCE
    event = record(
        session,
        Actor.system(),
        action="sync",
        object_type="reference_data",
        object_id="kolada",
        label="Folkmängd och kommungrupper",
    )
    event.created_at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    session.commit()
    page = " ".join(client.get("/municipalities/2021/similar").get_data(as_text=True).split())
    assert f"källa för folkmängden: {SOURCE}" in page
    assert "hämtades senast från Kolada 2026-11-30 10:15 CET" in page
    assert "Se och uppdatera referensdata" not in page  # a reader may not refresh them


def test_regioner_and_forbund_are_shown_as_their_own_nodes_on_request(
    client, factory, network, session
):
    """Hidden by default (the network is of kommuner); with organisations=1 a region in a
    gemensam nämnd is a node of its own, marked as a region, linked to its page, and with
    no samverkansgrupp of its own (groups stay the kommuner's)."""
    from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement
    from coop_tracker.core.actor import Actor

    data = AgreementInput(
        title="Hjälpmedelsnämnden i Dalarna",
        form="gemensam_namnd",
        area_slugs=["socialtjanst"],
        parties=[
            PartyInput("2080", "host"),
            PartyInput(role="member", organisation="20"),
            PartyInput("2021", "member"),
        ],
        start_on="2025-01-01",
    )
    agreement = create_agreement(session, data, actor=Actor.system()).agreement
    agreement.phase = "active"
    session.commit()
    login(client, factory)
    hidden = client.get("/network?county=20").get_data(as_text=True)
    assert "Region Dalarna" not in hidden
    shown = client.get("/network?county=20&organisations=1").get_data(as_text=True)
    rows = table(shown)
    region = re.search(r'<tr data-code="(o:\d+)">(.*?)</tr>', shown, re.S)
    assert region is not None and "Region Dalarna" in region.group(2)
    assert "(region)" in region.group(2) and "/organisations/" in region.group(2)
    assert dict(CELL.findall(region.group(2)))["partners"] == "2"
    assert dict(CELL.findall(region.group(2)))["community"] == "–"
    # Falun's partners now count the region too.
    assert int(rows["2080"]["partners"]) == int(table(hidden)["2080"]["partners"]) + 1
    assert "1 annan part" in " ".join(shown.split())
    canvas = client.get("/network/graph.json?county=20&organisations=1").get_json()
    node = next(n for n in canvas["nodes"] if n["name"] == "Region Dalarna")
    assert node["kind"] == "region" and node["id"].startswith("o:")
    # A bad value is named, not a 500.
    bad = client.get("/network?organisations=kanske")
    assert bad.status_code == 200 and "Visa organisationer" in bad.get_data(as_text=True)
    # The API and the files take the same switch.
    exported = client.get("/network/export.graphml?county=20&organisations=1")
    assert b"Region Dalarna" in exported.data
