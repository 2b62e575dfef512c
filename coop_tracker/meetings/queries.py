"""Read-side queries over meeting calendars: a kommun's meetings and batch loads for dates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.dates import Meeting as DatedMeeting
from coop_tracker.meetings.models import Meeting

# code → [every meeting of the kommun's KF, KS and nämnder in the period, …]
MeetingIndex = dict[str, list[DatedMeeting]]


def meetings_for(session: Session, code: str, year: int | None = None) -> list[Meeting]:
    """A kommun's meetings (of one year, if given) in date order."""
    query = select(Meeting).where(Meeting.municipality_code == code)
    if year is not None:
        query = query.where(extract("year", Meeting.meeting_on) == year)
    return list(session.scalars(query.order_by(Meeting.meeting_on, Meeting.body, Meeting.id)))


def years_with_meetings(session: Session, code: str) -> list[int]:
    """The years in which the kommun has meetings entered, newest first."""
    days = session.scalars(
        select(Meeting.meeting_on).where(Meeting.municipality_code == code).distinct()
    )
    return sorted({d.year for d in days}, reverse=True)


def meeting_index(
    session: Session, codes: Iterable[str], start: date | None, end: date | None
) -> MeetingIndex:
    """Meetings of the given kommuner between ``start`` and ``end``, in one query."""
    wanted = sorted(set(codes))
    index: MeetingIndex = defaultdict(list)
    if not wanted:
        return index
    query = select(
        Meeting.municipality_code,
        Meeting.body,
        Meeting.meeting_on,
        Meeting.case_deadline_on,
        Meeting.body_name,
    ).where(Meeting.municipality_code.in_(wanted))
    if start is not None:
        query = query.where(Meeting.meeting_on >= start)
    if end is not None:
        query = query.where(Meeting.meeting_on <= end)
    for code, body, meeting_on, case_deadline_on, body_name in session.execute(query):
        index[code].append(DatedMeeting(body, meeting_on, case_deadline_on, body_name or ""))
    return index
