"""The start page: the user's kommun, its agreements and counts, and what needs attention.

It reads several domains (agreements, their attention items and derived dates), so it sits above
them in a package of its own rather than in ``core``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from coop_tracker.agreements.queries import Filters, all_matching, counts_by, search_agreements
from coop_tracker.core.clock import today
from coop_tracker.extensions import db
from coop_tracker.schedule.attention import attention_for, sorted_items
from coop_tracker.schedule.queries import derived_dates_for

bp = Blueprint("start", __name__)


@bp.get("/")
@login_required
def index() -> Any:
    """The user's kommun at a glance: its agreements, counts and what needs attention."""
    code = current_user.municipality_code
    if code:
        # Every agreement of the kommun: "Behöver uppmärksamhet" must not miss one because
        # the kommun has many (the table below shows the first 50).
        agreements = all_matching(db.session, Filters(municipality=code), current_user)
        total = len(agreements)
    else:  # no home kommun: the first 200 of everything visible
        page = search_agreements(db.session, Filters(per_page=200), current_user)
        agreements, total = page.items, page.total
    now = today()
    # Only the user's own kommun's decide-by is shown (in "Behöver uppmärksamhet").
    derived = derived_dates_for(db.session, agreements, now, calendars=(code,) if code else None)
    rows = [(a, derived[a.id]) for a in agreements]
    # The one service that decides what needs attention (as Uppsikt and the agreement page).
    found = attention_for(db.session, agreements, now, municipality=code, derived=derived)
    attention = sorted_items((item for items in found.values() for item in items), now)
    counts = counts_by(db.session, current_user, code)
    live = sum(counts["form"].values())  # planned, active, exiting: what the tiles count
    return render_template(
        "start/index.html",
        municipality=current_user.municipality,
        rows=rows,
        total=total,
        live=live,
        ended=max(0, total - live),  # ended or abandoned (the kommun's; else of those loaded)
        counts=counts,
        attention=attention,
        today=now,
    )
