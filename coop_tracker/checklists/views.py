"""Checklist pages."""

from __future__ import annotations

from flask import Blueprint

from coop_tracker.checklists import models  # noqa: F401

bp = Blueprint("checklists", __name__)
