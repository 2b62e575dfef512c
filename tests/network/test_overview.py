"""The whole country summed up per län, kommungrupp or samverkansgrupp, and its drawing."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import combinations

import pytest

from coop_tracker.network import graph as g
from coop_tracker.network import overview as ov
from coop_tracker.network.measures import compute_measures
from tests.network import synthetic

BOX = re.compile(r'data-label-box="([\d.]+),([\d.]+),([\d.]+),([\d.]+)"')
BUBBLE = re.compile(r'<a href="([^"]+)" class="network-overview__bubble" data-key="([^"]+)"')


@pytest.fixture(scope="module")
def country():
    data = synthetic.national(agreements=1500)
    groups = ["A1", "A2", "B3", "B4", "B5", "C6", "C7", "C8", "C9", None]
    data = replace(
        data,
        municipalities=tuple(
            replace(m, skr_group=groups[i % len(groups)]) for i, m in enumerate(data.municipalities)
        ),
    )
    filters = g.GraphFilters()
    graph = g.build_graph(data, filters)
    return data, graph, compute_measures(graph, data, filters, with_betweenness=False)


def names(data):
    counties = {m.county_code: m.county_name for m in data.municipalities}
    return lambda b: (counties.get(b.key, f"Grupp {b.key}"), (f"{len(b.kommuner)} kommuner",))


def assert_no_overlap(overview):
    boxes = {b.key: b.box for b in overview.bubbles}
    for (a, box_a), (b, box_b) in combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (a, b, box_a, box_b)
    for bubble in overview.bubbles:
        for other in overview.bubbles:
            assert not bubble.box.touches_circle(other.x, other.y, other.r), (bubble.key, other.key)
        box = bubble.box
        assert box.x >= 0 and box.y >= 0
        assert box.x + box.width <= overview.width and box.y + box.height <= overview.height


def test_the_country_is_21_lan_whose_numbers_add_up_to_the_kommun_graph(country):
    data, graph, measures = country
    overview = ov.build_overview(graph, measures, "county", names(data))
    assert len(overview.bubbles) == 21
    assert {b.label for b in overview.bubbles} >= {"Dalarnas län", "Skåne län", "Norrbottens län"}
    assert sum(len(b.kommuner) for b in overview.bubbles) == 290
    assert overview.bubble("20").kommuner == sorted(c for c in graph if c.startswith("20"))
    # Every kommun pair is counted once: inside one län, or between two.
    inside = sum(b.inside for b in overview.bubbles)
    between = sum(link.pairs for link in overview.links)
    assert inside + between == graph.number_of_edges()
    dalarna_gavleborg = next(link for link in overview.links if (link.a, link.b) == ("20", "21"))
    expected = sum(1 for a, b in graph.edges if {a[:2], b[:2]} == {"20", "21"})
    assert dalarna_gavleborg.pairs == expected
    # The north is at the top: Norrbotten above Skåne.
    assert overview.bubble("25").y < overview.bubble("12").y


@pytest.mark.parametrize("by", ov.OVERVIEWS)
def test_no_label_overlaps_another_label_or_a_circle(country, by):
    data, graph, measures = country
    assert_no_overlap(ov.build_overview(graph, measures, by, names(data)))


def test_bubbles_are_skr_groups_or_samverkansgrupper(country):
    data, graph, measures = country
    skr = ov.build_overview(graph, measures, "skr_group", names(data))
    assert [b.key for b in skr.bubbles] == [
        "A1",
        "A2",
        "B3",
        "B4",
        "B5",
        "C6",
        "C7",
        "C8",
        "C9",
        "-",
    ]
    community = ov.build_overview(graph, measures, "community", names(data))
    for bubble in community.bubbles:
        if bubble.key != ov.MISSING:
            assert {measures.nodes[c].community for c in bubble.kommuner} == {int(bubble.key)}


def test_long_names_wrap_and_the_box_covers_every_line():
    bubble = ov.Bubble(key="C7", kommuner=["0114"], title=("Pendlingskommun nära", "mindre stad"))
    bubble.details = ("12 kommuner",)
    width, height = ov.label_size(bubble)
    lines = bubble.lines()
    assert [text for text, _size, _y in lines] == [
        "Pendlingskommun nära",
        "mindre stad",
        "12 kommuner",
    ]
    assert lines[-1][2] < height and width >= ov.text_width("Pendlingskommun nära", ov.FONT_SIZE)


def test_the_page_draws_21_lan_as_links_with_labels_apart(client, factory, network):
    from tests.network.test_views import login

    login(client, factory)
    html = client.get("/network").get_data(as_text=True)
    bubbles = BUBBLE.findall(html)
    assert len(bubbles) == 21
    hrefs = dict((key, href) for href, key in bubbles)
    assert hrefs["20"] == "/network?county=20"
    assert 'aria-label="Dalarnas län 15 kommuner. 7 kommunpar samverkar inom, 0 med andra"' in html
    boxes = [tuple(map(float, box)) for box in BOX.findall(html)]
    assert len(boxes) == 21
    for (ax, ay, aw, ah), (bx, by, bw, bh) in combinations(boxes, 2):
        assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
    # The table beside it: one row per län, folded.
    assert html.count('<tr data-key="') == 21
    assert '<details class="network__table" id="oversikt-table">' in html
    # Kommun level on request, and for a län.
    assert "network-overview" not in client.get("/network?overview=kommuner").get_data(as_text=True)
    county = client.get("/network?county=20").get_data(as_text=True)
    assert "network-overview__bubble" not in county and "data-network" in county


def test_samverkansgrupper_are_named_by_where_most_of_their_kommuner_are(client, factory, network):
    from tests.network.test_views import login

    login(client, factory)
    html = " ".join(client.get("/network?overview=community").get_data(as_text=True).split())
    assert "flest i Dalarnas län" in html
    assert "Utan partner" in html
