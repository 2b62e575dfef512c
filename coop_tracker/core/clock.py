"""The only module that reads the wall clock; everything else takes ``today`` or ``now``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Sweden."""
    return datetime.now(STOCKHOLM).date()
