"""Configuration: class defaults, then instance/config.py, then COOP_TRACKER_* variables."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from coop_tracker.core.files import private_dir

# Where links in e-mails point when COOP_TRACKER_BASE_URL is unset and there is no request to
# take the address from (CLI, scheduler); in a request the request's own address is used.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


class DefaultConfig:
    """Defaults fit for a single-kommun installation on SQLite."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # computed from the instance path when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    SQLALCHEMY_RECORD_QUERIES = False
    SECRET_KEY: str | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE: bool | None = None  # None: on when BASE_URL starts with https://
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE: bool | None = None
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")
    BASE_URL: str | None = None  # None: the request's address, else DEFAULT_BASE_URL
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "Samverkanskollen <noreply@localhost>"
    # Named on the accessibility statement (/tillganglighet): where to report problems.
    ACCESSIBILITY_CONTACT_EMAIL: str | None = None
    # The personal-data page (/personuppgifter): who is personuppgiftsansvarig for the
    # installation, and where to ask (the dataskyddsombud's or a function's mailbox).
    PERSONAL_DATA_CONTROLLER: str | None = None
    DATA_PROTECTION_CONTACT_EMAIL: str | None = None
    # Audit entries about people (users, contact persons, API keys, sent reminders) older than
    # this many days lose their personal data with `flask audit prune`; None keeps them.
    # Choose it after the kommunernas gallringsbeslut (dokumenthanteringsplan), see README.
    AUDIT_PERSONAL_DATA_RETENTION_DAYS: int | None = None
    PAGE_SIZE = 50
    # Meeting reports (Uppsikt PDF): stored under REPORT_DIR (None: instance/reports); the
    # scheduler makes each kommun's default report in advance every this many minutes when its
    # data has changed (0: never; every report is then made when first downloaded).
    REPORT_DIR: str | None = None
    REPORT_SWEEP_MINUTES = 5
    # The public register's open data (/public/open-data). CC0 by default: Digg's
    # recommendation for databases made by public bodies; an installation may choose another
    # licence (its URL exactly as Creative Commons writes it, e.g. …/licenses/by/4.0/).
    OPEN_DATA_LICENSE_URL = "http://creativecommons.org/publicdomain/zero/1.0/"
    OPEN_DATA_LICENSE_NAME: str | None = None  # None: known from the URL
    # Named as publisher in the DCAT-AP-SE catalogue; the URI is the organisation's address at
    # Sveriges dataportal (http://dataportal.se/organisation/SE<orgnr>) when it has one.
    OPEN_DATA_PUBLISHER_NAME = "Samverkanskollen"
    OPEN_DATA_PUBLISHER_URI: str | None = None
    OPEN_DATA_CONTACT_EMAIL: str | None = None  # a function's mailbox, never a person's
    # Requests per client address to the open-data files and the token-free API.
    OPEN_DATA_RATE_LIMIT = "120 per minute"
    # After an edit, the network built before it is served for up to this many seconds while
    # a background thread builds the new one (0: build it before answering, as the tests do).
    NETWORK_STALE_SECONDS = 60
    # ... and starts that build at most this often (seconds), however often the register changes.
    NETWORK_REFRESH_INTERVAL = 10
    # Whole-register files kept per process (one per format; up to ~15 MB each nationally).
    OPEN_DATA_CACHE_SIZE = 6
    # Deadlines (docs/dates.md): days after the deciding meeting for justering, anslag and
    # delivering a notice; and how long before a fixed term ends its continuation is decided.
    NOTICE_BUFFER_DAYS = 14
    CONTINUATION_LEAD_MONTHS = 6
    # A web import runs in one request (preview, then again to save) and holds the write lock
    # meanwhile: 2,000 rows take about 10 s. Larger files: `flask exchange import` (20,000).
    IMPORT_MAX_ROWS = 2000
    KOLADA_BASE_URL = "https://api.kolada.se/v3"
    KOLADA_TIMEOUT = 20
    MAX_PAGE_SIZE = 200
    # Failed logins slow the next try (coop_tracker/users/throttle.py); the counters live in
    # the database, shared by every worker and server, or in Redis ("redis://host:6379/0").
    LOGIN_THROTTLE_STORAGE = "database"
    LOGIN_THROTTLE_WINDOW_HOURS = 24
    # OpenID Connect providers (see README "Sign-in with the kommun's accounts"), and whether
    # e-mail and password still work beside them.
    OIDC_PROVIDERS: list[dict[str, Any]] = []
    LOCAL_PASSWORD_LOGIN = True
    # Flask-Limiter (the open data's request limit, OPEN_DATA_RATE_LIMIT): one process with
    # memory://; with several workers a shared store, e.g. redis://localhost:6379/0.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # A Redis store that cannot be reached does not take the open data down: each process
    # counts in memory until it is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host/-Prefix
    # (Werkzeug's ProxyFix). 0 trusts none: the client is the TCP peer. Set it to the number of
    # proxies that really are there (nginx on the same server: 1); a higher number lets any
    # client pick its own address.
    TRUSTED_PROXIES = 0
    # Database timeouts, in seconds. Connect: how long to wait for a new connection
    # (PostgreSQL's connect_timeout; SQLite waits this long for a lock, the busy timeout).
    # Statement: the longest a single SQL statement may run (0: no limit); kept below
    # gunicorn's 60 s worker timeout so a stuck query ends with an error page, not a killed
    # worker.
    DATABASE_CONNECT_TIMEOUT = 5
    DATABASE_STATEMENT_TIMEOUT = 50
    # /healthz and /readyz answer within this many seconds whatever the database does.
    HEALTH_TIMEOUT = 1.5
    # Logs go to standard error: "text" or "json" (one object per line); e-mail addresses are
    # masked. ACCESS_LOG: one line per request with its request id.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    ACCESS_LOG = True
    # Which installation this is (safe restores): reminders are sent only while it matches the
    # identity stored in the database. Set it in production's environment file; unset, one is
    # generated into the instance folder (instance/instance_id).
    INSTANCE_ID: str | None = None
    # Documents (coop_tracker/documents): files up to DOCUMENT_MAX_BYTES, kept in the instance
    # folder (DOCUMENT_DIR, default instance/documents) or, with DOCUMENT_STORAGE = "s3", in a
    # bucket of any S3-compatible store. Without the key settings boto3's own chain is used
    # (AWS_* variables, ~/.aws, an instance role).
    DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
    DOCUMENT_STORAGE = "local"
    DOCUMENT_DIR: str | None = None
    DOCUMENT_S3_BUCKET: str | None = None
    DOCUMENT_S3_ENDPOINT_URL: str | None = None
    DOCUMENT_S3_REGION: str | None = None
    DOCUMENT_S3_ACCESS_KEY_ID: str | None = None
    DOCUMENT_S3_SECRET_ACCESS_KEY: str | None = None
    DOCUMENT_S3_PREFIX = ""
    # flask-smorest / OpenAPI
    API_TITLE = "Samverkanskollen API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply the configuration sources in order; later sources win."""
    app.config.from_object(DefaultConfig)
    instance = private_dir(Path(app.instance_path))  # secret_key, the database, uploads
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COOP_TRACKER")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'coop_tracker.sqlite3'}"
    https = str(app.config.get("BASE_URL", "")).lower().startswith("https://")
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(name) is None:
            app.config[name] = https
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if not str(app.config.get("INSTANCE_ID") or "").strip():
        app.config["INSTANCE_ID"] = _instance_file(instance, "instance_id", _new_instance_id)


def _instance_secret(instance: Path) -> str:
    """Read the generated secret key, creating it on first run (never committed)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _new_instance_id() -> str:
    return f"inst-{secrets.token_hex(8)}"


def _instance_file(instance: Path, name: str, make: Any) -> str:
    """A value generated once into the instance folder (never committed)."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    value = make()
    path.write_text(value + "\n")
    return value
