"""Helpers for views: the request's actor, template filters and globals, security headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup

from coop_tracker.config import DEFAULT_BASE_URL
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import STOCKHOLM
from coop_tracker.core.errors import DomainError, StaleVersion, ValidationFailed
from coop_tracker.core.i18n import current_language
from coop_tracker.core.permissions import can

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def web_actor() -> Actor:
    """The actor of the current request (a logged-in user, via the page or the API)."""
    user = current_user if current_user.is_authenticated else None
    source = "api" if request.path.startswith("/api/") else "web"
    user = getattr(g, "api_user", None) or user
    return Actor(user=user, source=source, request_id=request_id())


@dataclass
class Saved:
    """What a form's service call came to: its result, or the field errors or the conflict."""

    result: Any = None
    errors: dict[str, str] = field(default_factory=dict)
    conflict: StaleVersion | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.conflict is None


def save(call: Callable[[], Any], *, domain_error_field: str | None = None) -> Saved:
    """Run a form's service call as the request's one transaction: commit when it succeeds,
    roll back when it refuses. A refusal comes back as field errors (``ValidationFailed``) or
    as the conflict (``StaleVersion``: someone saved first); with ``domain_error_field`` any
    other ``DomainError`` is shown under that field, otherwise it propagates."""
    from coop_tracker.extensions import db

    try:
        result = call()
    except ValidationFailed as failure:
        db.session.rollback()
        return Saved(errors=failure.fields)
    except StaleVersion as stale:
        db.session.rollback()
        return Saved(conflict=stale)
    except DomainError as error:
        if domain_error_field is None:
            raise
        db.session.rollback()
        return Saved(errors={domain_error_field: error.message})
    db.session.commit()
    return Saved(result=result)


def request_id() -> str:
    """One id per request, grouping its audit events; honours an incoming X-Request-ID."""
    # Kept on the request itself: an app context (and so ``g``) may outlive one request.
    environ = request.environ
    if "coop_tracker.request_id" not in environ:
        incoming = request.headers.get("X-Request-ID", "")
        valid = incoming.isascii() and incoming.isalnum() and len(incoming) <= 40
        environ["coop_tracker.request_id"] = incoming if valid else uuid.uuid4().hex
    return environ["coop_tracker.request_id"]


def public_base_url() -> str:
    """The address absolute links start with, without a trailing slash.

    ``BASE_URL`` when it is configured; otherwise, in a request, the address the request came
    to (``request.host_url``, which honours X-Forwarded-* when the app is wrapped in Werkzeug's
    ``ProxyFix``); otherwise (CLI, scheduler) ``DEFAULT_BASE_URL``.
    """
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEFAULT_BASE_URL


def format_number(value: Any, decimals: int = 0) -> str:
    """Swedish number formatting: 1 234,50 (narrow no-break space between thousands)."""
    if value is None or value == "":
        return ""
    number = Decimal(value) if not isinstance(value, Decimal) else value
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def format_money(value: Any) -> str:
    """An amount in kronor, e.g. 1 234 kr (öre shown only when there are any)."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    decimals = 0 if number == number.to_integral_value() else 2
    return f"{format_number(number, decimals)}\u00a0kr"


def format_signed_money(value: Any) -> str:
    """An amount with its sign always shown: +12 500 kr, −3 000 kr (a true minus sign), 0 kr."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    sign = "+" if number > 0 else ("\u2212" if number < 0 else "")
    return sign + format_money(abs(number))


def format_date(value: Any) -> str:
    """ISO dates (2026-03-31); datetimes in Swedish local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite hands back naive datetimes; they are stored in UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def nl2br(value: str | None) -> Markup:
    """Paragraph breaks for multi-line text, escaped."""
    if not value:
        return Markup("")
    escaped = Markup.escape(value)
    paragraphs = [p.replace("\n", Markup("<br>")) for p in escaped.split("\n\n")]
    return Markup("").join(Markup("<p>") + p + Markup("</p>") for p in paragraphs)


def area_label(area: Any) -> str:
    """A samverkansområde's name in the request's language."""
    return area.label(current_language())


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint or "main.index", **(request.view_args or {}), **args)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals for every template."""
    app.jinja_env.filters.update(
        number=format_number,
        money=format_money,
        signed_money=format_signed_money,
        isodate=format_date,
        nl2br=nl2br,
        area_label=area_label,
    )
    app.jinja_env.globals.update(can=can, url_with=url_with)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"current_locale": current_language()}


def add_security_headers(response: Any) -> Any:
    """Strict headers on every response."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    response.headers["X-Request-ID"] = request_id()
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")
