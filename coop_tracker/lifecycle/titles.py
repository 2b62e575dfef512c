"""The titles the app gives exit plans and tasks: stored in Swedish, shown in the reader's
language while they are unchanged."""

from __future__ import annotations

import re

from coop_tracker.core.i18n import _, _l
from coop_tracker.lifecycle.models import ExitKind, ExitScope
from coop_tracker.lifecycle.task_specs import EXIT_TASKS

# The titles a plan gets when nobody types one, stored in Swedish (as all stored text is) and
# shown in the reader's language while they are unchanged: (pattern of the stored title,
# message with the parts as placeholders).
PLAN_TITLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Likvidation av (?P<title>.+)$", re.S), _l("Likvidation av %(title)s").source),
    (re.compile(r"^Avveckling av (?P<title>.+)$", re.S), _l("Avveckling av %(title)s").source),
    (
        re.compile(r"^(?P<party>.+?) lämnar (?P<title>.+)$", re.S),
        _l("%(party)s lämnar %(title)s").source,
    ),
)


def default_plan_title(kind: str, scope: str, agreement_title: str, party: str = "") -> str:
    """The Swedish title of a plan nobody named (at most 200 characters, as stored)."""
    if scope == ExitScope.PARTY:
        return f"{party} lämnar {agreement_title}"[:200]
    if kind == ExitKind.LIQUIDATION:
        return f"Likvidation av {agreement_title}"[:200]
    return f"Avveckling av {agreement_title}"[:200]


# Every title and guidance text the rules give a task, as stored (Swedish): these are shown in
# the reader's language; a task a planner typed is shown as typed.
GENERATED_TASK_TEXTS = frozenset(
    text
    for spec in EXIT_TASKS
    for text in (*(t.source for t in spec.title.values()), spec.guidance_text)
    if text
)


def shown_task_text(text: str) -> str:
    """A stored task title or guidance in the reader's language when the rules gave it."""
    return _(text) if text in GENERATED_TASK_TEXTS else text


def shown_plan_title(title: str) -> str:
    """A stored plan title in the reader's language when it is one the app gave it; a title
    someone typed stays as typed."""
    for pattern, message in PLAN_TITLES:
        found = pattern.match(title)
        if found is not None:
            return _(message, **found.groupdict())
    return title
