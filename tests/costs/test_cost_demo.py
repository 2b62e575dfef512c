"""The small demo shows what each kommun pays and when the members are heard on the budget: the
förbund's cost model by population with a fixed part (checked by hand below), the shares on
Uppsikt, and a budgetsamråd day for every running förbund and gemensam nämnd."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.annual.models import CycleSettings
from coop_tracker.costs.queries import kommun_costs
from tests.factories import PASSWORD

FORBUND = "Räddningstjänstförbundet Västra Dalarna"
TODAY = date(2026, 12, 7)


def test_demo_cost_model_shares_by_hand(session, demo_database, frozen_clock):
    frozen_clock.set(TODAY)
    result = demo_database(today=TODAY)
    assert result.extras["kostnadsmodeller"] == 1
    forbund = session.scalars(select(Agreement).where(Agreement.title == FORBUND)).one()
    [vansbro] = kommun_costs(session, "2021", [forbund], TODAY)
    # 46 000 000 kr: 70 % by population on 1 November the year before, 30 % in fifths.
    # 2026 (1 Nov 2025): Vansbro 6 660 of 53 770 → 0,7 × 6 660 / 53 770 + 0,06 = 14,6703 %
    #   → 6 748 321 kr. 2025 (1 Nov 2024): 6 700 of 53 700 → 14,7337 % → 6 777 505 kr.
    #   2027 (1 Nov 2026): 6 620 of 53 840 → 14,6070 % → 6 719 213 kr.
    assert (vansbro.last, vansbro.this, vansbro.next) == (6_777_505, 6_748_321, 6_719_213)
    assert vansbro.change == -29_184 and vansbro.problems == []


def test_demo_budget_days_and_shares_on_the_pages(client, auth, factory, session,
                                                  demo_database, frozen_clock):  # fmt: skip
    frozen_clock.set(TODAY)
    demo_database(today=TODAY)
    forms = {row.id: row.form for row in session.execute(select(Agreement.id, Agreement.form))}
    days = session.scalars(select(CycleSettings)).all()
    assert days and {forms[d.agreement_id] for d in days} <= {"kommunalforbund", "gemensam_namnd"}
    auth.login(factory.user("reader", "2021").email, PASSWORD)
    page = client.get("/municipalities/2021/year?year=2027").get_data(as_text=True)
    assert f"Budgetsamråd om 2028: {FORBUND}" in page and "2027-04-30" in page
    oversight = client.get("/municipalities/2021/oversight").get_data(as_text=True)
    text = oversight.replace("\u00a0", " ")
    for shown in ("6 777 505 kr", "6 748 321 kr", "6 719 213 kr", "−29 184 kr", "14,67 %"):
        assert shown in text, shown
