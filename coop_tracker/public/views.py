"""Public, read-only register pages (no login): list with filters and detail.

Shown: what the parties have decided and published — title, form, areas, phase, dates and
terms, purpose, goals, motive, the parties with their roles and decisions, cost basis and total
annual cost, the agreement's diarienummer and link. Never shown: contact persons (personal
data), the internal note, the free-text cost comment, and each party's own cost and share
(budget figures between the kommuner, often preliminary; the total is public).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.queries import derived_dates, search_agreements
from coop_tracker.agreements.views import filters_from_request
from coop_tracker.core.clock import today
from coop_tracker.core.i18n import current_language
from coop_tracker.core.permissions import is_public_record
from coop_tracker.core.validation import is_row_id
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area, Municipality

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/")
def index() -> Any:
    """Every public agreement, filtered by kommun, form, area, phase and free text."""
    filters, problems = filters_from_request(request.args)
    filters.public_only = True
    page = search_agreements(db.session, filters, None, restrict=False)
    municipalities = list(
        db.session.execute(select(Municipality.code, Municipality.name).order_by(Municipality.name))
    )
    area_label = Area.label_column(current_language())
    areas = list(
        db.session.execute(
            select(Area.slug, area_label)
            .where(Area.is_active.is_(True))
            .order_by(Area.sort_order, area_label)
        )
    )
    now = today()
    return render_template(
        "public/index.html",
        page=page,
        rows=[(a, derived_dates(a, now)) for a in page.items],
        filters=filters,
        problems=problems,
        municipalities=municipalities,
        areas=areas,
    )


@bp.get("/<int:agreement_id>")
def detail(agreement_id: int) -> Any:
    """One public agreement, without contacts, internal notes or per-party costs."""
    agreement = db.session.get(Agreement, agreement_id) if is_row_id(agreement_id) else None
    if agreement is None or not is_public_record(agreement):
        abort(404)
    return render_template(
        "public/detail.html", agreement=agreement, derived=derived_dates(agreement, today())
    )
