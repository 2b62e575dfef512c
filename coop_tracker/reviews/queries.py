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
    """The latest joint review of each agreement (``None``: of every agreement), in one query.

    The parties' own reviews are not the agreement's shared traffic light: see
    :func:`latest_party_reviews`.

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
    ).where(Review.party_id.is_(None))
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


def latest_party_reviews(
    session: Session, agreement_ids: Iterable[int]
) -> dict[int, dict[int, Review]]:
    """Agreement id → party id → that party's own latest review, in one query."""
    ids = sorted(set(agreement_ids))
    if not ids:
        return {}
    ranked = (
        select(
            Review.id.label("id"),
            func.row_number()
            .over(
                partition_by=(Review.agreement_id, Review.party_id),
                order_by=(Review.reviewed_on.desc(), Review.id.desc()),
            )
            .label("rank"),
        )
        .where(Review.party_id.is_not(None), Review.agreement_id.in_(ids))
        .subquery()
    )
    query = (
        select(Review)
        .join(ranked, ranked.c.id == Review.id)
        .where(ranked.c.rank == 1)
        .options(lazyload(Review.answers))
    )
    found: dict[int, dict[int, Review]] = {}
    for review in session.scalars(query):
        found.setdefault(review.agreement_id, {})[review.party_id or 0] = review
    return found
