"""Optimistic locking: a save names the version it was based on, and an older one is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coop_tracker.core.errors import StaleVersion, ValidationFailed
from coop_tracker.core.i18n import _


def check_version(
    expected: Any,
    current_version: int,
    current: Callable[[], dict[str, Any]],
    *,
    strict: bool = True,
    message: str | None = None,
) -> None:
    """Refuse a save based on another version than ``current_version``.

    The refusal (``StaleVersion``, 409) carries ``current()``, the values the other person
    saved, so the page can show them beside what was typed. With ``strict`` the expected
    version must be a whole number (a missing or unreadable one is a field error on
    ``version``); otherwise it is compared as text and anything but the current version is
    stale. ``message`` replaces the standard "someone else has saved" text.
    """
    if strict:
        try:
            same = int(expected) == current_version
        except (TypeError, ValueError):
            raise ValidationFailed(
                {"version": _("Versionsnummer saknas eller är ogiltigt.")}
            ) from None
    else:
        same = str(expected) == str(current_version)
    if not same:
        raise StaleVersion(current(), current_version, message)
