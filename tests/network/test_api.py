"""The network in the JSON API: GET /api/v1/graph and /api/v1/municipalities/<code>/similar."""

from __future__ import annotations

import networkx as nx

from tests.network.conftest import add_ring_agreements, expected_graph


def test_graph_is_node_link_with_measures(api, network):
    response = api.get("/api/v1/graph")
    assert response.status_code == 200
    graph = nx.node_link_graph(response.get_json(), edges="edges")
    assert graph.number_of_nodes() == 290
    expected = expected_graph()
    expected.add_nodes_from(graph.nodes)  # the kommuner without partners count too
    assert {tuple(sorted(e)) for e in graph.edges} == {tuple(sorted(e)) for e in expected.edges}
    edge = graph.edges["2021", "2023"]
    assert edge["weight"] == 2 and len(edge["agreement_ids"]) == 2
    assert edge["areas"] == ["livsmedelskontroll", "miljo-halsoskydd"]
    mora = graph.nodes["2062"]
    assert mora["name"] == "Mora" and mora["partners"] == expected.degree("2062")
    assert mora["betweenness"] == nx.betweenness_centrality(expected)["2062"]


def test_graph_filters_as_query_arguments(api, network):
    body = api.get("/api/v1/graph?municipality=2021&depth=2").get_json()
    assert {n["id"] for n in body["nodes"]} == {"2021", "2023", "2062", "2080"}
    area = api.get("/api/v1/graph?area=overformyndare&county=01").get_json()
    assert [(e["source"], e["target"]) for e in area["edges"]] == [("0114", "0180")]
    phases = api.get("/api/v1/graph?phase=ended&phase=active&county=01").get_json()
    assert len(phases["edges"]) == 1 and phases["edges"][0]["weight"] == 2
    bipartite = api.get("/api/v1/graph?view=bipartite&county=01").get_json()
    assert nx.is_bipartite(nx.node_link_graph(bipartite, edges="edges"))


def test_planned_agreements_only_for_their_parties(api_as, network):
    falun = api_as("editor", "2080").get("/api/v1/graph?phase=planned").get_json()
    assert len(falun["edges"]) == 1
    other = api_as("editor", "2062").get("/api/v1/graph?phase=planned").get_json()
    assert other["edges"] == []


def test_bad_filters_are_refused_with_the_field_named(api, network):
    response = api.get("/api/v1/graph?area=nope&depth=3&phase=someday")
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] in ("invalid", "validation_failed")
    assert {"depth", "phase.0"} <= set(body["fields"]) or "depth" in body["fields"]
    unknown_area = api.get("/api/v1/graph?area=nope").get_json()
    assert unknown_area["fields"] == {"area": "Okänt samverkansområde."}


def test_a_token_is_required(client):
    assert client.get("/api/v1/graph").status_code == 401
    assert client.get("/api/v1/municipalities/2021/similar").status_code == 401


def test_similar_municipalities(api, network):
    response = api.get("/api/v1/municipalities/2034/similar")
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "Orsa"
    assert body["basis"] == ["areas", "county"]  # no Kolada data in the test database
    assert body["notes"]
    top = body["items"][0]
    assert top["municipality"] == "2039" and "Samma län: Dalarnas län." in top["reasons"]
    areas = {s["area"]: s for s in body["suggestions"]}
    assert "raddningstjanst" in areas
    assert areas["raddningstjanst"]["examples"][0]["title"] == "Räddningstjänstförbundet"
    assert api.get("/api/v1/municipalities/9999/similar").status_code == 404


def test_openapi_documents_both(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/graph"]
    assert "get" in paths["/api/v1/municipalities/{code}/similar"]


def test_graph_query_count_does_not_grow(app, api, factory, count_queries):
    app.config["NETWORK_CACHE_SIZE"] = 0

    def measure():
        counts = []
        for url in ("/api/v1/graph", "/api/v1/municipalities/2021/similar"):
            with count_queries() as statements:
                assert api.get(url).status_code == 200
            counts.append(len(statements))
        return counts

    api.get("/api/v1/me")  # the token's first use writes last_used_at
    add_ring_agreements(factory, 5, 0)
    few = measure()
    add_ring_agreements(factory, 45, 5)
    assert measure() == few
