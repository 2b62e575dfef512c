"""Reading the audit log: an agreement's history grouped by request, and the filtered admin list."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from coop_tracker.audit import labels
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.clock import STOCKHOLM
from coop_tracker.core.collation import matches
from coop_tracker.core.i18n import current_language
from coop_tracker.core.validation import is_digits, strip_control


@dataclass
class Change:
    """One changed field, named and formatted for people."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class EventView:
    """One event ready for a template, CSV or JSON."""

    event: AuditEvent
    action_label: str
    object_type_label: str
    changes: list[Change]
    object_label: str = ""  # the event's label, or "…" where it names a person not shown


@dataclass
class Group:
    """The events one request made (one save can change an agreement, parties and contacts)."""

    request_id: str
    created_at: datetime
    actor_name: str
    source: str
    events: list[EventView] = field(default_factory=list)
    actor_id: int | None = None


@dataclass
class EventPage:
    """One page of events plus totals."""

    items: list[AuditEvent]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def names_for(session: Session, events: Iterable[AuditEvent]) -> labels.Names:
    """Names of every kommun, party and area the events' values point at: one query per kind
    for the whole page, never one per event."""
    from coop_tracker.agreements.models import Party
    from coop_tracker.municipalities.models import Area, Municipality

    wanted: dict[str, set[Any]] = {kind: set() for kind in labels.REFERENCE_KINDS}
    for event in events:
        for key, pair in (event.changes or {}).items():
            kind = labels.reference_kind(event.object_type, key)
            if kind is None:
                continue
            for value in _stored_values(pair):
                if kind == "party_role" and isinstance(value, str):
                    wanted["municipality"].add(value.partition(":")[0])
                elif kind == "party":
                    party_id = labels.row_id(value)
                    if party_id is not None:
                        wanted["party"].add(party_id)
                elif value is not None:
                    wanted[kind].add(str(value))
    names = labels.Names()
    if wanted["municipality"]:
        names.municipalities = dict(
            session.execute(
                select(Municipality.code, Municipality.name).where(
                    Municipality.code.in_(sorted(wanted["municipality"]))
                )
            )
            .tuples()
            .all()
        )
    if wanted["party"]:
        names.parties = dict(
            session.execute(
                select(Party.id, Municipality.name)
                .join(Municipality, Municipality.code == Party.municipality_code)
                .where(Party.id.in_(sorted(wanted["party"])))
            )
            .tuples()
            .all()
        )
    if wanted["area"]:
        names.areas = dict(
            session.execute(
                select(Area.slug, Area.label_column(current_language())).where(
                    Area.slug.in_(sorted(wanted["area"]))
                )
            )
            .tuples()
            .all()
        )
    return names


def _stored_values(pair: Any) -> list[Any]:
    """The single values in a stored [old, new] pair (lists of values flattened)."""
    values: list[Any] = []
    for value in pair if isinstance(pair, list) else [pair]:
        values.extend(value if isinstance(value, list | tuple) else [value])
    return values


def describe_all(
    session: Session,
    events: list[AuditEvent],
    *,
    show_internal: bool = True,
    show_people: bool = True,
) -> list[EventView]:
    """``describe`` for a page of events, with the names their values point at."""
    names = names_for(session, events)
    return [
        describe(e, show_internal=show_internal, show_people=show_people, names=names)
        for e in events
    ]


# Events about these objects name a person (contact persons): shown only to those who may see
# the contacts (the parties' own users and administrators).
PERSONAL_OBJECTS = frozenset({"contact"})


def describe(
    event: AuditEvent,
    *,
    show_internal: bool = True,
    show_people: bool = True,
    names: labels.Names = labels.NO_NAMES,
) -> EventView:
    """Name the action, object type and every changed field in Swedish."""
    if not show_people and event.object_type in PERSONAL_OBJECTS:
        hidden = [
            Change(key, labels.field_label(event.object_type, key), "…", "…")
            for key in (event.changes or {})
        ]
        return EventView(
            event=event,
            action_label=labels.action_label(event.action),
            object_type_label=labels.object_label(event.object_type),
            changes=hidden,
            object_label="…",
        )
    changes = []
    order = list(labels.FIELD_LABELS.get(event.object_type, {}))
    items = sorted(
        (event.changes or {}).items(),
        key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
    )
    for key, pair in items:
        if not show_internal and (event.object_type, key) in labels.INTERNAL_FIELDS:
            changes.append(Change(key, labels.field_label(event.object_type, key), "…", "…"))
            continue
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        change = Change(
            field=key,
            label=labels.field_label(event.object_type, key),
            old=labels.value_text(event.object_type, key, old, names),
            new=labels.value_text(event.object_type, key, new, names),
        )
        if change.old != change.new:  # e.g. an empty field at creation: nothing to show
            changes.append(change)
    return EventView(
        event=event,
        action_label=labels.action_label(event.action),
        object_type_label=labels.object_label(event.object_type),
        changes=changes,
        object_label=labels.shown_object_label(event.object_type, event.object_label),
    )


def group_by_request(views: list[EventView]) -> list[Group]:
    """Consecutive events of one request become one group (input newest first)."""
    groups: list[Group] = []
    for view in views:
        event = view.event
        last = groups[-1] if groups else None
        if last and (last.request_id, last.actor_name) == (event.request_id, event.actor_name):
            groups[-1].events.append(view)
            continue
        groups.append(
            Group(
                request_id=event.request_id,
                created_at=event.created_at,
                actor_name=event.actor_name,
                source=event.source,
                events=[view],
                actor_id=event.actor_id,
            )
        )
    return groups


def agreement_events(
    session: Session, agreement_id: int, *, page: int = 1, per_page: int = 100
) -> EventPage:
    """Every event about the agreement or its children, newest first."""
    base = select(AuditEvent).where(AuditEvent.agreement_id == agreement_id)
    return _page(session, base, page, per_page)


@dataclass
class AuditFilters:
    """The admin list's filters (all optional)."""

    actor: str | None = None
    object_type: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    agreement_id: int | None = None
    agreement_name: str | None = None  # part of an agreement's title
    municipality: str | None = None
    page: int = 1
    per_page: int = 50


def _filtered(filters: AuditFilters) -> Select[Any]:
    query = select(AuditEvent)
    if filters.actor:
        term = strip_control(filters.actor).strip()  # PostgreSQL cannot compare NUL
        conditions = [matches(AuditEvent.actor_name, term)]
        if is_digits(term, 9):
            conditions.append(AuditEvent.actor_id == int(term))
        query = query.where(or_(*conditions))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, STOCKHOLM)
        query = query.where(AuditEvent.created_at >= start)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, STOCKHOLM)
        query = query.where(AuditEvent.created_at < end)
    if filters.agreement_id:
        query = query.where(AuditEvent.agreement_id == filters.agreement_id)
    if filters.agreement_name:
        from coop_tracker.agreements.models import Agreement

        named = select(Agreement.id).where(matches(Agreement.title, filters.agreement_name))
        query = query.where(AuditEvent.agreement_id.in_(named))
    if filters.municipality:
        from coop_tracker.agreements.models import Party

        party_of = select(Party.agreement_id).where(Party.municipality_code == filters.municipality)
        query = query.where(
            or_(
                AuditEvent.municipality_code == filters.municipality,
                AuditEvent.agreement_id.in_(party_of),
            )
        )
    return query


def search_events(session: Session, filters: AuditFilters) -> EventPage:
    """A page of events matching the filters, newest first."""
    return _page(session, _filtered(filters), filters.page, filters.per_page)


def all_events(session: Session, filters: AuditFilters) -> Iterator[AuditEvent]:
    """Every matching event, newest first, streamed in batches (for the CSV export)."""
    query = _filtered(filters).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    yield from session.scalars(query.execution_options(yield_per=500))


def _page(session: Session, base: Select[Any], page: int, per_page: int) -> EventPage:
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    last = max(1, ceil(total / per_page))
    page = min(max(1, page), last)
    query = (
        base.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return EventPage(list(session.scalars(query)), total, page, per_page)


def known_values(session: Session) -> tuple[list[str], list[str]]:
    """The object types and actions that occur in the log (for filter choices)."""
    types = sorted(
        set(labels.OBJECT_LABELS) | set(session.scalars(select(AuditEvent.object_type).distinct()))
    )
    actions = sorted(
        set(labels.ACTION_LABELS) | set(session.scalars(select(AuditEvent.action).distinct()))
    )
    return types, actions
