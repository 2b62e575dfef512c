"""Who is acting: a user (or the system) plus where the change came from and its request id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coop_tracker.users.models import User


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
