"""The meeting report as PDF with WeasyPrint, which may load only the app's own static files.

WeasyPrint would otherwise follow any URL in the HTML (http, file, data): the fetcher below
serves ``/static/…`` from the static folder on disk and refuses everything else, so a report
never reaches the network or reads other files, whatever ends up in its HTML.

The PDF is tagged PDF/UA-1 (structure tree, document language and title, bookmarks from the
headings, table headers), as documents a public body publishes must be accessible. Laying a
long report out takes seconds, so each PDF is stored once made (``ReportStore``), found again by
its content: the report's HTML is built first (a fraction of a second), and its digest, the
*data version* printed on the PDF, names the stored file. Whatever decides what a report shows
(the register, the filters, the day, the language, what the reader may see) is in that HTML, so
a stored file is served only to a reader who would get exactly the same report. The scheduler
makes each kommun's default report in advance (``oversight/jobs.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import re
import tempfile
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, render_template
from sqlalchemy.orm import Session
from werkzeug.security import safe_join

from coop_tracker.agreements.dates import add_months
from coop_tracker.annual.queries import group_duties, open_duties
from coop_tracker.core.clock import STOCKHOLM
from coop_tracker.core.files import private_dir
from coop_tracker.costs.queries import kommun_costs
from coop_tracker.municipalities.models import Municipality
from coop_tracker.oversight.queries import (
    OversightFilters,
    Overview,
    kommun_data_version,
    oversight,
)

log = logging.getLogger(__name__)

# A base URL that is never fetched: links in the HTML resolve against it and the fetcher maps
# its /static/ path to the disk.
BASE_URL = "https://samverkanskollen.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


class RefusedResource(ValueError):
    """A resource outside the app's static folder."""


def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalStaticFetcher(URLFetcher):
        """Serves the app's static files from disk; refuses every other URL."""

        def __init__(self, static_folder: str) -> None:
            super().__init__(timeout=1, allowed_protocols=())
            self.static_folder = static_folder

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(STATIC_PREFIX):
                raise RefusedResource(f"Refused to load {url[:80]!r} into a report")
            relative = unquote(urlsplit(url).path)[len("/static/") :]
            path = safe_join(self.static_folder, relative)
            if path is None or not Path(path).is_file():
                raise RefusedResource(f"No static file {relative[:80]!r}")
            mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=Path(path).read_bytes(), headers={"Content-Type": mimetype}
            )

    return LocalStaticFetcher


def local_fetcher(static_folder: str) -> Any:
    """A WeasyPrint URL fetcher limited to ``static_folder``."""
    return _fetcher_class()(static_folder)


PDF_VARIANT = "pdf/ua-1"
# Stored reports kept per kommun; older ones are removed when a new one is stored.
KEEP_PER_KOMMUN = 20
# Where the data version and the time of making go in the HTML: comments, which no text from
# the register can produce (the template escapes every "<" of the data).
VERSION_MARK = "<!--data-version-->"
MADE_MARK = "<!--made-at-->"


def annual_and_costs(
    session: Session, code: str, viewer: Any, overview: Overview, today: date, months: int
) -> dict[str, Any]:
    """The årshjul's open duties and the kommun's computed cost shares (page and report)."""
    return {
        "annual_duties": open_duties(session, code, viewer, today, add_months(today, months)),
        "kommun_costs": kommun_costs(
            session, code, [row.agreement for row in overview.all_rows], today
        ),
    }


def report_html(
    session: Session,
    municipality: Municipality,
    viewer: Any,
    filters: OversightFilters,
    today: date,
    *,
    for_pdf: bool,
) -> str:
    """The meeting report as ``viewer`` may see it (in a request or a test request context).
    For the PDF, the data version and the time of making are left as marks (``stamped``)."""
    code = municipality.code
    overview = oversight(session, code, viewer, filters, today)
    extras = annual_and_costs(session, code, viewer, overview, today, filters.months)
    version = kommun_data_version(session, code, [r.agreement.id for r in overview.all_rows])
    return render_template(
        "oversight/report.html",
        municipality=municipality,
        overview=overview,
        filters=filters,
        today=today,
        author=viewer,
        for_pdf=for_pdf,
        pdf_static=STATIC_PREFIX,  # the same in every process, whatever the URL prefix
        data_as_of=version[1] if version else None,
        annual_groups=group_duties(extras["annual_duties"]),
        **extras,
    )


def content_version(html: str) -> str:
    """The report's data version: a digest of everything it shows."""
    return hashlib.sha256(html.encode()).hexdigest()[:12]


def stamped(html: str, version: str, made_at: datetime) -> str:
    """The HTML with its data version and the (Swedish) time it was made filled in."""
    made = made_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    return html.replace(VERSION_MARK, version).replace(MADE_MARK, made)


def stored_or_rendered(
    store: ReportStore,
    code: str,
    html: str,
    *,
    layout: str,
    static_folder: str,
    now: datetime,
) -> tuple[bytes, str, bool]:
    """The PDF of this report's HTML: the stored file when one was made from the same content
    and layout, else made now and stored. Returns the PDF, its store key and whether it was
    made now."""
    key = store.key(content_version(html), layout, PDF_VARIANT)
    body = store.get(code, key)
    if body is not None:
        return body, key, False
    body = render_pdf(stamped(html, content_version(html), now), static_folder)
    try:
        store.put(code, key, body)
    except OSError:  # a full or read-only disk costs speed, not the report
        log.exception("Could not store the meeting report for %s", code)
    return body, key, True


def render_pdf(html: str, static_folder: str) -> bytes:
    """The HTML as a tagged, accessible PDF (PDF/UA-1)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=local_fetcher(static_folder))
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def report_store(app: Flask) -> ReportStore:
    """The app's stored reports: ``REPORT_DIR``, else ``instance/reports``."""
    configured = app.config.get("REPORT_DIR")
    return ReportStore(Path(configured) if configured else Path(app.instance_path) / "reports")


def report_layout(app: Flask) -> str:
    """The fingerprint of what lays the HTML out (its style sheet, WeasyPrint's version): the
    templates are in the HTML itself."""
    from weasyprint import __version__ as weasyprint_version

    css = Path(app.static_folder or "") / "css" / "report.css"
    return layout_fingerprint(str(css), weasyprint_version)


@cache
def layout_fingerprint(*paths: str) -> str:
    """What the report's style sheet (and renderer) look like, so that a new version of the
    application never serves a PDF laid out by the previous one."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        file = Path(path)
        digest.update(path.encode())
        digest.update(file.read_bytes() if file.is_file() else b"-")
    return digest.hexdigest()[:16]


class ReportStore:
    """Finished PDFs on disk, one folder per kommun, named by the hash of everything that
    decides their content (filters, language, date, reader, data version, layout)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(*parts: object) -> str:
        return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()

    def _path(self, code: str, key: str) -> Path:
        if not (len(code) == 4 and code.isascii() and code.isdigit()):  # a kommunkod, no path
            raise ValueError(code)
        return self.folder / code / f"{key}.pdf"

    def get(self, code: str, key: str) -> bytes | None:
        try:
            return self._path(code, key).read_bytes()
        except FileNotFoundError:
            return None

    def mark_default(self, code: str, fingerprint: str, key: str) -> None:
        """Note that the kommun's default report for ``fingerprint`` is stored under ``key``."""
        note = self._path(code, key).parent / "default.json"
        private_dir(note.parent)
        handle, temporary = tempfile.mkstemp(dir=note.parent, suffix=".part")
        with os.fdopen(handle, "w") as out:
            json.dump({"fingerprint": fingerprint, "key": key}, out)
        os.replace(temporary, note)

    def default_is_current(self, code: str, fingerprint: str) -> bool:
        """Whether the default report made for ``fingerprint`` is still stored."""
        return self.default_for(code, fingerprint) is not None

    def default_for(self, code: str, fingerprint: str) -> bytes | None:
        """The default report made for ``fingerprint``, if it is stored."""
        try:
            note = json.loads((self._path(code, "0").parent / "default.json").read_text())
        except (FileNotFoundError, ValueError):
            return None
        key = str(note.get("key", ""))
        if note.get("fingerprint") != fingerprint or not re.fullmatch(r"[0-9a-f]{64}", key):
            return None
        return self.get(code, key)

    def put(self, code: str, key: str, body: bytes) -> None:
        """Store atomically (two workers may make the same report at once) and keep the
        newest ``KEEP_PER_KOMMUN`` reports of the kommun."""
        path = self._path(code, key)
        private_dir(path.parent)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        stored = sorted(path.parent.glob("*.pdf"), key=_modified, reverse=True)
        for old in stored[KEEP_PER_KOMMUN:]:
            old.unlink(missing_ok=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile by another worker
        return 0.0
