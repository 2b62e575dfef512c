"""The private iCalendar feed: every deadline of the user's kommun as an all-day event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event

from coop_tracker.core.i18n import swedish
from coop_tracker.reminders.deadlines import Deadline
from coop_tracker.reminders.rules import KIND_LABELS, OVERDUE_KINDS

FEED_PAST_DAYS = 60
FEED_AHEAD_DAYS = 730


def in_feed(deadline: Deadline, today: date) -> bool:
    """Future deadlines for two years; past ones for two months if still open."""
    if deadline.due_on >= today:
        return deadline.due_on <= today + timedelta(days=FEED_AHEAD_DAYS)
    return deadline.kind in OVERDUE_KINDS and deadline.due_on >= today - timedelta(
        days=FEED_PAST_DAYS
    )


def build_calendar(
    deadlines: Sequence[Deadline],
    *,
    calendar_name: str,
    base_url: str,
    lead_days: Sequence[int],
    now: datetime,
) -> bytes:
    """An RFC 5545 calendar for subscription (Outlook, Google Calendar, Apple Calendar).

    Each event is all-day (DTSTART;VALUE=DATE, DTEND the next day), transparent (does not
    block time), with a UID that stays the same while the deadline exists and one alarm at
    the user's shortest lead time before the day (or 09:00 on the day).
    """
    base = base_url.rstrip("/")
    host = urlsplit(base).hostname or "samverkanskollen"
    calendar = Calendar()
    calendar.add("prodid", "-//Samverkanskollen//Påminnelser//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-caldesc", "Datum att hålla koll på i Samverkanskollen")
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    positive = sorted(d for d in lead_days if d > 0)
    trigger = -timedelta(days=positive[0]) if positive else timedelta(hours=9)
    for deadline in sorted(deadlines, key=lambda d: (d.due_on, d.uid)):
        label = swedish(KIND_LABELS.get(deadline.kind, deadline.kind))
        link = f"{base}/agreements/{deadline.agreement_id}"
        event = Event()
        event.add("uid", f"{deadline.uid}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + timedelta(days=1))
        event.add("summary", f"{label}: {deadline.agreement_title}")
        description = deadline.title + (f"\n{deadline.detail}" if deadline.detail else "")
        event.add("description", f"{description}\n{link}")
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Samverkanskollen"])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{label}: {deadline.agreement_title}")
        alarm.add("trigger", trigger)
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
