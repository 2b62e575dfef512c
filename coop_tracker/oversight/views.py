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
from coop_tracker.core.clock import today, utcnow
from coop_tracker.core.i18n import DEFAULT_LANGUAGE, _, current_language
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_digits, strip_control
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.municipalities.pages import kommun_or_404
from coop_tracker.oversight.jobs import code_version, report_fingerprint, sees_the_default_report
from coop_tracker.oversight.queries import SORTS, OversightFilters, oversight
from coop_tracker.oversight.report import (
    annual_and_costs,
    report_html,
    report_layout,
    report_store,
    stored_or_rendered,
)

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
    if not is_digits(months, 2) or int(months) not in MONTH_CHOICES:
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
        responsible=(strip_control(args.get("responsible", "")).strip()[:100] or None),
        attention_only=args.get("attention") == "1",
        months=int(months),
        since=since,
        routine=args.get("routine") == "1",
        sort=sort,
        descending=descending,
    )
    return filters, problems


def _checked(code: str) -> tuple[Municipality, OversightFilters, dict[str, str], date]:
    """The kommun (404 if unknown, 403 without the right) and the filters of the request."""
    if not can(current_user, "oversight.view"):
        abort(403)
    municipality = kommun_or_404(code)
    now = today()
    filters, problems = filters_from_request(request.args, now)
    return municipality, filters, problems, now


def _export_args(code: str, filters: OversightFilters) -> dict[str, str]:
    """The agreement-list filters that correspond to this view, for "export what you see"."""
    args = {"municipality": code}
    for name in ("form", "area", "role", "q", "responsible"):
        if getattr(filters, name):
            args[name] = getattr(filters, name)
    if filters.phase and filters.phase != "all":
        args["phase"] = filters.phase
    return args


@bp.get("/<code>/oversight")
@login_required
def page(code: str) -> Any:
    """Every agreement the kommun is in, what needs attention, costs and recent changes."""
    municipality, filters, problems, now = _checked(code)
    overview = oversight(db.session, code, current_user, filters, now)
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
        **annual_and_costs(db.session, code, current_user, overview, now, filters.months),
    )


@bp.get("/<code>/oversight/report")
@login_required
def report(code: str) -> Any:
    """The meeting report as a web page (the same content as the PDF)."""
    municipality, filters, _problems, now = _checked(code)
    return report_html(db.session, municipality, current_user, filters, now, for_pdf=False)


@bp.get("/<code>/oversight.pdf")
@login_required
def pdf(code: str) -> Any:
    """The meeting report as PDF, for the kommunstyrelse's papers: the stored file when one
    was made from the same content (by the scheduler, or for an earlier reader), else made
    now and stored."""
    municipality, filters, _problems, now = _checked(code)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    body = None
    if (
        filters == OversightFilters()
        and current_language() == DEFAULT_LANGUAGE
        and sees_the_default_report(current_user, code)
    ):
        # The report the scheduler made in advance, while the kommun's data is as it was
        # then: two small queries instead of building the report to find it by content.
        fingerprint = report_fingerprint(db.session, code, now, code_version(app))
        body = report_store(app).default_for(code, fingerprint)
    if body is None:
        body = _by_content(app, municipality, filters, now)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="uppsikt-{code}-{now.isoformat()}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _by_content(
    app: Any, municipality: Municipality, filters: OversightFilters, now: date
) -> bytes:
    """The PDF made from the same content before (stored), else made now."""
    html = report_html(db.session, municipality, current_user, filters, now, for_pdf=True)
    body, _key, _made = stored_or_rendered(
        report_store(app),
        municipality.code,
        html,
        layout=report_layout(app),
        static_folder=app.static_folder or "",
        now=utcnow(),
    )
    return body
