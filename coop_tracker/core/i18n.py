"""Translation helpers: Swedish is the source language, English comes from translations/en.

UI labels kept in module-level dictionaries use ``_l`` (lazy: translated when rendered, in the
request's language). File formats (the exchange columns, CSV meeting imports) are not UI text:
they read labels through ``in_swedish`` so that a file means the same whatever language the
person who exports or imports it has chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import has_request_context, session
from flask_babel import force_locale, get_babel, get_locale, gettext, lazy_gettext, ngettext

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

_ = gettext
_l = lazy_gettext
__all__ = [
    "LANGUAGES",
    "_",
    "_l",
    "current_language",
    "has_catalogue",
    "in_swedish",
    "ngettext",
    "select_locale",
    "swedish",
]


def select_locale() -> str:
    """Swedish unless the user chose English (kept in the session by /sprak/<lang>).

    Outside a request (CLI commands, the reminder sweep, digest mail) it is always Swedish, and
    so it is when the chosen language has no compiled catalogue (``make translations`` builds
    them): the page then says ``lang="sv"`` rather than English that is not there.
    """
    if has_request_context():
        chosen = session.get("lang")
        if chosen in LANGUAGES and (chosen == DEFAULT_LANGUAGE or has_catalogue(chosen)):
            return chosen
    return DEFAULT_LANGUAGE


def has_catalogue(language: str) -> bool:
    """Whether a compiled catalogue (.mo) for ``language`` exists in a translation directory."""
    return any(
        (Path(directory) / language / "LC_MESSAGES" / "messages.mo").is_file()
        for directory in get_babel().translation_directories
    )


def current_language() -> str:
    """The language of this request ("sv" or "en"); Swedish outside a request."""
    locale = get_locale()
    return str(locale) if locale is not None else DEFAULT_LANGUAGE


def in_swedish(labels: Mapping[str, Any]) -> dict[str, str]:
    """A label mapping with every (possibly lazy) label as its Swedish text."""
    with force_locale(DEFAULT_LANGUAGE):
        return {key: str(label) for key, label in labels.items()}


def swedish(label: Any) -> str:
    """One (possibly lazy) label as Swedish text: for stored text such as audit labels."""
    with force_locale(DEFAULT_LANGUAGE):
        return str(label)
