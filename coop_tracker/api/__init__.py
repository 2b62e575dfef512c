"""The JSON API's shared base under /api/v1: request checks every resource shares, with its
schemas (``schemas``) and helpers (``common``) beside it. Below the domains: it imports none;
``routes.register_api`` registers the domains' API blueprints and the bearer-token check."""

from __future__ import annotations

import json
from typing import Any

from flask import request

OPENAPI_PATH = "/api/v1/openapi.json"  # public, so clients can discover the API
INVALID_JSON = "Begäran innehåller ogiltig JSON. Kontrollera syntaxen och teckenkodningen."
UNENCODABLE = (
    "Begäran innehåller text som inte är giltig Unicode (ett ensamt surrogattecken, t.ex. "
    "\\ud800). Skicka texten som UTF-8."
)
UNENCODABLE_FIELD = "Innehåller ett tecken som inte är giltig Unicode (ensamt surrogattecken)."


def refuse_non_json_body() -> Any:
    """A body that is not JSON, or JSON nested too deep to parse, is refused with a 400.

    Without this, a form-encoded body would read as "every field missing" and a body of 100 000
    brackets would raise RecursionError (a 500) inside the parser.
    """
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    if request.mimetype == "multipart/form-data" and _accepts_multipart():
        return None  # an upload: the view sets its own size limit before the form is read
    body = request.get_data(cache=True)
    if not body:
        return None
    if not request.is_json:
        return _bad_request("Begäran måste skickas som JSON (Content-Type: application/json).")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return _bad_request(INVALID_JSON)
    field = _unencodable_field(data)
    if field is not None:
        return {
            "error": "bad_request",
            "message": UNENCODABLE,
            "fields": {field: UNENCODABLE_FIELD},
        }, 400
    return None


def _accepts_multipart() -> bool:
    """Whether the matched view takes uploads (its class says ``accepts_multipart = True``)."""
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(getattr(view, "view_class", None), "accepts_multipart", False))


def _unencodable_field(data: Any) -> str | None:
    """The first field (dotted path) whose text cannot be stored as UTF-8, or None.

    JSON may spell half of a UTF-16 surrogate pair on its own (``"\\ud800"``); Python reads it
    into a string that no database, log or page can encode.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not _encodable(value):
                return path or "_schema"
        elif isinstance(value, dict):
            for key, inner in value.items():
                name = f"{path}.{key}" if path else str(key)
                if not _encodable(key):
                    return path or "_schema"
                stack.append((name, inner))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), v) for i, v in enumerate(value))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _bad_request(message: str) -> Any:
    return {"error": "bad_request", "message": message, "fields": {}}, 400
