"""Real PDF, DOCX and ODT files made in the tests: WeasyPrint writes the PDF (the app's own
dependency for its reports), python-docx the DOCX and odfpy the ODT."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.api.conftest import api, api_as  # noqa: F401  (the API tests' token clients)


def make_pdf(paragraphs: list[str], title: str = "Dokument") -> bytes:
    from markupsafe import escape
    from weasyprint import HTML

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    page = f"<html lang='sv'><head><title>{escape(title)}</title></head><body>{body}</body></html>"
    return HTML(string=page).write_pdf()


def make_docx(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


MAKERS = {"pdf": make_pdf, "docx": make_docx, "odt": make_odt}


@pytest.fixture
def make_file() -> Any:
    """``make_file("pdf" | "docx" | "odt", ["Stycke ett.", …])`` → the file's bytes."""

    def make(kind: str, paragraphs: list[str]) -> bytes:
        return MAKERS[kind](paragraphs)

    return make
