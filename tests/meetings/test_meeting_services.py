"""Meeting calendars: entering, CSV import (all-or-nothing, row and column), copying a year."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.meetings.models import Meeting
from coop_tracker.meetings.rules import same_weekday_next_year
from coop_tracker.meetings.services import (
    MeetingInput,
    add_meeting,
    copy_preview,
    import_meetings,
    save_meetings,
)


def _count(session):
    return session.scalar(select(func.count()).select_from(Meeting))


def test_add_meeting_checks_dates_and_duplicates(session, factory):
    editor = factory.user("editor", "2021")
    actor = Actor(editor, "web")
    add_meeting(session, "2021", MeetingInput("kf", "", "2026-06-15", "2026-05-25"), actor=actor)
    with pytest.raises(ValidationFailed) as failure:
        add_meeting(
            session, "2021", MeetingInput("kf", "", "2026-06-15", "2026-05-20"), actor=actor
        )
    assert "meeting_on" in failure.value.fields
    with pytest.raises(ValidationFailed) as failure:
        add_meeting(
            session, "2021", MeetingInput("ks", "", "2026-06-01", "2026-06-02"), actor=actor
        )
    assert "efter sammanträdet" in failure.value.fields["case_deadline_on"]
    with pytest.raises(ValidationFailed) as failure:
        add_meeting(
            session, "2021", MeetingInput("namnd", "", "2026-06-01", "2026-05-02"), actor=actor
        )
    assert "body_name" in failure.value.fields


def test_only_the_kommuns_editors_may_change_its_calendar(session, factory):
    other = factory.user("editor", "0180")
    with pytest.raises(PermissionDenied):
        add_meeting(
            session,
            "2021",
            MeetingInput("kf", "", "2026-06-15", "2026-05-25"),
            actor=Actor(other, "web"),
        )


def test_csv_import_reports_every_error_with_row_and_column_and_saves_nothing(session, factory):
    editor = factory.user("editor", "2021")
    raw = (
        b"organ;sammantradesdag;sista_dag_for_arenden;namnd\n"
        b"KF;2026-02-16;2026-01-26;\n"
        b"KS;2026-02-30;2026-02-02;\n"  # row 3: no such day
        b"Styrelsen;2026-03-02;2026-02-09;\n"  # row 4: unknown body
        b"KF;2026-02-16;2026-01-20;\n"  # row 5: same body and day as row 2
        b"KF;2026-04-20;2026-04-27;\n"  # row 6: deadline after the meeting
    )
    with pytest.raises(ValidationFailed) as failure:
        import_meetings(session, "2021", raw, actor=Actor(editor, "web"))
    messages = failure.value.fields
    assert messages["row-3-meeting_on"].startswith("Rad 3, kolumn sammantradesdag:")
    assert messages["row-4-body"].startswith("Rad 4, kolumn organ:")
    assert "rad 2" in messages["row-5-meeting_on"]
    assert messages["row-6-case_deadline_on"].startswith("Rad 6, kolumn sista_dag_for_arenden:")
    assert "Inget importerades" in failure.value.message
    session.rollback()
    assert _count(session) == 0


def test_csv_import_accepts_excel_files_and_updates_existing(session, factory):
    editor = factory.user("editor", "2021")
    actor = Actor(editor, "web")
    add_meeting(session, "2021", MeetingInput("kf", "", "2026-02-16", "2026-01-20"), actor=actor)
    raw = (
        "Organ,Sammanträdesdag,Sista dag för ärenden,Nämnd\r\n"
        "Kommunfullmäktige,2026-02-16,2026-01-26,\r\n"
        "Nämnd,2026-03-11,2026-02-25,Miljö- och byggnämnden\r\n"
        "\r\n"
    ).encode("cp1252")
    result = import_meetings(session, "2021", raw, actor=actor)
    assert (result.created, result.updated) == (1, 1)
    kf = session.scalar(select(Meeting).where(Meeting.body == "kf"))
    assert kf.case_deadline_on == date(2026, 1, 26)
    namnd = session.scalar(select(Meeting).where(Meeting.body == "namnd"))
    assert namnd.body_name == "Miljö- och byggnämnden"


def test_csv_without_the_needed_columns_is_refused(session, factory):
    editor = factory.user("editor", "2021")
    with pytest.raises(ValidationFailed) as failure:
        import_meetings(
            session, "2021", b"datum;organ\n2026-01-01;KF\n", actor=Actor(editor, "web")
        )
    assert "sista_dag_for_arenden" in failure.value.fields["file"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (date(2026, 3, 10), date(2027, 3, 9)),  # 2nd Tuesday of March
        (date(2026, 6, 29), date(2027, 6, 28)),  # 5th Monday -> last Monday
        (date(2027, 12, 31), date(2028, 12, 29)),  # 5th Friday of December -> last Friday
        (date(2024, 2, 29), date(2025, 2, 27)),  # 5th Thursday of a leap February
    ],
)
def test_same_weekday_next_year(given, expected):
    moved = same_weekday_next_year(given)
    assert moved == expected
    assert moved.weekday() == given.weekday()


def test_copy_preview_keeps_weekday_and_case_deadline_offset(session, factory):
    editor = factory.user("editor", "2021")
    actor = Actor(editor, "web")
    add_meeting(session, "2021", MeetingInput("kf", "", "2026-03-16", "2026-02-23"), actor=actor)
    add_meeting(session, "2021", MeetingInput("ks", "", "2026-03-02", "2026-02-16"), actor=actor)
    proposals = copy_preview(session, "2021", 2026)
    assert [(p.body, p.meeting_on, p.case_deadline_on) for p in proposals] == [
        ("ks", date(2027, 3, 1), date(2027, 2, 15)),
        ("kf", date(2027, 3, 15), date(2027, 2, 22)),
    ]
    proposals[1].meeting_on = "2027-03-22"  # edited in the preview
    proposals[1].case_deadline_on = "2027-03-01"
    result = save_meetings(session, "2021", proposals, actor=actor)
    assert result.created == 2
    with pytest.raises(ValidationFailed) as failure:
        save_meetings(
            session,
            "2021",
            [MeetingInput("kf", "", "2027-05-10", "2027-06-01")],
            actor=actor,
            positions=[3],
        )
    assert "rows-3-case_deadline_on" in failure.value.fields
