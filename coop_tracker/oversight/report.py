"""The meeting report as PDF with WeasyPrint, which may load only the app's own static files.

WeasyPrint would otherwise follow any URL in the HTML (http, file, data): the fetcher below
serves ``/static/…`` from the static folder on disk and refuses everything else, so a report
never reaches the network or reads other files, whatever ends up in its HTML.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from werkzeug.security import safe_join

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


def render_pdf(html: str, static_folder: str) -> bytes:
    """The HTML as PDF bytes."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=local_fetcher(static_folder))
    return document.write_pdf()
