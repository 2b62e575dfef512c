"""The follow-up demo extension: reviews and meeting calendars, small (services) and national."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import func, select

from coop_tracker.core.actor import Actor
from coop_tracker.demo.followup import demo_followup
from coop_tracker.meetings.models import Meeting
from coop_tracker.reviews.models import Review, ReviewAnswer


@dataclass(frozen=True)
class _Agreement:
    id: int
    phase: str
    start_on: date | None
    parties: tuple[tuple[str, str], ...]


@dataclass
class _Context:
    """The shape of demo.context.DemoContext that the extension uses."""

    scale: str
    agreements: list[_Agreement]
    today: date = date(2026, 11, 27)
    seed: int = 1
    actor: Actor = field(default_factory=lambda: Actor.system("cli"))
    counts: dict[str, int] = field(default_factory=dict)

    def random(self, name: str) -> random.Random:
        return random.Random(f"{self.scale}:{self.seed}:{name}")


@pytest.mark.parametrize("scale", ["small", "national"])
def test_demo_adds_reviews_and_meetings_deterministically(session, factory, scale):
    agreements = [
        factory.agreement(phase="active", start_on="2019-03-01"),
        factory.agreement(phase="ended", start_on="2021-09-01"),
        factory.agreement(phase="planned", start_on="2027-01-01"),
    ]
    context = _Context(
        scale,
        [
            _Agreement(a.id, a.phase, a.start_on, (("2021", "host"), ("2023", "purchaser")))
            for a in agreements
        ],
    )
    demo_followup(session, context)
    session.flush()
    reviews = list(
        session.scalars(select(Review).order_by(Review.agreement_id, Review.reviewed_on))
    )
    assert context.counts["uppföljningar"] == len(reviews) > 5
    assert {r.agreement_id for r in reviews} <= {agreements[0].id, agreements[1].id}
    assert all(r.rating_comment for r in reviews if r.rating in ("yellow", "red"))
    assert all(r.reviewed_on < context.today for r in reviews)
    assert session.scalar(select(func.count()).select_from(ReviewAnswer)) > 0
    meetings = list(session.scalars(select(Meeting)))
    assert context.counts["sammanträden"] == len(meetings)
    years = {m.meeting_on.year for m in meetings}
    assert years == {2025, 2026, 2027}
    assert {m.body for m in meetings} == {"kf", "ks"}
    assert all(m.case_deadline_on < m.meeting_on for m in meetings)
    # Same seed, same data.
    first = [(r.agreement_id, r.reviewed_on, r.rating) for r in reviews]
    session.rollback()
    demo_followup(session, _Context(scale, context.agreements))
    again = [
        (r.agreement_id, r.reviewed_on, r.rating)
        for r in session.scalars(select(Review).order_by(Review.agreement_id, Review.reviewed_on))
    ]
    assert again == first
