"""Read side of the annual cycle: a kommun's year view, and the open duties as reminder
deadlines (for the planner, the digest and the calendar feed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.agreements.queries import with_children
from coop_tracker.annual.models import CycleSettings, DutyDone
from coop_tracker.annual.rules import (
    COMPANY,
    AgreementFacts,
    Duty,
    DutyKind,
    PartyFacts,
    Settings,
    duties_for,
    election_day,
)
from coop_tracker.core.collation import swedish
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.reminders.deadlines import Deadline

OVERDUE_WINDOW_DAYS = 60  # as far back as the calendar feed shows open deadlines
YEAR_PHASES = (Phase.ACTIVE, Phase.EXITING, Phase.ENDED)
MONTH_NAMES = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class DutyDeadline(Deadline):
    """A duty as a reminder deadline; its calendar UID names the year, so the same duty of
    two years are two events."""

    year: int = 0

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.year}-{self.subject_id}-{self.municipality_code or 'alla'}"


@dataclass
class DutyRow:
    """A duty with its completion, as the year view shows it."""

    duty: Duty
    done: DutyDone | None
    today: date

    @property
    def status(self) -> str:
        if self.done is not None:
            return "done"
        if self.duty.due_on < self.today:
            return "overdue"
        return "open"

    def as_json(self) -> dict[str, Any]:
        duty = self.duty
        return {
            "kind": duty.kind,
            "label": duty.label,
            "year": duty.year,
            "agreement_id": duty.agreement_id,
            "agreement_title": duty.agreement_title,
            "form": duty.form,
            "municipality": duty.municipality_code,
            "due_on": duty.due_on,
            "title": duty.title,
            "detail": duty.detail,
            "status": self.status,
            "done_on": self.done.done_on if self.done else None,
            "reference": self.done.reference if self.done else None,
            "note": self.done.note if self.done else None,
        }


@dataclass
class Month:
    number: int
    name: str
    rows: list[DutyRow] = field(default_factory=list)


@dataclass
class YearView:
    """A kommun's årshjul for one year."""

    code: str
    year: int
    months: list[Month]
    election_on: date | None
    agreements_without_budget_date: list[Agreement]
    has_companies: bool

    @property
    def rows(self) -> list[DutyRow]:
        return [row for month in self.months for row in month.rows]

    def counts(self) -> dict[str, int]:
        result = {"done": 0, "overdue": 0, "open": 0}
        for row in self.rows:
            result[row.status] += 1
        return result


def agreement_facts(agreement: Agreement) -> AgreementFacts:
    return AgreementFacts(
        id=agreement.id,
        title=agreement.title,
        form=agreement.form,
        start_on=agreement.start_on,
        end_on=agreement.end_on,
        term=agreement.term,
    )


def party_facts(party: Party) -> PartyFacts:
    return PartyFacts(
        municipality_code=party.municipality_code or "",
        role=party.role,
        joined_on=party.joined_on,
        left_on=party.left_on,
    )


def settings_for(session: Session, agreement_ids: Iterable[int]) -> dict[int, Settings]:
    """Each agreement's settings (defaults where none are stored)."""
    ids = sorted(set(agreement_ids))
    result: dict[int, Settings] = defaultdict(Settings)
    if not ids:
        return result
    for row in session.scalars(select(CycleSettings).where(CycleSettings.agreement_id.in_(ids))):
        result[row.agreement_id] = Settings(
            budget_consultation_month=row.budget_consultation_month,
            budget_consultation_day=row.budget_consultation_day,
            document_review_years=row.document_review_years,
        )
    return result


def completions(
    session: Session, agreement_ids: Iterable[int], *, code: str | None = None
) -> dict[tuple[int, str, str, int], DutyDone]:
    """Done duties of these agreements (one kommun's, or every party's)."""
    ids = sorted(set(agreement_ids))
    if not ids:
        return {}
    query = select(DutyDone).where(DutyDone.agreement_id.in_(ids))
    if code is not None:
        query = query.where(DutyDone.municipality_code == code)
    return {
        (d.agreement_id, d.municipality_code, d.kind, d.year): d for d in session.scalars(query)
    }


def last_reviews(
    done: dict[tuple[int, str, str, int], DutyDone], before_year: int
) -> dict[tuple[int, str], int]:
    """The latest year (before ``before_year``) each party looked at the governing documents."""
    result: dict[tuple[int, str], int] = {}
    for (agreement_id, code, kind, year), _row in done.items():
        if kind == DutyKind.DOCUMENT_REVIEW and year < before_year:
            key = (agreement_id, code)
            result[key] = max(result.get(key, year), year)
    return result


def party_duties(
    agreement: Agreement,
    party: Party,
    year: int,
    settings: Settings,
    done: dict[tuple[int, str, str, int], DutyDone],
) -> list[Duty]:
    """One party's duties of one year (an ended agreement without an end date has none)."""
    if agreement.phase == Phase.ENDED and agreement.end_on is None:
        return []
    last = last_reviews(done, year).get((agreement.id, party.municipality_code or ""))
    return duties_for(
        agreement_facts(agreement), party_facts(party), year, settings, last_document_review=last
    )


def kommun_agreements(session: Session, code: str, user: Any) -> list[Agreement]:
    """The running (or recently ended) agreements the kommun is or was party to, as visible."""
    query = select(Agreement).where(
        Agreement.phase.in_(YEAR_PHASES),
        exists(
            select(Party.id).where(
                Party.agreement_id == Agreement.id, Party.municipality_code == code
            )
        ),
    )
    query = with_children(
        restrict_agreements(query, user).order_by(swedish(Agreement.title), Agreement.id)
    )
    return list(session.scalars(query).unique())


def _rows_by_year(
    session: Session, code: str, user: Any, years: Sequence[int], today: date
) -> tuple[dict[int, list[DutyRow]], list[Agreement]]:
    """The kommun's duty rows for each year (a fixed number of queries, whatever the years),
    and its joint bodies that have no budget consultation day."""
    agreements = kommun_agreements(session, code, user)
    ids = [a.id for a in agreements]
    settings = settings_for(session, ids)
    done = completions(session, ids, code=code)
    rows: dict[int, list[DutyRow]] = {year: [] for year in years}
    missing_budget: list[Agreement] = []
    for agreement in agreements:
        party = agreement.party_for(code)
        if party is None:  # pragma: no cover - the query guarantees a party
            continue
        own = settings[agreement.id]
        if (
            agreement.form in ("kommunalforbund", "gemensam_namnd")
            and not own.has_budget_date
            and party.left_on is None
            and agreement.phase != Phase.ENDED
        ):
            missing_budget.append(agreement)
        for year in years:
            for duty in party_duties(agreement, party, year, own, done):
                rows[year].append(DutyRow(duty, done.get(duty.key), today))
    for found in rows.values():
        found.sort(key=lambda r: (r.duty.due_on, r.duty.agreement_title.casefold()))
    return rows, missing_budget


def year_view(session: Session, code: str, user: Any, year: int, today: date) -> YearView:
    """The kommun's duties of ``year`` by month, with what is done."""
    rows, missing_budget = _rows_by_year(session, code, user, [year], today)
    months = [Month(n, MONTH_NAMES[n - 1]) for n in range(1, 13)]
    for row in rows[year]:
        months[row.duty.due_on.month - 1].rows.append(row)
    has_companies = session.scalar(
        select(func.count(Agreement.id)).where(Agreement.form == COMPANY)
    )
    return YearView(
        code=code,
        year=year,
        months=months,
        election_on=election_day(year),
        agreements_without_budget_date=missing_budget,
        has_companies=bool(has_companies),
    )


def open_duties(session: Session, code: str, user: Any, today: date, until: date) -> list[DutyRow]:
    """The kommun's duties not yet done that are overdue (this year) or due by ``until``:
    what Uppsikt lists."""
    years = list(range(today.year, until.year + 1))
    rows, _missing = _rows_by_year(session, code, user, years, today)
    found = [
        row
        for year in years
        for row in rows[year]
        if row.status != "done" and row.duty.due_on <= until
    ]
    found.sort(key=lambda r: (r.duty.due_on, r.duty.agreement_title.casefold()))
    return found


@dataclass
class DutyGroup:
    """The same task with the same due date in several agreements (the meeting report names
    the task once and the agreements after it)."""

    due_on: date
    task: str
    status: str
    agreement_titles: list[str]


def group_duties(rows: Sequence[DutyRow]) -> list[DutyGroup]:
    """Open duties per (due date, task), in date order, each group's agreements by title."""
    groups: dict[tuple[date, str, str], DutyGroup] = {}
    for row in rows:
        key = (row.duty.due_on, row.duty.task, row.status)
        group = groups.get(key)
        if group is None:
            group = groups[key] = DutyGroup(row.duty.due_on, row.duty.task, row.status, [])
        group.agreement_titles.append(row.duty.agreement_title)
    for group in groups.values():
        group.agreement_titles.sort(key=str.casefold)
    return sorted(groups.values(), key=lambda g: (g.due_on, g.task.casefold()))


def annual_deadlines(
    session: Session, agreements: Sequence[Agreement], today: date
) -> list[Deadline]:
    """Every current party's open duties of this year and next, as reminder deadlines.

    A duty more than ``OVERDUE_WINDOW_DAYS`` past (or due before the agreement was imported)
    is history, not a reminder: a kommun that starts using the register in December is not
    mailed about April's annual reports. The year view still shows it as late."""
    running = [a for a in agreements if a.phase in (Phase.ACTIVE, Phase.EXITING)]
    ids = [a.id for a in running]
    settings = settings_for(session, ids)
    done = completions(session, ids)
    found: list[Deadline] = []
    oldest = today - timedelta(days=OVERDUE_WINDOW_DAYS)
    for agreement in running:
        for party in agreement.parties:
            if party.left_on is not None:
                continue
            for year in (today.year, today.year + 1):
                for duty in party_duties(agreement, party, year, settings[agreement.id], done):
                    if duty.key in done or duty.due_on < oldest:
                        continue
                    if agreement.imported_on and duty.due_on < agreement.imported_on:
                        continue
                    found.append(
                        DutyDeadline.of(
                            agreement,
                            duty.kind,
                            ("annual_duty", agreement.id),
                            duty.due_on,
                            duty.title,
                            detail=duty.detail,
                            municipality_code=party.municipality_code,
                            year=duty.year,
                        )
                    )
    return found
