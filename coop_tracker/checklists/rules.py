"""Checklist rules as data: the phases and statuses and their labels, which lists an agreement
works on and has reached in each of its phases, and the exit kinds and sides an item is for."""

from __future__ import annotations

from coop_tracker.agreements.models import Phase
from coop_tracker.checklists.models import ChecklistPhase, ItemStatus
from coop_tracker.core.i18n import _l

CHECKLIST_PHASE_LABELS: dict[str, str] = {
    ChecklistPhase.BEFORE: _l("Före"),
    ChecklistPhase.DURING: _l("Under"),
    ChecklistPhase.EXIT: _l("Avveckling"),
}
ITEM_STATUS_LABELS: dict[str, str] = {
    ItemStatus.OPEN: _l("Att göra"),
    ItemStatus.DONE: _l("Klar"),
    ItemStatus.NOT_APPLICABLE: _l("Inte tillämplig"),
}
# Which checklist an agreement in a given phase works on (for progress in lists).
PHASE_CHECKLIST: dict[str, str] = {
    Phase.PLANNED: ChecklistPhase.BEFORE,
    Phase.ACTIVE: ChecklistPhase.DURING,
    Phase.EXITING: ChecklistPhase.EXIT,
    Phase.ENDED: ChecklistPhase.EXIT,
    Phase.ABANDONED: ChecklistPhase.BEFORE,
}
# Checklist sets an agreement has reached, by its phase.
REACHED: dict[str, tuple[str, ...]] = {
    Phase.PLANNED: (ChecklistPhase.BEFORE,),
    Phase.ABANDONED: (ChecklistPhase.BEFORE,),
    Phase.ACTIVE: (ChecklistPhase.BEFORE, ChecklistPhase.DURING),
    Phase.EXITING: (ChecklistPhase.BEFORE, ChecklistPhase.DURING, ChecklistPhase.EXIT),
    Phase.ENDED: (ChecklistPhase.BEFORE, ChecklistPhase.DURING, ChecklistPhase.EXIT),
}
CLOSED_PHASES = (Phase.ENDED, Phase.ABANDONED)
# Checklist sets whose gate an agreement in a given phase has already passed: bringing it up to
# date never adds their new questions (a running agreement gets no new "before" gate) and never
# makes one of their kept questions required.
PASSED: dict[str, tuple[str, ...]] = {
    Phase.ACTIVE: (ChecklistPhase.BEFORE,),
    Phase.EXITING: (ChecklistPhase.BEFORE,),
}
# Exit kinds (lifecycle.models.ExitKind) and the sides of an exit an item can be for.
EXIT_KINDS = ("withdrawal", "ending", "liquidation")
EXIT_SIDES = ("leaving", "remaining")
