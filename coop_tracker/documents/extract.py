"""Reading an uploaded file: its type from its content (never its name) and its text.

PDF (pypdf), Word DOCX (python-docx's XML reader) and OpenDocument text (odfpy, which parses
through defusedxml). ZIP-based files are checked for their size unpacked before anything is
read, so a small file that unpacks to gigabytes is refused.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass

log = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
KIND_NAMES = {PDF: "PDF", DOCX: "Word (DOCX)", ODT: "OpenDocument (ODT)"}

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_PDF_PAGES = 3000
SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
BLANK_LINES = re.compile(r"\n\s*\n+")


class UnreadableFile(Exception):
    """The file is not one of the accepted kinds, or it is damaged; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "type" | "damaged" | "too_large_unpacked"


@dataclass(frozen=True)
class ReadFile:
    """An accepted file: its real type and the text in it (empty for a scanned PDF)."""

    content_type: str
    text: str


def sniff(data: bytes) -> str:
    """The content type of ``data`` by its content: PDF, DOCX or ODT; else UnreadableFile."""
    if b"%PDF-" in data[:1024]:  # the header may follow up to 1 KB of other bytes
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        raise UnreadableFile("type")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError) as error:
        raise UnreadableFile("type") from error
    raise UnreadableFile("type")


def _check_archive(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UnreadableFile("too_large_unpacked")
        if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
            raise UnreadableFile("too_large_unpacked")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")  # many "protected" PDFs only restrict printing
        except Exception:  # noqa: BLE001 — any failure means: no text to read
            return ""
    pages = []
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES:
            break
        pages.append(page.extract_text() or "")
    return "\n\n".join(pages)


def _docx_text(data: bytes) -> str:
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(io.BytesIO(data)).element.body
    paragraphs = []
    for paragraph in body.iter(qn("w:p")):
        parts = []
        for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
            parts.append(node.text or "" if node.tag == qn("w:t") else " ")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _odt_text(data: bytes) -> str:
    from odf import opendocument, teletype
    from odf.namespaces import TEXTNS

    document = opendocument.load(io.BytesIO(data))
    paragraphs: list[str] = []
    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}

    def walk(node: object) -> None:
        for child in getattr(node, "childNodes", []):
            if getattr(child, "qname", None) in blocks:
                paragraphs.append(teletype.extractText(child))
            else:
                walk(child)

    walk(document.text)
    return "\n".join(paragraphs)


def clean_text(text: str) -> str:
    """Text as stored: no NUL or control characters, single spaces, no runs of blank lines."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def read_file(data: bytes) -> ReadFile:
    """Check the file's type by its content and take out its text; UnreadableFile if it is
    not a PDF, DOCX or ODT file, or cannot be read as the one it claims to be."""
    content_type = sniff(data)
    if content_type != PDF:
        _check_archive(data)
    reader = {PDF: _pdf_text, DOCX: _docx_text, ODT: _odt_text}[content_type]
    try:
        text = reader(data)
    except UnreadableFile:
        raise
    except Exception as error:  # noqa: BLE001 — a damaged file, whatever the library raises
        log.info("Could not read an uploaded %s file: %s", content_type, error)
        raise UnreadableFile("damaged") from error
    return ReadFile(content_type, clean_text(text))
