"""Where the page draws each node: kommuner on a schematic map of the counties or clustered by
community, and the Cytoscape payloads of the kommun graph and the kommun–agreement graph."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from coop_tracker.network.graph import is_organisation
from coop_tracker.network.measures import Measures

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
