"""Edit conflicts shown field by field: where the user started, what the other person saved,
and what the user typed — so a refused (stale) save never throws typed text away.

The edit page carries the values it was opened with in a hidden field (``original``); on a
conflict the view compares them with the saved values and the typed ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_ORIGINAL_LENGTH = 100_000


@dataclass
class ConflictRow:
    """One field in the conflict view."""

    field: str
    label: str
    started: str
    theirs: str
    typed: str
    they_changed: bool
    you_changed: bool


def encode(snapshot: dict[str, Any]) -> str:
    """The snapshot as text for a hidden form field."""
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, default=str)


def decode(text: Any) -> dict[str, Any] | None:
    """A snapshot back from the hidden field; None when missing or not a snapshot."""
    if not isinstance(text, str) or not text or len(text) > MAX_ORIGINAL_LENGTH:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _same(a: Any, b: Any) -> bool:
    def norm(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, list):
            return sorted(str(v) for v in value)
        if isinstance(value, bool):
            return value
        return str(value).replace("\r\n", "\n").strip()

    return norm(a) == norm(b)


def conflict_rows(
    original: dict[str, Any] | None,
    current: dict[str, Any],
    typed: dict[str, Any],
    *,
    label: Callable[[str], str],
    text: Callable[[str, Any], str],
) -> list[ConflictRow]:
    """The fields the other person changed (every differing field when the start is unknown)."""
    rows = []
    keys = list(dict.fromkeys([*current, *typed, *(original or {})]))
    for key in keys:
        theirs = current.get(key)
        mine = typed.get(key)
        if original is not None:
            started = original.get(key)
            they_changed = not _same(started, theirs)
        else:
            started = None
            they_changed = not _same(mine, theirs)
        if not they_changed:
            continue
        rows.append(
            ConflictRow(
                field=key,
                label=label(key),
                started=text(key, started) if original is not None else "?",
                theirs=text(key, theirs),
                typed=text(key, mine),
                they_changed=they_changed,
                you_changed=original is not None and not _same(started, mine),
            )
        )
    return rows
