"""Writing agreements as CSV (Excel with Swedish settings), XLSX and JSON, and the import template.

CSV: UTF-8 with BOM, semicolons, decimal comma, ISO dates, CRLF, one row per agreement; each
party's details follow in "Part N: …" columns so that a CSV round trip keeps everything.
XLSX: a "Samverkan" sheet and a "Parter" sheet with typed cells (dates as dates, numbers as
numbers), a frozen, filterable header row and column widths.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.queries import DerivedDates, derived_dates, derived_dates_for
from coop_tracker.exchange.columns import (
    AGREEMENT_COLUMNS,
    DATE,
    DECIMAL,
    DERIVED_COLUMNS,
    INSTRUCTIONS_SHEET,
    MAIN_SHEET,
    PARTY_FIELD_COLUMNS,
    PARTY_SHEET,
    PARTY_SHEET_COLUMNS,
    Column,
    agreement_values,
    csv_text,
    party_detail_header,
    party_values,
)

CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MIME = "application/json"
EXAMPLE = {
    "Externt id": "KS 2024/118",
    "Namn": "Miljö- och hälsoskydd Vansbro och Malung-Sälen",
    "Samverkansform": "Avtalssamverkan",
    "Fas": "Pågående",
    "Områden": "Miljö- och hälsoskydd; Livsmedelskontroll",
    "Parter": "2021:värd; 2023:beställare",
    "Syfte": "Säkra kompetensen inom tillsynen.",
    "Startdatum": date(2024, 1, 1),
    "Slutdatum": date(2026, 12, 31),
    "Uppsägningstid (månader)": 6,
    "Förlängning": "Förlängs automatiskt (tyst förlängning)",
    "Förlängningsperiod (månader)": 12,
    "Årlig kostnad totalt (kr)": Decimal("850000.00"),
    "Visas publikt": True,
}


def _headers(parties: int) -> list[str]:
    headers = [c.name for c in AGREEMENT_COLUMNS] + [c.name for c in DERIVED_COLUMNS]
    for index in range(1, parties + 1):
        headers += [party_detail_header(index, c) for c in PARTY_FIELD_COLUMNS]
    return headers


def _csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


Derived = Mapping[int, DerivedDates]


def _derived_or_pure(
    agreements: Sequence[Agreement], today: date, derived: Derived | None
) -> Derived:
    """``derived`` as given (from :func:`render`); without it, the dates from the agreements'
    own terms alone — no meeting calendars, no reviews — which needs no database."""
    if derived is not None:
        return derived
    return {a.id: derived_dates(a, today) for a in agreements}


def to_csv(agreements: Sequence[Agreement], today: date, derived: Derived | None = None) -> bytes:
    """One row per agreement, Excel-ready for Swedish settings.

    ``derived``: each agreement's dates from :func:`derived_dates_for` (as :func:`render`
    passes them), so the notice and decide-by columns match the agreement page.
    """
    derived = _derived_or_pure(agreements, today, derived)
    width = max((len(a.parties) for a in agreements), default=0)
    headers = _headers(width)
    rows: list[list[str]] = [headers]
    for agreement in agreements:
        values = agreement_values(agreement, derived[agreement.id])
        for index, party in enumerate(agreement.parties, start=1):
            details = party_values(party)
            for column in PARTY_FIELD_COLUMNS:
                values[party_detail_header(index, column)] = details[column.name]
        rows.append([csv_text(values.get(h)) for h in headers])
    return _csv_bytes(rows)


def template_csv() -> bytes:
    """The import template: our column names and one example row to replace."""
    headers = [c.name for c in AGREEMENT_COLUMNS]
    return _csv_bytes([headers, [csv_text(EXAMPLE.get(h)) for h in headers]])


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _write_sheet(sheet: Any, columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    """A header row and one row per dict, with widths, a frozen header and a filter.

    Works on a write-only (streamed) sheet, which is what makes a national export fast: the
    layout comes before the rows, empty cells are never created, and only cells that need a
    number format or must stay text get a cell object of their own.
    """
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = Cell(sheet, row=1, column=1, value=column.name)  # append() sets the place
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    formats = {DATE: _number_style(sheet, "yyyy-mm-dd"), DECIMAL: _number_style(sheet, "#,##0.00")}
    plan = [(column.name, formats.get(column.kind)) for column in columns]
    for values in rows:
        sheet.append([_cell(sheet, values.get(name), style) for name, style in plan])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _number_style(sheet: Any, number_format: str) -> Any:
    """The style of a cell with ``number_format``, made once and copied onto each cell."""
    from openpyxl.cell import Cell

    cell = Cell(sheet, row=1, column=1)
    cell.number_format = number_format
    return cell._style


def _cell(sheet: Any, raw: Any, style: Any) -> Any:
    """A plain value where openpyxl types it right, else a cell with its type or format fixed
    (``style``: the column's number format, for dates and amounts)."""
    from openpyxl.cell import Cell
    from openpyxl.cell.cell import ERROR_CODES

    if raw is None:
        return None
    if isinstance(raw, str):
        if raw.startswith("=") or raw in ERROR_CODES:
            cell = Cell(sheet, row=1, column=1, value=raw)
            cell.data_type = "s"  # text stays text: never a formula or an error value
            return cell
        return raw
    value = _xlsx_value(raw)
    if style is not None and not isinstance(value, bool):
        return Cell(sheet, row=1, column=1, value=value, style_array=style)
    return value


def _workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_xlsx(agreements: Sequence[Agreement], today: date, derived: Derived | None = None) -> bytes:
    """Two sheets: Samverkan (one row per agreement) and Parter (one row per party).

    ``derived`` as in :func:`to_csv`.
    """
    from openpyxl import Workbook

    derived = _derived_or_pure(agreements, today, derived)
    workbook = Workbook(write_only=True)
    main = workbook.create_sheet(MAIN_SHEET)
    columns = (*AGREEMENT_COLUMNS, *DERIVED_COLUMNS)
    _write_sheet(main, columns, [agreement_values(a, derived[a.id]) for a in agreements])
    parties = workbook.create_sheet(PARTY_SHEET)
    _write_sheet(
        parties, PARTY_SHEET_COLUMNS, [party_values(p) for a in agreements for p in a.parties]
    )
    return _workbook_bytes(workbook)


def template_xlsx() -> bytes:
    """The import template as a workbook: Samverkan, Parter (optional) and instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    main = workbook.active
    main.title = MAIN_SHEET
    _write_sheet(main, AGREEMENT_COLUMNS, [EXAMPLE])
    parties = workbook.create_sheet(PARTY_SHEET)
    _write_sheet(parties, PARTY_SHEET_COLUMNS, [])
    help_sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
    help_sheet.append(["Kolumn", "Vad den ska innehålla"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    notes = [
        ("Allmänt", "En rad per samverkan i bladet Samverkan. Ersätt exempelraden."),
        (
            "Parter",
            "Skriv parterna i kolumnen Parter (kommunkod:roll) eller en rad per part i bladet "
            "Parter, kopplad med Externt id. Bladet Parter behövs bara för beslut och kostnader.",
        ),
        ("Ny import", "Samma fil kan importeras igen: rader med samma Externt id uppdateras."),
    ]
    for name, text in notes:
        help_sheet.append([name, text])
    for column in (*AGREEMENT_COLUMNS, *PARTY_SHEET_COLUMNS[3:]):
        help_sheet.append([column.name, column.hint])
    help_sheet.column_dimensions["A"].width = 34
    help_sheet.column_dimensions["B"].width = 100
    for row in help_sheet.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    return _workbook_bytes(workbook)


# --- JSON -------------------------------------------------------------------------------------


def to_json(
    agreements: Sequence[Agreement], today: date, user: Any = None, derived: Derived | None = None
) -> bytes:
    """``{"items": [...], "total": N}``: each agreement exactly as the API shows it to ``user``,
    plus its ``external_id``. Without ``derived`` each agreement's dates are loaded one by one."""
    from coop_tracker.agreements.api import agreement_payload
    from coop_tracker.api.schemas import AgreementSchema

    schema = AgreementSchema()
    items = []
    for agreement in agreements:
        dates = derived.get(agreement.id) if derived is not None else None
        item = schema.dump(agreement_payload(agreement, user, today, derived=dates))
        item["external_id"] = agreement.external_id
        items.append(item)
    body = {"items": items, "total": len(items), "exported_on": today.isoformat()}
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def render(
    session: Session, fmt: str, agreements: Sequence[Agreement], today: date, user: Any = None
) -> tuple[bytes, str]:
    """The export in a format (csv, xlsx, json) and its MIME type.

    The derived dates (notice deadline, decide-by from the parties' meeting calendars, next
    review from the latest review) are loaded once for every agreement, in a fixed number of
    queries, so they match the agreement page and the oversight report. Load ``agreements``
    with their children (``all_matching``; for JSON shown to a user, with ``contacts=True``).
    """
    if fmt not in ("csv", "xlsx", "json"):
        raise ValueError(f"unknown export format {fmt!r}")
    derived = derived_dates_for(session, list(agreements), today)
    if fmt == "csv":
        return to_csv(agreements, today, derived), CSV_MIME
    if fmt == "xlsx":
        return to_xlsx(agreements, today, derived), XLSX_MIME
    return to_json(agreements, today, user, derived), JSON_MIME
