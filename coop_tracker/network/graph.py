"""The cooperation network on networkx, built from plain rows (no database, no ORM).

Nodes are kommuner; two kommuner share an edge when they are current parties of the same
agreement, weighted by the number of agreements they share. Everything here is a pure function
of :class:`NetworkData` and :class:`GraphFilters`, so it is tested without a database.
"""

from __future__ import annotations

import io
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx

ACTIVE_PHASES: tuple[str, ...] = ("active", "exiting")
ALL_PHASES: tuple[str, ...] = ("planned", "active", "exiting", "ended", "abandoned")
EXPORT_FORMATS: tuple[str, ...] = ("graphml", "gexf", "json")
COMMUNITY_SEED = 2018  # the year avtalssamverkan came into the Local Government Act
# Exact betweenness is O(nodes × edges): 0.7 s for 290 kommuner and 12,000 edges. Above this
# many edges it is estimated from a fixed, seeded sample of source kommuner (the page says so).
BETWEENNESS_EXACT_MAX_EDGES = 20000
BETWEENNESS_SAMPLE = 120
BETWEENNESS_SEED = 42


@dataclass(frozen=True)
class MunicipalityRow:
    """A kommun as the graph needs it."""

    code: str
    name: str
    county_code: str
    county_name: str = ""
    skr_group: str | None = None
    population: int | None = None


@dataclass(frozen=True)
class PartyRow:
    """A current party (one that has not left) of an agreement."""

    municipality_code: str
    role: str


@dataclass(frozen=True)
class OrganisationRow:
    """A party that is not a kommun (region, förbund, Finsam, company, agency)."""

    key: str  # "o:<id>", its node in the graph
    id: int
    name: str
    kind: str
    county_code: str = ""
    county_name: str = ""


ORGANISATION_PREFIX = "o:"


@dataclass(frozen=True)
class AgreementRow:
    """An agreement with its area slugs and current parties (``others``: the parties that are
    not kommuner, keyed ``o:<id>``; nodes only when the filters ask for them)."""

    id: int
    title: str
    form: str
    phase: str
    areas: tuple[str, ...] = ()
    parties: tuple[PartyRow, ...] = ()
    others: tuple[PartyRow, ...] = ()


@dataclass(frozen=True)
class NetworkData:
    """Everything the network is computed from."""

    municipalities: tuple[MunicipalityRow, ...]
    agreements: tuple[AgreementRow, ...]
    area_labels: Mapping[str, str] = field(default_factory=dict)
    organisations: Mapping[str, OrganisationRow] = field(default_factory=dict)

    def municipality(self, code: str) -> MunicipalityRow | None:
        return next((m for m in self.municipalities if m.code == code), None)


@dataclass(frozen=True)
class GraphFilters:
    """What part of the network to show. Hashable, so it can key a cache."""

    area: str | None = None
    form: str | None = None
    phases: tuple[str, ...] = ACTIVE_PHASES
    county: str | None = None
    municipality: str | None = None  # the kommun whose neighbourhood is shown
    depth: int = 1  # 1 or 2 steps from that kommun
    organisations: bool = False  # regioner, förbund, Finsam, companies, agencies as nodes

    def as_args(self) -> dict[str, Any]:
        """The filters as query arguments (what the page, API and exports take)."""
        args: dict[str, Any] = {}
        for name in ("area", "form", "county", "municipality"):
            if getattr(self, name):
                args[name] = getattr(self, name)
        if tuple(self.phases) != ACTIVE_PHASES:
            args["phase"] = list(self.phases)
        if self.municipality and self.depth != 1:
            args["depth"] = self.depth
        if self.organisations:
            args["organisations"] = "1"
        return args


def parties_of(agreement: AgreementRow, filters: GraphFilters) -> tuple[PartyRow, ...]:
    """The parties that are nodes: the kommuner, and the others when they are shown."""
    return agreement.parties + agreement.others if filters.organisations else agreement.parties


def is_organisation(node: str) -> bool:
    return node.startswith(ORGANISATION_PREFIX)


def select_agreements(data: NetworkData, filters: GraphFilters) -> list[AgreementRow]:
    """The agreements that match the area, form and phase filters."""
    phases = set(filters.phases)
    return [
        a
        for a in data.agreements
        if a.phase in phases
        and (not filters.form or a.form == filters.form)
        and (not filters.area or filters.area in a.areas)
    ]


def scope_codes(data: NetworkData, filters: GraphFilters) -> list[str]:
    """The kommuner in scope before the neighbourhood filter (all, or one county's)."""
    return [
        m.code for m in data.municipalities if not filters.county or m.county_code == filters.county
    ]


def build_graph(data: NetworkData, filters: GraphFilters) -> nx.Graph:
    """The kommun–kommun graph for the filters.

    Every kommun in scope is a node (so kommuner without cooperation show as isolated nodes);
    with a county filter only that county's kommuner and the edges between them. With a
    ``municipality`` filter, the graph is that kommun's neighbourhood of ``depth`` steps and
    each node carries its ``depth`` (distance in steps).
    """
    graph = nx.Graph(name="Samverkanskollen", filters=describe_filters(filters, data))
    in_scope = set(scope_codes(data, filters))
    for muni in data.municipalities:
        if muni.code in in_scope:
            graph.add_node(
                muni.code,
                name=muni.name,
                kind="kommun",
                county_code=muni.county_code,
                county=muni.county_name,
                skr_group=muni.skr_group,
                population=muni.population,
            )
    shared: dict[tuple[str, str], list[AgreementRow]] = defaultdict(list)
    for agreement in select_agreements(data, filters):
        codes = sorted({p.municipality_code for p in agreement.parties} & in_scope)
        if filters.organisations and codes:
            # An organisation is drawn beside the kommuner in scope it is a party with.
            for party in agreement.others:
                org = data.organisations.get(party.municipality_code)
                if org is not None and org.key not in graph:
                    graph.add_node(
                        org.key,
                        name=org.name,
                        kind=org.kind,
                        organisation_id=org.id,
                        county_code=org.county_code,
                        county=org.county_name or "Utan län",
                    )
            codes = sorted(
                set(codes)
                | {p.municipality_code for p in agreement.others if p.municipality_code in graph}
            )
        for pair in combinations(codes, 2):
            shared[pair].append(agreement)
    graph.add_edges_from(
        (
            a,
            b,
            {
                "weight": len(rows),
                "agreement_ids": [row.id for row in rows],
                "forms": sorted({row.form for row in rows}),
                "areas": sorted({area for row in rows for area in row.areas}),
            },
        )
        for (a, b), rows in shared.items()
    )
    if filters.municipality:
        return neighbourhood(graph, filters.municipality, filters.depth)
    return graph


def neighbourhood(graph: nx.Graph, code: str, depth: int) -> nx.Graph:
    """The kommun, every kommun within ``depth`` steps and the edges among them."""
    if code not in graph:
        empty = nx.Graph(**graph.graph)
        return empty
    distances = nx.single_source_shortest_path_length(graph, code, cutoff=depth)
    sub = graph.subgraph(distances).copy()
    for node, distance in distances.items():
        sub.nodes[node]["depth"] = distance
    return sub


def build_bipartite(graph: nx.Graph, data: NetworkData) -> nx.Graph:
    """Kommuner ↔ agreements: the agreements behind the edges of ``graph``.

    Kommun nodes are ``m:<code>`` (``bipartite=0``), agreement nodes ``a:<id>``
    (``bipartite=1``); each link carries the kommun's role in that agreement.
    """
    by_id = {a.id: a for a in data.agreements}
    ids = sorted({i for _a, _b, ids in graph.edges(data="agreement_ids") for i in ids})
    bipartite = nx.Graph(**graph.graph)
    for code, attrs in graph.nodes(data=True):
        if is_organisation(code):  # kommuner and their agreements only
            continue
        bipartite.add_node(
            f"m:{code}", **{**attrs, "bipartite": 0, "kind": "municipality", "code": code}
        )
    for agreement_id in ids:
        agreement = by_id[agreement_id]
        node = f"a:{agreement_id}"
        bipartite.add_node(
            node,
            bipartite=1,
            kind="agreement",
            agreement_id=agreement_id,
            name=agreement.title,
            form=agreement.form,
            phase=agreement.phase,
            areas=sorted(agreement.areas),
        )
        for party in agreement.parties:
            if party.municipality_code in graph:
                bipartite.add_edge(f"m:{party.municipality_code}", node, role=party.role)
    return bipartite


# --- measures -------------------------------------------------------------------------------


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


# --- layout ---------------------------------------------------------------------------------

# A schematic map: each county's place on a grid that keeps Sweden's shape (north at the top),
# so the whole country reads as 21 clusters and the same kommun is always in the same place.
COUNTY_GRID: dict[str, tuple[float, float]] = {
    "25": (3.1, 0.0),
    "24": (2.3, 1.0),
    "23": (1.2, 2.0),
    "22": (2.5, 2.1),
    "20": (1.1, 3.1),
    "21": (2.4, 3.1),
    "17": (0.0, 4.1),
    "18": (1.1, 4.2),
    "19": (2.1, 4.1),
    "03": (3.3, 4.0),
    "14": (0.0, 5.5),
    "05": (1.5, 5.4),
    "04": (2.4, 5.0),
    "01": (3.8, 5.2),
    "13": (0.1, 6.9),
    "06": (1.2, 6.5),
    "08": (2.3, 6.7),
    "09": (3.8, 6.4),
    "12": (0.4, 8.1),
    "07": (1.4, 7.6),
    "10": (2.4, 7.9),
}
GRID_UNIT = 220.0  # px between neighbouring cluster centres
NODE_SPACING = 22.0  # px between neighbouring kommuner inside a cluster
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def _phyllotaxis(count: int) -> list[tuple[float, float]]:
    """Evenly spread points in a disc (Vogel's sunflower spiral), the first near the centre."""
    c = NODE_SPACING / math.sqrt(math.pi) * 1.05
    points = []
    for i in range(count):
        r = c * math.sqrt(i + 0.5)
        points.append((r * math.cos(i * GOLDEN_ANGLE), r * math.sin(i * GOLDEN_ANGLE)))
    return points


def _cluster_positions(
    clusters: Iterable[tuple[str, list[str], tuple[float, float]]],
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    positions: dict[str, tuple[float, float]] = {}
    labels: dict[str, tuple[float, float]] = {}
    for key, members, (cx, cy) in clusters:
        points = _phyllotaxis(len(members))
        for code, (dx, dy) in zip(members, points, strict=True):
            positions[code] = (round(cx + dx, 1), round(cy + dy, 1))
        radius = NODE_SPACING / math.sqrt(math.pi) * 1.05 * math.sqrt(len(members) + 0.5)
        labels[key] = (round(cx, 1), round(cy - radius - 18, 1))
    return positions, labels


def county_layout(
    graph: nx.Graph, measures: Measures
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Positions on the schematic map; the most connected kommun of a county in its centre.

    Returns (kommun positions, county label positions).
    """
    by_county: dict[str, list[str]] = defaultdict(list)
    kommun_counties = {c for n, c in graph.nodes(data="county_code") if not is_organisation(n)}
    for code, county in graph.nodes(data="county_code"):
        if is_organisation(code) and county not in kommun_counties:
            # Beside the kommuner it works with: in the län most of its partners are in.
            partners = Counter(
                graph.nodes[n]["county_code"]
                for n in graph.neighbors(code)
                if not is_organisation(n)
            )
            county = min(partners, key=lambda c: (-partners[c], c)) if partners else county
        by_county[county].append(code)
    clusters: list[tuple[str, list[str], tuple[float, float]]] = []
    for county, members in sorted(by_county.items()):
        members.sort(key=lambda c: (-measures.nodes[c].partners, c))
        gx, gy = COUNTY_GRID.get(county, (4.5, float(len(clusters))))
        clusters.append((county, members, (gx * GRID_UNIT, gy * GRID_UNIT)))
    return _cluster_positions(clusters)


def community_layout(
    graph: nx.Graph, measures: Measures
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Communities as clusters on a grid, largest first; kommuner without partners last.

    Returns (kommun positions, community label positions keyed by number, "0" = no partner).
    """
    groups = [
        (str(i), list(members))
        for i, members in enumerate(measures.communities, start=1)
        if members
    ]
    alone = sorted(c for c in graph.nodes if measures.nodes[c].community is None)
    if alone:
        groups.append(("0", alone))
    columns = max(1, math.ceil(math.sqrt(len(groups) * 1.6)))
    largest = max((len(m) for _k, m in groups), default=1)
    unit = max(GRID_UNIT, 2.4 * NODE_SPACING / math.sqrt(math.pi) * math.sqrt(largest))
    clusters = []
    for index, (key, members) in enumerate(groups):
        members.sort(key=lambda c: (-measures.nodes[c].partners, c))
        row, column = divmod(index, columns)
        clusters.append((key, members, (column * unit, row * unit)))
    return _cluster_positions(clusters)


# --- descriptions and exports ---------------------------------------------------------------


def describe_filters(filters: GraphFilters, data: NetworkData | None = None) -> str:
    """The filters in words (Swedish), for exports and the page."""
    parts = [f"fas: {', '.join(filters.phases)}"]
    if filters.area:
        label = (data.area_labels.get(filters.area) if data else None) or filters.area
        parts.append(f"område: {label}")
    if filters.form:
        parts.append(f"form: {filters.form}")
    if filters.county:
        parts.append(f"län: {filters.county}")
    if filters.municipality:
        parts.append(f"grannskap: {filters.municipality} ({filters.depth} steg)")
    if filters.organisations:
        parts.append("med regioner, förbund, bolag och myndigheter")
    return "; ".join(parts)


def annotate(graph: nx.Graph, measures: Measures) -> nx.Graph:
    """A copy of the graph with the measures as node attributes."""
    annotated = graph.copy()
    for code, m in measures.nodes.items():
        annotated.nodes[code].update(
            partners=m.partners,
            agreements=m.agreements,
            as_host=m.as_host,
            as_purchaser=m.as_purchaser,
            as_member=m.as_member,
            depends_on=m.depends_on,
            main_host=m.main_host,
            serves=m.serves,
            betweenness=m.betweenness,
            community=m.community,
        )
    return annotated


def _plain(value: Any) -> Any:
    """A value GraphML and GEXF accept: lists and sets joined, None dropped by the caller."""
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(v) for v in sorted(value, key=str))
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def for_xml(graph: nx.Graph) -> nx.Graph:
    """A copy whose every attribute is a string or number (what Gephi reads)."""
    clean = nx.Graph()
    clean.graph.update({k: _plain(v) for k, v in graph.graph.items() if v is not None})
    for node, attrs in graph.nodes(data=True):
        clean.add_node(node, **{k: _plain(v) for k, v in attrs.items() if v is not None})
    for a, b, attrs in graph.edges(data=True):
        clean.add_edge(a, b, **{k: _plain(v) for k, v in attrs.items() if v is not None})
    # GraphML declares one type per key: a kommun without a community or population simply
    # lacks that attribute; betweenness is always a float.
    for _node, attrs in clean.nodes(data=True):
        if "betweenness" in attrs:
            attrs["betweenness"] = float(attrs["betweenness"])
    return clean


def export(graph: nx.Graph, fmt: str) -> bytes:
    """The graph as GraphML, GEXF or node-link JSON."""
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=1, default=_plain).encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(for_xml(graph), buffer, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(for_xml(graph), buffer, encoding="utf-8")
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return buffer.getvalue()


# --- the page's canvas ------------------------------------------------------------------------

BIPARTITE_MAX_AGREEMENTS = 400


def canvas_payload(graph: nx.Graph, measures: Measures, focus: str | None = None) -> dict[str, Any]:
    """The kommun–kommun graph for Cytoscape: nodes with measures and two precomputed layouts.

    ``x, y`` place each kommun on the schematic map of counties, ``cx, cy`` in its Louvain
    community; a neighbourhood is laid out in rings by ``depth`` in the browser.
    """
    positions, county_labels = county_layout(graph, measures)
    community_positions, community_labels = community_layout(graph, measures)
    county_names = {a["county_code"]: a["county"] for _n, a in graph.nodes(data=True)}
    nodes = []
    for code, attrs in graph.nodes(data=True):
        m = measures.nodes[code]
        x, y = positions[code]
        cx, cy = community_positions[code]
        nodes.append(
            {
                "id": code,
                "name": attrs["name"],
                "kind": attrs.get("kind", "kommun"),
                "organisation": attrs.get("organisation_id"),
                "county": attrs["county_code"],
                "group": attrs.get("skr_group"),
                "population": attrs.get("population"),
                "partners": m.partners,
                "agreements": m.agreements,
                "host": m.as_host,
                "purchaser": m.as_purchaser,
                "member": m.as_member,
                "community": m.community,
                "depth": attrs.get("depth"),
                "x": x,
                "y": y,
                "cx": cx,
                "cy": cy,
            }
        )
    edges = [
        {"s": a, "t": b, "w": weight}
        for a, b, weight in sorted(graph.edges(data="weight"), key=lambda e: (e[0], e[1]))
    ]
    return {
        "view": "graph",
        "focus": focus if focus in graph else None,
        "nodes": nodes,
        "edges": edges,
        "max_weight": max((e["w"] for e in edges), default=1),
        "labels": {
            "county": [
                {"id": county, "label": county_names.get(county, county), "x": x, "y": y}
                for county, (x, y) in county_labels.items()
            ],
            "community": [
                {
                    "id": key,
                    "label": f"Grupp {key}" if key != "0" else "Utan partner",
                    "x": x,
                    "y": y,
                }
                for key, (x, y) in community_labels.items()
            ],
        },
    }


def bipartite_payload(
    bipartite: nx.Graph, focus: str | None = None, *, limit: int = BIPARTITE_MAX_AGREEMENTS
) -> dict[str, Any]:
    """Kommuner and agreements for Cytoscape; refuses to draw more than ``limit`` agreements."""
    agreements = [n for n, kind in bipartite.nodes(data="kind") if kind == "agreement"]
    payload: dict[str, Any] = {
        "view": "bipartite",
        "focus": focus,
        "agreement_count": len(agreements),
        "too_many": len(agreements) > limit,
        "nodes": [],
        "edges": [],
    }
    if payload["too_many"]:
        return payload
    root = f"m:{focus}" if focus else None
    depth = (
        nx.single_source_shortest_path_length(bipartite, root) if root and root in bipartite else {}
    )
    for node, attrs in bipartite.nodes(data=True):
        if attrs["kind"] == "municipality" and bipartite.degree(node) == 0:
            continue
        item = {
            "id": node,
            "kind": attrs["kind"],
            "name": attrs["name"],
            "depth": depth.get(node),
        }
        if attrs["kind"] == "municipality":
            item.update(
                code=attrs["code"], county=attrs["county_code"], group=attrs.get("skr_group")
            )
        else:
            item.update(agreement_id=attrs["agreement_id"], form=attrs["form"])
        payload["nodes"].append(item)
    payload["edges"] = [
        {"s": a, "t": b, "role": role} for a, b, role in bipartite.edges(data="role")
    ]
    return payload
