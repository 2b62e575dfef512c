"""Liknande kommuner: who resembles a kommun, why, and what they cooperate on that it does not.

Pure functions of :class:`~coop_tracker.network.graph.NetworkData` (no database). The score
mixes SKR kommungrupp, population (log scale) and the areas a kommun cooperates on (Jaccard);
when the group or population has not been fetched from Kolada, the county stands in and the
result says so.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from coop_tracker.core.i18n import _, _l
from coop_tracker.network.graph import (
    AgreementRow,
    GraphFilters,
    MunicipalityRow,
    NetworkData,
    select_agreements,
)

SKR_GROUP_LABELS: dict[str, str] = {
    "A1": _l("Storstäder"),
    "A2": _l("Pendlingskommun nära storstad"),
    "B3": _l("Större stad"),
    "B4": _l("Pendlingskommun nära större stad"),
    "B5": _l("Lågpendlingskommun nära större stad"),
    "C6": _l("Mindre stad/tätort"),
    "C7": _l("Pendlingskommun nära mindre stad/tätort"),
    "C8": _l("Landsbygdskommun"),
    "C9": _l("Landsbygdskommun med besöksnäring"),
}
WEIGHTS = {"group": 0.35, "population": 0.35, "areas": 0.30, "county": 0.30}
SIMILAR_COUNT = 10
EXAMPLES_PER_AREA = 3


def group_label(group: str | None) -> str:
    """'C8 Landsbygdskommun', or '' when not known."""
    if not group:
        return ""
    return f"{group} {SKR_GROUP_LABELS.get(group, '')}".strip()


def _swedish_int(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


@dataclass
class Similar:
    """One similar kommun with its score (0–1) and the reasons in words."""

    municipality: MunicipalityRow
    score: float
    reasons: list[str]
    shared_areas: list[str]
    parts: dict[str, float] = field(default_factory=dict)


@dataclass
class Example:
    """An agreement a similar kommun is in, within an area the kommun does not cooperate on."""

    agreement: AgreementRow
    municipalities: list[MunicipalityRow]  # the similar kommuner that are parties to it


@dataclass
class Suggestion:
    """An area similar kommuner cooperate on and this kommun does not."""

    area: str
    label: str
    municipalities: list[MunicipalityRow]
    examples: list[Example]


@dataclass
class SimilarityResult:
    """The answer for one kommun."""

    municipality: MunicipalityRow
    similar: list[Similar]
    suggestions: list[Suggestion]
    own_areas: list[str]
    basis: list[str]  # components used: group, population, areas, county
    notes: list[str]  # what data is missing and what was used instead


def areas_by_municipality(data: NetworkData, filters: GraphFilters) -> dict[str, set[str]]:
    """The areas each kommun cooperates on (matching agreements with at least one partner)."""
    areas: dict[str, set[str]] = defaultdict(set)
    for agreement in select_agreements(data, filters):
        codes = {p.municipality_code for p in agreement.parties}
        if len(codes) < 2:
            continue
        for code in codes:
            areas[code].update(agreement.areas)
    return areas


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|, and 0 when both are empty."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def population_closeness(a: int, b: int) -> float:
    """1 for equal populations, falling linearly to 0 at a tenfold difference (log scale)."""
    if a <= 0 or b <= 0:
        return 0.0
    return max(0.0, 1.0 - abs(math.log10(a) - math.log10(b)))


def _group_closeness(a: str, b: str | None) -> float:
    if not b:
        return 0.0
    if a == b:
        return 1.0
    return 0.5 if a[0] == b[0] else 0.0


def find_similar(
    data: NetworkData,
    code: str,
    *,
    count: int = SIMILAR_COUNT,
    filters: GraphFilters | None = None,
) -> SimilarityResult:
    """The ``count`` kommuner most like ``code``, and what they cooperate on that it does not."""
    filters = filters or GraphFilters()
    target = data.municipality(code)
    if target is None:
        raise KeyError(code)
    areas = areas_by_municipality(data, filters)
    own = areas.get(code, set())
    labels = data.area_labels
    basis: list[str] = []
    notes: list[str] = []
    if target.skr_group:
        basis.append("group")
    else:
        notes.append(_("Kommungruppen är inte hämtad för kommunen."))
    if target.population:
        basis.append("population")
    else:
        notes.append(_("Folkmängden är inte hämtad för kommunen."))
    basis.append("areas")
    if len(basis) < 3:
        basis.append("county")
        notes.append(
            _(
                "Jämförelsen bygger därför på samverkansområden och län i stället. "
                "Uppgifterna fylls i när SKR:s kommungrupper och befolkning hämtats från Kolada."
            )
        )
    total_weight = sum(WEIGHTS[part] for part in basis)
    candidates: list[Similar] = []
    for other in data.municipalities:
        if other.code == code:
            continue
        parts: dict[str, float] = {}
        reasons: list[str] = []
        if "group" in basis:
            parts["group"] = _group_closeness(target.skr_group or "", other.skr_group)
            if parts["group"] == 1.0:
                reasons.append(
                    _("Samma kommungrupp: %(group)s.", group=group_label(other.skr_group))
                )
            elif parts["group"] > 0:
                reasons.append(
                    _(
                        "Närliggande kommungrupp: %(group)s (er: %(own)s).",
                        group=group_label(other.skr_group),
                        own=group_label(target.skr_group),
                    )
                )
        if "population" in basis:
            parts["population"] = population_closeness(
                target.population or 0, other.population or 0
            )
            if parts["population"] >= 0.7:
                reasons.append(
                    _(
                        "Liknande folkmängd: %(population)s invånare (er: %(own)s).",
                        population=_swedish_int(other.population or 0),
                        own=_swedish_int(target.population or 0),
                    )
                )
        theirs = areas.get(other.code, set())
        shared = sorted(own & theirs, key=lambda slug: _order(labels, slug))
        parts["areas"] = jaccard(own, theirs)
        if shared:
            names = ", ".join(labels.get(slug, slug) for slug in shared[:5])
            if len(shared) > 5:
                names += " " + _("och %(n)s till", n=len(shared) - 5)
            reasons.append(
                _(
                    "Samverkar inom samma områden: %(names)s (%(shared)s av %(total)s områden "
                    "hos er två).",
                    names=names,
                    shared=len(shared),
                    total=len(own | theirs),
                )
            )
        if "county" in basis:
            parts["county"] = 1.0 if other.county_code == target.county_code else 0.0
            if parts["county"]:
                reasons.append(
                    _("Samma län: %(county)s.", county=other.county_name or other.county_code)
                )
        score = sum(WEIGHTS[part] * value for part, value in parts.items()) / total_weight
        if score > 0:
            candidates.append(Similar(other, round(score, 4), reasons, shared, parts))
    candidates.sort(key=lambda s: (-s.score, s.municipality.name, s.municipality.code))
    similar = candidates[:count]
    return SimilarityResult(
        municipality=target,
        similar=similar,
        suggestions=suggestions_for(data, filters, code, own, similar),
        own_areas=sorted(own, key=lambda slug: _order(labels, slug)),
        basis=basis,
        notes=notes,
    )


def _order(labels: Mapping[str, str], slug: str) -> tuple[int, str]:
    """Areas in the vocabulary's order (the order of ``labels``), unknown slugs last."""
    keys = list(labels)
    return (keys.index(slug) if slug in keys else len(keys), slug)


def suggestions_for(
    data: NetworkData,
    filters: GraphFilters,
    code: str,
    own: set[str],
    similar: list[Similar],
) -> list[Suggestion]:
    """Areas the similar kommuner cooperate on that ``code`` does not, with example agreements.

    Areas done by more of the similar kommuner come first; examples follow the similarity rank.
    """
    rank = {s.municipality.code: index for index, s in enumerate(similar)}
    by_code = {s.municipality.code: s.municipality for s in similar}
    found: dict[str, dict[int, Example]] = defaultdict(dict)
    doers: dict[str, set[str]] = defaultdict(set)
    for agreement in select_agreements(data, filters):
        codes = {p.municipality_code for p in agreement.parties}
        if code in codes or len(codes) < 2:
            continue
        peers = sorted((c for c in codes if c in rank), key=rank.__getitem__)
        if not peers:
            continue
        for area in agreement.areas:
            if area in own:
                continue
            doers[area].update(peers)
            found[area][agreement.id] = Example(agreement, [by_code[c] for c in peers])
    labels = data.area_labels
    suggestions = []
    for area, examples in found.items():
        ordered = sorted(
            examples.values(),
            key=lambda e: (rank[e.municipalities[0].code], -len(e.municipalities), e.agreement.id),
        )
        peers = sorted(doers[area], key=rank.__getitem__)
        suggestions.append(
            Suggestion(
                area=area,
                label=labels.get(area, area),
                municipalities=[by_code[c] for c in peers],
                examples=ordered[:EXAMPLES_PER_AREA],
            )
        )
    suggestions.sort(key=lambda s: (-len(s.municipalities), _order(labels, s.area)))
    return suggestions
