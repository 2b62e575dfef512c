"""Lifecycle pages."""

from __future__ import annotations

from flask import Blueprint

from coop_tracker.lifecycle import models  # noqa: F401

bp = Blueprint("lifecycle", __name__)
