"""A page's visible text, for asserting what a user reads."""

from __future__ import annotations

import html
import re


def text_of(body: bytes) -> str:
    """The page without tags, scripts or styles, entities decoded, spaces collapsed."""
    page = body.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page)).strip()
