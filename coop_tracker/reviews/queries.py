"""Read-side queries over reviews: an agreement's reviews, and the latest per agreement."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from coop_tracker.reviews.models import Review


def reviews_for(session: Session, agreement_id: int) -> list[Review]:
    """Every review of an agreement, newest first (answers loaded in one more query)."""
    query = (
        select(Review)
        .where(Review.agreement_id == agreement_id)
        .order_by(Review.reviewed_on.desc(), Review.id.desc())
    )
    return list(session.scalars(query))


def latest_reviews(session: Session, agreement_ids: Iterable[int] | None) -> dict[int, Review]:
    """The latest review of each agreement (``None``: of every agreement), in one query.

    A window function ranks each agreement's reviews, so the number of queries does not grow
    with the number of agreements. Answers are not loaded: lists need the rating and dates.
    """
    ranked = select(
        Review.id.label("id"),
        func.row_number()
        .over(
            partition_by=Review.agreement_id,
            order_by=(Review.reviewed_on.desc(), Review.id.desc()),
        )
        .label("rank"),
    )
    if agreement_ids is not None:
        ids = sorted(set(agreement_ids))
        if not ids:
            return {}
        ranked = ranked.where(Review.agreement_id.in_(ids))
    subquery = ranked.subquery()
    query = (
        select(Review)
        .join(subquery, subquery.c.id == Review.id)
        .where(subquery.c.rank == 1)
        .options(lazyload(Review.answers))
    )
    return {review.agreement_id: review for review in session.scalars(query)}
