"""The lifecycle as data: the phase transition table, and the exit tasks each role gets."""

from __future__ import annotations

from dataclasses import dataclass

from coop_tracker.agreements.models import Phase, Role
from coop_tracker.checklists.models import ChecklistPhase
from coop_tracker.core.i18n import _l
from coop_tracker.lifecycle.models import ExitScope, ExitStatus, TaskStatus


@dataclass(frozen=True)
class TransitionRule:
    """One allowed phase change: its button text, whether it needs a reason, and its gates.

    ``gates`` name the checks in ``lifecycle.services.GATES``; ``instantiates`` names the
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
            instantiates=(ChecklistPhase.EXIT,),
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


EXIT_SCOPE_LABELS: dict[str, str] = {
    ExitScope.AGREEMENT: _l("Hela samverkan avslutas"),
    ExitScope.PARTY: _l("En part lämnar, de andra fortsätter (utträde)"),
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


@dataclass(frozen=True)
class TaskSpec:
    """An exit task: its title per role (a role missing gets no task), and when it is due.

    ``due`` is "notice" (the notice date), "start" (start of the transition period) or "end"
    (end of the transition period, else the effective date). ``joint`` tasks belong to no
    single party. ``remaining`` says whether parties that stay get the task in an utträde.
    """

    kind: str
    titles: dict[str, str]
    due: str = "end"
    joint: bool = False
    remaining: bool = False


ALL_ROLES = (Role.HOST, Role.PURCHASER, Role.MEMBER)


def _same(title: str) -> dict[str, str]:
    return dict.fromkeys(ALL_ROLES, title)


EXIT_TASKS: tuple[TaskSpec, ...] = (
    TaskSpec(
        "transition-group",
        {"joint": "Tillsätt en gemensam övergångsgrupp med en samordnare"},
        due="start",
        joint=True,
    ),
    TaskSpec(
        "decision",
        _same("Beslut i fullmäktige om avslutet och om vad som tar vid"),
        due="notice",
        remaining=True,
    ),
    TaskSpec(
        "scale-down",
        {Role.HOST: "Skala ned verksamheten: bemanning, lokaler, budget och avtal"},
        remaining=True,
    ),
    TaskSpec(
        "build-up",
        {
            Role.PURCHASER: "Bygg upp egen kapacitet eller ordna en efterföljande lösning",
            Role.MEMBER: "Bygg upp egen verksamhet eller ordna en ny samverkan för uppgiften",
        },
    ),
    TaskSpec(
        "staff",
        {
            Role.HOST: "Personal: utred vilka som berörs, förhandla och informera",
            Role.PURCHASER: "Personal: rekrytera eller ta över personal för uppgiften",
            Role.MEMBER: "Personal: rekrytera eller ta över personal för uppgiften",
        },
    ),
    TaskSpec(
        "archive",
        {
            Role.HOST: "Arkiv: lämna över handlingar och pågående ärenden",
            Role.PURCHASER: "Arkiv: ta emot handlingar och pågående ärenden",
            Role.MEMBER: "Arkiv: ta emot handlingar och pågående ärenden",
        },
        remaining=True,
    ),
    TaskSpec("it-data", _same("IT-system och data: exportera, flytta och stäng behörigheter")),
    TaskSpec(
        "assets-debts", _same("Tillgångar och skulder: gör upp om fördelning och slutreglering")
    ),
    TaskSpec(
        "contracts",
        _same("Avtal med tredje part: gå igenom vilka som berörs och vem som tar över dem"),
    ),
    TaskSpec(
        "communication",
        _same("Information till invånare, medarbetare och berörda myndigheter"),
        due="start",
    ),
)
