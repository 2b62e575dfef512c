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

from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; ``test_config`` overrides every other source."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from coop_tracker.config import load_config

    load_config(app, test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable å ä ö in JSON

    from coop_tracker import commands, extensions, routes

    extensions.register_extensions(app)
    routes.register_blueprints(app)
    routes.register_errorhandlers(app)
    routes.register_request_hooks(app)
    commands.register_commands(app)
    return app
