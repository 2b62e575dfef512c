"""Liknande kommuner: ranking, reasons in words, missing Kolada data, suggestions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coop_tracker.network.graph import NetworkData
from coop_tracker.network.similarity import (
    find_similar,
    jaccard,
    population_closeness,
)
from tests.network.rows import AGREEMENTS, LABELS, MUNICIPALITIES, small


def test_jaccard_and_population_closeness():
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 0.0
    assert population_closeness(10_000, 10_000) == 1.0
    assert population_closeness(10_000, 100_000) == 0.0
    assert population_closeness(10_000, 1_000_000) == 0.0
    assert population_closeness(10_000, 20_000) == pytest.approx(1 - 0.30103, abs=1e-4)


def test_same_group_and_similar_population_rank_first_with_reasons():
    result = find_similar(small(), "2034")  # Orsa, C9, 6 900 invånare
    names = [s.municipality.name for s in result.similar]
    # Älvdalen: same group, nearly the same size and the same areas; then Malung-Sälen (C9).
    assert names[:2] == ["Älvdalen", "Malung-Sälen"]
    assert "Stockholm" not in names  # nothing in common: a score of 0 is no similarity
    assert names[-1] == "Falun"
    alvdalen = result.similar[0]
    assert "Samma kommungrupp: C9 Landsbygdskommun med besöksnäring." in alvdalen.reasons
    assert any(r.startswith("Liknande folkmängd: 7\u00a0000 invånare") for r in alvdalen.reasons)
    assert any("Samverkar inom samma områden: IT och digitalisering" in r for r in alvdalen.reasons)
    assert alvdalen.score > result.similar[1].score
    vansbro = next(s for s in result.similar if s.municipality.code == "2021")
    assert any(r.startswith("Närliggande kommungrupp: C8") for r in vansbro.reasons)
    assert result.basis == ["group", "population", "areas"]
    assert result.notes == []
    assert all(s.municipality.code != "2034" for s in result.similar)


def test_without_kolada_data_the_county_and_areas_stand_in_and_it_says_so():
    bare = tuple(replace(m, skr_group=None, population=None) for m in MUNICIPALITIES)
    result = find_similar(NetworkData(bare, AGREEMENTS, LABELS), "2034")
    assert result.basis == ["areas", "county"]
    assert any("Kommungruppen är inte hämtad" in n for n in result.notes)
    assert any("län" in n and "Kolada" in n for n in result.notes)
    top = result.similar[0]
    assert top.municipality.name == "Älvdalen"
    assert "Samma län: Dalarnas län." in top.reasons
    assert all("kommungrupp" not in r for s in result.similar for r in s.reasons)
    # Stockholm shares neither county nor areas with Orsa: not similar at all.
    assert "0180" not in {s.municipality.code for s in result.similar}


def test_suggestions_are_areas_the_similar_cooperate_on_and_the_kommun_does_not():
    result = find_similar(small(), "2034")
    assert result.own_areas == ["it-digitalisering"]
    by_area = {s.area: s for s in result.suggestions}
    assert "it-digitalisering" not in by_area
    assert {"raddningstjanst", "miljo-halsoskydd", "livsmedelskontroll"} <= set(by_area)
    fire = by_area["raddningstjanst"]
    assert fire.label == "Räddningstjänst"
    assert [e.agreement.id for e in fire.examples] == [4]
    assert {m.code for m in fire.municipalities} == {"2023", "2062", "2080"}
    # Areas done by more of the similar kommuner come first.
    assert result.suggestions[0].area == "raddningstjanst"
    # An agreement Orsa itself is party to is never an example.
    assert all(e.agreement.id != 3 for s in result.suggestions for e in s.examples)


def test_unknown_kommun_raises():
    with pytest.raises(KeyError):
        find_similar(small(), "9999")
