"""The parts of the agreement pages computed above agreements: attention, checklists."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.checklists.queries import Progress, current_progress, progress_by_agreement
from coop_tracker.checklists.versions import TemplateChange, version_changes
from coop_tracker.schedule.attention import Attention, attention_items, sorted_items
from coop_tracker.schedule.rules import DerivedDates


def attention(agreement: Agreement, derived: DerivedDates, today: date) -> list[Attention]:
    """What needs attention on the agreement's page, most urgent first."""
    return sorted_items(attention_items(agreement, derived, today), today)


def checklist_progress(session: Session, agreement: Agreement, today: date) -> dict[str, Progress]:
    """The agreement's checklist progress, for its page."""
    return progress_by_agreement(session, [agreement.id])[agreement.id]


def checklist_changes(session: Session, agreement: Agreement, today: date) -> list[TemplateChange]:
    """What changed in the checklist templates since the agreement's checklists were made."""
    return version_changes(session, agreement)


def current_checklists(
    session: Session, agreements: list[Agreement], today: date
) -> dict[int, tuple[str, Progress]]:
    """Each listed agreement's current checklist progress, for the list's column."""
    return current_progress(agreements, progress_by_agreement(session, [a.id for a in agreements]))
