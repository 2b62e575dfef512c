"""Fixtures for the network: the small network of tests/network/rows.py in the database."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import networkx as nx
import pytest

from tests.api.conftest import api, api_as  # noqa: F401 - the API fixtures, reused
from tests.sql_support import counted_statements

# (title, form, phase, areas, parties) — the same network as tests/network/rows.py.
SPEC: list[tuple[str, str, str, list[str], list[tuple[str, str]]]] = [
    ("Miljö Vansbro–Malung", "avtalssamverkan", "active", ["miljo-halsoskydd"],
     [("2021", "host"), ("2023", "purchaser")]),
    ("Livsmedel Vansbro–Malung", "avtalssamverkan", "active", ["livsmedelskontroll"],
     [("2021", "host"), ("2023", "purchaser")]),
    ("IT-nämnden Mora Orsa Älvdalen", "gemensam_namnd", "active", ["it-digitalisering"],
     [("2062", "host"), ("2034", "member"), ("2039", "member")]),
    ("Räddningstjänstförbundet", "kommunalforbund", "exiting", ["raddningstjanst"],
     [("2062", "member"), ("2080", "member"), ("2023", "member")]),
    ("Lön Falun–Stockholm", "avtalssamverkan", "planned", ["lon"],
     [("2080", "host"), ("0180", "purchaser")]),
    ("Kulturnätverk", "ovrig", "ended", ["kultur"], [("0180", "member"), ("0114", "member")]),
    ("Överförmyndare Stockholm–Väsby", "avtalssamverkan", "active", ["overformyndare"],
     [("0180", "host"), ("0114", "purchaser")]),
]  # fmt: skip


@pytest.fixture
def network(factory: Any) -> dict[str, Any]:
    """The agreements of SPEC, by title."""
    created = {}
    for title, form, phase, areas, parties in SPEC:
        created[title] = factory.agreement(
            parties,
            form=form,
            phase=phase,
            areas=areas,
            title=title,
            purpose=f"Syftet med {title}.",
            goals=f"Målen för {title}.",
        )
    return created


def expected_graph(phases: tuple[str, ...] = ("active", "exiting")) -> nx.Graph:
    """The kommun graph of SPEC built here, independently of the code under test."""
    graph = nx.Graph()
    for _title, _form, phase, _areas, parties in SPEC:
        if phase not in phases:
            continue
        for (a, _), (b, _) in combinations(sorted(parties), 2):
            weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
            graph.add_edge(a, b, weight=weight)
    return graph


RING = ["2021", "2023", "2062", "2034", "2039", "2080"]


def add_ring_agreements(factory: Any, n: int, start: int) -> None:
    """``n`` active agreements, each between two neighbours on RING (six kommuner in a ring),
    from position ``start`` on: more agreements, the same kommuner."""
    for i in range(n):
        a, b = RING[(start + i) % 6], RING[(start + i + 1) % 6]
        factory.agreement([(a, "host"), (b, "purchaser")], phase="active")


@pytest.fixture
def count_queries() -> Callable[..., Any]:
    """``with count_queries() as statements:`` counts SQL statements sent to the database."""
    return counted_statements
