"""The clock seam: tests set today in one place, and every reader (threads too) sees it."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from coop_tracker.core import clock
from tests.conftest import DEFAULT_TODAY


def test_every_test_starts_on_the_default_day(frozen_clock):
    assert clock.today() == DEFAULT_TODAY
    assert frozen_clock.today() == DEFAULT_TODAY


def test_a_date_means_noon_in_stockholm_and_time_moves_on_from_there(frozen_clock):
    frozen_clock.set(date(2028, 2, 29))
    assert clock.today() == date(2028, 2, 29)
    first = clock.utcnow()
    assert first.tzinfo is not None
    assert datetime(2028, 2, 29, 11, tzinfo=UTC) <= first < datetime(2028, 2, 29, 11, 1, tzinfo=UTC)
    assert clock.utcnow() >= first


def test_summer_time_noon_is_ten_utc(frozen_clock):
    frozen_clock.set(date(2027, 7, 16), tick=False)
    assert clock.utcnow() == datetime(2027, 7, 16, 10, tzinfo=UTC)
    assert clock.utcnow() == clock.utcnow()  # stands still


def test_freeze_nests_and_restores():
    with clock.freeze(date(2027, 1, 1)):
        assert clock.today() == date(2027, 1, 1)
        with clock.freeze(datetime(2027, 6, 30, 23, 30, tzinfo=UTC)):
            assert clock.today() == date(2027, 7, 1)  # already 1 July in Stockholm
        assert clock.today() == date(2027, 1, 1)
    assert clock.today() == DEFAULT_TODAY


def test_other_threads_read_the_same_clock(frozen_clock):
    """The e2e live server serves requests from threads of the test process."""
    frozen_clock.set(date(2027, 4, 30))
    seen: list[date] = []
    worker = threading.Thread(target=lambda: seen.append(clock.today()))
    worker.start()
    worker.join()
    assert seen == [date(2027, 4, 30)]


def test_the_real_clock_when_nothing_is_set():
    previous = clock.frozen_at()
    clock.set_clock(None)
    try:
        assert clock.frozen_at() is None
        # Bracketed by two readings of the wall clock: true on every day, with no tolerance.
        before = datetime.now(UTC)
        read = clock.utcnow()
        after = datetime.now(UTC)
        assert before <= read <= after
        day = clock.today()  # Sweden's date, read between the same kind of brackets
        assert day in {
            before.astimezone(clock.STOCKHOLM).date(),
            datetime.now(clock.STOCKHOLM).date(),
        }
    finally:
        clock.set_clock(previous)
    assert clock.today() == DEFAULT_TODAY
