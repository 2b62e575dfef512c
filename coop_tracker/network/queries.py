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
from flask import g as flask_g
from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party, agreement_area
from coop_tracker.core.db import tables_fingerprint
from coop_tracker.core.permissions import key_scope, restrict_agreements
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area, County, Municipality
from coop_tracker.network.graph import (
    ACTIVE_PHASES,
    ORGANISATION_PREFIX,
    AgreementRow,
    GraphFilters,
    MunicipalityRow,
    NetworkData,
    OrganisationRow,
    PartyRow,
    build_graph,
    select_agreements,
)
from coop_tracker.network.measures import (
    Measures,
    add_betweenness,
    communities_of,
    compute_measures,
    use_groups,
)
from coop_tracker.network.similarity import SimilarityResult, find_similar
from coop_tracker.organisations.models import Organisation, OrgKind

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


def load_area_labels(session: Session, language: str = "sv") -> dict[str, str]:
    """Area slug → label in ``language`` (Swedish unless a page asks for the reader's), in the
    vocabulary's order (one query)."""
    rows = session.execute(
        select(Area.slug, Area.label_column(language)).order_by(Area.sort_order, Area.label_sv)
    )
    return dict(rows.tuples().all())


def _agreement_query(user: Any, phases: Iterable[str], restrict: bool, public: bool) -> Any:
    query = select(Agreement.id, Agreement.title, Agreement.form, Agreement.phase).where(
        Agreement.archived_at.is_(None), Agreement.phase.in_(tuple(phases))
    )
    if public:
        query = query.where(
            Agreement.is_public.is_(True), Agreement.phase.notin_(("planned", "abandoned"))
        )
    elif restrict:
        query = restrict_agreements(query, user)
    return query


def load_agreements(
    session: Session,
    user: Any,
    phases: Iterable[str],
    *,
    restrict: bool = True,
    public: bool = False,
) -> tuple[AgreementRow, ...]:
    """Visible, unarchived agreements in the phases with their current parties and areas
    (``public``: only those in the public register, whoever asks).

    Three queries whatever the number of agreements.
    """
    query = _agreement_query(user, phases, restrict, public)
    ids = query.with_only_columns(Agreement.id).scalar_subquery()
    heads = session.execute(query.order_by(Agreement.id)).all()
    parties: dict[int, list[PartyRow]] = {}
    for agreement_id, code, role in session.execute(
        select(Party.agreement_id, Party.municipality_code, Party.role)
        # The network is of kommuner: regioner, förbund and agencies are not nodes (yet).
        .where(
            Party.agreement_id.in_(ids),
            Party.left_on.is_(None),
            Party.municipality_code.is_not(None),
        )
        .order_by(Party.agreement_id, Party.id)
    ):
        parties.setdefault(agreement_id, []).append(PartyRow(code, role))
    # Regioner, förbund, Finsam, companies and agencies: nodes only when the filters ask.
    others: dict[int, list[PartyRow]] = {}
    for agreement_id, organisation_id, role in session.execute(
        select(Party.agreement_id, Party.organisation_id, Party.role)
        .where(
            Party.agreement_id.in_(ids),
            Party.left_on.is_(None),
            Party.municipality_code.is_(None),
        )
        .order_by(Party.agreement_id, Party.id)
    ):
        others.setdefault(agreement_id, []).append(
            PartyRow(f"{ORGANISATION_PREFIX}{organisation_id}", role)
        )
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
            others=tuple(others.get(agreement_id, ())),
        )
        for agreement_id, title, form, phase in heads
    )


def data_fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever an agreement or party is added, removed or saved (one query).

    Every editable row carries a ``version`` that SQLAlchemy increments on each UPDATE, so the
    sums move with any change made through the services.
    """
    return tables_fingerprint(session, Agreement, Party)


def visibility_scope(
    user: Any, phases: Iterable[str], restrict: bool, public: bool = False
) -> tuple[Any, ...]:
    """Who sees the same rows: everyone, unless planned agreements are asked for or an API key
    is narrowed to one kommun."""
    if public:
        return ("public",)
    if restrict and key_scope(user) is not None:
        return ("key", key_scope(user), getattr(user, "role", None), user.municipality_code)
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
        self.refreshing: set[Any] = set()  # keys a background thread is rebuilding

    def peek(self, key: Any) -> Any:
        """The entry for ``key`` whatever its age, or None."""
        with self.lock:
            hit = self.entries.get(key)
            if hit is None:
                return None
            self.entries.move_to_end(key)
            return hit[1]

    def put(self, key: Any, value: Any) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.entries[key] = (time.monotonic(), value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

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
    organisations: dict[str, OrganisationRow] = field(default_factory=dict)

    @property
    def codes(self) -> set[str]:
        return {m.code for m in self.municipalities}


def load_reference(session: Session, language: str = "sv") -> Reference:
    """Kommuner and area labels; files and the API keep Swedish labels, pages pass the
    reader's language (the cache keys on the labels, so each language has its own entry)."""
    return Reference(
        load_municipalities(session),
        load_area_labels(session, language),
        load_organisations(session),
    )


def load_organisations(session: Session) -> dict[str, OrganisationRow]:
    """Every organisation that is not a kommun, by its node key (one query)."""
    rows = session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.kind,
            Organisation.county_code,
            County.name,
        )
        .outerjoin(County, County.code == Organisation.county_code)
        .where(Organisation.kind != OrgKind.KOMMUN)
        .order_by(Organisation.id)
    )
    return {
        f"{ORGANISATION_PREFIX}{id_}": OrganisationRow(
            f"{ORGANISATION_PREFIX}{id_}", id_, name, kind, county or "", county_name or ""
        )
        for id_, name, kind, county, county_name in rows
    }


def load_data(
    session: Session,
    user: Any,
    phases: Iterable[str],
    *,
    restrict: bool = True,
    reference: Reference | None = None,
    public: bool = False,
    fingerprint: tuple[Any, ...] | None = None,
) -> NetworkData:
    """The rows for the phases as ``user`` may see them (``public``: the public register's);
    cached until the data changes."""
    phases = tuple(sorted(set(phases)))
    reference = reference or load_reference(session)
    key = (
        "data",
        fingerprint or data_fingerprint(session),
        hash(reference.municipalities),
        tuple(reference.area_labels.items()),
        tuple(reference.organisations.values()),
        visibility_scope(user, phases, restrict, public),
        phases,
    )

    def build() -> NetworkData:
        agreements = load_agreements(session, user, phases, restrict=restrict, public=public)
        return NetworkData(
            reference.municipalities, agreements, reference.area_labels, reference.organisations
        )

    return _cache().get(key, build)


def structure_key(data: NetworkData) -> int:
    """What the graph and its measures depend on: the kommuner and, per agreement, its form,
    phase, areas and current parties (not its title, costs or anything else an edit changes)."""
    return hash(
        (
            data.municipalities,
            tuple(data.organisations.values()),
            tuple((a.id, a.form, a.phase, a.areas, a.parties, a.others) for a in data.agreements),
        )
    )


@dataclass
class Latest:
    """The newest network built for one view, and the data version it was built from."""

    fingerprint: tuple[Any, ...]
    network: Network
    as_of: float  # time.time() when its rows were read
    checked: float  # time.monotonic() when its rows were read


# Scopes whose rows do not depend on who asks, so a background thread can load them.
SHARED_SCOPES = {("all",), ("public",)}


def get_network(
    session: Session,
    user: Any,
    filters: GraphFilters,
    *,
    restrict: bool = True,
    reference: Reference | None = None,
    public: bool = False,
) -> Network:
    """The filtered network with its measures (computed once per data version and filters;
    ``public``: of the public register's agreements only).

    After an edit, with ``NETWORK_STALE_SECONDS`` set, the network built before it is served
    at once while a background thread builds the new one (``flask.g.network_as_of`` then says
    when its rows were read); it is never older than that many seconds. Without it (tests,
    the CLI) the new network is built before answering.
    """
    reference = reference or load_reference(session)
    phases = tuple(sorted(set(filters.phases)))
    scope = visibility_scope(user, phases, restrict, public)
    key = (
        "latest",
        scope,
        filters,
        hash(reference.municipalities),
        tuple(reference.area_labels.items()),
        tuple(reference.organisations.values()),
    )
    fingerprint = data_fingerprint(session)
    cache = _cache()
    latest: Latest | None = cache.peek(key)
    if latest is not None and latest.fingerprint == fingerprint:
        return latest.network
    stale_seconds = current_app.config.get("NETWORK_STALE_SECONDS", 0)
    if (
        latest is not None
        and scope in SHARED_SCOPES
        and time.monotonic() - latest.checked < stale_seconds
    ):
        # Edits arrive every second on a busy installation: one rebuild per interval, not one
        # per edit (a rebuild competes with the worker's requests for the interpreter).
        if time.monotonic() - latest.checked >= current_app.config.get(
            "NETWORK_REFRESH_INTERVAL", 10
        ):
            _refresh_later(key, filters, reference, public, latest.network.measures.has_betweenness)
        flask_g.network_as_of = latest.as_of
        return latest.network
    as_of, checked = time.time(), time.monotonic()
    network = _build_network(session, user, filters, restrict, reference, public, fingerprint)
    cache.put(key, Latest(fingerprint, network, as_of, checked))
    return network


def _build_network(
    session: Session,
    user: Any,
    filters: GraphFilters,
    restrict: bool,
    reference: Reference,
    public: bool,
    fingerprint: tuple[Any, ...] | None = None,
) -> Network:
    data = load_data(
        session,
        user,
        filters.phases,
        restrict=restrict,
        reference=reference,
        public=public,
        fingerprint=fingerprint,
    )

    def whole_network_groups() -> tuple[NetworkData, list[list[str]]]:
        # The entry keeps ``data`` alive, so its id cannot be reused while the entry exists.
        return data, communities_of(build_graph(data, GraphFilters(phases=filters.phases)))

    def build_shape() -> tuple[nx.Graph, Measures]:
        graph = build_graph(data, filters)
        measures = compute_measures(graph, data, filters, with_betweenness=False)
        if filters != GraphFilters(phases=filters.phases):
            # Groups of the whole network, so that a kommun keeps its group in every view.
            _data, groups = _cache().get(("groups", id(data)), whole_network_groups)
            use_groups(graph, measures, groups)
        return graph, measures

    def build() -> Network:
        started = time.perf_counter()
        # An edit that leaves every agreement's parties, phase, form and areas as they were
        # (a title, a cost, a date) leaves the graph and its measures as they were too.
        graph, measures = _cache().get(("shape", structure_key(data), filters), build_shape)
        return Network(data, filters, graph, measures, time.perf_counter() - started)

    return _cache().get(("network", id(data), filters), build)


def _refresh_later(
    key: Any, filters: GraphFilters, reference: Reference, public: bool, complete: bool
) -> None:
    """Build the network for ``key`` from the current rows in a thread of this process (one at
    a time per key) and make it the newest."""
    cache = _cache()
    with cache.lock:
        if key in cache.refreshing:
            return
        cache.refreshing.add(key)
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        try:
            with app.app_context():  # its session is removed when the context ends
                as_of, checked = time.time(), time.monotonic()
                fingerprint = data_fingerprint(db.session)
                network = _build_network(
                    db.session, None, filters, False, reference, public, fingerprint
                )
                if complete:
                    network.complete()
                cache.put(key, Latest(fingerprint, network, as_of, checked))
        except Exception:  # the next request builds it itself once the entry is too old
            app.logger.exception("Could not rebuild the network in the background")
        finally:
            with cache.lock:
                cache.refreshing.discard(key)

    threading.Thread(target=run, name="network-refresh", daemon=True).start()


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
