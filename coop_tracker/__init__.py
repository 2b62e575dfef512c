"""Samverkanskollen: the application factory."""

from __future__ import annotations

import os

# SQLAlchemy's compiled (Cython) extensions, 2.0.58 on CPython 3.11: `flask exchange export`
# of the national register (10,000 agreements with meeting calendars) ended in a segmentation
# fault in the garbage collector at exit (gdb: visit_decref on a freed object during
# finalize_modules), which means a reference-count error somewhere in them; with the pure-Python
# versions it runs clean. They are switched off here, before anything imports SQLAlchemy.
# Cost, measured on the national data: 3–15 % on the list pages.
os.environ.setdefault("DISABLE_SQLALCHEMY_CEXT_RUNTIME", "1")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask  # noqa: E402

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def resource_path(name: str) -> Path:
    """``templates``, ``static``, ``migrations`` or ``translations``: inside the package when it
    was installed from a wheel (setup.py copies them there), else at the root of the checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PROJECT_ROOT / name


def is_source_checkout() -> bool:
    """True when running from the repository (or an editable install of it)."""
    return not (PACKAGE_DIR / "templates").is_dir() and (PROJECT_ROOT / "pyproject.toml").is_file()


def default_instance_path() -> Path:
    """Where config.py, the secret key and the SQLite database live.

    ``COOP_TRACKER_INSTANCE_PATH`` when set (production: e.g. /var/lib/samverkanskollen); in a
    source checkout its ``instance/`` folder; installed from a wheel, ``var/coop_tracker-instance``
    under the virtual environment (Flask's own default for installed packages).
    """
    configured = os.environ.get("COOP_TRACKER_INSTANCE_PATH", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    if is_source_checkout():
        return PROJECT_ROOT / "instance"
    return Path(sys.prefix) / "var" / "coop_tracker-instance"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; ``test_config`` overrides every other source."""
    app = Flask(
        __name__,
        instance_path=str(default_instance_path()),
        instance_relative_config=True,
        template_folder=str(resource_path("templates")),
        static_folder=str(resource_path("static")),
    )
    from coop_tracker.config import load_config

    load_config(app, test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable å ä ö in JSON

    from coop_tracker import commands, extensions, routes
    from coop_tracker.core import assets
    from coop_tracker.core.logs import configure_logging
    from coop_tracker.core.web import trust_proxies

    configure_logging(app)
    trust_proxies(app)
    extensions.register_extensions(app)
    routes.register_blueprints(app)
    assets.init_app(app)
    routes.register_panels(app)
    routes.register_signal_receivers(app)
    routes.register_errorhandlers(app)
    routes.register_request_hooks(app)
    commands.register_commands(app)
    return app
