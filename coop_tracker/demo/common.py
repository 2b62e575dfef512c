"""Helpers every part of the demo shares: dates, decisions, cost shares, bulk inserts."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.dates import add_months
from coop_tracker.agreements.models import Form, Role

H, P, M = Role.HOST.value, Role.PURCHASER.value, Role.MEMBER.value
AVTAL, NAMND, FORBUND, ASYM, OVRIG = (
    Form.AVTALSSAMVERKAN.value,
    Form.GEMENSAM_NAMND.value,
    Form.KOMMUNALFORBUND.value,
    Form.ASYMMETRISK.value,
    Form.OVRIG.value,
)
INSERT_CHUNK = 5000


def month_start(today: date, offset: int) -> date:
    """The first day of the month ``offset`` months from today's month."""
    return add_months(today.replace(day=1), offset)


def month_end(today: date, offset: int) -> date:
    """The last day of the month ``offset`` months from today's month."""
    return add_months(month_start(today, 1) - timedelta(days=1), offset)


_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", " ": "-", "'": ""})


def slug(name: str) -> str:
    return name.lower().translate(_ASCII)


def genitive(name: str) -> str:
    return name if name[-1] in "sxz" else name + "s"


def join_names(items: Sequence[str], limit: int = 6) -> str:
    """ "A, B och C"; a long list ends "… och 4 till"."""
    names = list(items)
    if len(names) > limit:
        return ", ".join(names[: limit - 1]) + f" och {len(names) - limit + 1} till"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " och " + names[-1]


def diarienummer(code: str, year: int, rng: random.Random) -> str:
    """Kommuner number their cases differently; each demo kommun keeps one style."""
    n = rng.randint(12, 640)
    style = int(code) % 4
    if style == 0:
        return f"KS {year}/{n}"
    if style == 1:
        return f"KS{year}-{n:04d}"
    if style == 2:
        return f"KS {year}.{n:03d}"
    return f"{year}/KS{n:04d}"


def decision_day(rng: random.Random, start_on: date, today: date) -> date:
    decided = start_on - timedelta(days=rng.randint(45, 160))
    if decided > today:
        decided = today - timedelta(days=rng.randint(7, 40))
    return meeting_day(decided)


def meeting_day(day: date) -> date:
    """The nearest earlier day a fullmäktige or styrelse plausibly meets: Monday to Thursday,
    not in July and not over Christmas and New Year."""
    while (
        day.weekday() > 3
        or day.month == 7
        or (day.month == 12 and day.day > 18)
        or (day.month == 1 and day.day < 8)
    ):
        day -= timedelta(days=1)
    return day


def decision_body(rng: random.Random, form: str) -> str:
    if form in (Form.KOMMUNALFORBUND, Form.GEMENSAM_NAMND):
        return "Kommunfullmäktige"
    if form == Form.OVRIG:
        return "Kommunstyrelsen"
    return "Kommunfullmäktige" if rng.random() < 0.4 else "Kommunstyrelsen"


def percent_shares(codes: Sequence[str], weights: Sequence[float]) -> dict[str, Decimal]:
    """Percent shares with two decimals that add up to exactly 100 (largest remainder)."""
    total = sum(weights)
    raw = [w / total * 10_000 for w in weights]
    floors = [int(r) for r in raw]
    left = 10_000 - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return {
        code: Decimal(hundredths).scaleb(-2) for code, hundredths in zip(codes, floors, strict=True)
    }


def money(amount: float) -> Decimal:
    return Decimal(round(amount)).quantize(Decimal("0.01"))


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_with_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert many rows with Core ``executemany`` and return their ids in the order of ``rows``.

    The ids are assigned here, after the current maximum: ``INSERT … RETURNING`` with a
    guaranteed order falls back to one statement per row on SQLite, which is ten times slower.
    Like the rest of the demo load this assumes no one else writes the table meanwhile.
    """
    first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    for row, id_ in zip(rows, ids, strict=True):
        row["id"] = id_
    for chunk in chunks(rows, INSERT_CHUNK):
        session.execute(insert(table), chunk)
    if ids and session.get_bind().dialect.name == "postgresql":
        # Explicit ids do not move a serial column's sequence; later inserts would collide.
        session.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), ids[-1])))
    return ids
