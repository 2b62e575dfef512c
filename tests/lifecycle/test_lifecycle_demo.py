"""The demo extension: checklists, phase history and exits that agree with the gates."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.core.actor import Actor
from coop_tracker.demo.lifecycle import demo_lifecycle
from coop_tracker.lifecycle import services
from coop_tracker.lifecycle.models import Exit, ExitTask, PhaseChange

TODAY = date(2026, 3, 2)


@dataclass(frozen=True)
class FakeAgreement:
    """The fields of demo.context.DemoAgreement the extension reads."""

    id: int
    title: str
    form: str
    phase: str
    start_on: date | None
    end_on: date | None


@dataclass
class FakeContext:
    """The fields of demo.context.DemoContext the extension reads."""

    agreements: list[FakeAgreement]
    scale: str = "small"
    seed: int = 1
    today: date = TODAY
    actor: Actor = field(default_factory=lambda: Actor.system("cli"))
    counts: dict[str, int] = field(default_factory=dict)

    def random(self, name: str) -> random.Random:
        return random.Random(f"{self.scale}:{self.seed}:{name}")


def _load(factory, session):
    phases = ["planned", "active", "exiting", "ended", "abandoned"]
    agreements = []
    for phase in phases:
        agreement = factory.agreement(
            [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
            title=f"Demo {phase}",
            start_on="2022-01-01",
            end_on="2026-12-31" if phase == "ended" else None,
        )
        agreement.phase = phase
        agreements.append(agreement)
    agreements[1].party_for("2026").left_on = date(2025, 6, 30)
    session.commit()
    fakes = [
        FakeAgreement(a.id, a.title, a.form, a.phase, a.start_on, a.end_on) for a in agreements
    ]
    context = FakeContext(fakes)
    demo_lifecycle(session, context)
    session.commit()
    for agreement in agreements:
        session.refresh(agreement)
    return agreements, context


def test_demo_lifecycle_fills_checklists_history_and_exits(factory, session):
    (planned, active, exiting, ended, abandoned), context = _load(factory, session)
    phases = dict(
        session.execute(
            select(
                ChecklistItem.agreement_id, func.count(func.distinct(ChecklistItem.phase))
            ).group_by(ChecklistItem.agreement_id)
        ).all()
    )
    # The active agreement has an exit list too: Gagnef's completed utträde carries its own.
    assert phases == {planned.id: 1, active.id: 3, exiting.id: 3, ended.id: 3, abandoned.id: 1}
    gagnef_plan = session.scalars(select(Exit).where(Exit.agreement_id == active.id)).one()
    assert gagnef_plan.kind == "withdrawal"
    assert session.scalars(
        select(ChecklistItem).where(ChecklistItem.exit_id == gagnef_plan.id)
    ).all()
    # The data agrees with the gates the agreement has passed.
    assert services.GATES["before_checklist"](session, active, TODAY) == []
    assert services.GATES["exit_checklist"](session, ended, TODAY) == []
    assert services.GATES["notice"](session, exiting, TODAY) == []
    assert services.GATES["before_checklist"](session, planned, TODAY) != []
    history = {
        a.id: [(c.from_phase, c.to_phase) for c in services.phase_history(session, a)]
        for a in (active, exiting, ended, abandoned)
    }
    assert history[ended.id] == [("planned", "active"), ("active", "exiting"), ("exiting", "ended")]
    assert history[abandoned.id] == [("planned", "abandoned")]
    plans = session.scalars(select(Exit).order_by(Exit.id)).all()
    by_agreement = {(p.agreement_id, p.scope, p.status) for p in plans}
    assert (active.id, "party", "completed") in by_agreement  # Gagnef left
    assert (exiting.id, "agreement", "adopted") in by_agreement
    assert (ended.id, "agreement", "completed") in by_agreement
    assert session.scalar(select(func.count()).select_from(ExitTask)) > 20
    assert context.counts["checklistpunkter"] == session.scalar(
        select(func.count()).select_from(ChecklistItem)
    )
    assert context.counts["fasbyten"] == session.scalar(
        select(func.count()).select_from(PhaseChange)
    )


def test_demo_lifecycle_adds_nothing_twice(factory, session):
    (_planned, *_rest), context = _load(factory, session)
    items = session.scalar(select(func.count()).select_from(ChecklistItem))
    changes = session.scalar(select(func.count()).select_from(PhaseChange))
    demo_lifecycle(session, context)
    assert session.scalar(select(func.count()).select_from(ChecklistItem)) == items
    assert session.scalar(select(func.count()).select_from(PhaseChange)) == changes


def test_flask_demo_runs_the_lifecycle_extension(session, demo_database):
    small = demo_database(seed=1, today=TODAY)
    assert small.extras["checklistpunkter"] > 500
    assert small.extras["avvecklingsplaner"] > 0
    assert "checklistpunkter" in small.summary()


def test_national_demo_gets_the_current_phase_checklist(session):
    """Old cooperations get the list of their current phase only; those that started in the
    last three years were prepared in the register and keep every list they passed through."""
    from coop_tracker.agreements.models import Agreement
    from coop_tracker.demo.services import load_demo

    national = load_demo(session, scale="national", seed=1, today=TODAY, agreements=300)
    per_agreement = national.extras["checklistpunkter"] / national.agreements
    # ~220,000 items for the full 10,000 agreements (the legal items of December 2026 added ~10 %)
    assert 10 < per_agreement < 34
    rows = session.execute(
        select(
            Agreement.id,
            Agreement.phase,
            Agreement.start_on,
            func.count(func.distinct(ChecklistItem.phase)),
        )
        .join(ChecklistItem, ChecklistItem.agreement_id == Agreement.id)
        .group_by(Agreement.id, Agreement.phase, Agreement.start_on)
    ).all()
    recent = date(TODAY.year - 3, TODAY.month, min(TODAY.day, 28))
    old = [n for _id, phase, start, n in rows if start is not None and start < recent]
    with_exit = set(session.scalars(select(Exit.agreement_id)))
    young_active = [
        (n, agreement_id in with_exit)
        for agreement_id, phase, start, n in rows
        if phase == "active" and start and start >= recent
    ]
    assert old and set(old) == {1}
    # before + during, and the exit list of a party's utträde where one has left
    assert young_active and {n for n, exited in young_active if not exited} == {2}
    assert all(n == 3 for n, exited in young_active if exited)
