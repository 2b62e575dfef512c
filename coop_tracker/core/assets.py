"""Static files under a URL that names their content: ``/static/css/app.css?v=3f2a9c0d1e``.

Without it a browser asks the server again for every stylesheet, script and icon on every page
(and gets "304 Not Modified" each time: five round trips per page on a slow municipal network).
A URL carrying the file's digest may be kept for a year without asking: an edited file gets a
new digest, so a new URL, and the browser fetches it once. A request without the digest, or with
an old one, gets Flask's default (revalidate each time).
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600
PARAMETER = "v"


class StaticDigests:
    """The digest of each static file, computed once per file and size and modification time
    (so a file edited while the app runs gets a new one)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.known: dict[str, tuple[tuple[int, int], str]] = {}

    def digest(self, filename: str) -> str | None:
        path = os.path.join(self.folder, filename)
        try:
            stat = os.stat(path)
        except (OSError, ValueError):
            return None
        stamp = (stat.st_size, stat.st_mtime_ns)
        found = self.known.get(filename)
        if found is not None and found[0] == stamp:
            return found[1]
        with open(path, "rb") as handle:
            value = hashlib.sha256(handle.read()).hexdigest()[:12]
        self.known[filename] = (stamp, value)
        return value


def init_app(app: Flask) -> None:
    """Add the digest to every ``url_for("static", …)`` and let a browser keep such a file."""
    if app.static_folder is None:
        return
    digests = StaticDigests(app.static_folder)
    default_max_age = app.get_send_file_max_age

    @app.url_defaults
    def add_digest(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and PARAMETER not in values and "filename" in values:
            digest = digests.digest(str(values["filename"]))
            if digest is not None:
                values[PARAMETER] = digest

    def max_age(filename: str | None) -> int | None:
        if filename and request.args.get(PARAMETER) == digests.digest(filename):
            return ONE_YEAR
        return default_max_age(filename)

    app.get_send_file_max_age = max_age  # type: ignore[method-assign]
