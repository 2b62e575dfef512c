"""Demo data: parties' own reviews, where host and purchaser see the same agreement
differently (a step of ``load_demo``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from coop_tracker.agreements.dates import add_months
from coop_tracker.agreements.models import Agreement
from coop_tracker.demo.context import DemoContext
from coop_tracker.demo.data import read
from coop_tracker.reviews.services import ReviewInput, create_review

# Agreement title → each party's own latest review: (party name, rating, comment, reported to,
# months ago).
PARTY_REVIEWS: dict[str, tuple[tuple[str, str, str, str, int], ...]] = {
    title: tuple(
        (r["party"], r["rating"], r["comment"], r["reported_to"], r["months_ago"]) for r in reviews
    )
    for title, reviews in read("followup")["party_reviews"].items()
}


def demo_party_reviews(session: Session, context: DemoContext) -> None:
    """Record the parties' own reviews of the small demo's agreements listed above."""
    if context.scale != "small":
        return
    added = 0
    for loaded in context.agreements:
        wanted = PARTY_REVIEWS.get(loaded.title)
        agreement = session.get(Agreement, loaded.id) if wanted else None
        if agreement is None or not wanted:
            continue
        by_name = {p.name: p for p in agreement.current_parties}
        for name, rating, comment, reported_to, months_ago in wanted:
            party = by_name.get(name)
            if party is None:
                continue
            reviewed = add_months(context.today.replace(day=1), -months_ago)
            create_review(
                session,
                agreement,
                ReviewInput(
                    party=party.id,
                    reviewed_on=reviewed,
                    rating=rating,
                    rating_comment=comment,
                    goal_attainment="met" if rating == "green" else "partly",
                    reported_to=reported_to,
                    reported_on=reviewed + timedelta(days=20) if reported_to else None,
                ),
                actor=context.actor,
                today=context.today,
            )
            added += 1
    context.counts["egna uppföljningar"] = added
