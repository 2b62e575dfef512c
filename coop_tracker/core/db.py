"""Database engine set-up: SQLite pragmas (foreign keys, WAL, busy timeout), the Swedish
collation and lower case on SQLite, connect and statement timeouts on SQLite and
PostgreSQL, and pool options."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import event, func, make_url, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from coop_tracker.core.collation import register_sqlite
from coop_tracker.core.files import secure_sqlite_file

# SQLite calls the progress handler every this many virtual-machine instructions.
_PROGRESS_STEPS = 10_000


def configure_engine_options(app: Flask) -> None:
    """Set engine options that depend on the database kind, with the configured timeouts.

    ``DATABASE_CONNECT_TIMEOUT``: PostgreSQL's ``connect_timeout`` and how long a pool checkout
    waits. (SQLite opens a file: its wait is the 30 s busy timeout for another's write lock.)
    ``DATABASE_STATEMENT_TIMEOUT``: PostgreSQL's ``statement_timeout``; on SQLite a progress
    handler interrupts a statement that has run longer. Either one ends with an error that the
    request turns into an error page (the session is rolled back), never with a hung worker.
    """
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        secure_sqlite_file(make_url(uri).database)
    options: dict[str, Any] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_timeout = float(app.config.get("DATABASE_CONNECT_TIMEOUT") or 0)
    statement_timeout = float(app.config.get("DATABASE_STATEMENT_TIMEOUT") or 0)
    if uri.startswith("sqlite"):
        connect_args.setdefault("timeout", 30)
    else:
        options.setdefault("pool_pre_ping", True)
        if uri.startswith("postgresql"):
            if connect_timeout:
                # libpq takes whole seconds, at least 2.
                connect_args.setdefault("connect_timeout", max(2, round(connect_timeout)))
                options.setdefault("pool_timeout", max(connect_timeout, 1))
            if statement_timeout:
                ms = int(statement_timeout * 1000)
                existing = str(connect_args.get("options", ""))
                connect_args["options"] = f"{existing} -c statement_timeout={ms}".strip()
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def install_sqlite_pragmas(engine: Engine, *, statement_timeout: float = 0) -> None:
    """Turn on foreign keys, WAL and a busy timeout on every new SQLite connection, and (with
    ``statement_timeout`` seconds) interrupt statements that run longer."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        register_sqlite(dbapi_connection)  # Swedish order and lower case (core/collation.py)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A larger page cache and in-memory temp B-trees keep sorted list pages off the disk.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.close()
        if statement_timeout:
            _install_deadline(dbapi_connection, record)

    if statement_timeout:

        @event.listens_for(engine, "before_cursor_execute")
        def _start_deadline(conn: Any, *_args: Any) -> None:
            conn.connection.info["deadline"] = time.monotonic() + statement_timeout

        @event.listens_for(engine, "after_cursor_execute")
        def _clear_deadline(conn: Any, *_args: Any) -> None:
            conn.connection.info["deadline"] = None


def _install_deadline(dbapi_connection: Any, record: Any) -> None:
    """A progress handler that interrupts the running statement once its deadline passed."""
    info = record.info

    def check() -> int:
        deadline = info.get("deadline")
        return 1 if deadline is not None and time.monotonic() > deadline else 0

    dbapi_connection.set_progress_handler(check, _PROGRESS_STEPS)


def tables_fingerprint(session: Session, *models: Any) -> tuple[int, ...]:
    """Numbers that change whenever a row of ``models`` is added, removed or saved (one query):
    each table's row count and highest id, and the sum of its ``version`` column where it has
    one (SQLAlchemy increments it on every UPDATE). For caches keyed on the data."""
    columns = []
    for model in models:
        columns += [
            select(func.count(model.id)).scalar_subquery(),
            select(func.max(model.id)).scalar_subquery(),
        ]
        if hasattr(model, "version"):
            columns.append(select(func.sum(model.version)).scalar_subquery())
    row = session.execute(select(*columns)).one()
    return tuple(int(value or 0) for value in row)
