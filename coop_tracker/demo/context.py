"""What each step of the demo load is handed (the context), and what the load returns."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from coop_tracker.core.actor import Actor


@dataclass(frozen=True)
class DemoAgreement:
    """What a step needs to know about one loaded agreement (no ORM object)."""

    id: int
    title: str
    form: str
    phase: str
    start_on: date | None
    end_on: date | None
    area_slugs: tuple[str, ...]
    parties: tuple[tuple[str, str], ...]  # (kommunkod, role) of the current parties


@dataclass
class DemoContext:
    """Handed to every step that runs after the agreements exist (``services.STEPS``)."""

    scale: str
    seed: int
    today: date
    actor: Actor
    agreements: list[DemoAgreement]
    users: dict[str, int]  # email → user id of the demo logins
    counts: dict[str, int] = field(default_factory=dict)  # label → number, for the summary

    def random(self, name: str) -> random.Random:
        """A generator of its own for one step, so that steps don't shift each other."""
        return random.Random(f"{self.scale}:{self.seed}:{name}")


DemoStep = Callable[[Session, DemoContext], None]


@dataclass
class DemoResult:
    """What was loaded; ``summary()`` is the line ``flask demo`` prints."""

    scale: str
    seed: int
    agreements: int
    parties: int
    contacts: int
    users: int
    extras: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [
            f"{_number(self.agreements)} samverkan",
            f"{_number(self.parties)} parter",
            f"{_number(self.contacts)} kontaktpersoner",
            f"{_number(self.users)} användare",
        ]
        parts += [f"{_number(n)} {label}" for label, n in self.extras.items()]
        return f"Demodata ({self.scale}, frö {self.seed}): " + ", ".join(parts) + "."


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


@dataclass
class Loaded:
    """The agreements one scale's loader registered, and how many parties and contacts."""

    agreements: list[DemoAgreement]
    parties: int
    contacts: int
