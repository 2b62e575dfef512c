"""Read-side queries for municipalities: the list with agreement counts, roles per kommun."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.core.collation import matches, swedish
from coop_tracker.core.validation import strip_control
from coop_tracker.municipalities.models import Area, County, Municipality

LIVE_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.EXITING)


def municipalities_with_counts(session: Session, county: str | None = None) -> list[Any]:
    """Every kommun with the number of live agreements it is a current party of, per role."""
    counts = (
        select(
            Party.municipality_code.label("code"),
            func.count().label("total"),
            func.sum(case((Party.role == "host", 1), else_=0)).label("host"),
        )
        .join(Agreement, Agreement.id == Party.agreement_id)
        .where(
            Party.left_on.is_(None),
            Agreement.archived_at.is_(None),
            Agreement.phase.in_((Phase.ACTIVE, Phase.EXITING)),
        )
        .group_by(Party.municipality_code)
        .subquery()
    )
    query = (
        select(Municipality, County.name, counts.c.total, counts.c.host)
        .join(County, County.code == Municipality.county_code)
        .outerjoin(counts, counts.c.code == Municipality.code)
        .order_by(swedish(Municipality.name))
    )
    if county:
        query = query.where(Municipality.county_code == county)
    return list(session.execute(query).all())


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
