"""``flask graph export``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx


def test_export_graphml_with_filters(runner, network, tmp_path):
    target = tmp_path / "dalarna.graphml"
    result = runner.invoke(
        args=["graph", "export", "--format", "graphml", "-o", str(target), "--county", "20"]
    )
    assert result.exit_code == 0, result.output
    assert "15 noder, 7 kanter" in result.output
    graph = nx.read_graphml(target)
    assert graph.number_of_nodes() == 15 and graph.number_of_edges() == 7
    root = ET.parse(target).getroot()  # noqa: S314 - our own export, in a test
    assert sum(1 for e in root.iter() if e.tag.endswith("}node")) == 15


def test_export_includes_planned_agreements_when_asked(runner, network, tmp_path):
    target = tmp_path / "planned.json"
    result = runner.invoke(
        args=["graph", "export", "--format", "json", "-o", str(target), "--phase", "planned"]
    )
    assert result.exit_code == 0, result.output
    graph = nx.node_link_graph(__import__("json").loads(target.read_text()), edges="edges")
    assert list(graph.edges) == [("0180", "2080")]


def test_export_gexf_neighbourhood_and_bad_options(runner, network, tmp_path):
    target = tmp_path / "mora.gexf"
    result = runner.invoke(
        args=["graph", "export", "--format", "gexf", "-o", str(target), "--municipality", "2062"]
    )
    assert result.exit_code == 0, result.output
    assert set(nx.read_gexf(target).nodes) == {"2062", "2034", "2039", "2080", "2023"}
    bad = runner.invoke(args=["graph", "export", "--format", "pdf", "-o", str(target)])
    assert bad.exit_code == 2
    unknown = runner.invoke(
        args=["graph", "export", "--format", "json", "-o", str(target), "--area", "nope"]
    )
    assert unknown.exit_code == 2 and "Okänt samverkansområde." in unknown.output
