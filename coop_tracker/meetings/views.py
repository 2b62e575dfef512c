"""Meeting calendar pages per kommun: list and enter, import a CSV file, copy last year."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.clock import today
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.i18n import _, _l, swedish
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_digits
from coop_tracker.core.web import save, submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.meetings import services
from coop_tracker.meetings.forms import ConfirmForm, ImportForm, MeetingForm
from coop_tracker.meetings.models import Meeting
from coop_tracker.meetings.queries import meetings_for, years_with_meetings
from coop_tracker.meetings.rules import BODY_LABELS
from coop_tracker.municipalities.models import Municipality

bp = Blueprint("meetings", __name__, url_prefix="/municipalities")

MAX_UPLOAD_BYTES = 512 * 1024


@bp.record_once
def _audit_labels(state: Any) -> None:
    """Swedish names for the meeting calendar's audit events in the admin log."""
    audit_labels.register_fields(
        "meeting",
        _l("Sammanträde"),
        {
            "body": _l("Organ"),
            "body_name": _l("Nämndens namn"),
            "meeting_on": _l("Sammanträdesdag"),
            "case_deadline_on": _l("Sista dag för ärenden"),
        },
        {"body": BODY_LABELS},
    )
    audit_labels.register_labels("meeting", shower=_meeting_label)


def _meeting_label(label: str) -> str:
    """A meeting's stored label ("Kommunfullmäktige (KF) 2026-06-15 (2021)") with its body
    named in the reader's language."""
    for body in BODY_LABELS.values():
        stored = swedish(body)
        if label.startswith(stored + " "):
            return str(body) + label[len(stored) :]
    return label


def _municipality(code: str) -> Municipality:
    municipality = db.session.get(Municipality, code) if code.isdigit() else None
    if municipality is None or not can(current_user, "meeting.view"):
        abort(404)
    return municipality


def _year() -> int:
    raw = request.args.get("year", "")
    if is_digits(raw, 4) and 1950 <= int(raw) <= 2100:
        return int(raw)
    return today().year


@bp.route("/<code>/meetings", methods=["GET", "POST"])
@login_required
def index(code: str) -> Any:
    """A year's meetings, and (for the kommun's editors) a form to enter one."""
    municipality = _municipality(code)
    may_edit = can(current_user, "meeting.manage", municipality)
    if request.method == "POST" and not may_edit:
        abort(403)
    form = MeetingForm()
    saved = submit(
        form, lambda: services.add_meeting(db.session, code, form.to_input(), actor=web_actor())
    )
    if saved.ok:
        meeting = saved.result
        flash(_("Sammanträdet %(date)s är tillagt.", date=meeting.meeting_on), "success")
        return redirect(url_for("meetings.index", code=code, year=meeting.meeting_on.year))
    year = _year()
    years = sorted({*years_with_meetings(db.session, code), today().year, year}, reverse=True)
    return render_template(
        "meetings/index.html",
        municipality=municipality,
        meetings=meetings_for(db.session, code, year),
        year=year,
        years=years,
        form=form,
        errors=saved.errors,
        may_edit=may_edit,
        confirm=ConfirmForm(),
    ), saved.status


@bp.post("/<code>/meetings/<int:meeting_id>/delete")
@login_required
def delete(code: str, meeting_id: int) -> Any:
    """Remove one meeting."""
    municipality = _municipality(code)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.municipality_code != code:
        abort(404)
    if not can(current_user, "meeting.manage", municipality) or not ConfirmForm().validate():
        abort(403)
    year = meeting.meeting_on.year
    services.delete_meeting(db.session, meeting, actor=web_actor())
    db.session.commit()
    flash(_("Sammanträdet är borttaget."), "success")
    return redirect(url_for("meetings.index", code=code, year=year))


@bp.route("/<code>/meetings/import", methods=["GET", "POST"])
@login_required
def import_file(code: str) -> Any:
    """Import meetings from a CSV file: every row checked, nothing saved if one is wrong."""
    municipality = _municipality(code)
    if not can(current_user, "meeting.manage", municipality):
        abort(403)
    form = ImportForm()

    def import_rows() -> services.ImportResult:
        upload = form.file.data
        raw = upload.read(MAX_UPLOAD_BYTES + 1) if upload else b""
        name = (getattr(upload, "filename", "") or "").lower()
        if not upload or not name:
            raise ValidationFailed({"file": _("Välj en CSV-fil.")})
        if not name.endswith((".csv", ".txt")):
            raise ValidationFailed({"file": _("Filen måste vara en CSV-fil (.csv).")})
        if len(raw) > MAX_UPLOAD_BYTES:
            raise ValidationFailed({"file": _("Filen är för stor (högst 512 kB).")})
        return services.import_meetings(db.session, code, raw, actor=web_actor())

    saved = submit(form, import_rows)
    if saved.ok:
        flash(
            _(
                "Importen är klar: %(created)s nya och %(updated)s ändrade sammanträden.",
                created=saved.result.created,
                updated=saved.result.updated,
            ),
            "success",
        )
        return redirect(url_for("meetings.index", code=code))
    return render_template(
        "meetings/import.html", municipality=municipality, form=form, errors=saved.errors
    ), saved.status


@bp.get("/<code>/meetings/mall.csv")
@login_required
def template_csv(code: str) -> Any:
    """An example file to fill in."""
    _municipality(code)
    return Response(
        services.CSV_TEMPLATE.encode("utf-8-sig"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="sammantraden.csv"'},
    )


@bp.route("/<code>/meetings/copy", methods=["GET", "POST"])
@login_required
def copy(code: str) -> Any:
    """Copy a year's meetings to the next year: same weekday pattern, editable before saving."""
    municipality = _municipality(code)
    if not can(current_user, "meeting.manage", municipality):
        abort(403)
    confirm = ConfirmForm()
    from_year = _from_year()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not confirm.validate():
            abort(400)
        rows = _all_rows_from_form(request.form)
        positions = [i for i, (include, _row) in enumerate(rows) if include]
        saved = save(
            lambda: services.save_meetings(
                db.session,
                code,
                [rows[i][1] for i in positions],
                actor=web_actor(),
                positions=positions,
            )
        )
        errors = saved.errors
        if saved.ok:
            result = saved.result
            flash(
                _(
                    "%(created)s sammanträden är tillagda för %(year)s och %(updated)s ändrade.",
                    created=result.created,
                    year=from_year + 1,
                    updated=result.updated,
                )
                if result.updated
                else _(
                    "%(created)s sammanträden är tillagda för %(year)s.",
                    created=result.created,
                    year=from_year + 1,
                ),
                "success",
            )
            return redirect(url_for("meetings.index", code=code, year=from_year + 1))
    else:
        rows = [(True, row) for row in services.copy_preview(db.session, code, from_year)]
    return render_template(
        "meetings/copy.html",
        municipality=municipality,
        rows=rows,
        from_year=from_year,
        errors=errors,
        confirm=confirm,
    ), (422 if errors else 200)


def _from_year() -> int:
    raw = request.values.get("from", "")
    if is_digits(raw, 4) and 1950 <= int(raw) <= 2099:
        return int(raw)
    return today().year


def _all_rows_from_form(form: Any) -> list[tuple[bool, services.MeetingInput]]:
    rows = []
    index = 0
    while f"rows-{index}-meeting_on" in form and index <= services.MAX_IMPORT_ROWS:
        rows.append(
            (
                bool(form.get(f"rows-{index}-include")),
                services.MeetingInput(
                    body=form.get(f"rows-{index}-body", ""),
                    body_name=form.get(f"rows-{index}-body_name", ""),
                    meeting_on=form.get(f"rows-{index}-meeting_on", ""),
                    case_deadline_on=form.get(f"rows-{index}-case_deadline_on", ""),
                ),
            )
        )
        index += 1
    return rows
