"""Helpers shared by the API resources: the token's user, permission guards, documented error
responses, field names."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from flask import g

from coop_tracker.api.schemas import ErrorSchema, page_schema
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.permissions import can

if TYPE_CHECKING:
    import marshmallow as ma
    from flask_smorest import Blueprint

    from coop_tracker.users.models import User

View = TypeVar("View", bound=Callable[..., Any])


def api_user() -> User:
    """The user whose bearer token authenticated this request (set by ``routes.register_api``)."""
    return g.api_user


def permission_required(
    action: str, load: Callable[..., Any] | None = None
) -> Callable[[View], View]:
    """Refuse (403) before the body is parsed, so a reader gets 403 rather than 422.

    ``load`` receives the view's URL arguments and returns the object the permission is about;
    it raises NotFound itself (404) when the object is not visible to the user.

    Put it between ``@blp.route`` and ``@blp.arguments``; ``functools.wraps`` carries
    flask-smorest's documentation over.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = api_user()
            obj = load(**kwargs) if load is not None else None
            if not can(user, action, obj):
                raise PermissionDenied()
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def error_responses(
    blp: Blueprint, *statuses: int, descriptions: Mapping[int, str] | None = None
) -> Callable[[View], View]:
    """Document the error responses a view can give, all with the error schema; a status's
    description from ``descriptions`` (else the HTTP reason)."""
    described = descriptions or {}

    def decorator(view: View) -> View:
        for status in statuses:
            view = blp.alt_response(status, schema=ErrorSchema, description=described.get(status))(
                view
            )
        return view

    return decorator


def listing(
    blp: Blueprint,
    query: type[ma.Schema],
    item: type[ma.Schema],
    *errors: int,
    descriptions: Mapping[int, str] | None = None,
) -> Callable[[View], View]:
    """A list's GET: its ``query`` string (page, per_page, filters), a page of ``item`` and the
    error responses (401, then ``errors``)."""

    def decorator(view: View) -> View:
        view = error_responses(blp, 401, *errors, descriptions=descriptions)(view)
        view = blp.response(200, page_schema(item))(view)
        return blp.arguments(query, location="query")(view)

    return decorator


def api_field_name(name: str, renames: Mapping[str, str]) -> str:
    """A service field name (``parties-0-municipality_code``) as the API names it
    (``parties.0.municipality``)."""
    return ".".join(renames.get(part, part) for part in name.split("-"))


def with_api_field_names(error: ValidationFailed, renames: Mapping[str, str]) -> ValidationFailed:
    """The same refusal, its fields renamed to the API's names."""
    fields = {api_field_name(key, renames): message for key, message in error.fields.items()}
    return ValidationFailed(fields, error.message)


def utc(moment: datetime | None) -> datetime | None:
    """A timestamp with its zone (SQLite hands back naive datetimes, stored as UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
