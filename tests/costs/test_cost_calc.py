"""The cost model's arithmetic, checked against calculations done by hand (in the comments).

The index values here are round test figures, not published KPI or PKV values.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from coop_tracker.costs.calc import (
    CostError,
    IndexSeries,
    Model,
    PartyInput,
    compute,
    round_kronor,
    split_kronor,
)

KPI = IndexSeries("KPI", levels={2024: D("400.00"), 2025: D("405.00"), 2026: D("410.00")})
MEMBERS = [
    PartyInput("2021", "Vansbro", population=5_000),
    PartyInput("2023", "Malung-Sälen", population=12_000),
    PartyInput("2062", "Mora", population=28_000),
]


def test_population_key_with_a_kpi_clause_by_hand():
    """1 000 000 kr in 2024 prices, shared by population, indexed by KPI (base year 2024).

    Index factor 2026 = KPI 2026 / KPI 2024 = 410,00 / 400,00 = 1,025
    Total 2026       = 1 000 000 × 1,025 = 1 025 000 kr
    Population       = 5 000 + 12 000 + 28 000 = 45 000
    Vansbro          = 1 025 000 ×  5 000 / 45 000 = 113 888,89 → 113 889 kr (11,11 %)
    Malung-Sälen     = 1 025 000 × 12 000 / 45 000 = 273 333,33 → 273 333 kr (26,67 %)
    Mora             = 1 025 000 × 28 000 / 45 000 = 637 777,78 → 637 778 kr (62,22 %)
    Check            = 113 889 + 273 333 + 637 778 = 1 025 000 kr
    """
    model = Model("key", 2024, total=D("1000000"), weights={"population": D(100)}, index=KPI)
    result = compute(model, MEMBERS, 2026)
    assert result.factor == D("1.025")
    assert result.total == D("1025000")
    assert [(p.code, p.amount, p.share_percent) for p in result.parties] == [
        ("2021", D("113889"), D("11.11")),
        ("2023", D("273333"), D("26.67")),
        ("2062", D("637778"), D("62.22")),
    ]
    assert sum(p.amount for p in result.parties) == result.total


def test_change_from_last_year_by_hand():
    """2025: factor 405/400 = 1,0125 → total 1 012 500; Vansbro 1 012 500 × 5/45 = 112 500.
    2026: Vansbro 113 889 (above). Change: +1 389 kr."""
    model = Model("key", 2024, total=D("1000000"), weights={"population": D(100)}, index=KPI)
    last = compute(model, MEMBERS, 2025)
    this = compute(model, MEMBERS, 2026)
    assert last.total == D("1012500")
    assert last.amount_of("2021") == D("112500")
    assert this.amount_of("2021") - last.amount_of("2021") == D("1389")


def test_index_of_the_year_before_with_a_lag():
    """KPI of the year before applies: 2026 uses 2025's 405/400 = 1,0125 → 1 012 500 kr."""
    model = Model(
        "key", 2024, total=D("1000000"), weights={"population": D(100)}, index=KPI, index_lag=1
    )
    assert compute(model, MEMBERS, 2026).total == D("1012500")


def test_mixed_key_with_pkv_changes_by_hand():
    """200 000 kr in 2024 prices; PKV +3,0 % 2025 and +2,5 % 2026.

    Factor 2026 = 1,030 × 1,025 = 1,05575 → total 200 000 × 1,05575 = 211 150 kr
    Key: 50 % by population (3 000 and 7 000), 50 % by fixed shares (50 % each)
    A = 0,5 × 3 000/10 000 + 0,5 × 50/100 = 0,15 + 0,25 = 0,40 → 84 460 kr
    B = 0,5 × 7 000/10 000 + 0,5 × 50/100 = 0,35 + 0,25 = 0,60 → 126 690 kr
    """
    pkv = IndexSeries("PKV", changes={2025: D("3.0"), 2026: D("2.5")})
    model = Model(
        "key",
        2024,
        total=D("200000"),
        weights={"population": D(50), "fixed": D(50)},
        index=pkv,
    )
    parties = [
        PartyInput("A", "A", population=3_000, fixed_percent=D(50)),
        PartyInput("B", "B", population=7_000, fixed_percent=D(50)),
    ]
    result = compute(model, parties, 2026)
    assert result.factor == D("1.05575")
    assert [(p.amount, p.share_percent) for p in result.parties] == [
        (D("84460"), D("40.00")),
        (D("126690"), D("60.00")),
    ]


def test_amounts_per_party_are_indexed_and_rounded_each():
    """Own amounts 100 000,00 and 50 000,50 kr in 2024 prices, factor 1,025:
    102 500,00 → 102 500 and 51 250,5125 → 51 251 (half up); total 153 751."""
    model = Model("amounts", 2024, index=KPI)
    parties = [
        PartyInput("A", "A", amount=D("100000.00")),
        PartyInput("B", "B", amount=D("50000.50")),
    ]
    result = compute(model, parties, 2026)
    assert [p.amount for p in result.parties] == [D("102500"), D("51251")]
    assert result.total == D("153751")


def test_the_parts_always_add_up_to_the_total():
    # 100 kr in three equal parts: 33,33 each; the krona left goes to the first by key.
    split = split_kronor(D(100), {"a": D(1) / 3, "b": D(1) / 3, "c": D(1) / 3})
    assert split == {"a": D(34), "b": D(33), "c": D(33)}
    assert round_kronor(D("0.50")) == D(1) and round_kronor(D("-0.50")) == D(-1)
    assert round_kronor(D("2.49")) == D(2)


def test_missing_figures_are_named():
    model = Model("key", 2024, total=D("1000"), weights={"population": D(100)}, index=KPI)
    with pytest.raises(CostError) as refused:
        compute(model, [PartyInput("A", "Orsa"), PartyInput("B", "Mora", population=1)], 2026)
    assert refused.value.problems == ["Orsa: folkmängd saknas."]
    with pytest.raises(CostError) as refused:
        compute(model, MEMBERS, 2027)
    assert "Indexvärde saknas för KPI 2027" in refused.value.problems[0]
