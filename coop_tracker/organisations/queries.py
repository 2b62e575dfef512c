"""Reading organisations: the list by kind, a förbund's members and founding agreement."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from coop_tracker.core.collation import escape_like, matches, swedish
from coop_tracker.core.validation import strip_control
from coop_tracker.organisations.models import Organisation, OrgKind

KIND_ORDER = [k.value for k in OrgKind]


def organisations_query(
    kind: str | None = None, q: str | None = None
) -> Select[tuple[Organisation]]:
    """Organisations of one kind (or all), whose name, code or organisationsnummer matches q."""
    query = select(Organisation)
    if kind:
        query = query.where(Organisation.kind == kind)
    text = strip_control(q or "").strip()
    if text:
        prefix = escape_like(text) + "%"
        query = query.where(
            or_(
                matches(Organisation.name, text),
                Organisation.code.like(prefix, escape="\\"),
                Organisation.org_number.like(prefix, escape="\\"),
            )
        )
    return query


def search_organisations(
    session: Session, *, kind: str | None, q: str | None, page: int, per_page: int
) -> tuple[list[Organisation], int]:
    query = organisations_query(kind, q)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Organisation.kind, swedish(Organisation.name), Organisation.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


def party_choices(session: Session) -> list[Organisation]:
    """Every organisation that can be picked as a party, kommuner first, then by kind."""
    rows = session.scalars(select(Organisation)).all()
    return sorted(rows, key=lambda o: (KIND_ORDER.index(o.kind), o.name.casefold()))
