"""Configuration: class defaults, then instance/config.py, then COOP_TRACKER_* variables."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

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
    PAGE_SIZE = 50
    # A web import runs in one request (preview, then again to save) and holds the write lock
    # meanwhile: 2,000 rows take about 10 s. Larger files: `flask exchange import` (20,000).
    IMPORT_MAX_ROWS = 2000
    KOLADA_BASE_URL = "https://api.kolada.se/v3"
    KOLADA_TIMEOUT = 20
    MAX_PAGE_SIZE = 200
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    # Login attempts per client address (Flask-Limiter), on top of the per-account lockout.
    LOGIN_RATE_LIMIT = "20 per 10 minutes"
    RATELIMIT_STORAGE_URI = "memory://"  # one process; use redis://… with several workers
    RATELIMIT_HEADERS_ENABLED = True
    # flask-smorest / OpenAPI
    API_TITLE = "Samverkanskollen API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply the configuration sources in order; later sources win."""
    app.config.from_object(DefaultConfig)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
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


def _instance_secret(instance: Path) -> str:
    """Read the generated secret key, creating it on first run (never committed)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
