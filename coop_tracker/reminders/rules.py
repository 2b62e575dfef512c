"""Reminder kinds in Swedish, default lead times, and parsing a user's lead times."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from coop_tracker.core import validation as v
from coop_tracker.core.i18n import (
    LazyText,
    _,
    _l,
    shown_stored,
    shown_stored_run,
    stored_parts,
)
from coop_tracker.reminders.models import Kind
from coop_tracker.schedule.rules import DECIDE_BY_WARNINGS

KIND_LABELS: dict[str, str] = {
    Kind.REVIEW_DUE: _l("Uppföljning"),
    Kind.DECIDE_BY: _l("Ärendet om uppsägning"),
    Kind.NOTICE_DEADLINE: _l("Sista dag för uppsägning"),
    Kind.END_OF_TERM: _l("Avtalet upphör"),
    Kind.CHECKLIST_ITEM_DUE: _l("Checklistpunkt"),
    Kind.EXIT_TASK_DUE: _l("Avvecklingsuppgift"),
    Kind.CONTINUATION: _l("Beslut om förlängning eller nytt avtal"),
    Kind.TERM_EXPIRED: _l("Avtalstiden har gått ut"),
    Kind.EXIT_MILESTONE: _l("Utträde eller avveckling"),
}
# The titles the planner gives reminders: stored in Swedish, as all stored text is, and shown
# in the reader's language (``shown_title``) while they are as the planner wrote them.
REVIEW_TITLE = _l("Uppföljning av %(title)s")
NOTICE_TITLE = _l("Sista dag för uppsägning av %(title)s")
DECIDE_BY_TITLE = _l("Ärendet om uppsägning av %(title)s (%(party)s)")
CONTINUATION_TITLE = _l("Beslut om förlängning eller nytt avtal: %(title)s (%(party)s)")
EXPIRED_TITLE = _l(
    "Avtalstiden för %(title)s gick ut %(date)s – förläng, avsluta eller rätta uppgifterna"
)
ENDS_TITLE = _l("%(title)s upphör")
LEAVES_TITLE = _l("%(party)s lämnar %(title)s")
TRANSITION_STARTS_TITLE = _l("Övergången börjar: %(what)s")
TRANSITION_ENDS_TITLE = _l("Övergången ska vara klar: %(what)s")
EXIT_TASK_TITLE = _l("%(task)s (%(title)s)")

_EXIT = (ENDS_TITLE.source, LEAVES_TITLE.source)
_TITLES: dict[str, tuple[str, ...]] = {
    Kind.REVIEW_DUE: (REVIEW_TITLE.source,),
    Kind.NOTICE_DEADLINE: (NOTICE_TITLE.source,),
    Kind.DECIDE_BY: (DECIDE_BY_TITLE.source,),
    Kind.CONTINUATION: (CONTINUATION_TITLE.source,),
    Kind.TERM_EXPIRED: (EXPIRED_TITLE.source,),
    Kind.END_OF_TERM: (ENDS_TITLE.source,),
    Kind.EXIT_MILESTONE: (TRANSITION_STARTS_TITLE.source, TRANSITION_ENDS_TITLE.source, *_EXIT),
    Kind.EXIT_TASK_DUE: (EXIT_TASK_TITLE.source,),
}


# The details the planner writes under a title: how a decide-by date was reached (a warning
# may follow), what happens after a missed notice deadline, a notice given.
MEETING_DETAIL = _l(
    "Beslut i %(chain)s; ärendet in %(days)s dagar före första sista dag för ärenden. "
    "%(what)s senast %(date)s."
)
LEAD_DETAIL = _l(
    "%(what)s senast %(date)s, minus tid för anslag och delgivning och %(days)s dagars "
    "förberedelse."
)
PREPARED_CHAIN = _l("KS %(prepared)s och %(meeting)s")
NOTICE_REACHED = _l("Uppsägningen ska ha nått de andra parterna")
TERM_ENDS_WHAT = _l("Avtalet upphör %(end)s. Beslut om förlängning eller nytt avtal")
RENEWS_DETAIL = _l("Annars förlängs avtalet till %(end)s.")
RUNS_ON_DETAIL = _l(
    "Annars löper avtalet tills vidare: en senare uppsägning ger slut tidigast %(end)s."
)
NOTICE_DETAILS = (
    _l("%(kommun)s har sagt upp avtalet – samverkan upphör %(date)s."),
    _l("%(kommun)s har sagt upp – utträder %(date)s."),
)
_DECIDE_BY = (MEETING_DETAIL.source, LEAD_DETAIL.source)
_WARNINGS = tuple(message.source for message in DECIDE_BY_WARNINGS)
_DETAILS = (
    *_DECIDE_BY,
    RENEWS_DETAIL.source,
    RUNS_ON_DETAIL.source,
    *(message.source for message in NOTICE_DETAILS),
)


def shown_detail(detail: str) -> str:
    """A stored reminder detail in the reader's language when the planner wrote it, with the
    warnings that may follow a decide-by explanation."""
    values = {
        "what": lambda what: shown_stored(what, (NOTICE_REACHED.source, TERM_ENDS_WHAT.source)),
        "chain": lambda chain: shown_stored(chain, (PREPARED_CHAIN.source,)),
    }
    for message in _DECIDE_BY:
        # The explanation and its warnings are separate messages, each shown on its own.
        parts = stored_parts(f"{message} %(warnings)s", detail)
        if parts is not None:
            warnings = parts.pop("warnings")
            explanation = shown_stored(message % parts, (message,), values)
            return f"{explanation} {shown_stored_run(warnings, _WARNINGS)}"
    return shown_stored(detail, _DETAILS, values)


def stored(message: LazyText, **values: str) -> str:
    """A planner's title as stored: the Swedish message with its parts filled in."""
    return message.source % values


def shown_title(kind: str, title: str, task_text: Callable[[str], str] = str) -> str:
    """A stored reminder title in the reader's language when the planner wrote it (an exit
    task's own title through ``task_text``); anything else as stored."""
    values = {"what": lambda what: shown_stored(what, _EXIT), "task": task_text}
    return shown_stored(title, _TITLES.get(kind, ()), values)


TITLE_MAX = 300  # the length of a stored reminder title
_CUT_FIRST = ("title", "party", "task")  # typed names are shortened, the app's words never


def fitted_title(kind: str, title: str, limit: int = TITLE_MAX) -> str:
    """A planner's title within ``limit`` characters: the names in it are shortened (the
    agreement's title first), not the message around them, so that it is still shown in the
    reader's language (``shown_title``)."""
    return _fitted(title, _TITLES.get(kind, ()), limit)


def _fitted(text: str, messages: tuple[str, ...], limit: int) -> str:
    if len(text) <= limit:
        return text
    for message in messages:
        parts = stored_parts(message, text)
        if parts is None:
            continue
        excess = len(text) - limit
        if "what" in parts:  # an exit's own title inside a transition's
            parts["what"] = _fitted(parts["what"], _EXIT, len(parts["what"]) - excess)
        for name in (n for n in _CUT_FIRST if n in parts):
            value = parts[name]
            if excess > 0 and len(value) > 1:
                parts[name] = value[: max(len(value) - excess - 1, 1)].rstrip() + "…"
                excess -= len(value) - len(parts[name])
        fitted = message % parts
        if len(fitted) <= limit:
            return fitted
    return text[: limit - 1] + "…"


# Kinds where something can still be done after the date has passed: these get an overdue
# reminder. A passed notice deadline or term end cannot be acted on any more. A set, not a
# frozenset: domains above this one add their kinds with ``register_kinds``.
OVERDUE_KINDS: set[str] = set(
    {
        Kind.REVIEW_DUE,
        Kind.DECIDE_BY,
        Kind.CHECKLIST_ITEM_DUE,
        Kind.EXIT_TASK_DUE,
        Kind.CONTINUATION,
        Kind.TERM_EXPIRED,
    }
)


def register_kinds(labels: Mapping[str, str], *, overdue: bool) -> None:
    """Let a domain above this one (the årshjul) add its deadline kinds and their labels;
    ``overdue``: late ones still get a reminder the day after. Idempotent."""
    KIND_LABELS.update(labels)
    if overdue:
        OVERDUE_KINDS.update(labels)


DEFAULT_LEAD_DAYS: tuple[int, ...] = (90, 30, 7, 0)
MAX_LEAD_DAYS = 365
MAX_LEAD_TIMES = 6


def lead_days_of(stored: str | None) -> tuple[int, ...]:
    """A stored "90,30,7,0" as a tuple (largest first); the default when empty or broken."""
    try:
        values = sorted({int(part) for part in (stored or "").split(",") if part.strip()})
    except ValueError:
        return DEFAULT_LEAD_DAYS
    values = [d for d in values if 0 <= d <= MAX_LEAD_DAYS]
    return tuple(reversed(values)) or DEFAULT_LEAD_DAYS


def parse_lead_days(raw: object, errors: v.Errors) -> str:
    """Validate typed lead times ("90, 30, 7, 0"); returns the stored form "90,30,7,0"."""
    text = v.text(raw, "lead_days", _("Påminnelsedagar"), errors, max_length=60, required=True)
    if not text:
        return ""
    values: set[int] = set()
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        if not v.is_digits(part, 4):
            errors.add(
                "lead_days",
                _(
                    "Påminnelsedagar: %(value)s är inte ett heltal. "
                    "Skriv till exempel 90, 30, 7, 0.",
                    value=repr(part[:10]),
                ),
            )
            return ""
        number = int(part)
        if number > MAX_LEAD_DAYS:
            errors.add(
                "lead_days", _("Påminnelsedagar får vara högst %(n)s dagar.", n=MAX_LEAD_DAYS)
            )
            return ""
        values.add(number)
    if not values:
        errors.add("lead_days", _("Ange minst en påminnelsedag, till exempel 7."))
    elif len(values) > MAX_LEAD_TIMES:
        errors.add("lead_days", _("Ange högst %(n)s påminnelsedagar.", n=MAX_LEAD_TIMES))
    return ",".join(str(d) for d in sorted(values, reverse=True))
