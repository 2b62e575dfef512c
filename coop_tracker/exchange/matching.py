"""Which agreement each imported row names, and the likely duplicates of new ones."""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import GENERATED_ID_PREFIX, Agreement, Party
from coop_tracker.agreements.queries import with_children
from coop_tracker.core.actor import Actor
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can, restrict_agreements
from coop_tracker.exchange.report import ImportResult, RowError
from coop_tracker.exchange.rows import Converter, Row
from coop_tracker.exchange.values import fold

SIMILAR_TITLE = 0.85


def check_duplicate_keys(rows: list[Row], converter: Converter) -> None:
    """A row that names the same agreement as an earlier one gets an error naming that row."""
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.data.external_id:
            key = (row.owner, row.data.external_id)
        elif row.agreement_id:
            key = ("#", str(row.agreement_id))
        else:
            continue
        if key in first:
            column = "external_id" if row.data.external_id else "id"
            row.errors.append(
                RowError(
                    row.number,
                    converter.label(column),
                    _(
                        "samma id som rad %(n)s; varje samverkan får bara finnas en gång",
                        n=first[key],
                    ),
                    row.raw.get(column, ""),
                )
            )
        else:
            first[key] = row.number


def existing_agreements(session: Session, rows: list[Row]) -> dict[Any, Agreement]:
    """Agreements the rows name, by (owner, external id) and by ("#", id)."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.data.external_id:
            wanted.setdefault(row.owner, set()).add(row.data.external_id)
            if row.data.external_id.startswith(GENERATED_ID_PREFIX):
                wanted.setdefault("", set()).add(row.data.external_id)
    ids = [r.agreement_id for r in rows if r.agreement_id and not r.data.external_id]
    found: dict[Any, Agreement] = {}
    for owner, external_ids in wanted.items():
        for chunk in _chunks(sorted(external_ids)):
            query = with_children(
                select(Agreement).where(
                    Agreement.external_id_owner == owner, Agreement.external_id.in_(chunk)
                )
            )
            for agreement in session.scalars(query).unique():
                found[(agreement.external_id_owner, agreement.external_id)] = agreement
    for chunk in _chunks(ids):
        query = with_children(select(Agreement).where(Agreement.id.in_(chunk)))
        found.update({("#", a.id): a for a in session.scalars(query).unique()})
    return found


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def match_row(
    row: Row,
    existing: dict[Any, Agreement],
    converter: Converter,
    actor: Actor,
    municipality: str | None,
) -> Agreement | None:
    """The agreement a row names, or None for a new one. A row that names an agreement the
    user may not see gets the same error whether it exists or not."""
    user = actor.user
    external_id = row.data.external_id
    if external_id:
        match = existing.get((row.owner, external_id))
        if match is None and external_id.startswith(GENERATED_ID_PREFIX):
            match = existing.get(("", external_id))
        # Editors number only their own kommun's agreements; Samverkanskollen's own ids
        # (SK-…, unique everywhere) travel with every export and may be used by anyone.
        foreign = (
            row.owner != (municipality or "")
            and not (user is None or user.role == "admin")
            and not (row.owner == "" and external_id.startswith(GENERATED_ID_PREFIX))
        )
        if (match is not None and user is not None and not can(user, "agreement.view", match)) or (
            match is None and foreign
        ):
            # The same words whether the agreement is hidden from the user or the id belongs
            # to another kommun's numbering: nothing is said about any agreement.
            row.errors.append(
                RowError(
                    row.number,
                    converter.label("external_id"),
                    _(
                        "Externt id ”%(id)s” kan inte användas; ange ett annat.",
                        id=external_id,
                    ),
                    row.raw.get("external_id", ""),
                )
            )
            return None
        return match
    if row.agreement_id is not None:
        match = existing.get(("#", row.agreement_id))
        if match is None or (user is not None and not can(user, "agreement.view", match)):
            row.errors.append(
                RowError(
                    row.number,
                    converter.label("id"),
                    # The same words whether the id does not exist or is hidden from the user.
                    _(
                        "Det finns ingen samverkan med id %(id)s. Lämna Id tomt och fyll i "
                        "Externt id för en ny samverkan.",
                        id=row.agreement_id,
                    ),
                    row.raw.get("id", ""),
                )
            )
        return match
    return None


def linked_agreement(session: Session, agreement_id: int, user: Any) -> Agreement | None:
    """The agreement the user chose for a likely duplicate, if they may see it."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or (user is not None and not can(user, "agreement.view", agreement)):
        return None
    return agreement


def find_similar(
    session: Session, result: ImportResult, rows: list[Row], user: Any, links: dict[int, int]
) -> None:
    """Likely duplicates of new rows among agreements the user may see: the same kommuner and
    a very similar title."""
    new = {o.row: o for o in result.outcomes if o.action == "create"}
    if not new:
        return
    by_number = {r.number: r for r in rows}
    codes = {
        p.municipality_code for n in new for p in by_number[n].data.parties if p.municipality_code
    }
    if not codes:
        return
    created = {o.agreement_id for o in new.values()}
    visible = restrict_agreements(select(Agreement.id), user) if user is not None else None
    query = select(Party.agreement_id, Party.municipality_code, Agreement.title).join(
        Agreement, Agreement.id == Party.agreement_id
    )
    query = query.where(
        Party.agreement_id.in_(
            select(Party.agreement_id).where(Party.municipality_code.in_(sorted(codes)))
        ),
        Agreement.archived_at.is_(None),
    )
    if visible is not None:
        query = query.where(Agreement.id.in_(visible.scalar_subquery()))
    candidates: dict[int, tuple[str, set[str]]] = {}
    for agreement_id, code, title in session.execute(query):
        if agreement_id in created:
            continue
        kommuner = candidates.setdefault(agreement_id, (title, set()))[1]
        if code:  # a party that is not a kommun (a region, a förbund) has no kommunkod
            kommuner.add(code)
    for number, outcome in new.items():
        row = by_number[number]
        wanted = {p.municipality_code for p in row.data.parties if p.municipality_code}
        title = _title_key(row.data.title)
        for agreement_id, (other_title, other_codes) in candidates.items():
            if other_codes != wanted:
                continue
            other = _title_key(other_title)
            if (
                title == other
                or (min(len(title), len(other)) >= 8 and (title in other or other in title))
                or difflib.SequenceMatcher(None, title, other).ratio() >= SIMILAR_TITLE
            ):
                outcome.similar.append((agreement_id, other_title))


def _title_key(title: Any) -> str:
    return re.sub(r"[^a-z0-9 ]", "", fold(title))
