"""What each kommun pays: the cost model's arithmetic, pure and in ``Decimal``.

Rounding, as a Swedish kommun economist does it (see ``docs/costs.md``):

- every step is computed unrounded (``Decimal`` with 28 significant digits); the index factor
  and each share are never rounded before they are used;
- the year's total is rounded to whole kronor, half up (50 öre and more upwards — the rule in
  Swedish bookkeeping since the öre coins went, not banker's rounding);
- each party's amount is rounded to whole kronor the same way, and the parts are then made to
  add up to the rounded total: the kronor left over (or missing) go to the parties with the
  largest (smallest) rounding remainders, one krona each (largest-remainder method), so an
  invoice run never differs from the budget by an öre;
- shares are shown as percent with two decimals, half up; they are not used rounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

KRONA = Decimal(1)
HUNDRED = Decimal(100)


class CostError(Exception):
    """The model cannot be computed for a year; ``problems`` says why, in Swedish."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def round_kronor(amount: Decimal) -> Decimal:
    """To whole kronor, half up (also for negative amounts: -0,50 → -1)."""
    return amount.quantize(KRONA, rounding=ROUND_HALF_UP)


def percent(share: Decimal) -> Decimal:
    """A share (0–1) as percent with two decimals, half up."""
    return (share * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def split_kronor(total: Decimal, shares: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """``total`` (whole kronor) split by ``shares`` (summing to 1) into whole kronor that add
    up to ``total`` exactly (largest-remainder method; ties by key, for a stable result)."""
    exact = {key: total * share for key, share in shares.items()}
    floors = {key: value.to_integral_value(rounding=ROUND_FLOOR) for key, value in exact.items()}
    left = int(total - sum(floors.values(), Decimal(0)))
    order = sorted(exact, key=lambda key: (-(exact[key] - floors[key]), key))
    result = dict(floors)
    for key in order[:left]:
        result[key] += 1
    return result


@dataclass(frozen=True)
class IndexSeries:
    """An index's values by year: levels (KPI 1980=100) or yearly changes in percent (PKV)."""

    name: str
    levels: Mapping[int, Decimal] = field(default_factory=dict)
    changes: Mapping[int, Decimal] = field(default_factory=dict)

    def factor(self, base_year: int, year: int) -> Decimal:
        """How much prices moved from ``base_year`` to ``year``: level(year)/level(base) when
        both levels are known, else the chained yearly changes. Raises CostError naming the
        missing years."""
        if year == base_year:
            return Decimal(1)
        if base_year in self.levels and year in self.levels:
            return self.levels[year] / self.levels[base_year]
        if self.levels and not self.changes:
            missing_levels = [y for y in (base_year, year) if y not in self.levels]
            raise CostError(
                [f"Indexvärde saknas för {self.name} {', '.join(map(str, missing_levels))}."]
            )
        low, high = sorted((base_year, year))
        missing = [y for y in range(low + 1, high + 1) if y not in self.changes]
        if missing:
            years = ", ".join(str(y) for y in missing)
            raise CostError(
                [f"Indexvärde saknas för {self.name} {years} (årlig förändring i procent)."]
            )
        chained = Decimal(1)
        for y in range(low + 1, high + 1):
            chained *= 1 + self.changes[y] / HUNDRED
        return chained if year > base_year else 1 / chained


@dataclass(frozen=True)
class PartyInput:
    """One party's figures for the key: population on the key date, use, a fixed share in
    percent, or (for amounts per party) its own amount in base-year prices."""

    code: str
    name: str
    population: int | None = None
    usage: Decimal | None = None
    fixed_percent: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class Model:
    """A cost model: per-party amounts, or a total shared by a key (a mix of population, use
    and fixed shares with weights in percent that sum to 100), with an optional index clause."""

    method: str  # "amounts" | "key"
    base_year: int
    total: Decimal | None = None
    weights: Mapping[str, Decimal] = field(default_factory=dict)  # basis → percent
    index: IndexSeries | None = None
    index_lag: int = 0  # 1: the year before's index applies (e.g. KPI of the previous year)


@dataclass(frozen=True)
class PartyShare:
    code: str
    name: str
    share: Decimal  # unrounded, 0–1
    amount: Decimal  # whole kronor

    @property
    def share_percent(self) -> Decimal:
        return percent(self.share)


@dataclass(frozen=True)
class YearResult:
    year: int
    factor: Decimal
    total: Decimal  # whole kronor
    parties: list[PartyShare]

    def amount_of(self, code: str) -> Decimal | None:
        return next((p.amount for p in self.parties if p.code == code), None)


BASES = ("population", "usage", "fixed")


def _key_shares(
    weights: Mapping[str, Decimal], parties: Sequence[PartyInput]
) -> dict[str, Decimal]:
    """Each party's share (0–1) under the weighted key."""
    problems: list[str] = []
    shares = {p.code: Decimal(0) for p in parties}
    for basis in BASES:
        weight = weights.get(basis, Decimal(0))
        if not weight:
            continue
        values: dict[str, Decimal] = {}
        for party in parties:
            raw: Decimal | int | None
            if basis == "population":
                raw = party.population
                label = "folkmängd"
            elif basis == "usage":
                raw = party.usage
                label = "nyttjande"
            else:
                raw = party.fixed_percent
                label = "fast andel"
            if raw is None:
                problems.append(f"{party.name}: {label} saknas.")
            else:
                values[party.code] = Decimal(raw)
        if problems:
            continue
        whole = sum(values.values(), Decimal(0))
        if whole <= 0:
            problems.append(f"Summan av {basis_label(basis)} är noll.")
            continue
        for code, value in values.items():
            shares[code] += weight / HUNDRED * value / whole
    if problems:
        raise CostError(problems)
    return shares


def basis_label(basis: str) -> str:
    return {"population": "folkmängd", "usage": "nyttjande", "fixed": "fasta andelar"}[basis]


def compute(model: Model, parties: Sequence[PartyInput], year: int) -> YearResult:
    """The model's total and each party's amount for ``year``, rounded as described above."""
    factor = Decimal(1)
    if model.index is not None:
        factor = model.index.factor(model.base_year, year - model.index_lag)
    if model.method == "amounts":
        missing = [f"{p.name}: belopp saknas." for p in parties if p.amount is None]
        if missing:
            raise CostError(missing)
        amounts = {p.code: round_kronor(Decimal(p.amount or 0) * factor) for p in parties}
        total = sum(amounts.values(), Decimal(0))
        shares = {
            code: (amount / total if total else Decimal(0)) for code, amount in amounts.items()
        }
    else:
        if model.total is None:
            raise CostError(["Totalbelopp saknas."])
        total = round_kronor(model.total * factor)
        shares = _key_shares(model.weights, parties)
        amounts = split_kronor(total, shares)
    names = {p.code: p.name for p in parties}
    return YearResult(
        year=year,
        factor=factor,
        total=total,
        parties=[PartyShare(code, names[code], shares[code], amounts[code]) for code in amounts],
    )
