"""Translation helpers: Swedish is the source language, English comes from translations/en.

UI labels kept in module-level dictionaries use ``_l`` (lazy: translated when rendered, in the
request's language). File formats (the exchange columns, CSV meeting imports) are not UI text:
they read labels through ``in_swedish`` so that a file means the same whatever language the
person who exports or imports it has chosen.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, session
from flask.globals import _cv_app
from flask_babel import force_locale, get_babel, get_locale, get_translations
from flask_babel.speaklater import LazyString

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

__all__ = [
    "LANGUAGES",
    "_",
    "_l",
    "current_language",
    "gettext",
    "has_catalogue",
    "install_template_gettext",
    "in_swedish",
    "ngettext",
    "select_locale",
    "shown_stored",
    "swedish",
]


def _translations() -> Any:
    """The current catalogue, remembered for the request (and for each forced locale).

    Flask-Babel looks the catalogue up through about nine context-local proxies per string;
    an uppsikt table of 120 rows asks for some 2,000 strings, which made translation lookups
    a fifth of the page's time. Here a string costs two attribute reads. The remembered
    catalogue is tied to the locale object Flask-Babel holds, so ``force_locale`` (which
    swaps that object) still switches language.
    """
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return get_translations()
    state = app_ctx.g.__dict__.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # the first string of a request: let Flask-Babel select the locale
        return get_translations()
    assert state is not None  # a babel_locale was found on it
    if getattr(state, "coop_tracker_for", None) is not locale:
        state.coop_tracker_translations = get_translations()
        state.coop_tracker_for = locale
    return state.coop_tracker_translations


def gettext(string: str, **variables: Any) -> str:
    """The string in the request's language, with ``%(name)s`` placeholders filled."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Singular or plural by ``num`` in the request's language; ``%(num)s`` is ``num``."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


_ = gettext


class LazyText(LazyString):
    """A lazy translation that also keeps its Swedish source text (Swedish is the source
    language, so that is the text in Swedish, with no catalogue and no locale switch)."""

    def __init__(self, string: str, **variables: Any) -> None:
        super().__init__(gettext, string, **variables)
        self.source = string % variables if variables else string


def _l(string: str, **variables: Any) -> LazyText:
    """A lazy translation: translated each time it is rendered, in that request's language."""
    return LazyText(string, **variables)


lazy_gettext = _l


def install_template_gettext(app: Flask) -> None:
    """Templates translate through the same remembered catalogue (after Babel's init_app)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # the i18n extension
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


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
    return {key: swedish(label) for key, label in labels.items()}


def swedish(label: Any) -> str:
    """One (possibly lazy) label as Swedish text: for stored text such as audit labels.

    A label made with ``_l`` carries its Swedish source text; anything else is rendered with
    the locale switched to Swedish. The reminder sweep asks this thousands of times, and
    switching locale for each was a quarter of its planning time.
    """
    if isinstance(label, LazyText):
        return label.source
    with force_locale(DEFAULT_LANGUAGE):
        return str(label)


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@functools.cache
def _stored_pattern(message: str) -> re.Pattern[str]:
    """What ``message`` looks like stored with its placeholders filled in."""
    parts = _PLACEHOLDER.split(message)  # text, name, text, name, ..., text
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex + r"\Z", re.S)


def stored_parts(message: str, text: str) -> dict[str, str] | None:
    """The placeholders' parts of ``text`` when it is ``message`` (a Swedish msgid) stored with
    them filled in; None when it is not."""
    found = _stored_pattern(message).match(text)
    return None if found is None else found.groupdict()


def shown_stored_run(text: str, messages: Iterable[str]) -> str:
    """Stored sentences written one after another (joined by a space), each from one of
    ``messages``, shown one by one in the reader's language; from the first one that is not
    the app's, the rest as stored."""
    shown: list[str] = []
    rest = text
    while rest:
        for message in messages:
            pattern = _stored_pattern(message).pattern.removesuffix(r"\Z") + r"(?= |\Z)"
            found = re.match(pattern, rest, re.S)
            if found is not None:
                shown.append(gettext(message, **found.groupdict()))
                rest = rest[found.end() :].removeprefix(" ")
                break
        else:
            shown.append(rest)
            break
    return " ".join(shown)


def shown_stored(
    text: str,
    messages: Iterable[str],
    values: Mapping[str, Callable[[str], str]] | None = None,
) -> str:
    """Stored text the app wrote in Swedish from one of ``messages`` (Swedish msgids with
    ``%(name)s`` placeholders), in the reader's language; any other text (what someone typed)
    as it is. ``values`` shows a placeholder's stored part in the reader's language too."""
    for message in messages:
        found = _stored_pattern(message).match(text)
        if found is not None:
            parts = found.groupdict()
            for name, shown in (values or {}).items():
                if name in parts:
                    parts[name] = shown(parts[name])
            return gettext(message, **parts)
    return text
