"""The demo's exit plans: adopted and completed plans with their tasks and checklists, a few
drafts, and the MTG worked example (Mariestad leaves the joint nämnder)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.dates import add_months
from coop_tracker.agreements.models import Phase
from coop_tracker.checklists.exits import plan_exit_items
from coop_tracker.checklists.models import ChecklistItem, ItemStatus
from coop_tracker.demo.checklists import (
    CHUNK,
    DEMO_NAME,
    ID_CHUNK,
    DemoAgreementLike,
    DemoContextLike,
    PartyRow,
    PlainTemplate,
    chunks,
    stamp_at,
    table,
)
from coop_tracker.demo.common import insert_with_ids
from coop_tracker.demo.data import read
from coop_tracker.lifecycle.exit_rules import task_rows, whole_exit_kind
from coop_tracker.lifecycle.models import (
    Exit,
    ExitScope,
    ExitStatus,
    ExitTask,
    TaskStatus,
)


def phase_dates(agreement: DemoAgreementLike, today: date, rng: random.Random) -> list[date]:
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


def add_exits(
    session: Session,
    agreements: Sequence[DemoAgreementLike],
    parties: dict[int, list[PartyRow]],
    templates: dict[tuple[str, str], list[PlainTemplate]],
    today: date,
    rng: random.Random,
    keeps_exit_list: Any,
) -> tuple[int, int, int]:
    """An adopted plan for each exiting agreement, a completed one for each ended agreement and
    each party that has left, and a few drafts ("what if") for active agreements."""
    ids = [a.id for a in agreements]
    has_exit: set[int] = set()
    for chunk in chunks(ids, ID_CHUNK):
        has_exit.update(
            session.scalars(select(Exit.agreement_id).where(Exit.agreement_id.in_(chunk)))
        )
    plans: list[dict[str, Any]] = []
    plan_parties: list[list[PartyRow]] = []
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
            days = phase_dates(agreement, today, rng)
            notice_on = days[1]
            effective = (
                days[2]
                if agreement.phase == Phase.ENDED
                else max(agreement.end_on or today, add_months(notice_on, 12))
            )
            status = ExitStatus.COMPLETED if agreement.phase == Phase.ENDED else ExitStatus.ADOPTED
            host = next((p for p in current if p.role == "host"), None)
            # The MTG case: Mariestad, the host, gave notice (see ``mtg_worked_example``).
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
    exit_ids = insert_with_ids(session, table(Exit), plans)
    tasks: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    by_id = {a.id: a for a in agreements}
    for exit_id, plan, members in zip(exit_ids, plans, plan_parties, strict=True):
        agreement = by_id[plan["agreement_id"]]
        tasks.extend(_task_rows(exit_id, plan, agreement.form, members, rng))
        if keeps_exit_list(agreement):
            items.extend(_exit_items(exit_id, plan, agreement, members, templates, today, rng))
    for chunk in chunks(tasks, CHUNK):
        session.execute(insert(table(ExitTask)), list(chunk))
    for chunk in chunks(items, CHUNK):
        session.execute(insert(table(ChecklistItem)), list(chunk))
    return len(plans), len(tasks), len(items)


def _exit_items(
    exit_id: int,
    plan: dict[str, Any],
    agreement: DemoAgreementLike,
    members: Sequence[PartyRow],
    templates: dict[tuple[str, str], list[PlainTemplate]],
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
    stamp = stamp_at(today)
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
                "done_at": stamp_at(min(today, plan["effective_on"] or today)) if done else None,
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
    leaver: PartyRow | None,
    giver: PartyRow | None,
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
        "adopted_at": stamp_at(notice_on) if notice_on and status != ExitStatus.DRAFT else None,
        "completed_on": effective_on if done else None,
        "completed_by_name": DEMO_NAME if done else "",
        "completed_at": stamp_at(effective_on) if done and effective_on else None,
        "withdrawn_reason": "",
        "created_by_name": DEMO_NAME,
        "created_at": stamp_at(created),
        "updated_at": stamp_at(created),
        "version": 1,
    }


def _task_rows(
    exit_id: int,
    plan: dict[str, Any],
    form: str,
    members: Iterable[PartyRow],
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


# The MTG worked example's agreements (titles in data/agreements.toml) and texts.
_MTG = read("lifecycle")["mtg"]
MTG_TEKNIK: str = _MTG["teknik"]
MTG_IT: str = _MTG["it"]
MTG_BACKGROUND: str = _MTG["background"]


def mtg_worked_example(session: Session, context: DemoContextLike) -> None:
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
        plan.title = _MTG["teknik_plan_title"]
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
            title=_MTG["it_plan_title"],
            background=MTG_BACKGROUND,
            notice_party_id=mariestad.id,
            has_joint_organisation=True,
        ),
        actor=context.actor,
        today=today,
    )
