"""Read-side queries for the kommun pages: every kommun with its number of agreements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.core.collation import swedish
from coop_tracker.municipalities.models import County, Municipality


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
