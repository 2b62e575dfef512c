"""Demo extension: checklists, phase history and exits for the demo agreements.

``demo_lifecycle(session, context)`` follows the ``DEMO_EXTENSIONS`` contract of
``coop_tracker.agreements.demo``: deterministic (only ``context.random("lifecycle")`` and dates
from ``context.today``), flushes, never commits. It works the same for both scales with
SQLAlchemy Core bulk inserts, so the national load (~10,000 agreements) gets its ~200,000
checklist items in seconds. Agreements that already have a phase's items (the small scale goes
through ``create_agreement``, which adds the "before" list) keep them; only their statuses are
filled in.

The small register gets every checklist an agreement has passed through. The national load
stands for a register of cooperations that mostly ran long before they were registered: an
agreement that started more than three years ago gets only the checklist of its current phase;
younger ones were prepared in the register and keep every list they passed through (about
200,000 items in all).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from coop_tracker.agreements.dates import add_months
from coop_tracker.agreements.models import Party, Phase
from coop_tracker.audit.services import record
from coop_tracker.checklists.models import ChecklistItem, ItemStatus
from coop_tracker.checklists.services import (
    PHASE_CHECKLIST,
    REACHED,
    current_templates,
    plan_exit_items,
    plan_items,
)
from coop_tracker.core.actor import Actor
from coop_tracker.lifecycle.exit_rules import task_rows, whole_exit_kind
from coop_tracker.lifecycle.models import (
    Exit,
    ExitScope,
    ExitStatus,
    ExitTask,
    PhaseChange,
    TaskStatus,
)

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
class _Party:
    id: int
    agreement_id: int
    role: str
    left_on: date | None


def _registered_from_the_start(agreement: DemoAgreementLike, today: date) -> bool:
    """Started within the last three years (or not yet): prepared in the register."""
    three_years_ago = date(today.year - 3, today.month, min(today.day, 28))
    return agreement.start_on is None or agreement.start_on >= three_years_ago


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _table(model: type[Any]) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def demo_lifecycle(session: Session, context: DemoContextLike) -> None:
    """Checklists with believable progress, phase history and exit plans for every agreement."""
    rng = context.random("lifecycle")
    today = context.today
    agreements = list(context.agreements)
    ids = [a.id for a in agreements]
    parties = _parties(session, ids)
    templates = _templates_by_phase_and_form(session)
    instantiated = _instantiated(session, ids)

    # Answer the items that were there before this extension, then add the missing lists.
    answered = _answer_existing(session, agreements, sorted(instantiated), rng, today)
    new_items: list[dict[str, Any]] = []
    stamp = _at(today)
    for agreement in agreements:
        current = [(p.id, p.role) for p in parties[agreement.id] if p.left_on is None]
        phases = (
            REACHED[agreement.phase]
            if context.scale == "small" or _registered_from_the_start(agreement, today)
            else (PHASE_CHECKLIST[agreement.phase],)
        )
        for phase in phases:
            # Exit lists belong to exit plans: ``_exits`` adds them with each plan.
            if phase == "exit" or (agreement.id, phase) in instantiated:
                continue
            for row in plan_items(templates[(phase, agreement.form)], current):  # type: ignore[arg-type]
                answer = _answer(rng, agreement, phase, row["is_required"], today)
                new_items.append(
                    {
                        **row,
                        **answer,
                        "agreement_id": agreement.id,
                        "version": 1,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
    connection = session.connection()
    for chunk in _chunks(new_items, CHUNK):
        connection.execute(insert(_table(ChecklistItem)), list(chunk))

    answered += len(new_items)
    changes = _phase_history(session, agreements, today, rng)

    def keeps_exit_list(agreement: DemoAgreementLike) -> bool:
        return (
            context.scale == "small"
            or _registered_from_the_start(agreement, today)
            or PHASE_CHECKLIST[agreement.phase] == "exit"
        )

    exits, tasks, exit_items = _exits(
        session, agreements, parties, templates, today, rng, keeps_exit_list
    )
    answered += exit_items
    session.flush()

    if context.scale == "small":
        _mtg_worked_example(session, context)
        session.flush()

    context.counts["checklistpunkter"] = answered
    context.counts["fasbyten"] = changes
    context.counts["avvecklingsplaner"] = exits
    record(
        session,
        context.actor,
        action="demo_lifecycle",
        object_type="demo",
        object_id=context.scale,
        label="Demodata: checklistor, fasbyten och avvecklingsplaner",
        changes={
            "checklist_items": [None, answered],
            "phase_changes": [None, changes],
            "exits": [None, exits],
            "exit_tasks": [None, tasks],
        },
    )


def _parties(session: Session, ids: Sequence[int]) -> dict[int, list[_Party]]:
    found: dict[int, list[_Party]] = defaultdict(list)
    for chunk in _chunks(ids, ID_CHUNK):
        for pid, agreement_id, role, left_on in session.execute(
            select(Party.id, Party.agreement_id, Party.role, Party.left_on)
            .where(Party.agreement_id.in_(chunk))
            .order_by(Party.id)
        ):
            found[agreement_id].append(_Party(pid, agreement_id, role, left_on))
    return found


@dataclass(frozen=True, slots=True)
class _PlainItem:
    id: int
    key: str
    is_required: bool
    roles: tuple[str, ...]
    per_party: bool
    sides: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _PlainTemplate:
    """A template copied out of the ORM once: ``plan_items`` reads it for every agreement."""

    key: str
    phase: str
    form: str | None
    items: tuple[_PlainItem, ...]
    exit_kinds: tuple[str, ...] = ()


def _templates_by_phase_and_form(
    session: Session,
) -> dict[tuple[str, str], list[_PlainTemplate]]:
    from coop_tracker.agreements.models import Form

    templates = [
        _PlainTemplate(
            t.key,
            t.phase,
            t.form,
            tuple(
                _PlainItem(
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
    by: dict[tuple[str, str], list[_PlainTemplate]] = {}
    for phase in ("before", "during", "exit"):
        for form in Form:
            by[(phase, form.value)] = [
                t for t in templates if t.phase == phase and t.form in (None, form.value)
            ]
    return by


def _instantiated(session: Session, ids: Sequence[int]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for chunk in _chunks(ids, ID_CHUNK):
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
NOT_APPLICABLE_REASONS = (
    "Regleras i ett annat avtal mellan parterna.",
    "Bedömdes inte behövas för en så liten verksamhet.",
    "Hanteras av förbundsdirektionen.",
)


def _answer(
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
        "done_at": _at(done_on),
        "done_by_name": DEMO_NAME,
    }


def _answer_existing(
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
    for chunk in _chunks(ids, ID_CHUNK):
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
            answer = _answer(rng, by_id[agreement_id], phase, required, today)
            if answer["status"] != ItemStatus.OPEN:
                updates.append({"b_id": item_id, **answer})
    table = _table(ChecklistItem)
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            status=bindparam("status"),
            not_applicable_reason=bindparam("not_applicable_reason"),
            done_at=bindparam("done_at"),
            done_by_name=bindparam("done_by_name"),
            version=table.c.version + 1,
        )
    )
    connection = session.connection()
    for chunk in _chunks(updates, CHUNK):
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


PATHS: dict[str, tuple[tuple[str, str], ...]] = {
    Phase.ACTIVE: (("planned", "active"),),
    Phase.EXITING: (("planned", "active"), ("active", "exiting")),
    Phase.ENDED: (("planned", "active"), ("active", "exiting"), ("exiting", "ended")),
    Phase.ABANDONED: (("planned", "abandoned"),),
}
REASONS = {
    "active": "",
    "exiting": "Uppsägning registrerad i avvecklingsplanen.",
    "ended": "Avvecklingen är genomförd.",
    "abandoned": "Parterna kom inte överens om kostnadsfördelningen.",
}


def _phase_dates(agreement: DemoAgreementLike, today: date, rng: random.Random) -> list[date]:
    """Dates for planned→active, active→exiting and exiting→ended that fit the agreement."""
    start = agreement.start_on or today - timedelta(days=rng.randint(60, 2000))
    started = min(start, today)
    end = agreement.end_on
    if agreement.phase == Phase.ENDED:
        ended = min(end or today - timedelta(days=rng.randint(30, 700)), today)
        ended = max(ended, started + timedelta(days=60))
        exiting = max(started + timedelta(days=30), add_months(ended, -rng.randint(6, 14)))
        return [started, min(exiting, ended), ended]
    exiting = today - timedelta(days=rng.randint(10, 200))
    return [started, max(exiting, started + timedelta(days=1))]


def _phase_history(
    session: Session, agreements: Sequence[DemoAgreementLike], today: date, rng: random.Random
) -> int:
    ids = [a.id for a in agreements if a.phase in PATHS]
    has_history: set[int] = set()
    for chunk in _chunks(ids, ID_CHUNK):
        has_history.update(
            session.scalars(
                select(PhaseChange.agreement_id).where(PhaseChange.agreement_id.in_(chunk))
            )
        )
    rows: list[dict[str, Any]] = []
    for agreement in agreements:
        if agreement.phase not in PATHS or agreement.id in has_history:
            continue
        days = _phase_dates(agreement, today, rng)
        if agreement.phase == Phase.ABANDONED:
            days = [min(today, (agreement.start_on or today) - timedelta(days=30))]
        for (start, end), on in zip(PATHS[agreement.phase], days, strict=False):
            rows.append(
                {
                    "agreement_id": agreement.id,
                    "from_phase": start,
                    "to_phase": end,
                    "changed_at": _at(on),
                    "changed_on": on,
                    "actor_name": DEMO_NAME,
                    "reason": REASONS[end],
                    "is_override": False,
                    "overridden_reasons": [],
                }
            )
    for chunk in _chunks(rows, CHUNK):
        session.execute(insert(_table(PhaseChange)), list(chunk))
    return len(rows)


def _exits(
    session: Session,
    agreements: Sequence[DemoAgreementLike],
    parties: dict[int, list[_Party]],
    templates: dict[tuple[str, str], list[_PlainTemplate]],
    today: date,
    rng: random.Random,
    keeps_exit_list: Any,
) -> tuple[int, int, int]:
    """An adopted plan for each exiting agreement, a completed one for each ended agreement and
    each party that has left, and a few drafts ("what if") for active agreements."""
    ids = [a.id for a in agreements]
    has_exit: set[int] = set()
    for chunk in _chunks(ids, ID_CHUNK):
        has_exit.update(
            session.scalars(select(Exit.agreement_id).where(Exit.agreement_id.in_(chunk)))
        )
    plans: list[dict[str, Any]] = []
    plan_parties: list[list[_Party]] = []
    for agreement in agreements:
        if agreement.id in has_exit:
            continue
        members = parties[agreement.id]
        current = [p for p in members if p.left_on is None]
        if not current:
            continue
        for leaver in members:
            if leaver.left_on is None:
                continue
            notice_on = add_months(leaver.left_on, -rng.choice((6, 9, 12)))
            plans.append(
                _plan_row(
                    agreement,
                    ExitScope.PARTY,
                    ExitStatus.COMPLETED,
                    leaver,
                    leaver,
                    notice_on,
                    leaver.left_on,
                    today,
                )
            )
            plan_parties.append([leaver, *current])
        if agreement.phase in (Phase.EXITING, Phase.ENDED):
            days = _phase_dates(agreement, today, rng)
            notice_on = days[1]
            effective = (
                days[2]
                if agreement.phase == Phase.ENDED
                else max(agreement.end_on or today, add_months(notice_on, 12))
            )
            status = ExitStatus.COMPLETED if agreement.phase == Phase.ENDED else ExitStatus.ADOPTED
            host = next((p for p in current if p.role == "host"), None)
            # The MTG case: Mariestad, the host, gave notice (see ``_mtg_worked_example``).
            giver = host if agreement.title == MTG_TEKNIK and host else rng.choice(current)
            plans.append(
                _plan_row(
                    agreement, ExitScope.AGREEMENT, status, None, giver, notice_on, effective, today
                )
            )
            plan_parties.append(current)
        elif agreement.phase == Phase.ACTIVE and rng.random() < 0.02:
            plans.append(
                _plan_row(
                    agreement, ExitScope.AGREEMENT, ExitStatus.DRAFT, None, None, None, None, today
                )
            )
            plan_parties.append(current)
    if not plans:
        return 0, 0, 0
    table = _table(Exit)
    exit_ids: list[int] = []
    for chunk in _chunks(plans, CHUNK):
        exit_ids.extend(
            session.scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), list(chunk)
            )
        )
    tasks: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    by_id = {a.id: a for a in agreements}
    for exit_id, plan, members in zip(exit_ids, plans, plan_parties, strict=True):
        agreement = by_id[plan["agreement_id"]]
        tasks.extend(_task_rows(exit_id, plan, agreement.form, members, rng))
        if keeps_exit_list(agreement):
            items.extend(_exit_items(exit_id, plan, agreement, members, templates, today, rng))
    for chunk in _chunks(tasks, CHUNK):
        session.execute(insert(_table(ExitTask)), list(chunk))
    for chunk in _chunks(items, CHUNK):
        session.execute(insert(_table(ChecklistItem)), list(chunk))
    return len(plans), len(tasks), len(items)


def _exit_items(
    exit_id: int,
    plan: dict[str, Any],
    agreement: DemoAgreementLike,
    members: Sequence[_Party],
    templates: dict[tuple[str, str], list[_PlainTemplate]],
    today: date,
    rng: random.Random,
) -> list[dict[str, Any]]:
    """The plan's own exit checklist, answered like the plan's tasks."""
    kind = plan["kind"]
    leaver = plan["leaving_party_id"]
    sides = [
        (p.id, p.role, "remaining" if kind == "withdrawal" and p.id != leaver else "leaving")
        for p in members
    ]
    chosen = [
        t for t in templates[("exit", agreement.form)] if not t.exit_kinds or kind in t.exit_kinds
    ]
    stamp = _at(today)
    rows = []
    for row in plan_exit_items(chosen, sides):  # type: ignore[arg-type]
        if plan["status"] == ExitStatus.COMPLETED:
            status = ItemStatus.DONE
        elif plan["status"] == ExitStatus.ADOPTED:
            status = ItemStatus.DONE if rng.random() < 0.45 else ItemStatus.OPEN
        else:
            status = ItemStatus.OPEN
        done = status == ItemStatus.DONE
        rows.append(
            {
                **row,
                "agreement_id": agreement.id,
                "exit_id": exit_id,
                "status": status,
                "not_applicable_reason": "",
                "done_at": _at(min(today, plan["effective_on"] or today)) if done else None,
                "done_by_name": DEMO_NAME if done else "",
                "version": 1,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    return rows


def _plan_row(
    agreement: DemoAgreementLike,
    scope: str,
    status: str,
    leaver: _Party | None,
    giver: _Party | None,
    notice_on: date | None,
    effective_on: date | None,
    today: date,
) -> dict[str, Any]:
    title = (
        f"Utträde ur {agreement.title}"
        if scope == ExitScope.PARTY
        else f"Avveckling av {agreement.title}"
    )
    created = min(notice_on - timedelta(days=45), today) if notice_on else today
    done = status == ExitStatus.COMPLETED
    return {
        "agreement_id": agreement.id,
        "scope": scope,
        "kind": "withdrawal" if scope == ExitScope.PARTY else whole_exit_kind(agreement.form),
        "leaving_party_id": leaver.id if leaver else None,
        "status": status,
        "title": title[:200],
        "background": "",
        "notice_party_id": giver.id if giver else None,
        "notice_given_on": notice_on,
        "effective_on": effective_on,
        "earliest_end_on": None,
        "is_notice_late": False,
        "transition_starts_on": notice_on,
        "transition_ends_on": effective_on,
        "has_joint_organisation": scope == ExitScope.AGREEMENT,
        "decision_ref": "KF § 42" if status != ExitStatus.DRAFT else "",
        "adopted_on": notice_on if status != ExitStatus.DRAFT else None,
        "adopted_by_name": DEMO_NAME if status != ExitStatus.DRAFT else "",
        "adopted_at": _at(notice_on) if notice_on and status != ExitStatus.DRAFT else None,
        "completed_on": effective_on if done else None,
        "completed_by_name": DEMO_NAME if done else "",
        "completed_at": _at(effective_on) if done and effective_on else None,
        "withdrawn_reason": "",
        "created_by_name": DEMO_NAME,
        "created_at": _at(created),
        "updated_at": _at(created),
        "version": 1,
    }


def _task_rows(
    exit_id: int,
    plan: dict[str, Any],
    form: str,
    members: Iterable[_Party],
    rng: random.Random,
) -> list[dict[str, Any]]:
    anchors = {
        "before_decision": plan["notice_given_on"] - timedelta(days=42)
        if plan["notice_given_on"]
        else None,
        "before_notice": plan["notice_given_on"] - timedelta(days=14)
        if plan["notice_given_on"]
        else None,
        "notice": plan["notice_given_on"],
        "start": plan["transition_starts_on"],
        "effective": plan["effective_on"],
        "end": plan["transition_ends_on"],
    }
    rows: list[dict[str, Any]] = []
    for row in task_rows(
        plan["kind"],
        form,
        [(p.id, p.role) for p in members],
        leaving_id=plan["leaving_party_id"],
        notice_party_id=plan["notice_party_id"],
        due=anchors.get,
    ):
        if plan["status"] == ExitStatus.COMPLETED:
            status = TaskStatus.DONE
        elif plan["status"] == ExitStatus.ADOPTED:
            status = rng.choice(
                (TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.OPEN, TaskStatus.OPEN)
            )
        else:
            status = TaskStatus.OPEN
        rows.append(
            {
                **row,
                "exit_id": exit_id,
                "owner_name": "",
                "status": status,
                "note": "",
                "not_applicable_reason": "",
                "is_custom": False,
                "done_on": row["due_on"] if status == TaskStatus.DONE else None,
                "done_by_name": DEMO_NAME if status == TaskStatus.DONE else "",
                "version": 1,
            }
        )
    return rows


MTG_TEKNIK = "Gemensam teknisk nämnd Mariestad, Töreboda och Gullspång"
MTG_IT = "Gemensam IT-nämnd Mariestad, Töreboda och Gullspång"
MTG_BACKGROUND = (
    "Mariestads kommunfullmäktige har beslutat att lämna MTG-samarbetet. Mariestad är "
    "värdkommun för de gemensamma nämnderna, och en gemensam nämnd kan inte finnas kvar utan sin "
    "värdkommun: när Mariestad går ur avvecklas därför hela nämnden, inte bara Mariestads del. "
    "Töreboda och Gullspång planerar en egen samverkan, bland annat en gemensam miljö- och "
    "byggnämnd med Töreboda som värdkommun."
)


def _mtg_worked_example(session: Session, context: DemoContextLike) -> None:
    """The seed report's exit case: Mariestad leaves the MTG joint nämnder.

    The technical nämnd is already in avveckling with Mariestad's notice and each kommun's own
    decision; for the IT nämnd Mariestad's utträde is a draft, which the plan page explains will
    become an avveckling of the whole nämnd when adopted, since the host leaves.
    """
    from coop_tracker.agreements.models import Agreement
    from coop_tracker.lifecycle.models import ExitDecision
    from coop_tracker.lifecycle.services import ExitInput, create_exit

    today = context.today
    teknik = session.scalar(select(Agreement).where(Agreement.title == MTG_TEKNIK))
    plan = (
        session.scalar(select(Exit).where(Exit.agreement_id == teknik.id).limit(1))
        if teknik is not None
        else None
    )
    if teknik is not None and plan is not None and not plan.decisions:
        plan.title = "Mariestad lämnar MTG: avveckling av den gemensamma tekniska nämnden"
        plan.background = MTG_BACKGROUND
        notice = plan.notice_given_on or today
        decided = {
            "1493": (notice - timedelta(days=21), "§ 84", "KS 2025/412"),  # Mariestad, before
            "1473": (min(today, notice + timedelta(days=45)), "§ 61", "KS 2025/233"),
            "1447": (min(today, notice + timedelta(days=52)), "§ 47", "KS 2025/198"),
        }
        for party in teknik.parties:
            if party.municipality_code in decided:
                on, paragraph, case = decided[party.municipality_code]
                plan.decisions.append(
                    ExitDecision(
                        party_id=party.id,
                        body="Kommunfullmäktige",
                        decided_on=on,
                        paragraph=paragraph,
                        case_number=case,
                    )
                )
    it = session.scalar(select(Agreement).where(Agreement.title == MTG_IT))
    if it is None or it.phase != Phase.ACTIVE:
        return
    if session.scalar(select(Exit.id).where(Exit.agreement_id == it.id).limit(1)) is not None:
        return
    mariestad = it.party_for("1493")
    if mariestad is None:
        return
    create_exit(
        session,
        it,
        ExitInput(
            kind="withdrawal",
            leaving_party_id=mariestad.id,
            title="Mariestad lämnar IT-nämnden (utkast)",
            background=MTG_BACKGROUND,
            notice_party_id=mariestad.id,
            has_joint_organisation=True,
        ),
        actor=context.actor,
        today=today,
    )


def register_demo_extension() -> None:
    """Add ``demo_lifecycle`` to the demo's extensions (``register_commands`` calls this)."""
    from coop_tracker.agreements.demo import DEMO_EXTENSIONS

    if demo_lifecycle not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(demo_lifecycle)
