"""Writing agreements as CSV (Excel with Swedish settings), XLSX and JSON, and the import template.

CSV: UTF-8 with BOM, semicolons, decimal comma, ISO dates, CRLF, one row per agreement; each
party's details follow in "Part N: …" columns so that a CSV round trip keeps everything.
XLSX: a "Samverkan" sheet and a "Parter" sheet with typed cells (dates as dates, numbers as
numbers), a frozen, filterable header row and column widths.

What the import does not read comes after (from :func:`render`, which loads it): the
documents (a "Dokument" column in CSV, a "Dokument" sheet in XLSX, ``documents`` in JSON) and
each party's computed cost share for last year, this year and next year from the cost model
("Part N: Kostnad …" columns, a "Kostnadsandelar" sheet, ``cost_shares``). The import ignores
columns and sheets it does not know, so an exported file still imports as it is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.core.i18n import in_swedish
from coop_tracker.costs.queries import PartyCost, party_costs
from coop_tracker.documents.models import Document
from coop_tracker.documents.rules import TYPE_LABELS
from coop_tracker.exchange.columns import (
    AGREEMENT_COLUMNS,
    BOOL,
    DATE,
    DECIMAL,
    DERIVED_COLUMNS,
    INSTRUCTIONS_SHEET,
    INT,
    MAIN_SHEET,
    PARTY_FIELD_COLUMNS,
    PARTY_SHEET,
    PARTY_SHEET_COLUMNS,
    TEXT,
    Column,
    agreement_values,
    csv_text,
    party_detail_header,
    party_values,
)
from coop_tracker.schedule.queries import derived_dates_for
from coop_tracker.schedule.rules import DerivedDates, derived_dates

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
    "Avtalstid": "Avtalsperiod och därefter tills vidare",
    "Uppsägningstid (månader)": 12,
    "Uppsägningen räknas till": "Närmaste årsskifte efter uppsägningstiden",
    "Förlängning": "Ingen förlängning",
    "Årlig kostnad totalt (kr)": Decimal("850000.00"),
    "Visas publikt": True,
}


DOCUMENT_SHEET = "Dokument"
COST_SHEET = "Kostnadsandelar"
DOCUMENT_TYPE_LABELS = in_swedish(TYPE_LABELS)
_NOT_READ = "Läses inte vid import."


@dataclass(frozen=True)
class Extras:
    """What the export adds beyond the importable fields: each agreement's documents and its
    parties' computed cost shares (``year`` is this year)."""

    year: int
    documents: Mapping[int, Sequence[Document]] = field(default_factory=dict)
    costs: Mapping[int, tuple[list[PartyCost], list[str]]] = field(default_factory=dict)


def load_extras(session: Session, agreements: Sequence[Agreement], today: date) -> Extras:
    """The agreements' documents (with their versions) and cost shares, in a fixed number of
    queries."""
    ids = [a.id for a in agreements]
    documents: dict[int, list[Document]] = {}
    if ids:
        for document in session.scalars(
            select(Document)
            .where(Document.agreement_id.in_(ids))
            .order_by(Document.agreement_id, Document.doc_type, Document.title, Document.id)
        ):
            documents.setdefault(document.agreement_id, []).append(document)
    return Extras(today.year, documents, party_costs(session, agreements, today))


def document_columns() -> tuple[Column, ...]:
    return (
        Column("external_id", "Externt id", TEXT, _NOT_READ, 16),
        Column("id", "Id", INT, _NOT_READ, 8),
        Column("agreement_title", "Samverkan", TEXT, _NOT_READ, 36),
        Column("type", "Dokumenttyp", TEXT, _NOT_READ, 22),
        Column("title", "Titel", TEXT, _NOT_READ, 36),
        Column("reference", "Diarienummer", TEXT, "Den gällande versionens.", 16),
        Column("decided_on", "Beslutad", DATE, "Den gällande versionens beslutsdag.", 12),
        Column("valid_from", "Gäller från", DATE, "", 12),
        Column("valid_to", "Gäller till", DATE, "", 12),
        Column("version", "Version", INT, "Den gällande versionens nummer.", 8),
        Column("change_note", "Vad som ändrades", TEXT, "I den gällande versionen.", 30),
        Column("filename", "Fil", TEXT, "Filens namn; filen hämtas i Samverkanskollen.", 24),
        Column("link_url", "Länk till diariet", TEXT, "", 30),
        Column("is_public", "Filen visas publikt", BOOL, "", 10),
        Column("note", "Anteckning", TEXT, "", 30),
    )


def cost_columns(year: int) -> tuple[Column, ...]:
    return (
        Column("external_id", "Externt id", TEXT, _NOT_READ, 16),
        Column("id", "Id", INT, _NOT_READ, 8),
        Column("agreement_title", "Samverkan", TEXT, _NOT_READ, 36),
        Column("code", "Part", TEXT, "Kommunkod, eller org-id för en annan organisation.", 10),
        Column("name", "Partens namn", TEXT, _NOT_READ, 20),
        Column("last", f"Kostnad {year - 1} (kr)", DECIMAL, "Beräknad ur kostnadsmodellen.", 14),
        Column("this", f"Kostnad {year} (kr)", DECIMAL, "Beräknad ur kostnadsmodellen.", 14),
        Column("change", f"Förändring {year - 1}–{year} (kr)", DECIMAL, "", 14),
        Column("next", f"Kostnad {year + 1} (kr)", DECIMAL, "Beräknad ur kostnadsmodellen.", 14),
        Column("share_percent", f"Andel {year} (%)", DECIMAL, "", 10),
        Column("problems", "Anmärkning", TEXT, "Varför ett år inte kan beräknas.", 40),
    )


def _party_cost_headers(index: int, year: int) -> dict[str, str]:
    """The CSV columns of the index-th party's computed cost share."""
    return {
        "this": f"Part {index}: kostnad {year} (kr)",
        "next": f"Part {index}: kostnad {year + 1} (kr)",
        "change": f"Part {index}: förändring {year - 1}–{year} (kr)",
        "share_percent": f"Part {index}: andel {year} (%)",
    }


def document_rows(agreement: Agreement, documents: Sequence[Document]) -> list[dict[str, Any]]:
    """Column name → value for each document of an agreement (its current version)."""
    rows = []
    for document in documents:
        current = document.current
        values = {
            "external_id": agreement.external_id,
            "id": agreement.id,
            "agreement_title": agreement.title,
            "type": DOCUMENT_TYPE_LABELS.get(document.doc_type, document.doc_type),
            "title": document.title,
            "reference": current.reference or None,
            "decided_on": current.decided_on,
            "valid_from": current.valid_from,
            "valid_to": current.valid_to,
            "version": current.number,
            "change_note": current.change_note or None,
            "filename": current.filename or None,
            "link_url": current.link_url or None,
            "is_public": document.is_public,
            "note": document.note or None,
        }
        rows.append({c.name: values[c.key] for c in document_columns()})
    return rows


def documents_cell(documents: Sequence[Document]) -> str | None:
    """An agreement's documents in one CSV cell: ``Typ: Titel (diarienummer, version N)``."""
    parts = []
    for document in documents:
        current = document.current
        details = [d for d in (current.reference, f"version {current.number}") if d]
        label = DOCUMENT_TYPE_LABELS.get(document.doc_type, document.doc_type)
        parts.append(f"{label}: {document.title} ({', '.join(details)})")
    return "; ".join(parts) or None


def cost_rows(agreement: Agreement, extras: Extras) -> list[dict[str, Any]]:
    """Column name → value for each party's computed share in an agreement with a cost model."""
    if agreement.id not in extras.costs:
        return []
    parties, problems = extras.costs[agreement.id]
    columns = cost_columns(extras.year)
    rows = []
    for party in parties:
        values = {
            "external_id": agreement.external_id,
            "id": agreement.id,
            "agreement_title": agreement.title,
            "code": party.code,
            "name": party.name,
            "last": party.last,
            "this": party.this,
            "change": party.change,
            "next": party.next,
            "share_percent": party.share_percent,
            "problems": " ".join(problems) or None,
        }
        rows.append({c.name: values[c.key] for c in columns})
    return rows


def _headers(parties: int, extras: Extras | None = None) -> list[str]:
    headers = [c.name for c in AGREEMENT_COLUMNS] + [c.name for c in DERIVED_COLUMNS]
    for index in range(1, parties + 1):
        headers += [party_detail_header(index, c) for c in PARTY_FIELD_COLUMNS]
    if extras is not None:
        headers.append(DOCUMENT_SHEET)
        for index in range(1, parties + 1):
            headers += _party_cost_headers(index, extras.year).values()
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


def to_csv(
    agreements: Sequence[Agreement],
    today: date,
    derived: Derived | None = None,
    extras: Extras | None = None,
) -> bytes:
    """One row per agreement, Excel-ready for Swedish settings.

    ``derived``: each agreement's dates from :func:`derived_dates_for` (as :func:`render`
    passes them), so the notice and decide-by columns match the agreement page. ``extras``
    (from :func:`load_extras`): a Dokument column and each party's computed cost share last.
    """
    derived = _derived_or_pure(agreements, today, derived)
    width = max((len(a.parties) for a in agreements), default=0)
    headers = _headers(width, extras)
    rows: list[list[str]] = [headers]
    for agreement in agreements:
        values = agreement_values(agreement, derived[agreement.id])
        for index, party in enumerate(agreement.parties, start=1):
            details = party_values(party)
            for column in PARTY_FIELD_COLUMNS:
                values[party_detail_header(index, column)] = details[column.name]
        if extras is not None:
            values[DOCUMENT_SHEET] = documents_cell(extras.documents.get(agreement.id, ()))
            shares, _problems = extras.costs.get(agreement.id, ([], []))
            by_code = {s.code: s for s in shares}
            for index, party in enumerate(agreement.parties, start=1):
                share = by_code.get(party.municipality_code or f"org-{party.organisation_id}")
                if share is None:
                    continue
                for key, header in _party_cost_headers(index, extras.year).items():
                    values[header] = getattr(share, key)
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


def to_xlsx(
    agreements: Sequence[Agreement],
    today: date,
    derived: Derived | None = None,
    extras: Extras | None = None,
) -> bytes:
    """Samverkan (one row per agreement) and Parter (one row per party); with ``extras`` also
    Dokument (one row per document) and Kostnadsandelar (one row per party and agreement with
    a cost model), which the import does not read.

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
    if extras is not None:
        _write_sheet(
            workbook.create_sheet(DOCUMENT_SHEET),
            document_columns(),
            [row for a in agreements for row in document_rows(a, extras.documents.get(a.id, ()))],
        )
        _write_sheet(
            workbook.create_sheet(COST_SHEET),
            cost_columns(extras.year),
            [row for a in agreements for row in cost_rows(a, extras)],
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


def _json_documents(agreement: Agreement, extras: Extras) -> list[dict[str, Any]]:
    """The agreement's documents in their current version (the type as its code)."""
    items = []
    for document in extras.documents.get(agreement.id, ()):
        current = document.current
        items.append(
            {
                "type": document.doc_type,
                "title": document.title,
                "reference": current.reference or None,
                "decided_on": _json_scalar(current.decided_on),
                "valid_from": _json_scalar(current.valid_from),
                "valid_to": _json_scalar(current.valid_to),
                "version": current.number,
                "change_note": current.change_note or None,
                "filename": current.filename or None,
                "link_url": current.link_url or None,
                "is_public": document.is_public,
                "note": document.note or None,
            }
        )
    return items


def _json_costs(agreement: Agreement, extras: Extras) -> dict[str, Any] | None:
    if agreement.id not in extras.costs:
        return None
    parties, problems = extras.costs[agreement.id]
    return {
        "year": extras.year,
        "parties": [
            {
                "party": p.code,
                "name": p.name,
                "last_year": _json_scalar(p.last),
                "this_year": _json_scalar(p.this),
                "next_year": _json_scalar(p.next),
                "change_from_last_year": _json_scalar(p.change),
                "share_percent": _json_scalar(p.share_percent),
            }
            for p in parties
        ],
        "problems": problems,
    }


def _json_scalar(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_json(
    agreements: Sequence[Agreement],
    today: date,
    user: Any = None,
    derived: Derived | None = None,
    extras: Extras | None = None,
) -> bytes:
    """``{"items": [...], "total": N}``: each agreement exactly as the API shows it to ``user``,
    plus its ``external_id``; with ``extras`` also its ``documents`` and ``cost_shares``
    (``null`` without a cost model). Without ``derived`` each agreement's dates are loaded one
    by one."""
    from coop_tracker.agreements.api import agreement_payload
    from coop_tracker.agreements.payload_schemas import AgreementSchema

    schema = AgreementSchema()
    items = []
    for agreement in agreements:
        dates = derived.get(agreement.id) if derived is not None else None
        item = schema.dump(agreement_payload(agreement, user, today, derived=dates))
        item["external_id"] = agreement.external_id
        if extras is not None:
            item["documents"] = _json_documents(agreement, extras)
            item["cost_shares"] = _json_costs(agreement, extras)
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
    extras = load_extras(session, agreements, today)
    if fmt == "csv":
        return to_csv(agreements, today, derived, extras), CSV_MIME
    if fmt == "xlsx":
        return to_xlsx(agreements, today, derived, extras), XLSX_MIME
    return to_json(agreements, today, user, derived, extras), JSON_MIME
