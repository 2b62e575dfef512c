"""The whole country at a glance: kommuner summed up per län, SKR kommungrupp or samverkansgrupp,
laid out for a server-drawn SVG with labels that never overlap.

Pure functions of a kommun graph and its measures (no database, no Flask): the page passes the
label texts in the reader's language and gets back circles, lines and label boxes in pixels.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from coop_tracker.network.graph import is_organisation
from coop_tracker.network.layout import COUNTY_GRID
from coop_tracker.network.measures import Measures

OVERVIEWS: tuple[str, ...] = ("county", "skr_group", "community")
MISSING = "-"  # the key of kommuner without a value (no SKR group fetched, no partner)

# SKR's nine kommungrupper in three rows: storstäder (A), större städer (B), mindre orter (C).
SKR_GRID: dict[str, tuple[float, float]] = {
    "A1": (0.5, 0.0),
    "A2": (1.5, 0.0),
    "B3": (0.0, 1.0),
    "B4": (1.0, 1.0),
    "B5": (2.0, 1.0),
    "C6": (0.0, 2.0),
    "C7": (1.0, 2.0),
    "C8": (2.0, 2.0),
    "C9": (3.0, 2.0),
    MISSING: (3.0, 0.0),
}

FONT_SIZE = 15.0
SMALL_FONT_SIZE = 12.5
LINE_GAP = 3.0
# Average advance of a character as a share of the font size (Noto Sans / system sans-serif,
# Swedish text): a generous estimate, so a box drawn from it covers the rendered text.
CHAR_WIDTH = 0.6
LABEL_PADDING = 3.0
MARGIN = 12.0


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle (x, y = top left)."""

    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return not (
            self.x + self.width + gap <= other.x
            or other.x + other.width + gap <= self.x
            or self.y + self.height + gap <= other.y
            or other.y + other.height + gap <= self.y
        )

    def touches_circle(self, cx: float, cy: float, r: float) -> bool:
        nearest_x = min(max(cx, self.x), self.x + self.width)
        nearest_y = min(max(cy, self.y), self.y + self.height)
        return (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 < r * r

    def moved(self, dx: float, dy: float) -> Box:
        return Box(round(self.x + dx, 1), round(self.y + dy, 1), self.width, self.height)


@dataclass
class Bubble:
    """One summed-up node: a län, a kommungrupp or a samverkansgrupp."""

    key: str
    kommuner: list[str]
    cooperating: int = 0  # kommuner with at least one partner in the view
    inside: int = 0  # kommun pairs that cooperate within the bubble
    outside: int = 0  # kommun pairs that reach another bubble
    agreements: set[int] = field(default_factory=set)
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0
    title: tuple[str, ...] = ()  # the name, wrapped
    details: tuple[str, ...] = ()  # smaller lines under it
    box: Box | None = None  # the label's box

    @property
    def label(self) -> str:
        return " ".join(self.title) or self.key

    def lines(self) -> list[tuple[str, float, float]]:
        """Each label line with its font size and its baseline's offset from the box's top."""
        result = []
        y = LABEL_PADDING
        for text, size in [(t, FONT_SIZE) for t in self.title] + [
            (d, SMALL_FONT_SIZE) for d in self.details
        ]:
            y += size
            result.append((text, size, round(y - size * 0.2, 1)))
            y += LINE_GAP
        return result


@dataclass(frozen=True)
class Link:
    """Kommun pairs that cooperate across two bubbles."""

    a: str
    b: str
    pairs: int
    agreements: int
    width: float = 1.0


# A bubble's label: its name and the smaller lines under it.
LabelFunction = Callable[[Bubble], tuple[str, tuple[str, ...]]]
TITLE_WRAP = 24


@dataclass
class Overview:
    """Everything the SVG needs, in pixels."""

    by: str
    bubbles: list[Bubble]
    links: list[Link]
    width: float
    height: float

    def bubble(self, key: str) -> Bubble:
        return next(b for b in self.bubbles if b.key == key)


def key_function(graph: nx.Graph, measures: Measures, by: str) -> Callable[[str], str]:
    """What bubble a kommun belongs to."""
    if by == "county":
        return lambda code: str(graph.nodes[code]["county_code"])
    if by == "skr_group":
        return lambda code: graph.nodes[code].get("skr_group") or MISSING
    if by == "community":
        return lambda code: str(measures.nodes[code].community or MISSING)
    raise ValueError(f"unknown overview {by!r}")


def summarise(graph: nx.Graph, measures: Measures, by: str) -> Overview:
    """Sum the kommun graph up per bubble: kommuner, pairs inside, pairs between bubbles."""
    # The summary counts kommuner: organisations shown beside them are left out.
    graph = graph.subgraph(c for c in graph.nodes if not is_organisation(c))
    key_of = key_function(graph, measures, by)
    bubbles: dict[str, Bubble] = {}
    for code in graph.nodes:
        bubble = bubbles.setdefault(key_of(code), Bubble(key=key_of(code), kommuner=[]))
        bubble.kommuner.append(code)
        if graph.degree(code):
            bubble.cooperating += 1
    between: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0])
    between_ids: dict[tuple[str, str], set[int]] = defaultdict(set)
    for a, b, ids in graph.edges(data="agreement_ids"):
        ka, kb = key_of(a), key_of(b)
        bubbles[ka].agreements.update(ids)
        bubbles[kb].agreements.update(ids)
        if ka == kb:
            bubbles[ka].inside += 1
            continue
        bubbles[ka].outside += 1
        bubbles[kb].outside += 1
        pair = (ka, kb) if ka < kb else (kb, ka)
        between[pair][0] += 1
        between_ids[pair].update(ids)
    widest = max((count[0] for count in between.values()), default=1)
    links = [
        Link(a, b, count[0], len(between_ids[(a, b)]), _stroke(count[0], widest))
        for (a, b), count in sorted(between.items(), key=lambda item: (item[1][0], item[0]))
    ]
    ordered = sorted(bubbles.values(), key=lambda b: _order_key(by, b.key))
    return Overview(by=by, bubbles=ordered, links=links, width=0.0, height=0.0)


def _order_key(by: str, key: str) -> tuple[int, str]:
    if key == MISSING:
        return (1_000_000, key)
    if by == "community":
        return (int(key), key)
    return (0, key)


def _stroke(pairs: int, widest: int) -> float:
    return round(1.0 + 9.0 * math.sqrt(pairs / max(widest, 1)), 1)


def radius(kommuner: int) -> float:
    """A circle whose area grows with the number of kommuner."""
    return round(9.0 + 3.6 * math.sqrt(kommuner), 1)


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def label_size(bubble: Bubble) -> tuple[float, float]:
    """Width and height of a bubble's label box."""
    lines = [(t, FONT_SIZE) for t in bubble.title] + [(d, SMALL_FONT_SIZE) for d in bubble.details]
    width = max(text_width(text, size) for text, size in lines)
    height = sum(size + LINE_GAP for _text, size in lines) - LINE_GAP
    return width + 2 * LABEL_PADDING, height + 2 * LABEL_PADDING


def grid_positions(overview: Overview, unit: float) -> dict[str, tuple[float, float]]:
    """Bubble centres: Sweden's shape for län, three rows for SKR groups, a grid for
    samverkansgrupper (numbered left to right, top to bottom)."""
    if overview.by == "county":
        grid: Mapping[str, tuple[float, float]] = COUNTY_GRID
    elif overview.by == "skr_group":
        grid = SKR_GRID
    else:
        columns = max(1, math.ceil(math.sqrt(len(overview.bubbles))))
        grid = {
            b.key: (float(i % columns), float(i // columns)) for i, b in enumerate(overview.bubbles)
        }
    spare = 0
    positions = {}
    for bubble in overview.bubbles:
        gx, gy = grid.get(bubble.key, (4.5, float(spare)))
        if bubble.key not in grid:
            spare += 1
        positions[bubble.key] = (gx * unit, gy * unit)
    return positions


def place_labels(overview: Overview, label_of: LabelFunction) -> None:
    """Give each bubble its label lines and a box that overlaps no other label and no circle.

    Largest bubbles first; each tries the spots around its circle (right, left, below, above,
    then the diagonals), and steps further out until a free spot is found.
    """
    circles = [(b.x, b.y, b.r) for b in overview.bubbles]
    placed: list[Box] = []
    for bubble in sorted(overview.bubbles, key=lambda b: (-len(b.kommuner), b.key)):
        title, bubble.details = label_of(bubble)
        bubble.title = tuple(textwrap.wrap(title, TITLE_WRAP)) or (bubble.key,)
        width, height = label_size(bubble)
        chosen = None
        for step in range(0, 12):
            gap = 4.0 + step * 10.0
            for box in _candidates(bubble, width, height, gap):
                if any(box.overlaps(other, gap=2.0) for other in placed):
                    continue
                if any(box.touches_circle(cx, cy, r + 2.0) for cx, cy, r in circles):
                    continue
                chosen = box
                break
            if chosen:
                break
        bubble.box = chosen or _candidates(bubble, width, height, 4.0)[0]
        placed.append(bubble.box)


def _candidates(bubble: Bubble, width: float, height: float, gap: float) -> list[Box]:
    x, y, r = bubble.x, bubble.y, bubble.r
    return [
        Box(x + r + gap, y - height / 2, width, height),  # right
        Box(x - r - gap - width, y - height / 2, width, height),  # left
        Box(x - width / 2, y + r + gap, width, height),  # below
        Box(x - width / 2, y - r - gap - height, width, height),  # above
        Box(x + r * 0.7 + gap, y + r * 0.7 + gap, width, height),  # below right
        Box(x - r * 0.7 - gap - width, y + r * 0.7 + gap, width, height),  # below left
        Box(x + r * 0.7 + gap, y - r * 0.7 - gap - height, width, height),  # above right
        Box(x - r * 0.7 - gap - width, y - r * 0.7 - gap - height, width, height),  # above left
    ]


def lay_out(overview: Overview, label_of: LabelFunction, unit: float) -> Overview:
    """Centres, radii and label boxes, then everything moved so the drawing starts at the
    margin; ``width`` and ``height`` are the drawing's size."""
    positions = grid_positions(overview, unit)
    for bubble in overview.bubbles:
        bubble.x, bubble.y = positions[bubble.key]
        bubble.r = radius(len(bubble.kommuner))
    place_labels(overview, label_of)
    boxes = [b.box for b in overview.bubbles if b.box is not None]
    left = min([b.x - b.r for b in overview.bubbles] + [box.x for box in boxes], default=0.0)
    top = min([b.y - b.r for b in overview.bubbles] + [box.y for box in boxes], default=0.0)
    right = max(
        [b.x + b.r for b in overview.bubbles] + [box.x + box.width for box in boxes], default=0.0
    )
    bottom = max(
        [b.y + b.r for b in overview.bubbles] + [box.y + box.height for box in boxes], default=0.0
    )
    dx, dy = MARGIN - left, MARGIN - top
    for bubble in overview.bubbles:
        bubble.x, bubble.y = round(bubble.x + dx, 1), round(bubble.y + dy, 1)
        if bubble.box is not None:
            bubble.box = bubble.box.moved(dx, dy)
    overview.width = round(right - left + 2 * MARGIN, 1)
    overview.height = round(bottom - top + 2 * MARGIN, 1)
    return overview


UNITS = {"county": 118.0, "skr_group": 190.0, "community": 170.0}


def build_overview(
    graph: nx.Graph, measures: Measures, by: str, label_of: LabelFunction
) -> Overview:
    """The summed-up network laid out, each bubble labelled by ``label_of`` (its lines: a name,
    then details) without overlap."""
    return lay_out(summarise(graph, measures, by), label_of, UNITS[by])
