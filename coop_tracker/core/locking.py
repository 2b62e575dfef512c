"""Optimistic locking: a save names the version it was based on, and an older one is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

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


Row = TypeVar("Row")


def stored_or_new(
    session: Session,
    row: Row | None,
    new: Callable[[], Row],
    snapshot: Callable[[Row], dict[str, Any]],
    *,
    expected_version: Any = None,
) -> tuple[Row, dict[str, Any]]:
    """The row a save upserts and its values before the change.

    Without a stored ``row`` a ``new()`` one is added to the session, with no values before
    (its save is audited as a creation). A stored one is checked against the version the save
    names, when it names one (compared as text, as ``check_version(strict=False)``).
    """
    if row is None:
        created = new()
        session.add(created)
        return created, {}
    if expected_version not in (None, ""):
        stored = row
        check_version(
            expected_version, cast(Any, row).version, lambda: snapshot(stored), strict=False
        )
    return row, snapshot(row)
