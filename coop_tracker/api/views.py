"""API resources: every flask-smorest blueprint under /api/v1, registered by ``register_api``."""

from __future__ import annotations

from flask_smorest import Blueprint

from coop_tracker.agreements.api import blp as agreements_blp
from coop_tracker.audit.api import blp as history_blp
from coop_tracker.checklists.api import blp as checklists_blp
from coop_tracker.lifecycle.api import blp as lifecycle_blp
from coop_tracker.municipalities.api import areas_blp, municipalities_blp
from coop_tracker.network.api import graph_blp, similar_blp
from coop_tracker.reminders.api import blp as reminders_blp
from coop_tracker.reviews.api import blp as reviews_blp
from coop_tracker.users.api import blp as me_blp

blueprints: list[Blueprint] = [
    municipalities_blp,
    areas_blp,
    agreements_blp,
    history_blp,
    me_blp,
    reviews_blp,
    reminders_blp,
    graph_blp,
    similar_blp,
    lifecycle_blp,
    checklists_blp,
]
