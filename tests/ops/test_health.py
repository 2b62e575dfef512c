"""/healthz and /readyz tell the truth within two seconds, whatever the database does."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from coop_tracker import create_app
from coop_tracker.extensions import db
from tests.conftest import USE_POSTGRES, _config

FAST = 2.0  # seconds: what a load balancer's probe waits


def _timed_get(client, path):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def test_healthz_and_readyz_answer_200_on_a_current_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["migrations"] == "ok"
    assert ready.get_json()["reference_data"] == "ok"


@contextmanager
def _database_locked_elsewhere(app, database_uri):
    """Another process holds a lock that every read of the schema version must wait for:
    SQLite opened exclusively (reads would wait 30 s, the busy timeout); on PostgreSQL an
    ACCESS EXCLUSIVE lock on alembic_version (reads would wait indefinitely)."""
    if USE_POSTGRES:
        other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with other.connect() as connection:
            connection.execute(text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
            yield
            connection.rollback()
        other.dispose()
        return
    db.session.remove()
    db.engine.dispose()  # no pooled connection that already has the schema read
    holder = sqlite3.connect(database_uri.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE municipality SET name = name WHERE code = '2021'")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_healthz_answers_503_fast_while_the_database_is_locked(app, client, database_uri):
    assert client.get("/healthz").status_code == 200
    with _database_locked_elsewhere(app, database_uri):
        response, took = _timed_get(client, "/healthz")
        assert response.status_code == 503
        assert took < FAST
        assert response.get_json()["database"].startswith("timeout")
        ready, took = _timed_get(client, "/readyz")
        assert ready.status_code == 503 and took < FAST
    deadline = time.monotonic() + 40  # the waiting probe finishes once the lock is gone
    while client.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_healthz_answers_503_fast_when_the_database_server_stops_answering(tmp_path):
    """A PostgreSQL address where something accepts connections but never answers (a hung
    server, a firewall dropping packets): before, the check waited forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_stay_silent() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_and_stay_silent, daemon=True)
    thread.start()
    uri = f"postgresql+psycopg://nobody@127.0.0.1:{port}/coop"
    app = create_app(_config(uri, tmp_path) | {"DATABASE_CONNECT_TIMEOUT": 2})
    try:
        with app.app_context():
            client = app.test_client()
            response, took = _timed_get(client, "/healthz")
            assert response.status_code == 503
            assert took < FAST
            # A second probe while the first still waits answers at once.
            again, took = _timed_get(client, "/healthz")
            assert again.status_code == 503 and took < 0.5
            assert "still waiting" in again.get_json()["database"]
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


def test_readyz_names_pending_migrations(app, client):
    db.session.execute(text("UPDATE alembic_version SET version_num = '001'"))
    db.session.commit()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "pending: database at 001" in ready.get_json()["migrations"]
    assert "flask --app coop_tracker upgrade" in ready.get_json()["migrations"]
    # Liveness does not depend on it: the app is up, only not ready for this code.
    assert client.get("/healthz").status_code == 200


def test_a_statement_running_too_long_is_interrupted(database_uri, tmp_path):
    """DATABASE_STATEMENT_TIMEOUT: PostgreSQL's statement_timeout, on SQLite a progress
    handler; the statement fails instead of holding the worker."""
    app = create_app(_config(database_uri, tmp_path) | {"DATABASE_STATEMENT_TIMEOUT": 0.5})
    if USE_POSTGRES:
        slow, message = "SELECT pg_sleep(5)", "statement timeout"
    else:
        slow = (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT count(*) FROM n WHERE i < 0"
        )
        message = "interrupted"
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(Exception, match=message):
            db.session.execute(text(slow))
        assert time.monotonic() - started < 3
        db.session.rollback()
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


@pytest.mark.skipif(not USE_POSTGRES, reason="statement_timeout is PostgreSQL's")
def test_a_probe_cancelled_by_postgresqls_own_timeout_reads_as_timeout(app, monkeypatch):
    """The server's statement_timeout and the client's deadline are the same length; on a busy
    machine the server may cancel first. That is still "no answer in time", not "unavailable"."""
    from coop_tracker.core import health as health_module

    def slow_probe(engine, timeout):
        with engine.connect() as connection:
            connection.execute(text("SET LOCAL statement_timeout = 50"))
            connection.execute(text("SELECT pg_sleep(3)"))
        return {}

    monkeypatch.setattr(health_module, "_probe", slow_probe)
    check, _found = health_module.probe_database(db.engine, 2.0)
    assert not check.ok
    assert check.detail == "timeout: no answer within 2 s"
