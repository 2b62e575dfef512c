"""Logging for operators: one handler per process, text or JSON, e-mail addresses masked, and
an access log line per request carrying its request id."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

# An address as people write them; good enough to find one inside a log message.
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
HANDLER_NAME = "coop_tracker"
ACCESS_LOGGER = "coop_tracker.access"
# Loggers whose records the handler writes (gunicorn keeps its own error log).
APP_LOGGERS = ("coop_tracker", "apscheduler", "alembic")
# The standard attributes of a LogRecord; anything else was passed in ``extra``.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


def mask_email(text: str) -> str:
    """anna.svensson@vansbro.se → a***@vansbro.se: enough to tell kommuner apart in support,
    not enough to name the person."""
    return EMAIL.sub(r"\1***@\2", text)


class MaskPersonalData(logging.Filter):
    """Masks e-mail addresses in a record's message and arguments before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed format: leave it to the formatter
            return True
        masked = mask_email(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_email(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_email(record.exc_text)
        return True


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record logged during a request ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current_request_id()
        return True


def _current_request_id() -> str:
    if not has_request_context():
        return "-"
    from coop_tracker.core.web import request_id

    return request_id()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def configure_logging(app: Flask) -> None:
    """Install the process's log handler (stderr) once, in the format the settings ask for.

    ``LOG_FORMAT`` is ``text`` (default) or ``json``; ``LOG_LEVEL`` defaults to INFO. The
    masking and request-id filters sit on the handler, so every record it writes is masked,
    whichever logger it came from.
    """
    fmt = str(app.config.get("LOG_FORMAT") or "text").lower()
    level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
    handler = _own_handler()
    if handler is None:
        handler = StderrHandler()
        handler.name = HANDLER_NAME
        handler.addFilter(RequestIdFilter())
        handler.addFilter(MaskPersonalData())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        if handler not in logger.handlers:
            logger.addHandler(handler)
        logger.setLevel(level)
    if app.config.get("ACCESS_LOG", True):
        app.before_request(_start_timer)
        app.after_request(_log_access)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (the journal under systemd; a test's
    capture in tests), never to a stream that has since been closed."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _own_handler() -> logging.Handler | None:
    for handler in logging.getLogger("coop_tracker").handlers:
        if handler.name == HANDLER_NAME:
            return handler
    return None


def _start_timer() -> None:
    g.access_started = time.perf_counter()


def _log_access(response: Response) -> Response:
    """One line per request: client, method, path, status, bytes, milliseconds, request id.

    The client is ``request.remote_addr``: the proxy's address unless ``TRUSTED_PROXIES``
    tells the app to take it from X-Forwarded-For. The query string is left out (it can carry
    a calendar feed's secret or a search for a person's name).
    """
    started = g.get("access_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    from coop_tracker.core.web import request_id

    path = request.path
    if path.startswith("/calendar/"):
        path = "/calendar/…"  # the feed's address is its secret
    logging.getLogger(ACCESS_LOGGER).info(
        '%s "%s %s" %s %s %sms',
        request.remote_addr or "-",
        request.method,
        path,
        response.status_code,
        response.content_length if response.content_length is not None else "-",
        duration_ms if duration_ms is not None else "-",
        extra={
            "client": request.remote_addr,
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "request_id": request_id(),
        },
    )
    return response
