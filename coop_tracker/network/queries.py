"""Loading the network's rows in a constant number of queries, and a per-process cache.

Only current parties count (``left_on IS NULL``); archived agreements are left out; planned
agreements are seen only by their parties (``restrict_agreements``).
"""

from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party, agreement_area
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.municipalities.models import Area, County, Municipality
from coop_tracker.network.graph import (
    ACTIVE_PHASES,
    AgreementRow,
    GraphFilters,
    Measures,
    MunicipalityRow,
    NetworkData,
    PartyRow,
    add_betweenness,
    build_graph,
    compute_measures,
    select_agreements,
)
from coop_tracker.network.similarity import SimilarityResult, find_similar

CACHE_MAX_AGE_SECONDS = 600


def load_municipalities(session: Session) -> tuple[MunicipalityRow, ...]:
    """Every kommun with its county name (one query)."""
    rows = session.execute(
        select(
            Municipality.code,
            Municipality.name,
            Municipality.county_code,
            County.name,
            Municipality.skr_group,
            Municipality.population,
        )
        .join(County, County.code == Municipality.county_code)
        .order_by(Municipality.code)
    )
    return tuple(MunicipalityRow(*row) for row in rows)


def load_area_labels(session: Session) -> dict[str, str]:
    """Area slug → Swedish label, in the vocabulary's order (one query)."""
    rows = session.execute(
        select(Area.slug, Area.label_sv).order_by(Area.sort_order, Area.label_sv)
    )
    return dict(rows.tuples().all())


def _agreement_query(user: Any, phases: Iterable[str], restrict: bool) -> Any:
    query = select(Agreement.id, Agreement.title, Agreement.form, Agreement.phase).where(
        Agreement.archived_at.is_(None), Agreement.phase.in_(tuple(phases))
    )
    if restrict:
        query = restrict_agreements(query, user)
    return query


def load_agreements(
    session: Session, user: Any, phases: Iterable[str], *, restrict: bool = True
) -> tuple[AgreementRow, ...]:
    """Visible, unarchived agreements in the phases with their current parties and areas.

    Three queries whatever the number of agreements.
    """
    query = _agreement_query(user, phases, restrict)
    ids = query.with_only_columns(Agreement.id).scalar_subquery()
    heads = session.execute(query.order_by(Agreement.id)).all()
    parties: dict[int, list[PartyRow]] = {}
    for agreement_id, code, role in session.execute(
        select(Party.agreement_id, Party.municipality_code, Party.role)
        .where(Party.agreement_id.in_(ids), Party.left_on.is_(None))
        .order_by(Party.agreement_id, Party.id)
    ):
        parties.setdefault(agreement_id, []).append(PartyRow(code, role))
    areas: dict[int, list[str]] = {}
    for agreement_id, slug in session.execute(
        select(agreement_area.c.agreement_id, Area.slug)
        .join(Area, Area.id == agreement_area.c.area_id)
        .where(agreement_area.c.agreement_id.in_(ids))
        .order_by(agreement_area.c.agreement_id, Area.sort_order)
    ):
        areas.setdefault(agreement_id, []).append(slug)
    return tuple(
        AgreementRow(
            id=agreement_id,
            title=title,
            form=form,
            phase=phase,
            areas=tuple(areas.get(agreement_id, ())),
            parties=tuple(parties.get(agreement_id, ())),
        )
        for agreement_id, title, form, phase in heads
    )


def data_fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever an agreement or party is added, removed or saved (one query).

    Every editable row carries a ``version`` that SQLAlchemy increments on each UPDATE, so the
    sums move with any change made through the services.
    """
    row = session.execute(
        select(
            select(func.count(Agreement.id)).scalar_subquery(),
            select(func.max(Agreement.id)).scalar_subquery(),
            select(func.sum(Agreement.version)).scalar_subquery(),
            select(func.count(Party.id)).scalar_subquery(),
            select(func.max(Party.id)).scalar_subquery(),
            select(func.sum(Party.version)).scalar_subquery(),
        )
    ).one()
    return tuple(int(v or 0) for v in row)


def visibility_scope(user: Any, phases: Iterable[str], restrict: bool) -> tuple[Any, ...]:
    """Who sees the same rows: everyone, unless planned agreements are asked for."""
    if not restrict or "planned" not in tuple(phases):
        return ("all",)
    if getattr(user, "role", None) == "admin":
        return ("admin",)
    return ("party", getattr(user, "municipality_code", None))


@dataclass
class Network:
    """One filtered network: its rows, graph and measures, plus memoised serialisations."""

    data: NetworkData
    filters: GraphFilters
    graph: nx.Graph
    measures: Measures
    computed_seconds: float
    memo: dict[str, Any] = field(default_factory=dict)

    def memoised(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    def complete(self) -> Network:
        """Make sure betweenness is computed (deferred: the drawing does not need it)."""
        if not self.measures.has_betweenness:
            add_betweenness(self.graph, self.measures)
        return self

    def agreements_of(self, code: str) -> list[AgreementRow]:
        """The matching agreements the kommun is a current party of."""
        index = self.memoised("by_municipality", self._index)
        return index.get(code, [])

    def _index(self) -> dict[str, list[AgreementRow]]:
        index: dict[str, list[AgreementRow]] = {}
        for agreement in select_agreements(self.data, self.filters):
            for party in agreement.parties:
                index.setdefault(party.municipality_code, []).append(agreement)
        return index


class NetworkCache:
    """A small LRU of loaded rows and computed networks, per application process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[Any, tuple[float, Any]] = OrderedDict()

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        if self.size <= 0:
            return build()
        now = time.monotonic()
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None and now - hit[0] < CACHE_MAX_AGE_SECONDS:
                self.entries.move_to_end(key)
                return hit[1]
        value = build()
        with self.lock:
            self.entries[key] = (now, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        if current_app.config.get("GC_FREEZE"):
            refreeze()
        return value


def refreeze() -> None:
    """Move a new cache entry out of the garbage collector's sight, as gunicorn.conf.py does
    with everything loaded at start-up.

    A whole-country network is ~100,000 long-lived objects; left in the oldest generation they
    made every full collection (one every few requests) cost 40–50 ms in unrelated page views.
    Unfreezing first lets that one collection reclaim entries the cache has let go of, so
    nothing stays frozen that is no longer used. Costs one full collection per rebuild, which
    happens only after the data has changed.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _cache() -> NetworkCache:
    extensions = current_app.extensions
    if "network_cache" not in extensions:
        extensions["network_cache"] = NetworkCache(current_app.config.get("NETWORK_CACHE_SIZE", 16))
    return extensions["network_cache"]


@dataclass(frozen=True)
class Reference:
    """The kommuner and area labels (loaded on every request: two small queries)."""

    municipalities: tuple[MunicipalityRow, ...]
    area_labels: dict[str, str]

    @property
    def codes(self) -> set[str]:
        return {m.code for m in self.municipalities}


def load_reference(session: Session) -> Reference:
    return Reference(load_municipalities(session), load_area_labels(session))


def load_data(
    session: Session,
    user: Any,
    phases: Iterable[str],
    *,
    restrict: bool = True,
    reference: Reference | None = None,
) -> NetworkData:
    """The rows for the phases as ``user`` may see them; cached until the data changes."""
    phases = tuple(sorted(set(phases)))
    reference = reference or load_reference(session)
    key = (
        "data",
        data_fingerprint(session),
        hash(reference.municipalities),
        tuple(reference.area_labels.items()),
        visibility_scope(user, phases, restrict),
        phases,
    )

    def build() -> NetworkData:
        agreements = load_agreements(session, user, phases, restrict=restrict)
        return NetworkData(reference.municipalities, agreements, reference.area_labels)

    return _cache().get(key, build)


def get_network(
    session: Session,
    user: Any,
    filters: GraphFilters,
    *,
    restrict: bool = True,
    reference: Reference | None = None,
) -> Network:
    """The filtered network with its measures (computed once per data version and filters)."""
    data = load_data(session, user, filters.phases, restrict=restrict, reference=reference)

    def build() -> Network:
        started = time.perf_counter()
        graph = build_graph(data, filters)
        measures = compute_measures(graph, data, filters, with_betweenness=False)
        return Network(data, filters, graph, measures, time.perf_counter() - started)

    return _cache().get(("network", id(data), filters), build)


def get_similar(
    session: Session, user: Any, code: str, *, reference: Reference | None = None
) -> SimilarityResult:
    """Liknande kommuner for ``code`` over active and exiting agreements (cached like the rest)."""
    data = load_data(session, user, ACTIVE_PHASES, reference=reference)
    # The entry keeps ``data`` alive, so its id cannot be reused while the entry exists.
    _data, result = _cache().get(
        ("similar", id(data), code), lambda: (data, find_similar(data, code))
    )
    return result
