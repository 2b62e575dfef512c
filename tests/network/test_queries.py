"""Loading the network from the database: visibility, current parties, cache, query counts."""

from __future__ import annotations

from datetime import date

from coop_tracker.agreements.services import AgreementInput, archive_agreement, update_agreement
from coop_tracker.core.actor import Actor
from coop_tracker.network.graph import GraphFilters
from coop_tracker.network.queries import get_network, load_agreements, load_data
from tests.network.conftest import add_ring_agreements, expected_graph


def edges(graph):
    return {tuple(sorted((a, b))): w for a, b, w in graph.edges(data="weight")}


def test_the_database_network_is_the_expected_graph(network, factory, session):
    reader = factory.user("reader", "2021")
    result = get_network(session, reader, GraphFilters())
    assert edges(result.graph) == edges(expected_graph())
    assert result.graph.number_of_nodes() == 290


def test_parties_that_have_left_do_not_count(network, factory, session):
    forbund = network["Räddningstjänstförbundet"]
    forbund.party_for("2023").left_on = date(2025, 6, 30)
    session.commit()
    graph = get_network(session, factory.user("reader"), GraphFilters()).graph
    assert graph.has_edge("2062", "2080")
    assert not graph.has_edge("2062", "2023")
    assert not graph.has_edge("2080", "2023")


def test_archived_agreements_are_left_out_even_for_admins(network, factory, session):
    archive_agreement(
        session,
        network["Överförmyndare Stockholm–Väsby"],
        "Avtalet ersattes av ett nytt",
        actor=Actor.system(),
    )
    session.commit()
    admin = factory.user("admin", None)
    graph = get_network(session, admin, GraphFilters()).graph
    assert not graph.has_edge("0180", "0114")


def test_planned_agreements_are_seen_only_by_their_parties(network, factory, session):
    planned = GraphFilters(phases=("planned",))
    falun = factory.user("editor", "2080")
    other = factory.user("editor", "2062")
    admin = factory.user("admin", None)
    assert get_network(session, falun, planned).graph.has_edge("2080", "0180")
    assert not get_network(session, other, planned).graph.has_edge("2080", "0180")
    assert get_network(session, admin, planned).graph.has_edge("2080", "0180")
    assert load_agreements(session, None, ("planned",)) == ()  # nobody logged in sees nothing


def _mora_joins(session, agreement):
    """Mora (2062) joins ``agreement`` as a purchaser: an edit saved the ordinary way."""
    data = AgreementInput.from_agreement(agreement)
    data.parties.append(type(data.parties[0])(municipality_code="2062", role="purchaser"))
    update_agreement(
        session, agreement, data, expected_version=agreement.version, actor=Actor.system()
    )
    session.commit()


def test_a_saved_change_is_seen_at_once_despite_the_cache(network, factory, session):
    reader = factory.user("reader")
    assert not get_network(session, reader, GraphFilters()).graph.has_edge("2021", "2062")
    agreement = network["Miljö Vansbro–Malung"]
    _mora_joins(session, agreement)
    assert get_network(session, reader, GraphFilters()).graph.has_edge("2021", "2062")


def test_the_cache_serves_the_same_network_until_something_changes(network, factory, session):
    reader = factory.user("reader")
    first = get_network(session, reader, GraphFilters())
    assert get_network(session, reader, GraphFilters()) is first
    assert load_data(session, reader, ("exiting", "active")) is first.data


def test_loading_takes_the_same_number_of_queries_for_5_and_50_agreements(
    app, factory, session, count_queries
):
    app.config["NETWORK_CACHE_SIZE"] = 0  # measure the real loading every time
    reader = factory.user("reader", "2021")

    def measure():
        session.expire_all()
        with count_queries() as statements:
            network = get_network(session, reader, GraphFilters()).complete()
        return len(statements), network

    add_ring_agreements(factory, 5, 0)
    few, small = measure()
    add_ring_agreements(factory, 45, 5)
    many, large = measure()
    assert large.graph.size(weight="weight") > small.graph.size(weight="weight")
    assert few == many
    # kommuner, areas, organisations, fingerprint, agreements, kommun parties, other parties,
    # agreement areas (+ the expired user)
    assert few <= 9


def test_similar_is_cached_until_the_data_changes(network, factory, session):
    from coop_tracker.network.queries import get_similar

    reader = factory.user("reader")
    first = get_similar(session, reader, "2034")
    assert get_similar(session, reader, "2034") is first
    assert "lon" not in {s.area for s in first.suggestions}
    factory.agreement([("2039", "host"), ("2062", "purchaser")], phase="active", areas=["lon"])
    second = get_similar(session, reader, "2034")
    assert "lon" in {s.area for s in second.suggestions}


def test_a_new_network_is_frozen_out_of_the_collectors_sight_in_production(
    app, network, factory, session
):
    """With GC_FREEZE (set by gunicorn.conf.py) a freshly built network is not scanned by
    later full collections; without it (tests, flask run) nothing is frozen."""
    import gc

    reader = factory.user("reader")
    gc.unfreeze()
    get_network(session, reader, GraphFilters())
    assert gc.get_freeze_count() == 0
    app.config["GC_FREEZE"] = True
    factory.agreement(phase="active")  # a change: the next request builds a new network
    try:
        network = get_network(session, reader, GraphFilters())
        assert gc.get_freeze_count() > 1000
        assert not any(obj is network.graph for obj in gc.get_objects())
    finally:
        gc.unfreeze()


def test_an_edit_that_leaves_the_network_as_it_was_reuses_its_graph(network, factory, session):
    """A new title is a new data version, but parties, phases, forms and areas are unchanged:
    the graph and its measures (betweenness too) are not computed again."""
    reader = factory.user("reader")
    first = get_network(session, reader, GraphFilters()).complete()
    agreement = network["Miljö Vansbro–Malung"]
    data = AgreementInput.from_agreement(agreement)
    data.title = "Miljö- och hälsoskydd Vansbro–Malung"
    update_agreement(
        session, agreement, data, expected_version=agreement.version, actor=Actor.system()
    )
    session.commit()
    second = get_network(session, reader, GraphFilters())
    assert second is not first
    assert {a.title for a in second.data.agreements} >= {"Miljö- och hälsoskydd Vansbro–Malung"}
    assert second.graph is first.graph and second.measures.has_betweenness


def test_after_an_edit_the_last_network_is_served_while_the_new_one_is_built(
    app, network, factory, session
):
    """With NETWORK_STALE_SECONDS (production) nobody waits for the rebuild: the network from
    before the edit is served at once, saying when its rows were read, and the next request
    after the background build sees the edit."""
    import threading

    from flask import g

    app.config["NETWORK_STALE_SECONDS"] = 60
    app.config["NETWORK_REFRESH_INTERVAL"] = 0
    reader = factory.user("reader")
    before = get_network(session, reader, GraphFilters())
    assert not before.graph.has_edge("2021", "2062")
    agreement = network["Miljö Vansbro–Malung"]
    _mora_joins(session, agreement)
    served = get_network(session, reader, GraphFilters())
    assert served is before
    assert g.network_as_of is not None
    for thread in threading.enumerate():
        if thread.name == "network-refresh":
            thread.join(timeout=60)
    g.pop("network_as_of")
    after = get_network(session, reader, GraphFilters())
    assert after.graph.has_edge("2021", "2062")
    assert "network_as_of" not in g
    # Planned agreements depend on who asks: never served from another's build.
    planned = GraphFilters(phases=("planned",))
    get_network(session, reader, planned)
    factory.agreement([("2021", "host"), ("2062", "purchaser")], phase="planned")
    session.commit()
    assert get_network(session, reader, planned).graph.has_edge("2021", "2062")


def test_a_key_for_one_kommun_neither_sees_nor_fills_the_whole_network(network, factory, session):
    reader = factory.user("reader", "2021")
    whole = get_network(session, reader, GraphFilters())
    assert whole.graph.has_edge("2062", "2034")
    reader.api_scope_municipality = "2021"  # what an API key for Vansbro does to its owner
    narrowed = get_network(session, reader, GraphFilters())
    assert narrowed.graph.has_edge("2021", "2023") and not narrowed.graph.has_edge("2062", "2034")
    del reader.api_scope_municipality
    assert get_network(session, reader, GraphFilters()) is whole
