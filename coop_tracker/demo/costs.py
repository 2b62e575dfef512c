"""A demo cost model (``flask demo --scale small``): Räddningstjänstförbundet Västra Dalarna's
members pay by a fördelningsnyckel, 70 % by population on 1 November the year before and 30 %
in equal fixed parts (as its revised demo förbundsordning says, demo/documents.py), so that
Uppsikt, the report and the export show each kommun's share for last year, this year and next
year, and the change.

No index clause: the demo only carries index values that have been checked against their
publisher, and none is entered here. The populations are rounded demo figures, each stored
with a source saying so (the register's own populations come from Kolada). A step of
``load_demo``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.costs.services import (
    CostModelInput,
    PartyFigures,
    save_model,
    save_population,
)
from coop_tracker.demo.context import DemoContext
from coop_tracker.demo.data import read

FORBUND = "Räddningstjänstförbundet Västra Dalarna"
POPULATION_SOURCE = "Demo: avrundat invånarantal, inte SCB:s siffra"
# Rounded demo populations on 1 November of the year before last, and their yearly change.
POPULATIONS: dict[str, tuple[int, int]] = {
    code: (kommun["population"], kommun["yearly_change"])
    for code, kommun in read("costs")["populations"].items()
}
TOTAL = "46000000"  # kr per year


def demo_costs(session: Session, context: DemoContext) -> None:
    """The förbund's cost model and the populations it needs for three budget years."""
    if context.scale != "small":
        return
    demo = next((a for a in context.agreements if a.title == FORBUND), None)
    if demo is None:
        return
    agreement = session.get(Agreement, demo.id)
    assert agreement is not None
    year = context.today.year
    # Budget year Y counts the population on 1 November of Y - 1 (last, this and next year).
    for code, (base, change) in POPULATIONS.items():
        for step, counted in enumerate((year - 2, year - 1, year)):
            save_population(
                session,
                code,
                date(counted, 11, 1).isoformat(),
                base + step * change,
                POPULATION_SOURCE,
                actor=context.actor,
            )
    codes = [p.municipality_code for p in agreement.parties if p.municipality_code]
    save_model(
        session,
        agreement,
        CostModelInput(
            method="key",
            base_year=str(year),
            total_amount=TOTAL,
            weight_population="70",
            weight_fixed="30",
            population_on="11-01",
            population_year_offset="-1",
            note=(
                "Medlemsbidrag enligt förbundsordningen 8 §: 70 procent efter invånarantalet "
                "den 1 november året före budgetåret, 30 procent i lika delar. Demo: beloppet "
                "och invånarantalen är påhittade."
            ),
            parties={
                code: PartyFigures(fixed_percent=_equal_part(len(codes), i))
                for i, code in enumerate(sorted(codes))
            },
        ),
        actor=context.actor,
    )
    context.counts["kostnadsmodeller"] = 1


def _equal_part(parties: int, index: int) -> str:
    """Equal fixed parts that add up to exactly 100 (the last takes the rounding)."""
    part = round(100 / parties, 4)
    if index == parties - 1:
        return f"{100 - part * (parties - 1):.4f}"
    return f"{part:.4f}"
