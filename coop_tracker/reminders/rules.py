"""Reminder kinds in Swedish, default lead times, and parsing a user's lead times."""

from __future__ import annotations

from coop_tracker.core import validation as v
from coop_tracker.core.i18n import _, _l
from coop_tracker.reminders.models import Kind

KIND_LABELS: dict[str, str] = {
    Kind.REVIEW_DUE: _l("Uppföljning"),
    Kind.DECIDE_BY: _l("Ärendet om uppsägning"),
    Kind.NOTICE_DEADLINE: _l("Sista dag för uppsägning"),
    Kind.END_OF_TERM: _l("Avtalet upphör"),
    Kind.CHECKLIST_ITEM_DUE: _l("Checklistpunkt"),
    Kind.EXIT_TASK_DUE: _l("Avvecklingsuppgift"),
}
# Kinds where something can still be done after the date has passed: these get an overdue
# reminder. A passed notice deadline or term end cannot be acted on any more.
OVERDUE_KINDS = frozenset(
    {Kind.REVIEW_DUE, Kind.DECIDE_BY, Kind.CHECKLIST_ITEM_DUE, Kind.EXIT_TASK_DUE}
)
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
        if not part.isdigit():
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
