"""The cooperation network on networkx, built from plain rows (no database, no ORM).

Nodes are kommuner; two kommuner share an edge when they are current parties of the same
agreement, weighted by the number of agreements they share. Everything here is a pure function
of :class:`NetworkData` and :class:`GraphFilters`, so it is tested without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx

ACTIVE_PHASES: tuple[str, ...] = ("active", "exiting")
ALL_PHASES: tuple[str, ...] = ("planned", "active", "exiting", "ended", "abandoned")


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
