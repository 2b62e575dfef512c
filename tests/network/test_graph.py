"""The graph built from plain rows: edges, filters, neighbourhoods, bipartite view, measures."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

import networkx as nx
import pytest

from coop_tracker.network import graph as g
from coop_tracker.network import layout
from coop_tracker.network import measures as nm
from coop_tracker.network.graph import GraphFilters
from tests.network.rows import small
from tests.network.synthetic import national


def edges(graph):
    return {tuple(sorted((a, b))): w for a, b, w in graph.edges(data="weight")}


def test_every_kommun_is_a_node_and_shared_agreements_make_weighted_edges():
    graph = g.build_graph(small(), GraphFilters())
    assert graph.number_of_nodes() == 8
    assert edges(graph) == {
        ("2021", "2023"): 2,
        ("2034", "2062"): 1,
        ("2039", "2062"): 1,
        ("2034", "2039"): 1,
        ("2023", "2062"): 1,
        ("2023", "2080"): 1,
        ("2062", "2080"): 1,
        ("0114", "0180"): 1,
    }
    edge = graph.edges["2021", "2023"]
    assert edge["agreement_ids"] == [1, 2]
    assert edge["forms"] == ["avtalssamverkan"]
    assert edge["areas"] == ["livsmedelskontroll", "miljo-halsoskydd"]
    assert graph.nodes["2062"]["name"] == "Mora"
    assert graph.nodes["2062"]["county"] == "Dalarnas län"


def test_default_phases_are_active_and_exiting():
    default = g.build_graph(small(), GraphFilters())
    assert not default.has_edge("2080", "0180")  # planned
    assert default.has_edge("2080", "2023")  # exiting
    with_planned = g.build_graph(small(), GraphFilters(phases=("planned", "active")))
    assert with_planned.has_edge("2080", "0180")
    assert not with_planned.has_edge("2080", "2023")
    ended = g.build_graph(small(), GraphFilters(phases=("ended",)))
    assert edges(ended) == {("0114", "0180"): 1}


def test_area_and_form_filters():
    area = g.build_graph(small(), GraphFilters(area="livsmedelskontroll"))
    assert edges(area) == {("2021", "2023"): 1}
    assert area.number_of_nodes() == 8  # the others stay, without partners
    form = g.build_graph(small(), GraphFilters(form="gemensam_namnd"))
    assert set(edges(form)) == {("2034", "2062"), ("2039", "2062"), ("2034", "2039")}


def test_county_filter_keeps_the_county_and_edges_inside_it():
    graph = g.build_graph(small(), GraphFilters(county="01"))
    assert sorted(graph.nodes) == ["0114", "0180"]
    assert edges(graph) == {("0114", "0180"): 1}


def test_neighbourhood_one_and_two_steps():
    one = g.build_graph(small(), GraphFilters(municipality="2021", depth=1))
    assert sorted(one.nodes) == ["2021", "2023"]
    assert dict(one.nodes(data="depth")) == {"2021": 0, "2023": 1}
    two = g.build_graph(small(), GraphFilters(municipality="2021", depth=2))
    assert sorted(two.nodes) == ["2021", "2023", "2062", "2080"]
    assert dict(two.nodes(data="depth")) == {"2021": 0, "2023": 1, "2062": 2, "2080": 2}
    # The edge between two second-step kommuner belongs to the neighbourhood too.
    assert two.has_edge("2062", "2080")
    assert not two.has_node("2034")


def test_neighbourhood_of_a_kommun_outside_the_county_is_empty():
    graph = g.build_graph(small(), GraphFilters(county="01", municipality="2021"))
    assert graph.number_of_nodes() == 0


def test_bipartite_view_links_kommuner_to_the_agreements_behind_the_edges():
    graph = g.build_graph(small(), GraphFilters(municipality="2062"))
    bipartite = g.build_bipartite(graph, small())
    agreements = {n for n, kind in bipartite.nodes(data="kind") if kind == "agreement"}
    assert agreements == {"a:3", "a:4"}
    assert nx.is_bipartite(bipartite)
    assert bipartite.edges["m:2062", "a:3"]["role"] == "host"
    assert bipartite.edges["m:2034", "a:3"]["role"] == "member"
    assert bipartite.nodes["a:4"]["name"] == "Räddningstjänstförbundet"
    assert {n for n, b in bipartite.nodes(data="bipartite") if b == 0} == {
        f"m:{c}" for c in graph.nodes
    }


def independent_graph(data, phases=("active", "exiting")):
    """The same graph, built here without the module under test."""
    graph = nx.Graph()
    graph.add_nodes_from(m.code for m in data.municipalities)
    for agreement in data.agreements:
        if agreement.phase not in phases:
            continue
        codes = sorted({p.municipality_code for p in agreement.parties})
        for a, b in combinations(codes, 2):
            weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
            graph.add_edge(a, b, weight=weight)
    return graph


@pytest.mark.parametrize("data", [small(), national(agreements=800, seed=3)], ids=["small", "800"])
def test_measures_match_networkx_computed_independently(data):
    filters = GraphFilters()
    graph = g.build_graph(data, filters)
    measures = nm.compute_measures(graph, data, filters)
    expected = independent_graph(data)
    assert edges(graph) == edges(expected)
    betweenness = nx.betweenness_centrality(expected)
    louvain = nx.community.louvain_communities(
        expected.subgraph([n for n in expected if expected.degree(n)]),
        weight="weight",
        seed=nm.COMMUNITY_SEED,
    )
    assert {frozenset(c) for c in measures.communities} == {frozenset(c) for c in louvain}
    for code in expected.nodes:
        m = measures.nodes[code]
        assert m.partners == expected.degree(code)
        assert m.shared == expected.degree(code, weight="weight")
        assert math.isclose(m.betweenness, betweenness[code], abs_tol=1e-12)
        if expected.degree(code):
            assert code in measures.communities[m.community - 1]
        else:
            assert m.community is None
    assert measures.betweenness_exact


def test_role_counts_and_dependency_on_a_host():
    data = small()
    filters = GraphFilters()
    measures = nm.compute_measures(g.build_graph(data, filters), data, filters).nodes
    roles = Counter()
    for agreement in data.agreements:
        if agreement.phase in ("active", "exiting"):
            for party in agreement.parties:
                roles[party.municipality_code, party.role] += 1
    for code, m in measures.items():
        assert (m.as_host, m.as_purchaser, m.as_member) == (
            roles[code, "host"],
            roles[code, "purchaser"],
            roles[code, "member"],
        )
    malung = measures["2023"]
    assert malung.agreements == 3
    assert (malung.depends_on, malung.main_host, malung.main_host_count) == (1, "2021", 2)
    assert measures["2021"].serves == 1
    assert measures["2062"].serves == 2  # Orsa and Älvdalen in the nämnd it hosts
    assert measures["2034"].main_host == "2062"
    assert measures["2080"].depends_on == 0  # a förbund member relies on no host
    # The one-party agreement counts for Älvdalen but links no one.
    assert measures["2039"].agreements == 2
    assert measures["2039"].partners == 2


def test_kommuner_cooperating_on_nothing_in_an_area():
    data = small()
    assert nm.not_cooperating(data, GraphFilters(area="raddningstjanst")) == [
        "0114",
        "0180",
        "2021",
        "2034",
        "2039",
    ]
    # Älvdalen's only "kultur" agreement has no other party left.
    assert "2039" in nm.not_cooperating(data, GraphFilters(area="kultur"))
    # A county filter does not hide partners in other counties.
    assert nm.not_cooperating(data, GraphFilters(county="01", area="overformyndare")) == []


def test_betweenness_is_sampled_with_a_fixed_seed_only_above_the_limit(monkeypatch):
    data = national(agreements=600, seed=5)
    graph = g.build_graph(data, GraphFilters())
    monkeypatch.setattr(nm, "BETWEENNESS_EXACT_MAX_EDGES", 10)
    monkeypatch.setattr(nm, "BETWEENNESS_SAMPLE", 50)
    first = nm.compute_measures(graph, data, GraphFilters())
    second = nm.compute_measures(graph, data, GraphFilters())
    assert not first.betweenness_exact
    assert {c: m.betweenness for c, m in first.nodes.items()} == {
        c: m.betweenness for c, m in second.nodes.items()
    }


def test_deferred_betweenness_is_filled_in_later():
    data = small()
    graph = g.build_graph(data, GraphFilters())
    measures = nm.compute_measures(graph, data, GraphFilters(), with_betweenness=False)
    assert not measures.has_betweenness
    assert measures.nodes["2023"].betweenness == 0.0
    nm.add_betweenness(graph, measures)
    assert measures.has_betweenness
    assert measures.nodes["2023"].betweenness == pytest.approx(
        nx.betweenness_centrality(independent_graph(data))["2023"]
    )


def test_whole_country_layout_is_deterministic_and_keeps_kommuner_apart():
    data = national()
    graph = g.build_graph(data, GraphFilters())
    measures = nm.compute_measures(graph, data, GraphFilters(), with_betweenness=False)
    positions, labels = layout.county_layout(graph, measures)
    again, _ = layout.county_layout(graph, measures)
    assert positions == again
    assert len(positions) == 290 and len(labels) == 21
    points = list(positions.values())
    closest = min(math.dist(a, b) for a, b in combinations(points, 2))
    assert closest >= layout.NODE_SPACING * 0.8
    # Counties do not overlap: each kommun is nearer its own county's centre than any other's.
    centres = {
        county: (x * layout.GRID_UNIT, y * layout.GRID_UNIT)
        for county, (x, y) in layout.COUNTY_GRID.items()
    }
    for code, point in positions.items():
        own = graph.nodes[code]["county_code"]
        nearest = min(centres, key=lambda c: math.dist(centres[c], point))
        assert nearest == own, code
    community_positions, _ = layout.community_layout(graph, measures)
    assert set(community_positions) == set(positions)


def test_canvas_payload_has_every_node_edge_and_position():
    data = small()
    graph = g.build_graph(data, GraphFilters())
    measures = nm.compute_measures(graph, data, GraphFilters())
    payload = layout.canvas_payload(graph, measures)
    assert len(payload["nodes"]) == 8 and len(payload["edges"]) == 8
    mora = next(n for n in payload["nodes"] if n["id"] == "2062")
    assert mora["partners"] == 4 and mora["community"] is not None
    assert {"x", "y", "cx", "cy"} <= set(mora)
    assert payload["max_weight"] == 2
    assert {c["label"] for c in payload["labels"]["county"]} == {"Stockholms län", "Dalarnas län"}


def test_bipartite_payload_refuses_to_draw_too_many_agreements():
    data = small()
    graph = g.build_graph(data, GraphFilters())
    bipartite = g.build_bipartite(graph, data)
    assert layout.bipartite_payload(bipartite, limit=2)["too_many"] is True
    payload = layout.bipartite_payload(bipartite, "2062")
    assert payload["agreement_count"] == 5
    depth = {n["id"]: n["depth"] for n in payload["nodes"]}
    assert depth["m:2062"] == 0 and depth["a:3"] == 1 and depth["m:2034"] == 2


def test_filters_as_query_arguments_and_in_words():
    filters = GraphFilters(
        area="lon", phases=("planned", "active"), municipality="2062", depth=2, county="20"
    )
    assert filters.as_args() == {
        "area": "lon",
        "county": "20",
        "municipality": "2062",
        "phase": ["planned", "active"],
        "depth": 2,
    }
    assert GraphFilters().as_args() == {}
    words = g.describe_filters(filters, small())
    assert "område: Lön" in words and "grannskap: 2062 (2 steg)" in words
