"""Entering, importing and copying a kommun's meeting calendar (all-or-nothing, audited)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.audit.services import diff, plain, record
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _, swedish
from coop_tracker.core.permissions import can
from coop_tracker.meetings.models import Body, Meeting
from coop_tracker.meetings.queries import meetings_for
from coop_tracker.meetings.rules import BODY_ALIASES, BODY_LABELS, same_weekday_next_year

MEETING_FIELDS = ("body", "body_name", "meeting_on", "case_deadline_on")
MAX_IMPORT_ROWS = 1000
# CSV header → field; the first name is the one the template file uses.
COLUMNS: dict[str, tuple[str, ...]] = {
    "body": ("organ", "body"),
    "meeting_on": ("sammantradesdag", "sammanträdesdag", "datum", "meeting_on"),
    "case_deadline_on": ("sista_dag_for_arenden", "sista dag för ärenden", "case_deadline_on"),
    "body_name": ("namnd", "nämnd", "body_name"),
}
CSV_TEMPLATE = "organ;sammantradesdag;sista_dag_for_arenden;namnd\r\nKF;2027-02-15;2027-01-25;\r\n"


@dataclass
class MeetingInput:
    """One meeting as typed (unvalidated)."""

    body: Any = Body.KF
    body_name: Any = ""
    meeting_on: Any = None
    case_deadline_on: Any = None


@dataclass
class ImportResult:
    """What an import or a copy did."""

    created: int = 0
    updated: int = 0
    meetings: list[Meeting] = field(default_factory=list)


def meeting_snapshot(meeting: Meeting) -> dict[str, Any]:
    return {name: plain(getattr(meeting, name)) for name in MEETING_FIELDS}


def _label(code: str, values: dict[str, Any]) -> str:
    body = swedish(BODY_LABELS.get(values["body"], values["body"]))
    name = f" {values['body_name']}" if values.get("body_name") else ""
    return f"{body}{name} {values['meeting_on']} ({code})"


def _validate_one(data: MeetingInput, errors: v.Errors, prefix: str = "", label: str = "") -> dict:
    def name(field_name: str) -> str:
        return prefix + field_name

    def lab(text: str) -> str:
        return f"{label}: {text.lower()}" if label else text

    body = data.body.strip().lower() if isinstance(data.body, str) else data.body
    body = BODY_ALIASES.get(body, body) if isinstance(body, str) else body
    values: dict[str, Any] = {
        "body": v.choice(body, name("body"), lab(_("Organ")), errors, BODY_LABELS, required=True),
        "body_name": v.text(
            data.body_name, name("body_name"), lab(_("Nämndens namn")), errors, max_length=120
        ),
        "meeting_on": v.a_date(
            data.meeting_on, name("meeting_on"), lab(_("Sammanträdesdag")), errors, required=True
        ),
        "case_deadline_on": v.a_date(
            data.case_deadline_on,
            name("case_deadline_on"),
            lab(_("Sista dag för ärenden")),
            errors,
            required=True,
        ),
    }
    if values["body"] == Body.NAMND and not values["body_name"]:
        errors.add(name("body_name"), (f"{label}: " if label else "") + _("Ange vilken nämnd."))
    if values["body"] != Body.NAMND:
        values["body_name"] = ""
    meeting_on, deadline = values["meeting_on"], values["case_deadline_on"]
    if meeting_on and deadline and deadline > meeting_on:
        errors.add(
            name("case_deadline_on"),
            (f"{label}: " if label else "")
            + _("Sista dag för ärenden kan inte vara efter sammanträdet."),
        )
    return values


def _check(code: str, actor: Actor) -> None:
    if actor.user is not None and not can(actor.user, "meeting.manage", code):
        raise PermissionDenied(_("Du kan bara ändra din egen kommuns sammanträdesplan."))


def _key(values: dict[str, Any]) -> tuple[str, str, date]:
    return (values["body"], values["body_name"], values["meeting_on"])


def _save_all(
    session: Session, code: str, rows: list[dict[str, Any]], actor: Actor
) -> ImportResult:
    """Insert or update (same body and day) every row; one audit event per meeting."""
    existing = {
        (m.body, m.body_name, m.meeting_on): m
        for m in session.scalars(select(Meeting).where(Meeting.municipality_code == code))
    }
    result = ImportResult()
    for values in rows:
        meeting = existing.get(_key(values))
        if meeting is None:
            meeting = Meeting(municipality_code=code, **values)
            session.add(meeting)
            session.flush()
            existing[_key(values)] = meeting
            result.created += 1
            action, changes = "create", diff({}, meeting_snapshot(meeting))
        else:
            before = meeting_snapshot(meeting)
            meeting.case_deadline_on = values["case_deadline_on"]
            changes = diff(before, meeting_snapshot(meeting))
            if not changes:
                result.meetings.append(meeting)
                continue
            session.flush()
            result.updated += 1
            action = "update"
        record(
            session,
            actor,
            action=action,
            object_type="meeting",
            object_id=meeting.id,
            label=_label(code, values),
            municipality_code=code,
            changes=changes,
        )
        result.meetings.append(meeting)
    return result


def add_meeting(session: Session, code: str, data: MeetingInput, *, actor: Actor) -> Meeting:
    """Enter one meeting; the same body on the same day is refused."""
    _check(code, actor)
    errors = v.Errors()
    values = _validate_one(data, errors)
    if not errors and session.scalar(
        select(Meeting.id).where(
            Meeting.municipality_code == code,
            Meeting.body == values["body"],
            Meeting.body_name == values["body_name"],
            Meeting.meeting_on == values["meeting_on"],
        )
    ):
        errors.add("meeting_on", _("Det finns redan ett sammanträde för organet den dagen."))
    if errors:
        raise ValidationFailed(dict(errors))
    return _save_all(session, code, [values], actor).meetings[0]


def delete_meeting(session: Session, meeting: Meeting, *, actor: Actor) -> None:
    """Remove a meeting from the calendar."""
    code = meeting.municipality_code
    _check(code, actor)
    record(
        session,
        actor,
        action="delete",
        object_type="meeting",
        object_id=meeting.id,
        label=_label(code, meeting_snapshot(meeting)),
        municipality_code=code,
        changes=diff(meeting_snapshot(meeting), {}),
    )
    session.delete(meeting)
    session.flush()


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed({"file": _("Filen kunde inte läsas: spara den som CSV i UTF-8.")})


def parse_csv(raw: bytes) -> list[MeetingInput]:
    """Rows of a meeting CSV file (semicolon or comma separated, with a header row).

    Raises ValidationFailed naming the file when the header is wrong; row errors are found
    by :func:`import_meetings`.
    """
    text = _decode(raw)
    if not text.strip():
        raise ValidationFailed({"file": _("Filen är tom.")})
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    positions: dict[str, int] = {}
    for field_name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in header:
                positions[field_name] = header.index(alias)
                break
    missing = [
        COLUMNS[f][0] for f in ("body", "meeting_on", "case_deadline_on") if f not in positions
    ]
    if missing:
        raise ValidationFailed(
            {
                "file": _(
                    "Rad 1: kolumner saknas: %(columns)s. Första raden ska vara: "
                    "organ;sammantradesdag;sista_dag_for_arenden;namnd",
                    columns=", ".join(missing),
                )
            }
        )
    rows: list[MeetingInput] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            rows.append(MeetingInput(body=None))  # keep numbering; skipped later
            continue

        def cell(field_name: str, cells: list[str] = cells) -> str:
            index = positions.get(field_name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        rows.append(
            MeetingInput(
                body=cell("body"),
                body_name=cell("body_name"),
                meeting_on=cell("meeting_on"),
                case_deadline_on=cell("case_deadline_on"),
            )
        )
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed({"file": _("Filen får ha högst %(n)s rader.", n=MAX_IMPORT_ROWS)})
    return rows


def import_meetings(session: Session, code: str, raw: bytes, *, actor: Actor) -> ImportResult:
    """Import a CSV file: every row is checked first; one wrong row means nothing is saved.

    Errors are keyed ``row-N-column`` and say "Rad N, kolumn X: …" (N counts the header as 1).
    """
    _check(code, actor)
    rows = parse_csv(raw)
    errors = v.Errors()
    cleaned: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, date], int] = {}
    column_names = {f: COLUMNS[f][0] for f in COLUMNS}
    for index, row in enumerate(rows, start=2):
        if row.body is None:
            continue
        row_errors = v.Errors()
        values = _validate_one(row, row_errors)
        for field_name, message in row_errors.items():
            errors.add(
                f"row-{index}-{field_name}",
                _(
                    "Rad %(row)s, kolumn %(column)s: %(message)s",
                    row=index,
                    column=column_names[field_name],
                    message=message,
                ),
            )
        if row_errors:
            continue
        key = _key(values)
        if key in seen:
            errors.add(
                f"row-{index}-meeting_on",
                _(
                    "Rad %(row)s, kolumn %(column)s: samma organ och dag finns redan på rad "
                    "%(other)s.",
                    row=index,
                    column=column_names["meeting_on"],
                    other=seen[key],
                ),
            )
            continue
        seen[key] = index
        cleaned.append(values)
    if not cleaned and not errors:
        errors.add("file", _("Filen innehåller inga sammanträden."))
    if errors:
        raise ValidationFailed(
            dict(errors), _("Inget importerades. Rätta raderna och försök igen.")
        )
    return _save_all(session, code, cleaned, actor)


def copy_preview(session: Session, code: str, from_year: int) -> list[MeetingInput]:
    """Next year's meetings proposed from ``from_year``'s: same weekday pattern, and each
    case deadline the same number of days before its meeting."""
    proposals = []
    for meeting in meetings_for(session, code, from_year):
        meeting_on = same_weekday_next_year(meeting.meeting_on)
        lead = (meeting.meeting_on - meeting.case_deadline_on).days
        proposals.append(
            MeetingInput(
                body=meeting.body,
                body_name=meeting.body_name,
                meeting_on=meeting_on,
                case_deadline_on=meeting_on - timedelta(days=lead),
            )
        )
    return proposals


def save_meetings(
    session: Session,
    code: str,
    rows: list[MeetingInput],
    *,
    actor: Actor,
    positions: list[int] | None = None,
) -> ImportResult:
    """Save edited rows (the copy preview); every row valid or nothing is saved.

    ``positions`` are the rows' places in the form (errors are keyed ``rows-N-field``).
    """
    _check(code, actor)
    errors = v.Errors()
    cleaned = []
    seen: dict[tuple[str, str, date], int] = {}
    places = positions if positions is not None else list(range(len(rows)))
    for place, row in zip(places, rows, strict=True):
        number = place + 1
        values = _validate_one(row, errors, prefix=f"rows-{place}-", label=_("Rad %(n)s", n=number))
        if values["meeting_on"] and values["body"]:
            key = _key(values)
            if key in seen:
                errors.add(
                    f"rows-{place}-meeting_on",
                    _(
                        "Rad %(row)s: samma organ och dag som rad %(other)s.",
                        row=number,
                        other=seen[key],
                    ),
                )
            seen[key] = number
        cleaned.append(values)
    if not rows:
        errors.add("rows", _("Välj minst ett sammanträde att spara."))
    if errors:
        raise ValidationFailed(dict(errors))
    return _save_all(session, code, cleaned, actor)
