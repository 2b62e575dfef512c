"""Domain errors with messages fit for the user (Swedish), mapped to HTTP statuses by views/API."""

from __future__ import annotations

from typing import Any


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
        super().__init__(message or "Uppgifterna innehåller fel. Rätta fälten som anges.", fields)


class PermissionDenied(DomainError):
    """The actor may not do this."""

    status = 403
    code = "forbidden"

    def __init__(self, message: str = "Du har inte behörighet att göra detta.") -> None:
        super().__init__(message)


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "Hittades inte.") -> None:
        super().__init__(message)


class StaleVersion(DomainError):
    """Someone else saved first; ``current`` is their version so nothing typed is lost."""

    status = 409
    code = "conflict"

    def __init__(self, current: dict[str, Any], current_version: int, message: str | None = None):
        super().__init__(
            message
            or "Någon annan har sparat ändringar sedan du öppnade sidan. "
            "Jämför med deras version nedan och spara igen."
        )
        self.current = current
        self.current_version = current_version


class TransitionRefused(DomainError):
    """A phase change whose gates are not met; ``reasons`` lists every unmet condition."""

    status = 409
    code = "transition_refused"

    def __init__(self, reasons: list[str], message: str | None = None) -> None:
        super().__init__(message or "Fasbytet kan inte göras ännu.", {})
        self.reasons = reasons
