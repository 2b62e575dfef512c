"""``load_demo``: the demo users, the agreements of one scale, then each step in order."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.audit.services import record
from coop_tracker.core import clock
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError
from coop_tracker.demo.budget_days import demo_budget_days
from coop_tracker.demo.context import DemoContext, DemoResult, DemoStep
from coop_tracker.demo.costs import demo_costs
from coop_tracker.demo.documents import demo_documents
from coop_tracker.demo.followup import demo_followup
from coop_tracker.demo.lifecycle import demo_lifecycle
from coop_tracker.demo.national import load_national
from coop_tracker.demo.party_reviews import demo_party_reviews
from coop_tracker.demo.small import load_small
from coop_tracker.demo.users import ensure_demo_users
from coop_tracker.municipalities.models import Municipality

SCALES = ("small", "national")
NATIONAL_AGREEMENTS = 10_000

# What runs after the agreements exist, in this order (each draws from its own generator,
# ``context.random(name)``, but later steps read what earlier ones wrote: the same order gives
# the same data).
STEPS: tuple[DemoStep, ...] = (
    demo_followup,  # reviews, and KS/KF meeting calendars per kommun
    demo_lifecycle,  # checklists, phase history, exit plans
    demo_documents,  # förbundsordningar, agreements, protokollsutdrag (small)
    demo_party_reviews,  # the parties' own reviews (small)
    demo_budget_days,  # budget consultation days of förbund and gemensamma nämnder (small)
    demo_costs,  # a förbund's cost model and populations (small)
)


def load_demo(
    session: Session,
    *,
    scale: str = "small",
    seed: int = 1,
    today: date | None = None,
    agreements: int | None = None,
) -> DemoResult:
    """Load demo users and agreements, then run every step in ``STEPS``; flushes, never commits.

    ``today`` defaults to the real date; ``agreements`` shrinks the national load for tests.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    if agreements is not None and scale != "national":
        raise ValueError("only the national scale takes a number of agreements")
    if not session.scalar(select(func.count()).select_from(Municipality)):
        raise DomainError("Referensdata saknas: kör först flask seed.")
    today = today or clock.today()
    actor = Actor.system("cli")
    users = ensure_demo_users(session, actor=actor)
    rng = random.Random(f"{scale}:{seed}")
    if scale == "small":
        loaded = load_small(session, rng, today, actor)
    else:
        count = NATIONAL_AGREEMENTS if agreements is None else agreements
        loaded = load_national(session, rng, today, count)
    context = DemoContext(
        scale=scale,
        seed=seed,
        today=today,
        actor=actor,
        agreements=loaded.agreements,
        users={user.email: user.id for user in users},
    )
    for step in STEPS:
        step(session, context)
    result = DemoResult(
        scale=scale,
        seed=seed,
        agreements=len(loaded.agreements),
        parties=loaded.parties,
        contacts=loaded.contacts,
        users=len(users),
        extras=dict(context.counts),
    )
    record(
        session,
        actor,
        action="demo_load",
        object_type="demo",
        object_id=f"{scale}:{seed}",
        label=result.summary(),
        changes={
            "agreements": [None, result.agreements],
            "parties": [None, result.parties],
            "contacts": [None, result.contacts],
            **{label: [None, n] for label, n in result.extras.items()},
        },
    )
    session.flush()
    return result
