"""The history tab of an agreement and the administrators' audit log with CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy import select

from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.audit import labels
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import display_name
from coop_tracker.core.collation import swedish
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_digits, is_row_id, strip_control
from coop_tracker.core.web import format_local_time
from coop_tracker.extensions import db
from coop_tracker.history.queries import (
    AuditFilters,
    agreement_events,
    all_events,
    describe_all,
    group_by_request,
    known_values,
    search_events,
)
from coop_tracker.municipalities.models import Municipality

bp = Blueprint("audit", __name__)

SOURCE_LABELS = {
    "web": _l("webbsidan"),
    "api": _l("API"),
    "cli": _l("kommandoraden"),
    "import": _l("import"),
    "scheduler": _l("schemaläggaren"),
}
MAX_PAGE = 1_000_000
CSV_BATCH = 500


@bp.record_once
def _labels(state: Any) -> None:
    state.app.jinja_env.globals.update(AUDIT_SOURCE_LABELS=SOURCE_LABELS)


def _page_number(args: Any, problems: dict[str, str]) -> int:
    raw = args.get("page", "")
    if raw == "":
        return 1
    if not is_digits(raw) or not 1 <= int(raw) <= MAX_PAGE:
        problems["page"] = _("Sida måste vara ett heltal från 1.")
        return 1
    return int(raw)


@bp.get("/agreements/<int:agreement_id>/history")
@login_required
def agreement_history(agreement_id: int) -> Any:
    """Every change to the agreement, its parties, contacts and later records, newest first."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    if not can(current_user, "agreement.history", agreement):
        abort(403)
    problems: dict[str, str] = {}
    page = agreement_events(db.session, agreement.id, page=_page_number(request.args, problems))
    show_internal = can(current_user, "agreement.edit", agreement) or current_user.is_admin
    groups = group_by_request(
        describe_all(
            db.session,
            page.items,
            show_internal=show_internal,
            show_people=can(current_user, "contact.view", agreement),
        )
    )
    return render_template(
        "audit/history.html", agreement=agreement, groups=groups, page=page, problems=problems
    )


def filters_from_request(args: Any) -> tuple[AuditFilters, dict[str, str]]:
    """Audit filters from the query string; a bad value is dropped with a Swedish message."""
    problems: dict[str, str] = {}

    def a_date(name: str, label: str) -> date | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            problems[name] = _("%(label)s måste vara ett datum i formen ÅÅÅÅ-MM-DD.", label=label)
            return None

    agreement_raw = strip_control(args.get("agreement", "")).strip()[:200]
    agreement_id = None
    agreement_name = None
    if agreement_raw:
        if is_digits(agreement_raw) and is_row_id(int(agreement_raw)):
            agreement_id = int(agreement_raw)
        elif agreement_raw.isascii() and agreement_raw.isdigit():  # a number no row can have
            problems["agreement"] = _("Samverkan: numret finns inte.")
        else:
            agreement_name = agreement_raw
    municipality = args.get("municipality", "").strip() or None
    if municipality and not (len(municipality) == 4 and municipality.isdigit()):
        problems["municipality"] = _("Kommunkod måste vara fyra siffror.")
        municipality = None
    filters = AuditFilters(
        actor=(args.get("actor", "").strip()[:120] or None),
        object_type=(args.get("object_type", "").strip()[:40] or None),
        action=(args.get("action", "").strip()[:40] or None),
        date_from=a_date("date_from", _("Från och med")),
        date_to=a_date("date_to", _("Till och med")),
        agreement_id=agreement_id,
        agreement_name=agreement_name,
        municipality=municipality,
        page=_page_number(args, problems),
    )
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        problems["date_to"] = _("Till och med måste vara samma dag som eller efter från och med.")
    return filters, problems


@bp.get("/admin/audit")
@login_required
def index() -> Any:
    """All events, filtered and paginated (administrators)."""
    if not can(current_user, "audit.view_all"):
        abort(403)
    filters, problems = filters_from_request(request.args)
    page = search_events(db.session, filters)
    views = describe_all(db.session, page.items)
    types, actions = known_values(db.session)
    municipalities = list(
        db.session.execute(
            select(Municipality.code, Municipality.name).order_by(swedish(Municipality.name))
        )
    )
    return render_template(
        "audit/index.html",
        page=page,
        views=views,
        filters=filters,
        problems=problems,
        object_types=[(t, labels.object_label(t)) for t in types],
        actions=[(a, labels.action_label(a)) for a in actions],
        municipalities=municipalities,
    ), (422 if problems else 200)


CSV_COLUMNS = (
    _l("Tid"),
    _l("Vem"),
    _l("Användar-id"),
    _l("Via"),
    _l("Händelse"),
    _l("Typ"),
    _l("Objekt-id"),
    _l("Objekt"),
    _l("Samverkan"),
    _l("Kommun"),
    _l("Fält"),
    _l("Före"),
    _l("Efter"),
    _l("Begäran"),
)


def _csv_rows(filters: AuditFilters) -> Iterator[str]:
    """One line per changed field (one per event when nothing field-level changed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    yield "\ufeff"  # Excel needs the BOM to read UTF-8
    # The selection first, so a printed or forwarded file says which part of the log it is.
    writer.writerow([str(_("Urval")), _cell(filters_description(filters))])
    writer.writerow([str(_("Tider")), str(_("Svensk tid (CET/CEST)"))])
    writer.writerow([str(column) for column in CSV_COLUMNS])
    yield flush()
    events = all_events(db.session, filters)
    while batch := list(islice(events, CSV_BATCH)):
        yield from _csv_batch(writer, flush, batch)


def _csv_batch(writer: Any, flush: Callable[[], str], events: list[AuditEvent]) -> Iterator[str]:
    """One batch of events as CSV lines (the names their values point at looked up once)."""
    for event, view in zip(events, describe_all(db.session, events), strict=True):
        base = [
            format_local_time(event.created_at),
            display_name(event.actor_name, event.actor_id),
            event.actor_id or "",
            str(SOURCE_LABELS.get(event.source, event.source)),
            view.action_label,
            view.object_type_label,
            event.object_id,
            view.object_label,
            event.agreement_id or "",
            event.municipality_code or "",
        ]
        rows = [[c.label, c.old, c.new] for c in view.changes] or [["", "", ""]]
        for row in rows:
            writer.writerow([_cell(v) for v in (*base, *row, event.request_id)])
        yield flush()


def filters_description(filters: AuditFilters) -> str:
    """The filters in words: "Vem: Anna; Från och med: 2026-01-01" (or the whole log)."""
    parts = []
    for label, value in (
        (_("Vem"), filters.actor),
        (_("Typ"), labels.object_label(filters.object_type) if filters.object_type else None),
        (_("Händelse"), labels.action_label(filters.action) if filters.action else None),
        (_("Från och med"), filters.date_from.isoformat() if filters.date_from else None),
        (_("Till och med"), filters.date_to.isoformat() if filters.date_to else None),
        (_("Samverkan"), filters.agreement_name or filters.agreement_id),
        (_("Kommun"), filters.municipality),
    ):
        if value:
            parts.append(f"{label}: {value}")
    return "; ".join(parts) or str(_("Hela loggen (inget filter)"))


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (=, +, -, @ at the start of a cell)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/admin/audit.csv")
@login_required
def export_csv() -> Any:
    """The filtered events as CSV for Excel (UTF-8 with BOM, semicolons)."""
    if not can(current_user, "audit.view_all"):
        abort(403)
    filters, problems = filters_from_request(request.args)
    if problems:  # never the whole log in place of the filtered part
        return render_template(
            "errors/error.html", status=400, message=" ".join(problems.values())
        ), 400
    return Response(
        stream_with_context(_csv_rows(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="handelselogg.csv"'},
    )
