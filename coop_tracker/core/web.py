"""Helpers for views: the request's actor, template filters and globals, security headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup

from coop_tracker.config import DEFAULT_BASE_URL
from coop_tracker.core.actor import Actor, display_name
from coop_tracker.core.clock import STOCKHOLM
from coop_tracker.core.errors import DomainError, StaleVersion, ValidationFailed
from coop_tracker.core.forms import form_errors
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
    """What a form's service call came to: its result, or the field errors, the conflict or
    the refusal. ``called`` is False when the form was not sent or did not validate, so the
    service was never asked."""

    result: Any = None
    errors: dict[str, str] = field(default_factory=dict)
    conflict: StaleVersion | None = None
    refused: DomainError | None = None
    called: bool = True

    @property
    def ok(self) -> bool:
        return self.called and not self.errors and self.conflict is None and self.refused is None

    @property
    def status(self) -> int:
        """The status of the page that shows the form again: 409 when someone saved first,
        422 with field errors, else 200."""
        return 409 if self.conflict is not None else (422 if self.errors else 200)


def save(
    call: Callable[[], Any],
    *,
    domain_error_field: str | None = None,
    catch: tuple[type[DomainError], ...] = (),
    log_refusal: Callable[[DomainError], Any] | None = None,
) -> Saved:
    """Run a form's service call as the request's one transaction: commit when it succeeds,
    roll back when it refuses. A refusal of a type in ``catch`` comes back as it is
    (``refused``; ``catch=(DomainError,)`` takes every refusal so), after ``log_refusal`` has
    written it down in a transaction of its own (the audit log keeps refusals beside changes);
    otherwise as field errors (``ValidationFailed``) or as the conflict (``StaleVersion``:
    someone saved first); with ``domain_error_field`` any other ``DomainError`` is shown under
    that field, otherwise it propagates."""
    from coop_tracker.extensions import db

    try:
        result = call()
    except catch as error:
        db.session.rollback()
        if log_refusal is not None:
            log_refusal(error)
            db.session.commit()
        return Saved(refused=error)
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


def submit(
    form: Any,
    call: Callable[[], Any],
    *,
    only: Iterable[str] | None = None,
    domain_error_field: str | None = None,
    catch: tuple[type[DomainError], ...] = (),
    log_refusal: Callable[[DomainError], Any] | None = None,
) -> Saved:
    """A form page's one step: nothing when the form was not sent (``called`` False), its own
    errors when it does not validate (``only``: just those fields'), else ``save(call)`` with
    the other options. The view then branches once: ``ok`` redirects, anything else shows the
    form again with ``errors``, ``conflict`` and ``status``."""
    if not form.is_submitted():
        return Saved(called=False)
    if not form.validate():
        return Saved(errors=form_errors(form, only), called=False)
    return save(call, domain_error_field=domain_error_field, catch=catch, log_refusal=log_refusal)


def flash_refusal(refused: DomainError, stale: str) -> None:
    """Say why a one-click action did not happen: ``stale`` when someone saved first, else the
    refusal's own message."""
    flash(stale if isinstance(refused, StaleVersion) else refused.message, "warning")


def local_target(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (an open redirect closed).

    Browsers drop tabs and newlines anywhere in a URL and read a backslash as a slash, so
    ``/\t/evil.example`` and ``/\\evil.example`` lead to another site; any whitespace, control
    character or backslash makes the target unusable. What is left must be a bare path (no
    scheme, no host) that starts with exactly one slash.
    """
    if not target or len(target) > 2000 or not target.isprintable():
        return None
    if any(ch.isspace() or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if target.startswith("//"):
        return None
    return target


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


def format_local_time(value: datetime | None) -> str:
    """A moment in Swedish local time with its zone (2026-12-07 06:12 CET; CEST in summer), so
    a reader never has to guess whether a time is UTC."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they are stored in UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M %Z")


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
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint or "main.index", **values)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals for every template."""
    app.jinja_env.filters.update(
        number=format_number,
        money=format_money,
        signed_money=format_signed_money,
        isodate=format_date,
        localtime=format_local_time,
        nl2br=nl2br,
        area_label=area_label,
        actor_name=display_name,
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


def trust_proxies(app: Flask) -> None:
    """Take the client's address, scheme, host and path prefix from the X-Forwarded-* headers
    of ``TRUSTED_PROXIES`` reverse proxies (Werkzeug's ProxyFix); with 0 (the default) the
    headers are ignored, so a client cannot claim another address."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise ValueError("TRUSTED_PROXIES must be 0 or more")
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/public/api/")) or (
        request.accept_mimetypes.best == "application/json"
    )
