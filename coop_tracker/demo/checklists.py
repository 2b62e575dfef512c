"""The demo's checklists: every list an agreement has passed through, answered believably.

Shared by the lifecycle steps (:mod:`coop_tracker.demo.lifecycle`, :mod:`coop_tracker.demo.exits`):
the shapes they read from the context, the parties and templates copied out of the ORM once,
and the answers given to each item. Works the same for both scales with Core bulk inserts.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Party, Phase
from coop_tracker.checklists.models import ChecklistItem, ItemStatus
from coop_tracker.checklists.templates import current_templates
from coop_tracker.core.actor import Actor
from coop_tracker.demo.data import read

CHUNK = 5000
ID_CHUNK = 500
DEMO_NAME = "Demodata"


class DemoAgreementLike(Protocol):
    id: int
    title: str
    form: str
    phase: str
    start_on: date | None
    end_on: date | None


class DemoContextLike(Protocol):
    scale: str
    today: date
    actor: Actor
    counts: dict[str, int]

    @property
    def agreements(self) -> Sequence[Any]: ...

    def random(self, name: str) -> random.Random: ...


@dataclass(frozen=True)
class PartyRow:
    id: int
    agreement_id: int
    role: str
    left_on: date | None


def registered_from_the_start(agreement: DemoAgreementLike, today: date) -> bool:
    """Started within the last three years (or not yet): prepared in the register."""
    three_years_ago = date(today.year - 3, today.month, min(today.day, 28))
    return agreement.start_on is None or agreement.start_on >= three_years_ago


def chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def table(model: type[Any]) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def stamp_at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def parties_by_agreement(session: Session, ids: Sequence[int]) -> dict[int, list[PartyRow]]:
    found: dict[int, list[PartyRow]] = defaultdict(list)
    for chunk in chunks(ids, ID_CHUNK):
        for pid, agreement_id, role, left_on in session.execute(
            select(Party.id, Party.agreement_id, Party.role, Party.left_on)
            .where(Party.agreement_id.in_(chunk))
            .order_by(Party.id)
        ):
            found[agreement_id].append(PartyRow(pid, agreement_id, role, left_on))
    return found


@dataclass(frozen=True, slots=True)
class PlainItem:
    id: int
    key: str
    is_required: bool
    roles: tuple[str, ...]
    per_party: bool
    sides: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlainTemplate:
    """A template copied out of the ORM once: ``plan_items`` reads it for every agreement."""

    key: str
    phase: str
    form: str | None
    items: tuple[PlainItem, ...]
    exit_kinds: tuple[str, ...] = ()


def templates_by_phase_and_form(
    session: Session,
) -> dict[tuple[str, str], list[PlainTemplate]]:
    from coop_tracker.agreements.models import Form

    templates = [
        PlainTemplate(
            t.key,
            t.phase,
            t.form,
            tuple(
                PlainItem(
                    i.id,
                    i.key,
                    i.is_required,
                    tuple(i.roles or ()),
                    i.per_party,
                    tuple(i.sides or ()),
                )
                for i in t.items
            ),
            tuple(t.exit_kinds or ()),
        )
        for t in current_templates(session)
    ]
    by: dict[tuple[str, str], list[PlainTemplate]] = {}
    for phase in ("before", "during", "exit"):
        for form in Form:
            by[(phase, form.value)] = [
                t for t in templates if t.phase == phase and t.form in (None, form.value)
            ]
    return by


def instantiated_phases(session: Session, ids: Sequence[int]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for chunk in chunks(ids, ID_CHUNK):
        found.update(
            (agreement_id, phase)
            for agreement_id, phase in session.execute(
                select(ChecklistItem.agreement_id, ChecklistItem.phase)
                .where(ChecklistItem.agreement_id.in_(chunk))
                .distinct()
            )
        )
    return found


# How likely an item is resolved, by (agreement phase, checklist phase).
DONE_SHARE: dict[tuple[str, str], float] = {
    (Phase.PLANNED, "before"): 0.4,
    (Phase.ABANDONED, "before"): 0.3,
    (Phase.ACTIVE, "during"): 0.5,
    (Phase.EXITING, "during"): 0.6,
    (Phase.ENDED, "during"): 0.7,
    (Phase.EXITING, "exit"): 0.45,
}
# Why an item does not apply (the demo's answers), from ``data/lifecycle.toml``.
NOT_APPLICABLE_REASONS: tuple[str, ...] = tuple(read("lifecycle")["not_applicable_reasons"])


def answer_item(
    rng: random.Random, agreement: DemoAgreementLike, phase: str, required: bool, today: date
) -> dict[str, Any]:
    """A status for one item: gates already passed are met, the rest is a believable mix."""
    status = _status(rng, agreement.phase, phase, required)
    if status == ItemStatus.OPEN:
        return {
            "status": status,
            "not_applicable_reason": "",
            "done_at": None,
            "done_by_name": "",
        }
    start = agreement.start_on or today
    if phase == "before":
        done_on = min(today, start - timedelta(days=5 + int(rng.random() * 115)))
    else:
        done_on = min(today, start + timedelta(days=30 + int(rng.random() * 870)))
    return {
        "status": status,
        "not_applicable_reason": rng.choice(NOT_APPLICABLE_REASONS)
        if status == ItemStatus.NOT_APPLICABLE
        else "",
        "done_at": stamp_at(done_on),
        "done_by_name": DEMO_NAME,
    }


def answer_existing(
    session: Session,
    agreements: Sequence[DemoAgreementLike],
    instantiated: Sequence[tuple[int, str]],
    rng: random.Random,
    today: date,
) -> int:
    """Answer the open items the agreements already had (the small scale's "before" lists)."""
    by_id = {a.id: a for a in agreements}
    ids = sorted({agreement_id for agreement_id, _phase in instantiated})
    updates: list[dict[str, Any]] = []
    count = 0
    for chunk in chunks(ids, ID_CHUNK):
        rows = session.execute(
            select(
                ChecklistItem.id,
                ChecklistItem.agreement_id,
                ChecklistItem.phase,
                ChecklistItem.is_required,
            )
            .where(
                ChecklistItem.agreement_id.in_(chunk),
                ChecklistItem.status == ItemStatus.OPEN,
            )
            .order_by(ChecklistItem.id)
        ).all()
        for item_id, agreement_id, phase, required in rows:
            count += 1
            answer = answer_item(rng, by_id[agreement_id], phase, required, today)
            if answer["status"] != ItemStatus.OPEN:
                updates.append({"b_id": item_id, **answer})
    items = table(ChecklistItem)
    statement = (
        update(items)
        .where(items.c.id == bindparam("b_id"))
        .values(
            status=bindparam("status"),
            not_applicable_reason=bindparam("not_applicable_reason"),
            done_at=bindparam("done_at"),
            done_by_name=bindparam("done_by_name"),
            version=items.c.version + 1,
        )
    )
    connection = session.connection()
    for chunk in chunks(updates, CHUNK):
        connection.execute(statement, list(chunk))
    return count


def _status(rng: random.Random, agreement_phase: str, phase: str, required: bool) -> str:
    passed_gate = (
        phase == "before" and agreement_phase not in (Phase.PLANNED, Phase.ABANDONED)
    ) or (phase == "exit" and agreement_phase == Phase.ENDED)
    if passed_gate:
        if required:
            return ItemStatus.NOT_APPLICABLE if rng.random() < 0.08 else ItemStatus.DONE
        roll = rng.random()
        return (
            ItemStatus.DONE
            if roll < 0.6
            else ItemStatus.NOT_APPLICABLE
            if roll < 0.75
            else ItemStatus.OPEN
        )
    share = DONE_SHARE.get((agreement_phase, phase), 0.3)
    roll = rng.random()
    if roll < share:
        return ItemStatus.DONE
    if roll < share + 0.05:
        return ItemStatus.NOT_APPLICABLE
    return ItemStatus.OPEN
