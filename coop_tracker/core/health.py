"""Health and readiness: does the database answer in time, and is its schema current?

Both checks run on their own connection in a helper thread and are given ``HEALTH_TIMEOUT``
seconds: a database that hangs (a lock, a stopped server, a network that drops packets) makes
the check answer "timeout" within that time instead of holding a worker until gunicorn kills
it. At most one probe per process waits on the database at a time; while one is stuck, the
next checks answer at once that it still is.
"""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine

_probe_lock = threading.Lock()
# The probe still running per engine (a stuck one blocks only its own database's checks).
_running: weakref.WeakKeyDictionary[Engine, Future[Any]] = weakref.WeakKeyDictionary()


@dataclass
class Check:
    """One check's outcome, as /healthz and /readyz show it."""

    ok: bool
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)


def _probe(engine: Engine, timeout: float) -> dict[str, Any]:
    """Read the schema version; on PostgreSQL the server itself also gives up after timeout."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL statement_timeout = {int(timeout * 1000)}"))
        versions = sorted(connection.scalars(text("SELECT version_num FROM alembic_version")))
        reference = connection.scalar(text("SELECT count(*) FROM municipality"))
        connection.rollback()
    return {"versions": versions, "municipalities": reference}


def _server_gave_up(error: BaseException) -> bool:
    """True when PostgreSQL cancelled the probe for its statement_timeout (SQLSTATE 57014)."""
    original = getattr(error, "orig", None)
    return getattr(original, "sqlstate", None) == "57014"


def probe_database(engine: Engine, timeout: float) -> tuple[Check, dict[str, Any]]:
    """Run the probe with a deadline; returns the database check and what the probe read."""
    with _probe_lock:
        previous = _running.get(engine)
        if previous is not None and not previous.done():
            return Check(False, "timeout: an earlier check is still waiting for the database"), {}
        future: Future[Any] = Future()
        _running[engine] = future

    def run() -> None:
        try:
            future.set_result(_probe(engine, timeout))
        except BaseException as error:  # noqa: BLE001 - reported through the future
            future.set_exception(error)

    threading.Thread(target=run, name="coop-health-probe", daemon=True).start()
    try:
        found = future.result(timeout=timeout)
    except TimeoutError:
        return Check(False, f"timeout: no answer within {timeout:g} s"), {}
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        if _server_gave_up(error):
            # PostgreSQL's own statement_timeout fired first (the same deadline, measured on
            # the server): the database did not answer in time, it is not gone.
            return Check(False, f"timeout: no answer within {timeout:g} s"), {}
        return Check(False, f"unavailable: {type(error).__name__}"), {}
    return Check(True, "ok"), found


def expected_heads(app: Flask) -> list[str]:
    """The migration heads this code expects (read once per app from the migration scripts)."""
    cached = app.extensions.get("coop_tracker.migration_heads")
    if cached is None:
        from alembic.script import ScriptDirectory

        from coop_tracker import resource_path

        config = app.extensions["migrate"].migrate.get_config(str(resource_path("migrations")))
        cached = sorted(ScriptDirectory.from_config(config).get_heads())
        app.extensions["coop_tracker.migration_heads"] = cached
    return list(cached)


def health(app: Flask, engine: Engine) -> tuple[bool, dict[str, Any]]:
    """Liveness for a load balancer: the database answers in time."""
    timeout = float(app.config.get("HEALTH_TIMEOUT") or 1.5)
    database, _found = probe_database(engine, timeout)
    body = {"status": "ok" if database.ok else "error", "database": database.detail}
    return database.ok, body


def readiness(app: Flask, engine: Engine) -> tuple[bool, dict[str, Any]]:
    """Ready to serve: the database answers, its migrations are those of this code, and the
    reference data is loaded. Each failing part names what to run."""
    timeout = float(app.config.get("HEALTH_TIMEOUT") or 1.5)
    database, found = probe_database(engine, timeout)
    checks: dict[str, Any] = {"database": database.detail}
    ok = database.ok
    if database.ok:
        expected = expected_heads(app)
        current = found["versions"]
        if current == expected:
            checks["migrations"] = "ok"
        else:
            ok = False
            checks["migrations"] = (
                f"pending: database at {', '.join(current) or 'none'}, code expects "
                f"{', '.join(expected)}; run `flask --app coop_tracker upgrade`"
            )
        if found["municipalities"]:
            checks["reference_data"] = "ok"
        else:
            ok = False
            checks["reference_data"] = "missing: run `flask --app coop_tracker upgrade`"
    return ok, {"status": "ok" if ok else "error", **checks}
