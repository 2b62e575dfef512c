"""Failed logins slow the next try instead of locking the account (issue #18): per account and
address, per account and per address, failures only, the wait on the 429 page; the counters
shared through the database (default) or Redis."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from coop_tracker.core import clock as clock_module
from coop_tracker.extensions import db
from coop_tracker.users.throttle import (
    DEFAULT_RULES,
    DatabaseStore,
    LoginThrottle,
    RedisStore,
    wait_after,
)
from tests.conftest import FrozenClock, skip_or_fail

PASSWORD = "ett-langt-losenord-123"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class _StandingClock:
    """``clock["t"]``: the instant the app reads (through the clock seam), standing still until
    the test moves it."""

    def __init__(self, frozen_clock: FrozenClock) -> None:
        self.frozen_clock = frozen_clock

    def __getitem__(self, key: str) -> datetime:
        assert key == "t"
        instant = clock_module.frozen_at()
        assert instant is not None
        return instant

    def __setitem__(self, key: str, when: datetime) -> None:
        assert key == "t"
        self.frozen_clock.set(when, tick=False)


@pytest.fixture
def clock(frozen_clock: FrozenClock) -> _StandingClock:
    """The app's clock, moved by the test."""
    standing = _StandingClock(frozen_clock)
    standing["t"] = T0
    return standing


def _try(client, email, password="fel-losenord-helt", address="10.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_waits_double_up_to_a_ceiling():
    pair = DEFAULT_RULES[0]
    assert [wait_after(n, pair).total_seconds() for n in range(1, 10)] == [
        0, 0, 0, 0, 1, 2, 4, 8, 16,
    ]  # fmt: skip
    assert wait_after(1000, pair) == pair.max_wait == timedelta(minutes=15)


def test_failures_slow_the_account_but_never_lock_out_its_owner(client, factory, clock):
    factory.user("editor", "2021", email="anna@vansbro.se")
    for _ in range(5):
        assert _try(client, "anna@vansbro.se").status_code == 401
    # The fifth failure asks for one second before the next try from this address.
    slowed = _try(client, "anna@vansbro.se", PASSWORD)
    assert slowed.status_code == 429
    assert slowed.headers["Retry-After"] == "1"
    page = slowed.get_data(as_text=True)
    assert "Vänta 1 sekund och försök sedan igen." in page
    # The right password works as soon as the wait is over: nothing was locked.
    clock["t"] += timedelta(seconds=1)
    assert _try(client, "anna@vansbro.se", PASSWORD).status_code == 302


def test_the_wait_grows_and_the_page_says_how_long(client, factory, clock):
    factory.user("editor", "2021", email="anna@vansbro.se")
    for n in range(15):
        if n:
            clock["t"] += timedelta(minutes=20)  # each try after the previous wait
        assert _try(client, "anna@vansbro.se").status_code == 401
    response = _try(client, "anna@vansbro.se")
    assert response.status_code == 429
    assert "Vänta 15 minuter och försök sedan igen." in response.get_data(as_text=True)
    clock["t"] += timedelta(minutes=4, seconds=10)
    response = _try(client, "anna@vansbro.se")
    assert "Vänta 10 minuter och 50 sekunder" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "650"


def test_refused_tries_during_a_wait_are_not_counted(client, factory, clock):
    factory.user("editor", "2021", email="anna@vansbro.se")
    for _ in range(5):
        _try(client, "anna@vansbro.se")
    for _ in range(50):  # hammering during the wait changes nothing
        assert _try(client, "anna@vansbro.se").status_code == 429
    clock["t"] += timedelta(seconds=1)
    assert _try(client, "anna@vansbro.se", PASSWORD).status_code == 302


def test_the_owner_elsewhere_is_not_slowed_by_a_guesser(client, app, factory, clock):
    factory.user("editor", "2021", email="anna@vansbro.se")
    for _ in range(10):
        _try(client, "anna@vansbro.se", address="203.0.113.9")
    assert _try(client, "anna@vansbro.se", address="203.0.113.9").status_code == 429
    owner = app.test_client()
    assert _try(owner, "anna@vansbro.se", PASSWORD, address="10.20.30.40").status_code == 302


def test_a_guess_spread_over_many_addresses_is_slowed_for_at_most_a_minute(client, factory, clock):
    factory.user("editor", "2021", email="anna@vansbro.se")
    for n in range(30):
        _try(client, "anna@vansbro.se", address=f"198.51.100.{n}")
    slowed = _try(client, "anna@vansbro.se", PASSWORD, address="10.20.30.40")
    assert slowed.status_code == 429
    assert int(slowed.headers["Retry-After"]) <= 60
    clock["t"] += timedelta(minutes=1)
    assert _try(client, "anna@vansbro.se", PASSWORD, address="10.20.30.40").status_code == 302


def test_successful_logins_never_count_a_town_hall_behind_one_address(app, factory, clock):
    for n in range(60):
        factory.user("reader", "2021", email=f"ledamot{n}@vansbro.se")
    for n in range(60):  # a whole KF logs in at the start of the meeting
        member = app.test_client()
        assert _try(member, f"ledamot{n}@vansbro.se", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_slowed(client, factory, clock):
    factory.user("editor", "2021", email="anna@vansbro.se")
    for n in range(50):
        assert _try(client, f"gissning{n}@vansbro.se").status_code == 401
    response = _try(client, "anna@vansbro.se", PASSWORD)
    assert response.status_code == 429
    # Another address is not affected.
    assert _try(client, "anna@vansbro.se", PASSWORD, address="10.9.9.9").status_code == 302


def test_unknown_and_known_addresses_are_slowed_alike(client, factory, clock):
    factory.user("editor", "2021", email="anna@vansbro.se")
    for _ in range(5):
        _try(client, "anna@vansbro.se")
        _try(client, "finns-inte@vansbro.se")
    known = _try(client, "anna@vansbro.se")
    unknown = _try(client, "finns-inte@vansbro.se")
    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]


def test_counters_are_shared_by_every_app_on_the_same_database(
    app, factory, clock, database_uri, tmp_path
):
    """Two workers (two apps on one database): failures in one slow tries in the other."""
    from coop_tracker import create_app
    from tests.conftest import _config

    factory.user("editor", "2021", email="anna@vansbro.se")
    for _ in range(5):
        _try(app.test_client(), "anna@vansbro.se")
    other = create_app(_config(database_uri, tmp_path))
    with other.app_context():
        assert _try(other.test_client(), "anna@vansbro.se", PASSWORD).status_code == 429
        db.session.remove()
        db.engine.dispose()


def test_counters_hold_no_addresses_in_the_clear(client, factory, session, clock):
    from coop_tracker.users.models import LoginFailure

    _try(client, "anna@vansbro.se", address="192.0.2.44")
    keys = [row.key for row in session.query(LoginFailure)]
    assert len(keys) == 3
    assert not any("anna" in key or "192.0.2" in key for key in keys)


def test_database_store_counts_each_failure_once(session):
    store = DatabaseStore(session, timedelta(hours=24))
    throttle = LoginThrottle(store, "a@b.se", "10.0.0.1")
    for n in range(7):
        throttle.failed(T0 + timedelta(seconds=n))
    session.flush()
    counts = store.read(list(throttle.keys.values()), T0 + timedelta(seconds=10))
    assert {failures for failures, _last in counts.values()} == {7}
    # A failure after the window starts the count again.
    throttle.failed(T0 + timedelta(hours=30))
    counts = store.read(list(throttle.keys.values()), T0 + timedelta(hours=30))
    assert {failures for failures, _last in counts.values()} == {1}


REDIS_URL = os.environ.get("COOP_TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


def test_redis_store_counts_expires_and_clears(redis_url):
    store = RedisStore(redis_url, timedelta(hours=1))
    email = f"{uuid.uuid4().hex}@vansbro.se"
    throttle = LoginThrottle(store, email, "10.0.0.1")
    for n in range(6):
        throttle.failed(T0 + timedelta(seconds=n))
    assert throttle.wait(T0 + timedelta(seconds=5)) == timedelta(seconds=2)
    ttl = store.client.ttl(RedisStore.PREFIX + throttle.keys["pair"])
    assert 0 < ttl <= 3600
    assert throttle.wait(T0 + timedelta(hours=2)) == timedelta(0)  # past the window
    throttle.succeeded()
    counters = store.read(list(throttle.keys.values()), T0 + timedelta(seconds=5))
    assert set(counters) == {throttle.keys["address"]}  # the address is never cleared
    store.clear([throttle.keys["address"]])


def test_login_through_redis_is_slowed_across_apps(app, factory, clock, redis_url):
    app.config["LOGIN_THROTTLE_STORAGE"] = redis_url
    email = f"{uuid.uuid4().hex[:12]}@vansbro.se"
    factory.user("editor", "2021", email=email)
    client = app.test_client()
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    for _ in range(5):
        assert _try(client, email, address=address).status_code == 401
    assert _try(app.test_client(), email, PASSWORD, address=address).status_code == 429
    clock["t"] += timedelta(seconds=1)
    assert _try(app.test_client(), email, PASSWORD, address=address).status_code == 302
