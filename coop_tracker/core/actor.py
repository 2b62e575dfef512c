"""Who is acting: a user (or the system) plus where the change came from and its request id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coop_tracker.core.i18n import _l

if TYPE_CHECKING:
    from coop_tracker.users.models import User


# The names the system acts under. They are stored in Swedish in the audit log and the phase
# history (as every actor's name is); pages show them in the reader's language.
SYSTEM_NAMES = {
    "Kommandorad": _l("Kommandorad"),
    "Schemaläggaren": _l("Schemaläggaren"),
    "System": _l("System"),
}


def display_name(stored: str, user_id: int | None) -> str:
    """A stored actor name as a page shows it: the system's own names translated, a person's
    name as it is (a person may be called "System"; only an actor without a user is the
    system)."""
    if user_id is None and stored in SYSTEM_NAMES:
        return str(SYSTEM_NAMES[stored])
    return stored


@dataclass(frozen=True)
class Actor:
    """The explicit actor every service takes."""

    user: User | None
    source: str  # web | api | cli | import | scheduler
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.name
        return {"cli": "Kommandorad", "scheduler": "Schemaläggaren"}.get(self.source, "System")

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    @classmethod
    def system(cls, source: str = "cli") -> Actor:
        return cls(user=None, source=source)
