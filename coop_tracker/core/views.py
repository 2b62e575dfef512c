"""The start page, health check, language switch and the accessibility statement."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from coop_tracker.agreements.queries import (
    Filters,
    all_matching,
    counts_by,
    derived_dates_for,
    search_agreements,
)
from coop_tracker.core.clock import today
from coop_tracker.core.i18n import LANGUAGES, _
from coop_tracker.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/favicon.ico")
def favicon() -> Any:
    """Browsers ask for /favicon.ico; the icon is an SVG in static/."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/healthz")
def healthz() -> Any:
    """200 when the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return {"status": "error", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok"}


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
    attention = _needs_attention(rows, now, code)
    counts = counts_by(db.session, current_user, code)
    return render_template(
        "core/index.html",
        municipality=current_user.municipality,
        rows=rows,
        total=total,
        counts=counts,
        attention=attention,
        today=now,
    )


def _needs_attention(rows: list[Any], now: Any, code: str | None) -> list[dict[str, Any]]:
    """Deadlines within 180 days, agreements ending soon, overdue or red reviews, planned
    ones missing decisions."""
    items: list[dict[str, Any]] = []
    for agreement, derived in rows:
        if agreement.phase in ("ended", "abandoned"):
            continue
        decide_by = derived.decide_by_for(code)
        if decide_by and (decide_by - now).days <= 180:
            items.append(
                {
                    "agreement": agreement,
                    "on": decide_by,
                    "what": _("Sista dag för ärendet om uppsägning (beslut i tid)"),
                    "overdue": decide_by < now,
                }
            )
        if derived.notice_deadline_on and (derived.notice_deadline_on - now).days <= 180:
            items.append(
                {
                    "agreement": agreement,
                    "on": derived.notice_deadline_on,
                    "what": _("Sista dag för uppsägning"),
                    "overdue": False,
                }
            )
        if (
            agreement.renewal == "none"
            and agreement.end_on
            and 0 <= (agreement.end_on - now).days <= 365
        ):
            items.append(
                {
                    "agreement": agreement,
                    "on": agreement.end_on,
                    "what": _("Avtalet upphör"),
                    "overdue": False,
                }
            )
        review_due = derived.next_review_on
        if agreement.phase in ("active", "exiting") and review_due and review_due < now:
            items.append(
                {
                    "agreement": agreement,
                    "on": review_due,
                    "what": _("Uppföljningen är försenad"),
                    "overdue": True,
                }
            )
        latest = derived.latest_review
        if latest is not None and getattr(latest, "rating", None) == "red":
            items.append(
                {
                    "agreement": agreement,
                    "on": latest.reviewed_on,
                    "what": _("Senaste uppföljningen är röd"),
                    "overdue": False,
                }
            )
        if agreement.phase == "planned":
            own = agreement.party_for(code)
            if own is not None and not own.has_decision:
                items.append(
                    {
                        "agreement": agreement,
                        "on": None,
                        "what": _("Beslut saknas för din kommun"),
                        "overdue": False,
                    }
                )
    items.sort(key=lambda item: (item["on"] is None, item["on"] or now))
    return items


@bp.get("/sprak/<lang>")
def set_language(lang: str) -> Any:
    """Switch between Swedish and English; returns to the page the user came from."""
    if lang in LANGUAGES:
        session["lang"] = lang
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.index")
    return redirect(target)


@bp.get("/tillganglighet")
def accessibility() -> Any:
    """The accessibility statement (tillgänglighetsredogörelse)."""
    contact = str(current_app.config.get("ACCESSIBILITY_CONTACT_EMAIL") or "").strip()
    return render_template("core/accessibility.html", contact_email=contact)
