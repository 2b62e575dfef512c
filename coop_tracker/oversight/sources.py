"""Optional data from other capabilities: the latest review and checklist progress per agreement.

Reviews (``coop_tracker.reviews``) and checklists (``coop_tracker.checklists``) are separate
capabilities; where a package is not installed the oversight simply has no such column. Each
function answers in one query for every agreement, or None when the source does not exist.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ReviewInfo:
    """What the oversight shows of an agreement's latest review."""

    rating: str
    reviewed_on: date
    next_review_on: date | None
    reported_to: str = ""
    reported_on: date | None = None


@dataclass(frozen=True)
class ChecklistInfo:
    """Progress on the checklist of the agreement's current phase."""

    resolved: int
    total: int
    required_open: int

    @property
    def percent(self) -> int:
        return round(100 * self.resolved / self.total) if self.total else 0


def _module(name: str) -> Any | None:
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name)


def has_reviews() -> bool:
    return _module("coop_tracker.reviews.queries") is not None


def has_checklists() -> bool:
    return _module("coop_tracker.checklists.queries") is not None


def latest_reviews(session: Session, agreement_ids: Sequence[int]) -> dict[int, ReviewInfo] | None:
    """The latest review per agreement, or None where reviews do not exist in this install."""
    module = _module("coop_tracker.reviews.queries")
    if module is None:
        return None
    found = module.latest_reviews(session, list(agreement_ids))
    return {
        agreement_id: ReviewInfo(review.rating, review.reviewed_on, review.next_review_on)
        for agreement_id, review in found.items()
    }


def latest_party_reviews(
    session: Session, agreement_ids: Sequence[int]
) -> dict[int, dict[int, ReviewInfo]] | None:
    """Agreement id → party id → that party's own latest review (None without reviews)."""
    module = _module("coop_tracker.reviews.queries")
    if module is None or not hasattr(module, "latest_party_reviews"):
        return None
    found = module.latest_party_reviews(session, list(agreement_ids))
    return {
        agreement_id: {
            party_id: ReviewInfo(
                r.rating, r.reviewed_on, r.next_review_on, r.reported_to, r.reported_on
            )
            for party_id, r in by_party.items()
        }
        for agreement_id, by_party in found.items()
    }


def checklist_progress(
    session: Session, agreements: Sequence[Any]
) -> dict[int, ChecklistInfo] | None:
    """Checklist progress of each agreement's current phase, or None without checklists."""
    module = _module("coop_tracker.checklists.queries")
    if module is None:
        return None
    progress = module.progress_by_agreement(session, [a.id for a in agreements])
    current = module.current_progress(agreements, progress)
    return {
        agreement_id: ChecklistInfo(p.resolved, p.total, p.required_open)
        for agreement_id, (_phase, p) in current.items()
    }
