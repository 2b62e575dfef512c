"""Uppsikt pages: the oversight list, the meeting report as HTML and as PDF.

Its own blueprint (not part of exchange/): the oversight is a read-side view of the register for
politicians, with its own queries, templates and report renderer; exchange/ is about files in
and out. Both share the agreement filters' names so "export what you see" works from here too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from coop_tracker.agreements.rules import FORM_LABELS, PHASE_LABELS, ROLE_LABELS
from coop_tracker.core.clock import today
from coop_tracker.core.i18n import _, current_language
from coop_tracker.core.permissions import can
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.oversight.queries import SORTS, OversightFilters, oversight
from coop_tracker.oversight.report import render_pdf

bp = Blueprint("oversight", __name__, url_prefix="/municipalities")
MONTH_CHOICES = (3, 6, 12, 24)


def filters_from_request(args: Any, now: date) -> tuple[OversightFilters, dict[str, str]]:
    """Oversight filters from the query string; bad values are dropped with a Swedish message."""
    problems: dict[str, str] = {}

    def pick(name: str, allowed: Any, label: str) -> str | None:
        raw = args.get(name, "") or None
        if raw is not None and raw not in allowed:
            problems[name] = _("Okänt värde för %(name)s.", name=label)
            return None
        return raw

    sort = args.get("sort", "status")
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in SORTS:
        problems["sort"] = _("Okänd sortering.")
        sort, descending = "status", False
    months = args.get("months", "6")
    if not months.isdigit() or int(months) not in MONTH_CHOICES:
        problems["months"] = _("Tidshorisonten måste vara 3, 6, 12 eller 24 månader.")
        months = "6"
    since = None
    raw_since = args.get("since", "").strip()
    if raw_since:
        try:
            since = date.fromisoformat(raw_since)
        except ValueError:
            problems["since"] = _("Datumet för ändringar måste skrivas ÅÅÅÅ-MM-DD.")
        else:
            if not date(2000, 1, 1) <= since <= now:
                problems["since"] = _(
                    "Datumet för ändringar måste ligga mellan 2000-01-01 och idag."
                )
                since = None
    filters = OversightFilters(
        form=pick("form", FORM_LABELS, "form"),
        area=(args.get("area", "") or None),
        role=pick("role", ROLE_LABELS, "roll"),
        phase=pick("phase", [*PHASE_LABELS, "all"], "fas"),
        q=(args.get("q", "").strip()[:100] or None),
        attention_only=args.get("attention") == "1",
        months=int(months),
        since=since,
        sort=sort,
        descending=descending,
    )
    return filters, problems


def _load(code: str) -> tuple[Municipality, Any, OversightFilters, dict[str, str], date]:
    if not can(current_user, "oversight.view"):
        abort(403)
    municipality = db.session.get(Municipality, code) if code.isdigit() else None
    if municipality is None:
        abort(404)
    now = today()
    filters, problems = filters_from_request(request.args, now)
    overview = oversight(db.session, code, current_user, filters, now)
    return municipality, overview, filters, problems, now


def _export_args(code: str, filters: OversightFilters) -> dict[str, str]:
    """The agreement-list filters that correspond to this view, for "export what you see"."""
    args = {"municipality": code}
    for name in ("form", "area", "role", "q"):
        if getattr(filters, name):
            args[name] = getattr(filters, name)
    if filters.phase and filters.phase != "all":
        args["phase"] = filters.phase
    return args


@bp.get("/<code>/oversight")
@login_required
def page(code: str) -> Any:
    """Every agreement the kommun is in, what needs attention, costs and recent changes."""
    municipality, overview, filters, problems, now = _load(code)
    area_label = Area.label_column(current_language())
    areas = list(
        db.session.execute(select(Area.slug, area_label).order_by(Area.sort_order, area_label))
    )
    return render_template(
        "oversight/page.html",
        municipality=municipality,
        overview=overview,
        filters=filters,
        problems=problems,
        areas=areas,
        months=MONTH_CHOICES,
        today=now,
        export_args=_export_args(code, filters),
    )


def _report_html(code: str, *, for_pdf: bool) -> str:
    municipality, overview, filters, _problems, now = _load(code)
    return render_template(
        "oversight/report.html",
        municipality=municipality,
        overview=overview,
        filters=filters,
        today=now,
        author=current_user,
        for_pdf=for_pdf,
    )


@bp.get("/<code>/oversight/report")
@login_required
def report(code: str) -> Any:
    """The meeting report as a web page (the same content as the PDF)."""
    return _report_html(code, for_pdf=False)


@bp.get("/<code>/oversight.pdf")
@login_required
def pdf(code: str) -> Any:
    """The meeting report as PDF, for the kommunstyrelse's papers."""
    html = _report_html(code, for_pdf=True)
    body = render_pdf(html, current_app.static_folder or "")
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="uppsikt-{code}-{today().isoformat()}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
