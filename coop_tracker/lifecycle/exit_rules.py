"""What an exit is, as data: its kinds, scopes and statuses with their labels, and the tasks
an exit of a kind gives each party (from the table in ``task_specs``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from coop_tracker.agreements.models import Form
from coop_tracker.core.i18n import _l
from coop_tracker.lifecycle.models import ExitKind, ExitScope, ExitStatus, TaskStatus
from coop_tracker.lifecycle.task_specs import EXIT_TASKS

EXIT_SCOPE_LABELS: dict[str, str] = {
    ExitScope.AGREEMENT: _l("Hela samverkan avslutas"),
    ExitScope.PARTY: _l("En part lämnar, de andra fortsätter (utträde)"),
}
EXIT_KIND_LABELS: dict[str, str] = {
    ExitKind.WITHDRAWAL: _l("Utträde"),
    ExitKind.ENDING: _l("Avveckling"),
    ExitKind.LIQUIDATION: _l("Likvidation"),
}
EXIT_KIND_HINTS: dict[str, str] = {
    ExitKind.WITHDRAWAL: _l(
        "En part lämnar och de andra fortsätter. Blir det för få parter kvar för formen "
        "avvecklas hela samverkan i stället när planen antas."
    ),
    ExitKind.ENDING: _l("Hela samverkan upphör för alla parter."),
    ExitKind.LIQUIDATION: _l(
        "Ett kommunalförbund upplöses: förbundsstyrelsen avvecklar det som likvidator och "
        "lämnar slutredovisning till varje medlem. Bara för kommunalförbund."
    ),
}
# The scope each kind of exit has (an utträde concerns one party, the others the whole).
KIND_SCOPE: dict[str, str] = {
    ExitKind.WITHDRAWAL: ExitScope.PARTY,
    ExitKind.ENDING: ExitScope.AGREEMENT,
    ExitKind.LIQUIDATION: ExitScope.AGREEMENT,
}
EXIT_STATUS_LABELS: dict[str, str] = {
    ExitStatus.DRAFT: _l("Utkast"),
    ExitStatus.ADOPTED: _l("Antagen"),
    ExitStatus.COMPLETED: _l("Genomförd"),
    ExitStatus.WITHDRAWN: _l("Återkallad"),
}
TASK_STATUS_LABELS: dict[str, str] = {
    TaskStatus.OPEN: _l("Att göra"),
    TaskStatus.IN_PROGRESS: _l("Pågår"),
    TaskStatus.DONE: _l("Klar"),
    TaskStatus.NOT_APPLICABLE: _l("Inte tillämplig"),
}


def whole_exit_kind(form: str) -> str:
    """How the whole cooperation ends for a form: a förbund is wound up, the rest avvecklas."""
    return ExitKind.LIQUIDATION if form == Form.KOMMUNALFORBUND else ExitKind.ENDING


def task_rows(
    kind: str,
    form: str,
    parties: list[tuple[int, str]],
    *,
    leaving_id: int | None,
    notice_party_id: int | None,
    due: Callable[[str], date | None],
) -> list[dict[str, Any]]:
    """The tasks an exit of ``kind`` gives each current (party id, role), plus the joint ones.

    Pure: the services and the demo loader both build their rows from it. ``due`` turns a
    spec's due anchor into a date for the plan at hand.
    """
    withdrawal = kind == ExitKind.WITHDRAWAL
    rows: list[dict[str, Any]] = []
    order = 0
    for spec in EXIT_TASKS:
        if not spec.applies(kind, form):
            continue
        owners: list[int | None]
        if spec.who == "joint":
            owners = [None]
        else:
            owners = [
                pid
                for pid, role in parties
                if (not spec.roles or role in spec.roles)
                and (
                    (spec.who == "leaving" and (not withdrawal or pid == leaving_id))
                    or (spec.who == "remaining" and withdrawal and pid != leaving_id)
                )
            ]
        for pid in owners:
            anchor = spec.due
            if (
                spec.due_others is not None
                and pid is not None
                and not withdrawal
                and pid != notice_party_id
            ):
                anchor = spec.due_others
            order += 1
            rows.append(
                {
                    "kind": spec.kind,
                    "party_id": pid,
                    "title": spec.title_for(form),
                    "guidance": spec.guidance_text,
                    "legal_source": spec.source,
                    "is_required": spec.required,
                    "due_on": due(anchor),
                    "sort_order": order,
                }
            )
    return rows
