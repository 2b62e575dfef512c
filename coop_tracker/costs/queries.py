"""Read side of the cost model: an agreement's costs by year with reconciliation, and a kommun's
own share per agreement for Uppsikt, its report and the API (a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.agreements.queries import with_children
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.costs.calc import (
    CostError,
    IndexSeries,
    Model,
    PartyInput,
    YearResult,
    compute,
    split_kronor,
)
from coop_tracker.costs.models import (
    CostModel,
    CostOutcome,
    CostParty,
    IndexValue,
    PopulationFigure,
)
from coop_tracker.municipalities.models import Municipality


@dataclass
class YearCost:
    """One year of an agreement's costs, or why it cannot be computed."""

    year: int
    result: YearResult | None
    problems: list[str] = field(default_factory=list)


@dataclass
class Reconciliation:
    """A year's outcome against the budget, per party (positive: the party pays more)."""

    year: int
    budget_total: Decimal
    outcome_total: Decimal
    reference: str
    rows: list[tuple[str, str, Decimal, Decimal, Decimal]]  # code, name, budget, outcome, diff


@dataclass
class AgreementCosts:
    model: CostModel | None
    years: list[YearCost]
    reconciliations: list[Reconciliation]
    populations: dict[int, dict[str, int | None]]  # year → code → population used


@dataclass
class KommunCost:
    """A kommun's own share in one agreement: last year, this year, next year."""

    agreement: Agreement
    last: Decimal | None
    this: Decimal | None
    next: Decimal | None
    share_percent: Decimal | None
    problems: list[str]

    @property
    def change(self) -> Decimal | None:
        if self.last is None or self.this is None:
            return None
        return self.this - self.last

    @property
    def change_percent(self) -> Decimal | None:
        if self.change is None or not self.last:
            return None
        return (self.change / self.last * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def index_series(session: Session, names: Iterable[str]) -> dict[str, IndexSeries]:
    wanted = sorted({n for n in names if n})
    if not wanted:
        return {}
    levels: dict[str, dict[int, Decimal]] = defaultdict(dict)
    changes: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for row in session.scalars(select(IndexValue).where(IndexValue.series.in_(wanted))):
        if row.level is not None:
            levels[row.series][row.year] = Decimal(row.level)
        if row.change_percent is not None:
            changes[row.series][row.year] = Decimal(row.change_percent)
    return {n: IndexSeries(n, levels=levels[n], changes=changes[n]) for n in wanted}


def populations_on(
    session: Session, wanted: Iterable[tuple[str, date]]
) -> dict[tuple[str, date], int]:
    """Population per (kommun, day): an entered figure for that day, else the register's own
    figure when it is for 31 December of that year (Kolada's N01951 counts that day)."""
    pairs = sorted(set(wanted))
    if not pairs:
        return {}
    found: dict[tuple[str, date], int] = {}
    codes = sorted({code for code, _ in pairs})
    for code, year, population in session.execute(
        select(Municipality.code, Municipality.population_year, Municipality.population).where(
            Municipality.code.in_(codes)
        )
    ):
        if population is not None and year is not None:
            found[(code, date(year, 12, 31))] = population
    rows = session.scalars(
        select(PopulationFigure).where(
            PopulationFigure.municipality_code.in_(codes),
            PopulationFigure.on_date.in_(sorted({day for _code, day in pairs})),
        )
    )
    for row in rows:
        found[(row.municipality_code, row.on_date)] = row.population
    return {pair: found[pair] for pair in pairs if pair in found}


def _model_of(row: CostModel, series: dict[str, IndexSeries]) -> Model:
    return Model(
        method=row.method,
        base_year=row.base_year,
        total=None if row.total_amount is None else Decimal(row.total_amount),
        weights={
            "population": Decimal(row.weight_population or 0),
            "usage": Decimal(row.weight_usage or 0),
            "fixed": Decimal(row.weight_fixed or 0),
        },
        index=series.get(row.index_series) if row.index_series else None,
        index_lag=row.index_lag,
    )


def _inputs(
    parties: Sequence[Party],
    figures: dict[str, CostParty],
    populations: dict[tuple[str, date], int],
    on: date,
) -> list[PartyInput]:
    result = []
    for party in parties:
        code = party.municipality_code or f"org-{party.organisation_id}"
        own = figures.get(code)
        if party.municipality_code is None:
            # A region, förbund, company or agency: its share and yearly amount are the ones
            # recorded on the party (the model keeps figures per kommun only).
            result.append(
                PartyInput(
                    code=code,
                    name=party.name,
                    population=None,
                    usage=None,
                    fixed_percent=party.cost_share_percent,
                    amount=party.annual_cost,
                )
            )
            continue
        result.append(
            PartyInput(
                code=code,
                name=party.name,
                population=populations.get((code, on)),
                usage=None if own is None or own.usage is None else Decimal(own.usage),
                fixed_percent=(
                    None if own is None or own.fixed_percent is None else Decimal(own.fixed_percent)
                ),
                amount=None if own is None or own.amount is None else Decimal(own.amount),
            )
        )
    return result


def _parties_in(agreement: Agreement, year: int) -> list[Party]:
    """The parties in the agreement during ``year`` (joined by its end, not left before it)."""
    return [
        p
        for p in agreement.parties
        if (p.joined_on is None or p.joined_on <= date(year, 12, 31))
        and (p.left_on is None or p.left_on >= date(year, 1, 1))
    ]


def _year_costs(
    agreement: Agreement,
    row: CostModel,
    series: dict[str, IndexSeries],
    figures: dict[str, CostParty],
    populations: dict[tuple[str, date], int],
    year: int,
) -> YearCost:
    parties = _parties_in(agreement, year)
    if not parties:
        return YearCost(year, None, ["Inga parter det året."])
    if row.index_series and row.index_series not in series:
        return YearCost(year, None, [f"Indexserien {row.index_series} har inga värden."])
    on = row.population_date(year)
    try:
        inputs = _inputs(parties, figures, populations, on)
        return YearCost(year, compute(_model_of(row, series), inputs, year))
    except CostError as error:
        # Say which day's population is missing: it is entered under "Index och folkmängd".
        problems = [
            text.replace("folkmängd saknas.", f"folkmängd per {on.isoformat()} saknas.")
            for text in error.problems
        ]
        return YearCost(year, None, problems)


def agreement_costs(session: Session, agreement: Agreement, years: Sequence[int]) -> AgreementCosts:
    """The agreement's costs for ``years`` and every recorded outcome reconciled."""
    row = session.get(CostModel, agreement.id)
    if row is None:
        return AgreementCosts(None, [], [], {})
    outcomes = list(
        session.scalars(
            select(CostOutcome)
            .where(CostOutcome.agreement_id == agreement.id)
            .order_by(CostOutcome.year.desc())
        )
    )
    all_years = sorted(set(years) | {o.year for o in outcomes})
    figures = {
        f.municipality_code: f
        for f in session.scalars(select(CostParty).where(CostParty.agreement_id == agreement.id))
    }
    series = index_series(session, [row.index_series])
    wanted = [
        (p.municipality_code, row.population_date(y))
        for y in all_years
        for p in agreement.parties
        if p.municipality_code
    ]
    populations = populations_on(session, wanted)
    computed = {y: _year_costs(agreement, row, series, figures, populations, y) for y in all_years}
    reconciliations = []
    for outcome in outcomes:
        budget = computed[outcome.year].result
        if budget is None:
            continue
        shares = {p.code: p.share for p in budget.parties}
        outcome_total = Decimal(outcome.total_outcome).quantize(Decimal(1))
        outcome_parts = split_kronor(outcome_total, shares)
        reconciliations.append(
            Reconciliation(
                year=outcome.year,
                budget_total=budget.total,
                outcome_total=outcome_total,
                reference=outcome.reference,
                rows=[
                    (
                        p.code,
                        p.name,
                        p.amount,
                        outcome_parts[p.code],
                        outcome_parts[p.code] - p.amount,
                    )
                    for p in budget.parties
                ],
            )
        )
    return AgreementCosts(
        model=row,
        years=[computed[y] for y in years],
        reconciliations=reconciliations,
        populations={
            y: {
                p.municipality_code: populations.get((p.municipality_code, row.population_date(y)))
                for p in agreement.parties
                if p.municipality_code
            }
            for y in years
        },
    )


def kommun_agreements(session: Session, code: str, user: Any) -> list[Agreement]:
    """The live agreements the kommun is a current party of, as ``user`` may see them."""
    query = select(Agreement).where(
        Agreement.phase.in_(("planned", "active", "exiting")),
        exists(
            select(Party.id).where(
                Party.agreement_id == Agreement.id,
                Party.municipality_code == code,
                Party.left_on.is_(None),
            )
        ),
    )
    return list(session.scalars(with_children(restrict_agreements(query, user))).unique())


def _three_years(
    session: Session, agreements: Sequence[Agreement], today: date
) -> dict[int, list[YearCost]]:
    """Last year's, this year's and next year's costs of every agreement in ``agreements``
    that has a cost model (a fixed number of queries)."""
    by_id = {a.id: a for a in agreements}
    if not by_id:
        return {}
    models = list(session.scalars(select(CostModel).where(CostModel.agreement_id.in_(by_id))))
    if not models:
        return {}
    ids = [m.agreement_id for m in models]
    figures: dict[int, dict[str, CostParty]] = defaultdict(dict)
    for figure in session.scalars(select(CostParty).where(CostParty.agreement_id.in_(ids))):
        figures[figure.agreement_id][figure.municipality_code] = figure
    series = index_series(session, [m.index_series for m in models])
    years = (today.year - 1, today.year, today.year + 1)
    wanted = [
        (p.municipality_code, m.population_date(y))
        for m in models
        for y in years
        for p in by_id[m.agreement_id].parties
        if p.municipality_code
    ]
    populations = populations_on(session, wanted)
    return {
        model.agreement_id: [
            _year_costs(
                by_id[model.agreement_id],
                model,
                series,
                figures[model.agreement_id],
                populations,
                year,
            )
            for year in years
        ]
        for model in models
    }


def _problems(costs: Sequence[YearCost], today: date) -> list[str]:
    """Why this year's or next year's share cannot be computed (last year's is history)."""
    return [
        f"{cost.year}: {text}"
        for cost in costs
        if cost.result is None and cost.year != today.year - 1
        for text in cost.problems
    ]


def kommun_costs(
    session: Session, code: str, agreements: Sequence[Agreement], today: date
) -> list[KommunCost]:
    """The kommun's computed share (last year, this year, next year) in every agreement of
    ``agreements`` that has a cost model."""
    by_id = {a.id: a for a in agreements}
    result = []
    for agreement_id, costs in _three_years(session, agreements, today).items():
        amounts = [c.result.amount_of(code) if c.result is not None else None for c in costs]
        this_year = costs[1].result
        share = (
            next((p.share_percent for p in this_year.parties if p.code == code), None)
            if this_year is not None
            else None
        )
        result.append(
            KommunCost(
                by_id[agreement_id],
                amounts[0],
                amounts[1],
                amounts[2],
                share,
                _problems(costs, today),
            )
        )
    result.sort(key=lambda c: c.agreement.title.casefold())
    return result


@dataclass
class PartyCost:
    """One party's computed share in an agreement: last year, this year, next year."""

    code: str
    name: str
    last: Decimal | None
    this: Decimal | None
    next: Decimal | None
    share_percent: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.last is None or self.this is None:
            return None
        return self.this - self.last


def party_costs(
    session: Session, agreements: Sequence[Agreement], today: date
) -> dict[int, tuple[list[PartyCost], list[str]]]:
    """Agreement id → every party's computed share (last, this and next year) and why a year
    cannot be computed, for the agreements of ``agreements`` that have a cost model."""
    by_id = {a.id: a for a in agreements}
    result: dict[int, tuple[list[PartyCost], list[str]]] = {}
    for agreement_id, costs in _three_years(session, agreements, today).items():
        rows = []
        for party in by_id[agreement_id].parties:
            code = party.municipality_code or f"org-{party.organisation_id}"
            amounts = [c.result.amount_of(code) if c.result is not None else None for c in costs]
            if all(a is None for a in amounts):
                continue  # not a party in any of the three years
            this_year = costs[1].result
            share = (
                next((p.share_percent for p in this_year.parties if p.code == code), None)
                if this_year is not None
                else None
            )
            rows.append(PartyCost(code, party.name, amounts[0], amounts[1], amounts[2], share))
        result[agreement_id] = (rows, _problems(costs, today))
    return result
