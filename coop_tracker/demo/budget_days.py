"""Demo budget consultation days (``flask demo --scale small``): each running kommunalförbund
and gemensam nämnd gets the day by which its members are heard on next year's budget, so the
årshjul shows a budgetsamråd beside the annual reports and elections.

The days are typical of förbundsordningar and samverkansavtal (the spring, before the members'
own budget work): made up for the demo, not any real förbund's; the demo förbund's follows its
demo förbundsordning ("senast i april"). A step of ``load_demo``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.annual.services import SettingsInput, save_settings
from coop_tracker.demo.context import DemoContext

JOINT_BODIES = ("kommunalforbund", "gemensam_namnd")
RUNNING = ("active", "exiting")
DAYS = ("03-31", "04-30", "05-31")
# Where the demo's own documents say when: the revised förbundsordning (demo/documents.py)
# holds the budget consultation "senast i april".
KNOWN_DAYS = {"Räddningstjänstförbundet Västra Dalarna": "04-30"}


def demo_budget_days(session: Session, context: DemoContext) -> None:
    """A budget consultation day for every running förbund and gemensam nämnd."""
    if context.scale != "small":
        return
    rng = context.random("budget-days")
    count = 0
    for demo in context.agreements:
        if demo.form not in JOINT_BODIES or demo.phase not in RUNNING:
            continue
        agreement = session.get(Agreement, demo.id)
        assert agreement is not None
        save_settings(
            session,
            agreement,
            SettingsInput(
                budget_consultation_on=KNOWN_DAYS.get(demo.title) or rng.choice(DAYS),
                document_review_years=4,
            ),
            actor=context.actor,
        )
        count += 1
    context.counts["budgetsamråd"] = count
