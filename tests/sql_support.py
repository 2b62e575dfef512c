"""Counting the SQL statements that code sends, for the tests that keep query counts flat."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from coop_tracker.extensions import db


@contextmanager
def counted_statements(engine: Any = None) -> Iterator[list[str]]:
    """``with counted_statements() as statements:`` each SQL statement sent to ``engine`` (the
    app's by default) inside the block, in order."""
    engine = engine if engine is not None else db.engine
    statements: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)
