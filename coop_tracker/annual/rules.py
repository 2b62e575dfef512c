"""The annual cycle as rules: which recurring duties a party has in a year, by form, and when.

Pure functions of an agreement's facts, a party and a year (no database, no clock). Sources
(see ``docs/annual-cycle.md``): kommunallagen (2017:725) 5 kap. 24–25 §§ (ansvarsprövning
before the end of June), 6 kap. 9 § (KS's yearly decision on companies), 9 kap. 14 § and
34 § (ansvarsprövning of a förbund's direktion and of a gemensam nämnd in each member's
fullmäktige), 9 kap. 6 § (the förbundsordning's budget procedure); vallagen (2005:837)
1 kap. 3 § (general elections on the second Sunday of September every fourth year).
Dates that no statute sets (revisionsberättelse by 30 April, the documents looked at in
the first year of a mandate period) are stated as practice in the duty's text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from coop_tracker.core.i18n import _, _l


class DutyKind(enum.StrEnum):
    """A recurring duty; the values are also the reminder kinds."""

    ANNUAL_REPORT = "annual_report"
    AUDIT_REPORT = "annual_audit"
    DISCHARGE = "annual_discharge"
    BUDGET_CONSULTATION = "annual_budget"
    ELECTION = "annual_election"
    DOCUMENT_REVIEW = "annual_documents"
    COMPANY_OVERSIGHT = "annual_company"


DUTY_LABELS: dict[str, str] = {
    DutyKind.ANNUAL_REPORT: _l("Årsredovisning"),
    DutyKind.AUDIT_REPORT: _l("Revisionsberättelse"),
    DutyKind.DISCHARGE: _l("Ansvarsprövning"),
    DutyKind.BUDGET_CONSULTATION: _l("Budgetsamråd"),
    DutyKind.ELECTION: _l("Val av ledamöter och ersättare"),
    DutyKind.DOCUMENT_REVIEW: _l("Översyn av styrdokument"),
    DutyKind.COMPANY_OVERSIGHT: _l("Uppsiktsbeslut om bolag"),
}
DUTY_KINDS = frozenset(DUTY_LABELS)
KIND_ORDER = {kind: index for index, kind in enumerate(DUTY_LABELS)}

FORBUND = "kommunalforbund"
NAMND = "gemensam_namnd"
COMPANY = "bolag"  # a jointly owned company (agreements.models.Form.BOLAG)
JOINT_BODY_FORMS = (FORBUND, NAMND)

FIRST_SECOND_SUNDAY_ELECTION = 2014  # vallagen 1 kap. 3 § since 2014: second Sunday
MANDATE_YEARS = 4
DEFAULT_DOCUMENT_REVIEW_YEARS = 4

DOCUMENTS_BY_FORM: dict[str, str] = {
    FORBUND: _l("förbundsordningen"),
    NAMND: _l("reglementet och samverkansavtalet"),
    COMPANY: _l("bolagsordningen och ägardirektivet"),
}


def election_day(year: int) -> date | None:
    """The day of the general election held in ``year``, or None in other years.

    Every fourth year from 2014, on the second Sunday of September (2026-09-13). Earlier
    elections (third Sunday) are outside what the register plans for.
    """
    if year < FIRST_SECOND_SUNDAY_ELECTION or (year - FIRST_SECOND_SUNDAY_ELECTION) % 4:
        return None
    first = date(year, 9, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(days=7)


def last_election_before(year: int) -> int:
    """The latest election year strictly before ``year`` (2026 for 2027–2030)."""
    return year - 1 - (year - 1 - FIRST_SECOND_SUNDAY_ELECTION) % MANDATE_YEARS


@dataclass(frozen=True)
class AgreementFacts:
    """What the rules need of an agreement."""

    id: int
    title: str
    form: str
    start_on: date | None
    end_on: date | None
    term: str = "fixed"

    @property
    def ends_on(self) -> date | None:
        """The last day, where known: a renewing or tills-vidare term goes on past its
        ``end_on`` (that is only the end of the current period)."""
        return self.end_on if self.term == "fixed" else None


@dataclass(frozen=True)
class PartyFacts:
    """What the rules need of one party."""

    municipality_code: str
    role: str
    joined_on: date | None
    left_on: date | None


@dataclass(frozen=True)
class Settings:
    """An agreement's annual-cycle settings (``CycleSettings``, or the defaults)."""

    budget_consultation_month: int | None = None
    budget_consultation_day: int | None = None
    document_review_years: int = DEFAULT_DOCUMENT_REVIEW_YEARS

    @property
    def has_budget_date(self) -> bool:
        return bool(self.budget_consultation_month and self.budget_consultation_day)


@dataclass(frozen=True)
class Duty:
    """One duty of one party in one year."""

    kind: str
    year: int
    agreement_id: int
    agreement_title: str
    form: str
    municipality_code: str
    due_on: date
    title: str
    detail: str

    @property
    def label(self) -> str:
        return str(DUTY_LABELS[self.kind])

    @property
    def key(self) -> tuple[int, str, str, int]:
        return (self.agreement_id, self.municipality_code, self.kind, self.year)

    @property
    def task(self) -> str:
        """The title without the agreement's name ("Årsredovisning 2025"): every title is
        the task, a colon and the agreement's title."""
        suffix = f": {self.agreement_title}"
        return self.title[: -len(suffix)] if self.title.endswith(suffix) else self.title


def _active_during(agreement: AgreementFacts, party: PartyFacts, first: date, last: date) -> bool:
    """Whether the party was in the agreement at some time between two dates."""
    starts = max(d for d in (agreement.start_on, party.joined_on, date.min) if d is not None)
    ends = min(d for d in (agreement.ends_on, party.left_on, date.max) if d is not None)
    return starts <= last and ends >= first


def _documents(form: str) -> str:
    return str(DOCUMENTS_BY_FORM.get(form, _l("avtalet")))


def document_review_years(
    agreement: AgreementFacts, settings: Settings, last_done_year: int | None, year: int
) -> bool:
    """Whether the governing documents are due for a look in ``year``.

    After a recorded look: every ``document_review_years`` years from it. Without one: in the
    first year of each mandate period (2027, 2031, … with the default four years), when the
    new fullmäktige has taken office — a practice, not a statute — and not before the
    agreement's second year.
    """
    interval = max(1, settings.document_review_years)
    if agreement.start_on is not None and year <= agreement.start_on.year:
        return False
    if last_done_year is not None:
        return year > last_done_year and (year - last_done_year) % interval == 0
    first_mandate_year = FIRST_SECOND_SUNDAY_ELECTION + 1
    return (year - first_mandate_year) % interval == 0


def duties_for(
    agreement: AgreementFacts,
    party: PartyFacts,
    year: int,
    settings: Settings,
    *,
    last_document_review: int | None = None,
) -> list[Duty]:
    """The party's duties with a due date in ``year``, in date order."""
    found: list[Duty] = []
    title = agreement.title
    form = agreement.form

    def add(kind: str, due_on: date, text: str, detail: str) -> None:
        found.append(
            Duty(
                kind=kind,
                year=year,
                agreement_id=agreement.id,
                agreement_title=title,
                form=form,
                municipality_code=party.municipality_code,
                due_on=due_on,
                title=text,
                detail=detail,
            )
        )

    last_year = year - 1
    in_last_year = _active_during(agreement, party, date(last_year, 1, 1), date(last_year, 12, 31))
    if form in JOINT_BODY_FORMS and in_last_year:
        body = _("förbundet") if form == FORBUND else _("den gemensamma nämnden")
        add(
            DutyKind.ANNUAL_REPORT,
            date(year, 4, 15),
            _("Årsredovisning %(year)s: %(title)s", year=last_year, title=title),
            _(
                "Årsredovisningen för %(body)s ska lämnas till fullmäktige och revisorer i "
                "varje medlemskommun senast 15 april, i god tid före ansvarsprövningen.",
                body=body,
            ),
        )
        add(
            DutyKind.AUDIT_REPORT,
            date(year, 4, 30),
            _("Revisionsberättelse %(year)s: %(title)s", year=last_year, title=title),
            _(
                "Revisorernas berättelse behövs som underlag när fullmäktige prövar "
                "ansvarsfriheten. Praxis: den finns i slutet av april."
            ),
        )
        if form == NAMND:
            law = _(
                "Fullmäktige i varje samverkande kommun prövar ansvarsfriheten för nämndens "
                "ledamöter (KL 9 kap. 34 §), före utgången av juni (KL 5 kap. 24 §)."
            )
        else:
            law = _(
                "I ett förbund med förbundsdirektion prövar fullmäktige i varje medlemskommun "
                "ansvarsfriheten för direktionens ledamöter (KL 9 kap. 14 §), före utgången "
                "av juni (KL 5 kap. 24 §). Har förbundet förbundsfullmäktige prövar de."
            )
        add(
            DutyKind.DISCHARGE,
            date(year, 6, 30),
            _("Ansvarsprövning %(year)s i fullmäktige: %(title)s", year=last_year, title=title),
            law,
        )
    if form == COMPANY and in_last_year:
        add(
            DutyKind.COMPANY_OVERSIGHT,
            date(year, 4, 30),
            _("Kommunstyrelsens uppsiktsbeslut %(year)s: %(title)s", year=last_year, title=title),
            _(
                "Kommunstyrelsen ska varje år i ett beslut pröva om bolagets verksamhet under "
                "förra året var förenlig med det kommunala ändamålet och låg inom de kommunala "
                "befogenheterna (KL 6 kap. 9 §). Praxis: före fullmäktiges behandling av "
                "årsredovisningen."
            ),
        )
    if form in JOINT_BODY_FORMS and settings.has_budget_date:
        assert settings.budget_consultation_month and settings.budget_consultation_day
        due = _safe_date(year, settings.budget_consultation_month, settings.budget_consultation_day)
        if _active_during(agreement, party, due, due):
            add(
                DutyKind.BUDGET_CONSULTATION,
                due,
                _("Budgetsamråd om %(next)s: %(title)s", next=year + 1, title=title),
                _(
                    "Medlemmarna ska höras om budgeten för %(next)s på det sätt och den dag som "
                    "förbundsordningen eller samverkansavtalet anger (KL 9 kap. 6 §).",
                    next=year + 1,
                ),
            )
    election = election_day(year)
    if form in (*JOINT_BODY_FORMS, COMPANY) and election is not None:
        mandate_start = date(year + 1, 1, 1)
        if _active_during(agreement, party, mandate_start, mandate_start):
            period = f"{year + 1}–{year + MANDATE_YEARS}"
            if form == FORBUND:
                where = _("förbundets direktion eller förbundsfullmäktige")
            elif form == NAMND:
                where = _("den gemensamma nämnden")
            else:
                where = _("bolagets styrelse och som stämmoombud")
            add(
                DutyKind.ELECTION,
                date(year, 12, 31),
                _(
                    "Val av ledamöter och ersättare för %(period)s: %(title)s",
                    period=period,
                    title=title,
                ),
                _(
                    "Efter valet %(election)s väljer fullmäktige kommunens ledamöter och "
                    "ersättare i %(where)s för mandatperioden %(period)s, som börjar "
                    "1 januari %(start)s.",
                    election=election.isoformat(),
                    where=where,
                    period=period,
                    start=year + 1,
                ),
            )
    if document_review_years(agreement, settings, last_document_review, year):
        end_of_year = date(year, 12, 31)
        if _active_during(agreement, party, date(year, 1, 1), end_of_year):
            documents = _documents(form)
            add(
                DutyKind.DOCUMENT_REVIEW,
                end_of_year,
                _("Se över %(documents)s: %(title)s", documents=documents, title=title),
                _(
                    "Pröva om %(documents)s fortfarande stämmer med uppdraget, parterna och "
                    "kostnadsfördelningen. Intervallet är %(years)s år (inställning för "
                    "samverkan).",
                    documents=documents,
                    years=settings.document_review_years,
                ),
            )
    found.sort(key=lambda d: (d.due_on, KIND_ORDER[d.kind]))
    return found


def _safe_date(year: int, month: int, day: int) -> date:
    """The day in ``year``; 29 February falls back to the 28th in other years."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, 28)
