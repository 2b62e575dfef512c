"""Shared fixtures: a fresh database per test (migrated once, copied or truncated), app, client."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from coop_tracker import create_app
from coop_tracker.core import clock
from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from coop_tracker.users import services as users_services
from tests import postgres_state

# Password hashing at production cost (scrypt) would dominate the suite's time. An unknown
# address is checked against a dummy hash so that it costs what a wrong password does: here the
# suite's cost too.
users_services.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
users_services._DUMMY_HASH = generate_password_hash(
    "not-a-real-password-but-the-same-cost", method=users_services.PASSWORD_HASH_METHOD
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DATABASE_URL = os.environ.get("COOP_TRACKER_SQLALCHEMY_DATABASE_URI", "")
USE_POSTGRES = DATABASE_URL.startswith("postgresql")


# The day every test runs on unless it sets another: no test depends on the real date. A
# developer can run the whole suite on another day: COOP_TRACKER_TEST_TODAY=2028-02-29 pytest.
DEFAULT_TODAY = date.fromisoformat(os.environ.get("COOP_TRACKER_TEST_TODAY", "2026-12-07"))

# Days on which the date-sensitive tests also run (the ``calendar_day`` fixture): the first,
# a middle and the last day of months long and short, across a year end and a leap day.
CALENDAR_DAYS = [
    date(2026, 12, 1),
    date(2026, 12, 15),
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2027, 2, 28),
    date(2027, 4, 30),
    date(2027, 7, 16),
    date(2028, 2, 1),
    date(2028, 2, 29),
    date(2028, 3, 1),
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests (browser journeys) first, in their files' order, then the rest.

    With ``--dist worksteal`` (``make test``) each worker starts on half of this list and an idle
    one takes half of the other's remaining queue from its end: the end of the list is many
    short tests, so both workers finish within a short test of each other instead of one
    running a minute-long journey alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason on a developer machine; fail in CI, where nothing may skip."""
    if IN_CI:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


def _config(uri: str, tmp: Path) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if uri.startswith("postgresql"):
        # A test's commit need not wait for the disk (what a crash would lose does not matter
        # here); otherwise every commit waits for a WAL flush.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": "-c synchronous_commit=off"}
        }
    return config | {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://localhost",
        "PROPAGATE_UNEXPECTED": False,
        # A test sees its own edit at once; tests/network/test_queries.py turns this on.
        "NETWORK_STALE_SECONDS": 0,
        "IMPORT_DIR": str(tmp / "imports"),
        "REPORT_DIR": str(tmp / "reports"),
        "DOCUMENT_DIR": str(tmp / "documents"),
        # Warnings and errors only: an access line per request, formatted by the app's handler
        # and again by pytest's log capture, costs some 0.4 ms a request. A test that reads the
        # access log asks for INFO (caplog.set_level, or an app of its own).
        "LOG_LEVEL": "WARNING",
    }


def _migrate_and_seed(app: Flask) -> None:
    from flask_migrate import upgrade

    from coop_tracker.checklists.templates import seed_checklist_templates
    from coop_tracker.municipalities.services import seed_reference_data
    from coop_tracker.organisations.services import seed_organisations

    with app.app_context():
        upgrade()
        seed_reference_data(db.session, actor=Actor.system("cli"))
        seed_organisations(db.session, actor=Actor.system("cli"))
        seed_checklist_templates(db.session, actor=Actor.system("cli"))
        db.session.commit()
        db.engine.dispose()


class FrozenClock:
    """The test's handle on the clock seam (``coop_tracker.core.clock``)."""

    def set(self, when: date | datetime, *, tick: bool = True) -> date:
        """Make ``when`` today for the app, its services and a live server alike."""
        clock.set_clock(when, tick=tick)
        return clock.today()

    def today(self) -> date:
        return clock.today()


@pytest.fixture(scope="session", autouse=True)
def _session_clock() -> Iterator[None]:
    """The whole session (template databases and demo data too) runs on DEFAULT_TODAY."""
    with clock.freeze(DEFAULT_TODAY):
        yield


@pytest.fixture(autouse=True)
def frozen_clock(_session_clock: None) -> Iterator[FrozenClock]:
    """Every test starts on DEFAULT_TODAY; ``frozen_clock.set(day)`` moves it for this test."""
    clock.set_clock(DEFAULT_TODAY)
    yield FrozenClock()
    clock.set_clock(DEFAULT_TODAY)


@pytest.fixture(params=CALENDAR_DAYS, ids=[d.isoformat() for d in CALENDAR_DAYS])
def calendar_day(request: pytest.FixtureRequest, frozen_clock: FrozenClock) -> date:
    """For date-sensitive tests: the test runs once on each of CALENDAR_DAYS."""
    return frozen_clock.set(request.param)


def worker_database_url(url: str, worker: str) -> str:
    """A PostgreSQL database per xdist worker: ``…/test`` becomes ``…/test_gw0`` for gw0."""
    if not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def _ensure_postgres_database(url: str) -> None:
    """Create the database of ``url`` when it does not exist (connecting to ``postgres``)."""
    parsed = make_url(url)
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            found = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if not found:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        engine.dispose()


def empty_postgres_database(url: str) -> None:
    """The PostgreSQL database of ``url``, made if missing, with nothing in it (its public
    schema dropped and made again)."""
    _ensure_postgres_database(url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


# The xdist worker ("gw0", "gw1", …), empty when the suite runs in one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


@pytest.fixture(scope="session")
def template_database(
    tmp_path_factory: pytest.TempPathFactory, _session_clock: None
) -> Iterator[str]:
    """Migrate (and seed) once per session: a SQLite file to copy, or the PostgreSQL schema
    (one database per xdist worker, made from the configured URL)."""
    tmp = tmp_path_factory.mktemp("db")
    if USE_POSTGRES:
        url = worker_database_url(DATABASE_URL, WORKER)
        empty_postgres_database(url)
        _migrate_and_seed(create_app(_config(url, tmp)))
        SEEDED[url] = postgres_state.state_of(url).save()
        yield url
        postgres_state.close_all()
        return
    path = tmp / "template.sqlite3"
    _migrate_and_seed(create_app(_config(f"sqlite:///{path}", tmp)))
    yield str(path)


# The migrated and seeded state of each PostgreSQL test database, put back before every test
# (the twin of copying the SQLite template file).
SEEDED: dict[str, postgres_state.Snapshot] = {}


def _reset_postgres(app: Flask) -> None:
    """Put the app's PostgreSQL database back as migrated and seeded (its connections closed)."""
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    postgres_state.state_of(url).restore(SEEDED[url])


@pytest.fixture
def database_uri(app: Flask) -> str:
    """The test's fresh database (the one ``app`` uses), for a test that builds a second app
    on it (two workers on one database) or an app of its own."""
    return str(app.config["SQLALCHEMY_DATABASE_URI"])


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app the suite creates (keyed by template path and
    source checksum); without it each new app compiles every template it renders again. Kept
    in memory and in a folder that both xdist workers and later runs read (compiling the
    templates costs each process some 3 s)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}
        folder = Path(tempfile.gettempdir()) / f"coop_tracker-jinja-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        self.files = FileSystemBytecodeCache(str(folder))

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)
            return
        self.files.load_bytecode(bucket)
        if bucket.code is not None:
            self.store[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
        self.files.dump_bytecode(bucket)


TEMPLATE_CACHE = _SharedBytecodeCache()


def _fresh_g_per_request(app: Flask) -> None:
    """Tests keep one app context open across requests, so ``g`` (where Flask-Login caches the
    user) would leak from one client's request into another's. In production every request
    has its own app context; clear ``g`` first thing in each request to behave the same."""

    def clear() -> None:
        for name in list(vars(g)):
            g.pop(name, None)

    app.before_request_funcs.setdefault(None, []).insert(0, clear)


class SharedApp:
    """One app for the whole session (building one costs ~0.3 s, half of it the OpenAPI
    document), put back before every test as a new one would be: its configuration, WSGI
    middleware, per-app caches and rate-limit counters, and a fresh copy of the template
    database (PostgreSQL: emptied and seeded again)."""

    def __init__(self, template: str, tmp: Path, name: str, **config: Any) -> None:
        self.template = template
        if USE_POSTGRES:
            uri = template
        else:
            self.path = tmp / f"{name}.sqlite3"
            shutil.copyfile(template, self.path)
            uri = f"sqlite:///{self.path}"
        self.app = create_app({**_config(uri, tmp), **config})
        SHARED_APPS[self.app] = self
        self.app.jinja_env.bytecode_cache = TEMPLATE_CACHE
        _fresh_g_per_request(self.app)
        self.config = dict(self.app.config)
        self.wsgi_app = self.app.wsgi_app
        self.extensions = set(self.app.extensions)
        # What each extension held at creation: a test that configures one (the sign-in tests
        # register OIDC providers) must not leave it configured for the next test.
        self.extension_values = dict(self.app.extensions)
        self.attributes = set(vars(self.app))

    def reset(self, tmp_path: Path) -> Flask:
        from coop_tracker.extensions import limiter

        app = self.app
        app.config.clear()
        app.config.update(self.config)
        # Folders the app writes to (imports, stored reports): the test's own, as before.
        fresh = _config(str(app.config["SQLALCHEMY_DATABASE_URI"]), tmp_path)
        app.config.update({k: v for k, v in fresh.items() if k.endswith("_DIR")})
        app.wsgi_app = self.wsgi_app  # type: ignore[method-assign]
        for name in set(app.extensions) - self.extensions:
            del app.extensions[name]
        app.extensions.update(self.extension_values)
        for name in set(vars(app)) - self.attributes:  # what a test hung on the app object
            delattr(app, name)
        with app.app_context():
            limiter.reset()
        if USE_POSTGRES:
            _reset_postgres(app)
        else:
            self.restore_state(Path(self.template))
        return app

    def _release(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        if not USE_POSTGRES:
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def save_state(self, target: Path) -> Any:
        """The app's database as it is now (all connections closed first), for
        ``restore_state``: a copy of the SQLite file at ``target``, or on PostgreSQL every
        table's rows held in memory."""
        self._release()
        if USE_POSTGRES:
            return postgres_state.state_of(self.template).save()
        shutil.copyfile(self.path, target)
        return target

    def restore_state(self, saved: Any) -> None:
        """Put a state from ``save_state`` back in place of the app's database (all
        connections closed first)."""
        self._release()
        if USE_POSTGRES:
            postgres_state.state_of(self.template).restore(saved)
        else:
            shutil.copyfile(saved, self.path)

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


SHARED_APPS: dict[Flask, SharedApp] = {}


class DemoTemplates:
    """The small demo register, loaded once per (seed, today) and saved (a SQLite file, or on
    PostgreSQL the tables' rows) so that later tests put it back instead of loading it again (a
    load is ~2 s of the services' own work)."""

    def __init__(self, tmp: Path) -> None:
        from coop_tracker.demo import services as demo

        self.tmp = tmp
        self.stored: dict[tuple[int, date], tuple[Any, Path, Any]] = {}
        self.steps = demo.STEPS  # a test that swaps them loads afresh

    def load(self, seed: int = 1, today: date | None = None) -> Any:
        """``load_demo(db.session, scale="small", seed=seed, today=today)``, committed, on the
        current app (one of the session's shared apps); returns its DemoResult."""
        from flask import current_app

        from coop_tracker.demo import services as demo

        app = current_app._get_current_object()  # type: ignore[attr-defined]
        key = (seed, today or clock.today())
        shared = SHARED_APPS.get(app)
        cacheable = shared is not None and self.steps == demo.STEPS
        # The demo's document files live in the test's own DOCUMENT_DIR: kept beside the
        # saved database and copied into the next test's folder with it.
        documents = Path(app.config["DOCUMENT_DIR"])
        if cacheable and key in self.stored:
            state, saved, result = self.stored[key]
            shared.restore_state(state)  # type: ignore[union-attr]
            if saved.exists():
                shutil.copytree(saved, documents, dirs_exist_ok=True)
            return result
        result = demo.load_demo(db.session, scale="small", seed=seed, today=today)
        db.session.commit()
        if cacheable:
            path = self.tmp / f"demo-{seed}-{key[1].isoformat()}.sqlite3"
            state = shared.save_state(path)  # type: ignore[union-attr]
            saved = path.with_suffix(".documents")
            if documents.exists():
                shutil.copytree(documents, saved)
            self.stored[key] = (state, saved, result)
        return result


@pytest.fixture(scope="session")
def _demo_templates(
    tmp_path_factory: pytest.TempPathFactory, shared_app: SharedApp
) -> DemoTemplates:
    return DemoTemplates(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_database(_demo_templates: DemoTemplates) -> Any:
    """``demo_database(seed=1, today=None)``: the small demo in the current app's database,
    copied from a template after the first load; returns what ``load_demo`` returned."""
    return _demo_templates.load


@pytest.fixture
def demo_file(shared_app: SharedApp, _demo_templates: DemoTemplates, tmp_path: Path) -> Path | None:
    """On SQLite, a database file holding the migrated and seeded small demo (seed 1, as of
    DEFAULT_TODAY) that a test may copy (the saved template, not to be changed); on
    PostgreSQL None. No app context stays open: a command the test runs on an app of its own
    (``flask db upgrade``) would otherwise run on the shared app's database instead."""
    if USE_POSTGRES:
        return None
    app = shared_app.reset(tmp_path)
    with app.app_context():
        _demo_templates.load(seed=1, today=DEFAULT_TODAY)
        db.session.remove()
        db.engine.dispose()
    state, _, _ = _demo_templates.stored[(1, DEFAULT_TODAY)]
    return Path(state)


class SavedWorlds:
    """Data a group of tests all build the same way (the route matrix's World, the CSRF
    check's objects), built by the first test of the session and saved with its database and
    document files; later tests get that state put back and the same Python values."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.stored: dict[str, tuple[Any, Path, Any]] = {}

    def get(self, app: Flask, name: str, build: Any) -> Any:
        """``build()`` in the app's database (its return value must not hold ORM objects)."""
        shared = SHARED_APPS.get(app)
        if shared is None:  # an app of the test's own: nothing to put back
            return build()
        files = Path(app.config["DOCUMENT_DIR"])
        if name in self.stored:
            state, saved, values = self.stored[name]
            shared.restore_state(state)
            shutil.copytree(saved, files, dirs_exist_ok=True)
            return values
        values = build()
        db.session.remove()  # reading the values may have opened a transaction
        state = shared.save_state(self.tmp / f"{name}.sqlite3")
        saved = self.tmp / f"{name}.documents"
        if files.exists():
            shutil.copytree(files, saved)
        else:
            saved.mkdir()
        self.stored[name] = (state, saved, values)
        return values


@pytest.fixture(scope="session")
def saved_world(tmp_path_factory: pytest.TempPathFactory) -> SavedWorlds:
    """``saved_world.get(app, name, build)``: what ``build()`` made, built once per session."""
    return SavedWorlds(tmp_path_factory.mktemp("worlds"))


@pytest.fixture(scope="session")
def shared_app(
    template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedApp]:
    shared = SharedApp(template_database, tmp_path_factory.mktemp("app"), "test")
    yield shared
    shared.close()


@pytest.fixture
def app(request: pytest.FixtureRequest, shared_app: SharedApp, tmp_path: Path) -> Iterator[Flask]:
    """The session's app on a fresh database, with an app context open for the test; a test
    marked ``fresh_app`` (it adds routes) gets a new app of its own on that database."""
    application = shared_app.reset(tmp_path)
    if request.node.get_closest_marker("fresh_app"):
        application = create_app(dict(shared_app.app.config))
        application.jinja_env.bytecode_cache = TEMPLATE_CACHE
        _fresh_g_per_request(application)
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
