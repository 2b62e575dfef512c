"""The network as files: measures as node attributes, and GraphML, GEXF or node-link JSON."""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from coop_tracker.network.measures import Measures

EXPORT_FORMATS: tuple[str, ...] = ("graphml", "gexf", "json")


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
