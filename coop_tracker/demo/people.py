"""Fictional people for the demo's contacts: names, titles and example.se addresses."""

from __future__ import annotations

import random

from coop_tracker.demo.common import slug
from coop_tracker.demo.data import read

_PEOPLE = read("people")
FIRST_NAMES: tuple[str, ...] = tuple(_PEOPLE["first_names"])
LAST_NAMES: tuple[str, ...] = tuple(_PEOPLE["last_names"])
GENERAL_TITLES: tuple[str, ...] = tuple(_PEOPLE["general_titles"])
LEAD_TITLES: dict[str, str] = _PEOPLE["lead_titles"]  # area slug → the lead contact's title


def person(rng: random.Random, kommun: str, taken: set[str]) -> tuple[str, str]:
    """A fictional name and an address on the kommun's example.se domain."""
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        if name not in taken:
            taken.add(name)
            email = f"{slug(first)}.{slug(last)}@{slug(kommun)}.example.se"
            return name, email
