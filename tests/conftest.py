"""Shared fixtures: a fresh database per test (migrated once, copied or truncated), app, client."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text

from coop_tracker import create_app
from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from coop_tracker.users import services as users_services

# Password hashing at production cost (scrypt) would dominate the suite's time.
users_services.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DATABASE_URL = os.environ.get("COOP_TRACKER_SQLALCHEMY_DATABASE_URI", "")
USE_POSTGRES = DATABASE_URL.startswith("postgresql")


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason on a developer machine; fail in CI, where nothing may skip."""
    if IN_CI:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


def _config(uri: str, tmp: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://localhost",
        "PROPAGATE_UNEXPECTED": False,
        "LOGIN_MAX_FAILURES": 5,
        "IMPORT_DIR": str(tmp / "imports"),
    }


def _migrate_and_seed(app: Flask) -> None:
    from flask_migrate import upgrade

    from coop_tracker.checklists.services import seed_checklist_templates
    from coop_tracker.municipalities.services import seed_reference_data

    with app.app_context():
        upgrade()
        seed_reference_data(db.session, actor=Actor.system("cli"))
        seed_checklist_templates(db.session, actor=Actor.system("cli"))
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate (and seed) once per session: a SQLite file to copy, or the PostgreSQL schema."""
    tmp = tmp_path_factory.mktemp("db")
    if USE_POSTGRES:
        engine = create_engine(DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate_and_seed(create_app(_config(DATABASE_URL, tmp)))
        return DATABASE_URL
    path = tmp / "template.sqlite3"
    _migrate_and_seed(create_app(_config(f"sqlite:///{path}", tmp)))
    return str(path)


REFERENCE_TABLES = {"county", "municipality", "area", "alembic_version"}


def _truncate_postgres(app: Flask) -> None:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
        quoted = ", ".join(f'"{t}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        db.session.execute(text("DELETE FROM area WHERE sort_order >= 1000"))
        # Checklist templates are truncated above (tests add versions); seed them afresh.
        from coop_tracker.checklists.services import seed_checklist_templates

        seed_checklist_templates(db.session, actor=Actor.system("cli"))
        db.session.commit()


@pytest.fixture
def database_uri(template_database: str, tmp_path: Path) -> str:
    """A fresh database for one test."""
    if USE_POSTGRES:
        return template_database
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(template_database, target)
    return f"sqlite:///{target}"


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app the suite creates (keyed by source checksum);
    without it each test's new app compiles every template it renders again."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = _SharedBytecodeCache()


def _fresh_g_per_request(app: Flask) -> None:
    """Tests keep one app context open across requests, so ``g`` (where Flask-Login caches the
    user) would leak from one client's request into another's. In production every request
    has its own app context; clear ``g`` first thing in each request to behave the same."""

    def clear() -> None:
        for name in list(vars(g)):
            g.pop(name, None)

    app.before_request_funcs.setdefault(None, []).insert(0, clear)


@pytest.fixture
def app(database_uri: str, tmp_path: Path) -> Iterator[Flask]:
    application = create_app(_config(database_uri, tmp_path))
    application.jinja_env.bytecode_cache = TEMPLATE_CACHE
    _fresh_g_per_request(application)
    if USE_POSTGRES:
        _truncate_postgres(application)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Any:
    return db.session


@pytest.fixture
def factory(app: Flask) -> Any:
    from tests.factories import Factory

    return Factory(db.session)


class Auth:
    """Log a test client in and out as a given user."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = "ett-langt-losenord-123") -> Any:
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)
