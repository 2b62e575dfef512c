"""Read-side queries for the reference data: kommuner by name, the area vocabulary, län."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.core.collation import matches, swedish
from coop_tracker.core.validation import strip_control
from coop_tracker.municipalities.models import Area, County, Municipality


def search_municipalities(
    session: Session, *, county: str | None, q: str | None, page: int, per_page: int
) -> tuple[list[Municipality], int]:
    """A page of kommuner by name, optionally in one county or matching a name or code."""
    query = select(Municipality)
    if county:
        query = query.where(Municipality.county_code == county)
    if q:
        term = strip_control(q).strip()[:80]
        query = query.where(
            matches(Municipality.name, term) | Municipality.code.startswith(term, autoescape=True)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(swedish(Municipality.name), Municipality.code)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), total


def areas_page(session: Session, *, page: int, per_page: int) -> tuple[list[Area], int]:
    """A page of the area vocabulary in its display order (inactive areas included)."""
    total = session.scalar(select(func.count()).select_from(Area)) or 0
    rows = session.scalars(
        select(Area)
        .order_by(Area.sort_order, Area.label_sv)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), total


def counties(session: Session) -> list[County]:
    return list(session.scalars(select(County).order_by(County.code)))
