"""The only module that reads the wall clock; everything else takes ``today`` or ``now``.

Tests (and only tests) set the clock with :func:`freeze`: every caller of :func:`today` and
:func:`utcnow` in the process then sees the chosen day, including a live server running in a
thread of the same process. Nobody patches module names.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class _Setting:
    """A fixed instant, and (when ``tick``) the monotonic reading at which it was set, so that
    time still moves forward from it: sessions, lockouts and "updated at" keep their order."""

    instant: datetime
    tick: bool
    set_at: float


_setting: _Setting | None = None
_lock = threading.Lock()


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    setting = _setting
    if setting is None:
        return datetime.now(UTC)
    if not setting.tick:
        return setting.instant
    return setting.instant + timedelta(seconds=time.monotonic() - setting.set_at)


def today() -> date:
    """Today's date in Sweden."""
    if _setting is None:
        return datetime.now(STOCKHOLM).date()
    return utcnow().astimezone(STOCKHOLM).date()


def _instant(when: date | datetime) -> datetime:
    """A date means noon in Stockholm that day: hours away from midnight on either side, so a
    ticking clock stays on that date for the length of any test."""
    if isinstance(when, datetime):
        aware = when if when.tzinfo is not None else when.replace(tzinfo=STOCKHOLM)
        return aware.astimezone(UTC)
    return datetime(when.year, when.month, when.day, 12, tzinfo=STOCKHOLM).astimezone(UTC)


def set_clock(when: date | datetime | None, *, tick: bool = True) -> None:
    """Set the clock to ``when`` (``None``: the real clock again). For tests and fixtures;
    prefer :func:`freeze`, which puts the previous setting back."""
    global _setting
    with _lock:
        _setting = None if when is None else _Setting(_instant(when), tick, time.monotonic())


def frozen_at() -> datetime | None:
    """The instant the clock was set to, or ``None`` while it is the real clock."""
    setting = _setting
    return None if setting is None else setting.instant


@contextmanager
def freeze(when: date | datetime, *, tick: bool = True) -> Iterator[None]:
    """Within the block, :func:`today` is ``when`` (a date: noon in Stockholm that day) and
    :func:`utcnow` starts there; with ``tick=False`` it stands still. Nests; restores on exit."""
    global _setting
    previous = _setting
    set_clock(when, tick=tick)
    try:
        yield
    finally:
        with _lock:
            _setting = previous
