"""Health and readiness checks, the language switch and the accessibility statement."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from coop_tracker.core.health import health, readiness
from coop_tracker.core.i18n import LANGUAGES
from coop_tracker.core.web import local_target
from coop_tracker.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/favicon.ico")
def favicon() -> Any:
    """Browsers ask for /favicon.ico; the icon is an SVG in static/."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/healthz")
def healthz() -> Any:
    """200 when the database answers within HEALTH_TIMEOUT, else 503 (never a hang)."""
    ok, body = health(current_app, db.engine)
    return body, (200 if ok else 503)


@bp.get("/readyz")
def readyz() -> Any:
    """200 when the database answers, its migrations are current and reference data is there;
    503 naming what is missing (for a deploy script or a load balancer's readiness probe)."""
    ok, body = readiness(current_app, db.engine)
    return body, (200 if ok else 503)


@bp.get("/sprak/<lang>")
def set_language(lang: str) -> Any:
    """Switch between Swedish and English; returns to the page the user came from."""
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(local_target(request.args.get("next")) or url_for("start.index"))


@bp.get("/personuppgifter")
def personal_data() -> Any:
    """What personal data the register holds, why, for how long and who to ask (GDPR art. 13,
    14 and 30, in plain Swedish)."""
    config = current_app.config
    return render_template(
        "core/personal_data.html",
        controller=str(config.get("PERSONAL_DATA_CONTROLLER") or "").strip(),
        contact_email=str(config.get("DATA_PROTECTION_CONTACT_EMAIL") or "").strip(),
        audit_days=config.get("AUDIT_PERSONAL_DATA_RETENTION_DAYS"),
        throttle_hours=config.get("LOGIN_THROTTLE_WINDOW_HOURS", 24),
    )


@bp.get("/tillganglighet")
def accessibility() -> Any:
    """The accessibility statement (tillgänglighetsredogörelse)."""
    contact = str(current_app.config.get("ACCESSIBILITY_CONTACT_EMAIL") or "").strip()
    return render_template("core/accessibility.html", contact_email=contact)
