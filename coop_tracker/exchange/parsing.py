"""Reading uploaded CSV and XLSX files safely into plain rows, with Swedish errors.

Nothing here trusts the file: the size, row and cell counts are limited; an XLSX is checked as a
zip (every member decompressed with a cap, so a zip bomb is refused before openpyxl sees it, and
XML with a DOCTYPE or entities is refused); openpyxl reads in read-only mode (defusedxml guards
its parser); CSV is decoded as UTF-8 (with or without BOM) or Windows-1252 and its separator is
sniffed from the header. Every problem raises ``FileRejected`` with a message for the user.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coop_tracker.core.errors import DomainError
from coop_tracker.exchange.columns import MAIN_SHEET, PARTY_SHEET

# The command line takes a whole register (moving 10,000 agreements to PostgreSQL, say);
# uploads through the web page are limited further by IMPORT_MAX_ROWS.
MAX_ROWS = 20_000
MAX_COLUMNS = 3000
MAX_CELL_CHARS = 20_000
MAX_UNZIPPED_MEMBER = 40 * 1024 * 1024
MAX_UNZIPPED_TOTAL = 60 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_RATIO = 200
# Title rows above the header are looked for among the first rows only; sheets of notes in front
# of the register, among the first sheets only.
HEADER_SEARCH_ROWS = 10
MAX_SHEETS_SEARCHED = 5
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SAVE_AS = "Spara filen som ”CSV UTF-8 (kommaavgränsad)” eller som Excel-arbetsbok (.xlsx)."


class FileRejected(DomainError):
    """The uploaded file cannot be read; the message says why in Swedish."""

    status = 422
    code = "file_rejected"

    def __init__(self, message: str) -> None:
        super().__init__(message, {"file": message})


@dataclass
class Sheet:
    """A table: its header names and its data rows (with the row number the user sees)."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)

    def records(self) -> list[tuple[int, dict[str, Any]]]:
        """Rows as header → value."""
        out = []
        for number, values in self.rows:
            record = {h: values[i] if i < len(values) else None for i, h in enumerate(self.headers)}
            out.append((number, record))
        return out


@dataclass
class ParsedFile:
    """An uploaded file: the agreements table and, for XLSX, an optional Parter sheet."""

    kind: str
    main: Sheet
    parties: Sheet | None = None


def read_upload(data: bytes, filename: str = "", *, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Parse an upload as XLSX (by content, not by name) or CSV."""
    if not data:
        raise FileRejected("Filen är tom.")
    if data.startswith(OLE_MAGIC):
        raise FileRejected("Det gamla Excel-formatet (.xls) kan inte läsas. " + SAVE_AS)
    looks_xlsx = filename.lower().endswith((".xlsx", ".xlsm"))
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, max_rows=max_rows)
    if looks_xlsx:
        raise FileRejected("Filen är inte en giltig Excel-fil (.xlsx). " + SAVE_AS)
    return read_csv(data, max_rows=max_rows)


# --- CSV --------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or Windows-1252; anything else is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected("Filen är sparad som UTF-16, som inte kan läsas. " + SAVE_AS)
    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            raise FileRejected(
                "Filen säger att den är UTF-8 men innehåller tecken som inte är det. " + SAVE_AS
            ) from None
    elif b"\x00" in data:
        raise FileRejected("Filen är inte en textfil (CSV). " + SAVE_AS)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise FileRejected(
                    "Filens teckenkodning kan inte läsas (varken UTF-8 eller Windows-1252). "
                    + SAVE_AS
                ) from None
    if CONTROL.search(text):
        raise FileRejected(
            "Filen innehåller styrtecken och är troligen inte en CSV-fil. " + SAVE_AS
        )
    return text


def sniff_delimiter(header_line: str) -> str:
    """Semicolon (Excel with Swedish settings), comma or tab: whichever the header uses most."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Parse CSV bytes into one sheet."""
    text = decode(data)
    # A title line above the header ("Vansbro kommun – avtalsregister") may hold no separator:
    # the separator is sniffed from the first line that has one.
    lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    delimiter = sniff_delimiter(
        next((line for line in lines if any(d in line for d in ";,\t")), lines[0])
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    try:
        for record in reader:
            if len(rows) > max_rows + 1:
                raise FileRejected(f"Filen har fler än {max_rows} rader; dela upp den.")
            rows.append(record)
    except csv.Error as error:
        raise FileRejected(
            f"Rad {reader.line_num} kunde inte läsas som CSV ({_csv_reason(error)})."
        ) from None
    return ParsedFile("csv", _sheet(MAIN_SHEET, rows, max_rows))


def _csv_reason(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return "ett fält är för långt"
    if "NUL" in text or "null byte" in text:
        return "raden innehåller nolltecken"
    return "felaktiga citattecken"


# --- XLSX -------------------------------------------------------------------------------------


def check_zip(data: bytes) -> None:
    """Refuse anything that is not a plausible, modest .xlsx before openpyxl opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRejected("Filen är inte en giltig Excel-fil (.xlsx). " + SAVE_AS) from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if len(infos) > MAX_ZIP_MEMBERS:
            raise FileRejected("Excel-filen har för många delar för att vara ett kalkylark.")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise FileRejected("Filen är en zip-fil men inte en Excel-arbetsbok (.xlsx).")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise FileRejected(
                    "Excel-filen är lösenordsskyddad; ta bort skyddet och försök igen."
                )
            if info.file_size > MAX_UNZIPPED_MEMBER or (
                info.file_size > 1024 * 1024
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                raise _bomb()
            total += _inflated_size(archive, info)
            if total > MAX_UNZIPPED_TOTAL:
                raise _bomb()


def _bomb() -> FileRejected:
    return FileRejected(
        "Excel-filen packas upp till orimligt mycket data och har avvisats (möjlig zip-bomb)."
    )


def _inflated_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Decompress one member with a cap (headers can lie) and look for XML entity tricks."""
    size = 0
    tail = b""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    try:
        with archive.open(info) as member:
            while chunk := member.read(64 * 1024):
                size += len(chunk)
                if size > MAX_UNZIPPED_MEMBER:
                    raise _bomb()
                if is_xml:
                    window = (tail + chunk).upper()
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise FileRejected(
                            "Excel-filen innehåller XML-konstruktioner som inte tillåts "
                            "(DOCTYPE/ENTITY) och har avvisats."
                        )
                    tail = chunk[-16:]
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise FileRejected("Excel-filen är skadad och kan inte läsas.") from None
    return size


def read_xlsx(data: bytes, *, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Parse an .xlsx: the Samverkan sheet (or the first) and, if present, the Parter sheet."""
    check_zip(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken files; all mean "unreadable"
        raise FileRejected("Excel-filen kunde inte läsas; den kan vara skadad.") from None
    try:
        names = workbook.sheetnames
        main_name, main = _main_sheet(workbook, names, max_rows)
        parties = None
        if PARTY_SHEET in names and main_name != PARTY_SHEET:
            parties = _sheet(PARTY_SHEET, _xlsx_rows(workbook[PARTY_SHEET], max_rows * 20), None)
    except FileRejected:
        raise
    except Exception:
        raise FileRejected("Excel-filen kunde inte läsas; den kan vara skadad.") from None
    finally:
        workbook.close()
    return ParsedFile("xlsx", main, parties)


def _main_sheet(workbook: Any, names: list[str], max_rows: int) -> tuple[str, Sheet]:
    """The Samverkan sheet; else the first sheet that is a table (a header of at least two
    columns), so that a "Läs mig" sheet of notes in front of the register is passed over;
    else the first sheet."""
    if MAIN_SHEET in names:
        return MAIN_SHEET, _sheet(MAIN_SHEET, _xlsx_rows(workbook[MAIN_SHEET], max_rows), max_rows)
    first: Sheet | FileRejected | None = None  # the first sheet as read, or why it could not be
    for name in [n for n in names if n != PARTY_SHEET][:MAX_SHEETS_SEARCHED]:
        try:
            sheet: Sheet | FileRejected = _sheet(
                name, _xlsx_rows(workbook[name], max_rows), max_rows
            )
        except FileRejected as refused:
            sheet = refused
        if name == names[0]:
            first = sheet
        if isinstance(sheet, Sheet) and sum(1 for h in sheet.headers if h) >= 2:
            return name, sheet
    if isinstance(first, FileRejected):
        raise first
    if first is not None:
        return names[0], first
    return names[0], _sheet(names[0], _xlsx_rows(workbook[names[0]], max_rows), max_rows)


def _xlsx_rows(worksheet: Any, max_rows: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for values in worksheet.iter_rows(values_only=True):
        if len(rows) > max_rows + 1:
            raise FileRejected(f"Filen har fler än {max_rows} rader; dela upp den.")
        if len(values) > MAX_COLUMNS:
            raise FileRejected(f"Filen har fler än {MAX_COLUMNS} kolumner.")
        rows.append(list(values))
    return rows


# --- shared -----------------------------------------------------------------------------------


def _sheet(name: str, rows: list[list[Any]], max_rows: int | None) -> Sheet:
    """The header is the first non-empty row with two or more filled cells (title rows of one
    cell above it, such as a merged "Vansbro kommun – avtalsregister", are passed over), or
    the first non-empty row when none has two; empty rows are skipped; limits are checked."""
    numbered = [(i + 1, row) for i, row in enumerate(rows) if not _blank(row)]
    if not numbered:
        raise FileRejected(f"Bladet {name} är tomt: det saknar rubrikrad.")
    start = next(
        (i for i, (_, row) in enumerate(numbered[:HEADER_SEARCH_ROWS]) if _filled(row) >= 2), 0
    )
    numbered = numbered[start:]
    header_number, header_row = numbered[0]
    headers = [str(h).strip() if h is not None else "" for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise FileRejected(f"Filen har fler än {MAX_COLUMNS} kolumner.")
    seen: set[str] = set()
    for header in headers:
        if header and header.lower() in seen:
            raise FileRejected(f"Kolumnen ”{header[:60]}” finns två gånger i bladet {name}.")
        seen.add(header.lower())
    data = numbered[1:]
    if max_rows is not None and len(data) > max_rows:
        raise FileRejected(f"Filen har fler än {max_rows} rader; dela upp den.")
    for number, row in data:
        for value in row:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise FileRejected(
                    f"Rad {number} har en cell med mer än {MAX_CELL_CHARS} tecken; "
                    "kontrollera att rätt fil är vald."
                )
    return Sheet(name, headers, [(n, list(r[: len(headers)])) for n, r in data])


def _filled(row: Iterable[Any]) -> int:
    return sum(1 for v in row if not (v is None or (isinstance(v, str) and not v.strip())))


def _blank(row: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)
