"""The annual cycle's rules: which duties a party has in a year, and when (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from coop_tracker.annual.rules import (
    AgreementFacts,
    DutyKind,
    PartyFacts,
    Settings,
    duties_for,
    election_day,
    last_election_before,
)

NAMND = AgreementFacts(1, "Gemensam IT-nämnd", "gemensam_namnd", date(2015, 1, 1), None)
FORBUND = AgreementFacts(2, "Räddningstjänstförbundet", "kommunalforbund", date(2010, 1, 1), None)
AVTAL = AgreementFacts(3, "Avtal om livsmedelskontroll", "avtalssamverkan", date(2020, 1, 1), None)
MEMBER = PartyFacts("2062", "member", None, None)


def kinds(duties: list) -> list[tuple[str, date]]:
    return [(d.kind, d.due_on) for d in duties]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2014, date(2014, 9, 14)),
        (2018, date(2018, 9, 9)),
        (2022, date(2022, 9, 11)),
        (2026, date(2026, 9, 13)),  # the brief's date for the 2026 election
        (2030, date(2030, 9, 8)),
        (2027, None),
        (2029, None),
        (2010, None),  # before the second-Sunday rule
    ],
)
def test_election_day_is_the_second_sunday_of_september_every_fourth_year(
    year: int, expected: date | None
) -> None:
    assert election_day(year) == expected


def test_last_election_before() -> None:
    assert last_election_before(2027) == 2026
    assert last_election_before(2026) == 2022
    assert last_election_before(2030) == 2026


def test_gemensam_namnd_in_an_election_year_elects_for_the_mandate_from_1_january() -> None:
    duties = duties_for(NAMND, MEMBER, 2026, Settings())
    election = [d for d in duties if d.kind == DutyKind.ELECTION]
    assert len(election) == 1
    assert election[0].due_on == date(2026, 12, 31)
    assert "2027–2030" in election[0].title
    assert "2026-09-13" in election[0].detail
    assert "1 januari 2027" in election[0].detail


def test_annual_reports_of_the_year_before_with_the_law_per_form() -> None:
    namnd = duties_for(NAMND, MEMBER, 2027, Settings())
    assert kinds(namnd)[:3] == [
        (DutyKind.ANNUAL_REPORT, date(2027, 4, 15)),
        (DutyKind.AUDIT_REPORT, date(2027, 4, 30)),
        (DutyKind.DISCHARGE, date(2027, 6, 30)),
    ]
    assert "Årsredovisning 2026" in namnd[0].title
    discharge = next(d for d in namnd if d.kind == DutyKind.DISCHARGE)
    assert "KL 9 kap. 34 §" in discharge.detail
    forbund = duties_for(FORBUND, MEMBER, 2027, Settings())
    discharge = next(d for d in forbund if d.kind == DutyKind.DISCHARGE)
    assert "KL 9 kap. 14 §" in discharge.detail
    assert "före utgången av juni" in discharge.detail


def test_no_election_duty_when_the_agreement_ends_before_the_new_mandate() -> None:
    ending = AgreementFacts(4, "Nämnd som upphör", "gemensam_namnd", date(2015, 1, 1),
                            date(2026, 12, 31))  # fmt: skip
    assert DutyKind.ELECTION not in {d.kind for d in duties_for(ending, MEMBER, 2026, Settings())}


def test_a_party_that_joined_this_year_has_no_annual_report_of_last_year() -> None:
    joined = PartyFacts("2062", "member", date(2027, 1, 1), None)
    found = {d.kind for d in duties_for(NAMND, joined, 2027, Settings())}
    assert DutyKind.ANNUAL_REPORT not in found
    assert DutyKind.DISCHARGE not in found


def test_avtalssamverkan_has_no_joint_body_duties() -> None:
    assert kinds(duties_for(AVTAL, MEMBER, 2026, Settings())) == []
    assert kinds(duties_for(AVTAL, MEMBER, 2027, Settings())) == [
        (DutyKind.DOCUMENT_REVIEW, date(2027, 12, 31))
    ]


def test_budget_consultation_only_with_the_day_the_forbundsordning_gives() -> None:
    assert DutyKind.BUDGET_CONSULTATION not in {
        d.kind for d in duties_for(FORBUND, MEMBER, 2027, Settings())
    }
    settings = Settings(budget_consultation_month=5, budget_consultation_day=31)
    budget = next(
        d for d in duties_for(FORBUND, MEMBER, 2027, settings)
        if d.kind == DutyKind.BUDGET_CONSULTATION
    )  # fmt: skip
    assert budget.due_on == date(2027, 5, 31)
    assert "budgeten för 2028" in budget.detail


def test_documents_are_looked_at_in_the_first_year_of_a_mandate_or_after_the_last_look() -> None:
    def reviewed(year: int, last: int | None, years: int = 4) -> bool:
        found = duties_for(FORBUND, MEMBER, year, Settings(document_review_years=years),
                           last_document_review=last)  # fmt: skip
        return DutyKind.DOCUMENT_REVIEW in {d.kind for d in found}

    assert [y for y in range(2025, 2033) if reviewed(y, None)] == [2027, 2031]
    assert [y for y in range(2025, 2033) if reviewed(y, 2025)] == [2029]
    assert [y for y in range(2025, 2030) if reviewed(y, 2025, years=2)] == [2027, 2029]


def test_company_duties_wait_for_the_company_form() -> None:
    company = AgreementFacts(5, "Gemensamt energibolag", "bolag", date(2015, 1, 1), None)
    duties = duties_for(company, PartyFacts("2062", "member", None, None), 2027, Settings())
    oversight = next(d for d in duties if d.kind == DutyKind.COMPANY_OVERSIGHT)
    assert "KL 6 kap. 9 §" in oversight.detail
    assert oversight.due_on == date(2027, 4, 30)
