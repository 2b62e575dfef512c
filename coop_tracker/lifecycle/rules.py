"""The lifecycle as data: the phase transition table (``transitions.transition`` applies it)."""

from __future__ import annotations

from dataclasses import dataclass

from coop_tracker.agreements.models import Phase
from coop_tracker.checklists.models import ChecklistPhase
from coop_tracker.core.i18n import _l


@dataclass(frozen=True)
class TransitionRule:
    """One allowed phase change: its button text, whether it needs a reason, and its gates.

    ``gates`` name the checks in ``lifecycle.transitions.GATES``; ``instantiates`` names the
    checklist sets added to the agreement when it enters the new phase.
    """

    from_phase: str
    to_phase: str
    label: str
    hint: str
    needs_reason: bool = False
    gates: tuple[str, ...] = ()
    instantiates: tuple[str, ...] = ()


TRANSITIONS: dict[tuple[str, str], TransitionRule] = {
    (rule.from_phase, rule.to_phase): rule
    for rule in (
        TransitionRule(
            Phase.PLANNED,
            Phase.ACTIVE,
            _l("Starta samverkan"),
            _l(
                "Kräver beslut från varje part och att obligatoriska punkter i före-checklistan är "
                "klara eller inte tillämpliga."
            ),
            gates=("decisions", "before_checklist"),
            instantiates=(ChecklistPhase.DURING,),
        ),
        TransitionRule(
            Phase.PLANNED,
            Phase.ABANDONED,
            _l("Avbryt planeringen"),
            _l("Samverkan blir inte av. Skriv varför."),
            needs_reason=True,
        ),
        TransitionRule(
            Phase.ACTIVE,
            Phase.EXITING,
            _l("Påbörja avveckling"),
            _l(
                "Kräver en registrerad uppsägning (vem, när, från vilket datum) i en "
                "avvecklingsplan."
            ),
            gates=("notice",),
        ),
        TransitionRule(
            Phase.EXITING,
            Phase.ACTIVE,
            _l("Återgå till pågående"),
            _l("När uppsägningen har återkallats. Skriv varför."),
            needs_reason=True,
            gates=("notice_withdrawn",),
        ),
        TransitionRule(
            Phase.EXITING,
            Phase.ENDED,
            _l("Avsluta samverkan"),
            _l(
                "Kräver att obligatoriska punkter i avvecklingschecklistan och avvecklingsplanens "
                "uppgifter är klara."
            ),
            gates=("exit_checklist", "exit_plan"),
        ),
    )
}


def rules_from(phase: str) -> list[TransitionRule]:
    """The transitions that start in ``phase``, in table order."""
    return [rule for (start, _end), rule in TRANSITIONS.items() if start == phase]
