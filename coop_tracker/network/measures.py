"""Measures of the cooperation network: each kommun's partners, roles and host dependency,
Louvain communities and betweenness; pure functions of a graph from ``network.graph``."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from coop_tracker.network.graph import (
    GraphFilters,
    NetworkData,
    is_organisation,
    parties_of,
    scope_codes,
    select_agreements,
)

COMMUNITY_SEED = 2018  # the year avtalssamverkan came into the Local Government Act
# Exact betweenness is O(nodes × edges): 0.7 s for 290 kommuner and 12,000 edges. Above this
# many edges it is estimated from a fixed, seeded sample of source kommuner (the page says so).
BETWEENNESS_EXACT_MAX_EDGES = 20000
BETWEENNESS_SAMPLE = 120
BETWEENNESS_SEED = 42


@dataclass
class NodeMeasures:
    """The measures of one kommun in the filtered network."""

    code: str
    partners: int = 0  # kommuner it shares at least one agreement with (degree)
    shared: int = 0  # sum of edge weights (agreement-partner pairs)
    agreements: int = 0  # matching agreements it is a current party of
    as_host: int = 0
    as_purchaser: int = 0
    as_member: int = 0
    depends_on: int = 0  # distinct host kommuner it relies on (it is a non-host party)
    main_host: str | None = None  # the host it relies on in most agreements
    main_host_count: int = 0
    serves: int = 0  # distinct kommuner that rely on it as host
    betweenness: float = 0.0
    community: int | None = None  # 1 = the largest group; None when it has no partner
    # How far its cooperation reaches beyond its own group: the partners in other groups and
    # how many other groups they are in (the plain-words broker measure; betweenness is near
    # zero for every kommun in a dense national network).
    partners_outside: int = 0
    other_groups: int = 0


@dataclass
class Measures:
    """Per-kommun measures, the communities and how betweenness was computed."""

    nodes: dict[str, NodeMeasures]
    # Numbered from 1 in this order; isolates are left out. Where the numbers come from the
    # whole network (``use_groups``), a group with no kommun in this view is an empty list.
    communities: list[list[str]]
    betweenness_exact: bool
    betweenness_seconds: float
    not_cooperating: list[str]  # kommuner in scope with no matching agreement with a partner
    has_betweenness: bool = False


def compute_measures(
    graph: nx.Graph, data: NetworkData, filters: GraphFilters, *, with_betweenness: bool = True
) -> Measures:
    """Degree, role counts, host dependency, Louvain communities and (unless deferred with
    ``with_betweenness=False``, see :func:`add_betweenness`) betweenness."""
    nodes = {code: NodeMeasures(code=code) for code in graph.nodes}
    for code in graph.nodes:
        nodes[code].partners = graph.degree(code)
        nodes[code].shared = graph.degree(code, weight="weight")
    agreements = select_agreements(data, filters)
    reliance: dict[str, Counter[str]] = defaultdict(Counter)
    served: dict[str, set[str]] = defaultdict(set)
    for agreement in agreements:
        parties = parties_of(agreement, filters)
        hosts = {p.municipality_code for p in parties if p.role == "host"}
        for party in parties:
            measures = nodes.get(party.municipality_code)
            if measures is None:
                continue
            measures.agreements += 1
            if party.role == "host":
                measures.as_host += 1
            elif party.role == "purchaser":
                measures.as_purchaser += 1
            else:
                measures.as_member += 1
            if party.role != "host":
                for host in hosts:
                    reliance[party.municipality_code][host] += 1
                    served[host].add(party.municipality_code)
    names = {code: name for code, name in graph.nodes(data="name")}
    for code, measures in nodes.items():
        counts = reliance.get(code)
        if counts:
            measures.depends_on = len(counts)
            top = max(counts.items(), key=lambda item: (item[1], _neg_name(names, item[0])))
            measures.main_host, measures.main_host_count = top
        measures.serves = len(served.get(code, ()))
    result = Measures(
        nodes=nodes,
        communities=[],
        betweenness_exact=graph.number_of_edges() <= BETWEENNESS_EXACT_MAX_EDGES,
        betweenness_seconds=0.0,
        not_cooperating=not_cooperating(data, filters),
    )
    if with_betweenness:
        add_betweenness(graph, result)
    use_groups(graph, result, communities_of(graph))
    return result


def use_groups(graph: nx.Graph, measures: Measures, groups: list[list[str]]) -> None:
    """Number the kommuner of this graph by ``groups`` (1 = the first) and count how many
    partners each has in other groups. Given the whole network's groups, a kommun keeps its
    group number in every filtered view and neighbourhood."""
    number_of = {code: number for number, members in enumerate(groups, start=1) for code in members}
    # Groups are of kommuner: an organisation shown beside them has none.
    present = [c for c in graph.nodes if graph.degree(c) > 0 and not is_organisation(c)]
    measures.communities = [[] for _group in groups]
    for code in graph.nodes:
        measures.nodes[code].community = None
    for code in present:
        number = number_of.get(code)
        if number is None:  # not in any given group (it has partners only in this view)
            measures.communities.append([])
            number = len(measures.communities)
            number_of[code] = number
        measures.nodes[code].community = number
        measures.communities[number - 1].append(code)
    for members in measures.communities:
        members.sort()
    for code in present:
        own = measures.nodes[code].community
        others = [number_of.get(n) for n in graph.neighbors(code) if number_of.get(n) != own]
        measures.nodes[code].partners_outside = len(others)
        measures.nodes[code].other_groups = len(set(others))


def add_betweenness(graph: nx.Graph, measures: Measures) -> None:
    """Fill in betweenness (the slowest measure, so a caller may defer it) and time it."""
    started = time.perf_counter()
    for code, value in betweenness_of(graph).items():
        measures.nodes[code].betweenness = value
    measures.betweenness_seconds = time.perf_counter() - started
    measures.has_betweenness = True


def _neg_name(names: Mapping[str, str], code: str) -> tuple[int, ...]:
    # ties go to the alphabetically first name: max() over the negated code points
    return tuple(-ord(ch) for ch in names.get(code, code))


def betweenness_of(graph: nx.Graph) -> dict[str, float]:
    """Normalised betweenness (0–1) over unweighted shortest paths.

    Exact for the usual national network; above ``BETWEENNESS_EXACT_MAX_EDGES`` edges it is
    estimated from ``BETWEENNESS_SAMPLE`` source kommuner drawn with a fixed seed.
    """
    if graph.number_of_nodes() < 3:
        return dict.fromkeys(graph.nodes, 0.0)
    if graph.number_of_edges() <= BETWEENNESS_EXACT_MAX_EDGES:
        return nx.betweenness_centrality(graph, normalized=True)
    k = min(BETWEENNESS_SAMPLE, graph.number_of_nodes())
    return nx.betweenness_centrality(graph, k=k, normalized=True, seed=BETWEENNESS_SEED)


def communities_of(graph: nx.Graph) -> list[list[str]]:
    """Louvain communities with a fixed seed, largest first; kommuner without partners omitted."""
    connected = graph.subgraph(
        [n for n in graph.nodes if graph.degree(n) > 0 and not is_organisation(n)]
    )
    if connected.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(connected, weight="weight", seed=COMMUNITY_SEED)
    groups = [sorted(group) for group in found]
    groups.sort(key=lambda members: (-len(members), members[0]))
    return groups


def not_cooperating(data: NetworkData, filters: GraphFilters) -> list[str]:
    """Kommuner in scope that share no matching agreement with any other kommun.

    Counted over all matching agreements, so a kommun whose only partners lie in another
    county still counts as cooperating when a county filter is set.
    """
    active: set[str] = set()
    for agreement in select_agreements(data, filters):
        codes = {p.municipality_code for p in agreement.parties}
        if len(codes) >= 2:
            active |= codes
    return [code for code in scope_codes(data, filters) if code not in active]
