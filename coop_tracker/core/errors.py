"""Domain errors with messages fit for the user, mapped to HTTP statuses by views/API.

Messages are Swedish in the source and translated where they are raised (``_()``), so a refusal
reaches the page in the language the user chose and the API (no session) in Swedish.
"""

from __future__ import annotations

from typing import Any

from coop_tracker.core.i18n import _


class DomainError(Exception):
    """A refusal the user should read. ``fields`` maps field names to messages."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    """One or more fields are wrong; every field with its reason."""

    status = 422
    code = "validation_failed"

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        super().__init__(
            message or _("Uppgifterna innehåller fel. Rätta fälten som anges."), fields
        )


class PermissionDenied(DomainError):
    """The actor may not do this."""

    status = 403
    code = "forbidden"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Du har inte behörighet att göra detta."))


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor."""

    status = 404
    code = "not_found"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Hittades inte."))


class StaleVersion(DomainError):
    """Someone else saved first; ``current`` is their version so nothing typed is lost."""

    status = 409
    code = "conflict"

    def __init__(self, current: dict[str, Any], current_version: int, message: str | None = None):
        super().__init__(
            message
            or _(
                "Någon annan har sparat ändringar sedan du öppnade sidan. "
                "Jämför med deras version nedan och spara igen."
            )
        )
        self.current = current
        self.current_version = current_version


class WrongPhase(DomainError):
    """The object is in a state that does not allow this (a conflict with its current state)."""

    status = 409
    code = "wrong_phase"


class TransitionRefused(DomainError):
    """A phase change whose gates are not met; ``reasons`` lists every unmet condition."""

    status = 409
    code = "transition_refused"

    def __init__(self, reasons: list[str], message: str | None = None) -> None:
        super().__init__(message or _("Fasbytet kan inte göras ännu."), {})
        self.reasons = reasons
