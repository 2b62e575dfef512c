"""Samverkanskollen: the application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

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
