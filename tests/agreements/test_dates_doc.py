"""The worked examples in docs/dates.md, run as tests: the page and the rules cannot drift apart.

Each row of the tables after ``<!-- worked-examples: terms -->`` and
``<!-- worked-examples: decide-by -->`` is one case; a kommunjurist checks the page, the suite
checks that the code says the same.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coop_tracker.agreements.dates import (
    Meeting,
    Terms,
    decide_by,
    earliest_end_on,
    notice_deadline_on,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "dates.md"


def _table(marker: str) -> list[dict[str, str]]:
    """The rows of the markdown table that follows ``marker``, as header → cell."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"<!-- worked-examples: {marker} -->") + 1
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    header, _rule, *rows = table
    assert rows, f"no worked examples after {marker}"
    return [dict(zip(header, row, strict=True)) for row in rows]


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


TERM_ROWS = _table("terms")
DECIDE_ROWS = _table("decide-by")


@pytest.mark.parametrize("row", TERM_ROWS, ids=[r["Klausul / clause"][:60] for r in TERM_ROWS])
def test_worked_example_terms(row: dict[str, str]) -> None:
    start = _day(row["start"])
    assert start is not None
    terms = Terms(
        start,
        _day(row["end"]),
        int(row["notice"]) if row["notice"] else None,
        renewal_months=int(row["renewal"]) if row["renewal"] else None,
        term=row["term"],
        end_alignment=row["align"] or "none",
    )
    received = _day(row["received"])
    assert received is not None
    assert notice_deadline_on(terms, received) == _day(row["deadline"])
    assert earliest_end_on(terms, received) == _day(row["earliest end"])


def _meetings(text: str) -> list[Meeting]:
    meetings = []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        body, days = item.split()
        meeting_on, case_deadline = days.split("/")
        meetings.append(
            Meeting(body, date.fromisoformat(meeting_on), date.fromisoformat(case_deadline))
        )
    return meetings


@pytest.mark.parametrize("row", DECIDE_ROWS, ids=[r["Fall / case"][:60] for r in DECIDE_ROWS])
def test_worked_example_decide_by(row: dict[str, str]) -> None:
    deadline = _day(row["deadline"])
    assert deadline is not None
    result = decide_by(
        deadline,
        body=row["body"],
        meetings=_meetings(row["calendar"]),
        lead_days=int(row["lead"]),
        buffer_days=int(row["buffer"]),
    )
    assert result.on == _day(row["decide by"])
    assert result.meeting_on == _day(row["meeting"])
    expected = row["warning"].split()
    if not expected:
        assert result.warnings == ()
        return
    [warning] = result.warnings
    assert warning.code == expected[0]
    if warning.code == "calendar_missing":
        assert (str(warning.params["year"]), warning.params["body"]) == (expected[1], expected[2])
    else:
        assert warning.params["body"] == expected[1]
