"""Municipality pages: the list of kommuner and one kommun with its agreements by role."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from coop_tracker.agreements.queries import Filters, derived_dates_for, search_agreements
from coop_tracker.core.clock import today
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.municipalities.queries import counties, municipalities_with_counts

bp = Blueprint("municipalities", __name__, url_prefix="/municipalities")


@bp.get("/")
@login_required
def index() -> Any:
    """All 290 kommuner with their number of running agreements."""
    county = request.args.get("county") or None
    if county is not None and not (len(county) == 2 and county.isdigit()):
        county = None
    return render_template(
        "municipalities/index.html",
        rows=municipalities_with_counts(db.session, county),
        counties=counties(db.session),
        county=county,
    )


@bp.get("/<code>")
@login_required
def detail(code: str) -> Any:
    """One kommun: its agreements as host, purchaser and member."""
    municipality = db.session.get(Municipality, code) if code.isdigit() else None
    if municipality is None:
        abort(404)
    page = search_agreements(
        db.session, Filters(municipality=code, per_page=1000, sort="title"), current_user
    )
    derived = derived_dates_for(db.session, page.items, today(), calendars=())
    by_role: dict[str, list[Any]] = {"host": [], "purchaser": [], "member": []}
    for agreement in page.items:
        party = agreement.party_for(code)
        if party is not None:
            by_role.setdefault(party.role, []).append((agreement, party, derived[agreement.id]))
    return render_template(
        "municipalities/detail.html",
        municipality=municipality,
        by_role=by_role,
        total=page.total,
    )
