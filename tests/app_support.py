"""One app for what tests read at collection (the URL map, the OpenAPI document)."""

from __future__ import annotations

import functools

from flask import Flask

from coop_tracker import create_app


@functools.cache
def introspection_app() -> Flask:
    """An app on an empty in-memory database, built once per process: the route matrix, the
    CSRF test and the API fuzz list their cases from it while pytest collects (each app
    costs about half a second, and every xdist worker collects every module)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
