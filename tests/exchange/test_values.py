"""How values written by kommuners officials are read (pure functions, a table of cases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from coop_tracker.exchange.names import Kommuner, split_parties
from coop_tracker.exchange.values import (
    Term,
    read_amount,
    read_date,
    read_notice,
    read_term,
)


@pytest.mark.parametrize(
    ("written", "value", "note"),
    [
        ("2020-01-01", date(2020, 1, 1), None),
        ("1/1 2020", date(2020, 1, 1), None),
        ("1.7.2018", date(2018, 7, 1), None),
        ("20190617", date(2019, 6, 17), None),
        ("fr.o.m. 2021-03-01", date(2021, 3, 1), None),
        ("1926", date(1926, 1, 1), "bara år angivet; tolkat som 1926-01-01"),
        ("mars 2019", date(2019, 3, 1), "tolkat som den 1:a i månaden (2019-03-01)"),
        ("2019-03", date(2019, 3, 1), "tolkat som den 1:a i månaden (2019-03-01)"),
        # An Excel date saved as text in a CSV keeps its time of day.
        ("2024-01-01 00:00", date(2024, 1, 1), None),
        ("2024-01-01 00:00:00", date(2024, 1, 1), None),
        ("2024-01-01T00:00:00.000", date(2024, 1, 1), None),
        ("2024-3-5 13:45", date(2024, 3, 5), "klockslaget 13:45 är borttaget; bara dagen används"),
        ("", None, None),
        ("–", None, None),
    ],
)
def test_dates_as_written(written, value, note):
    reading = read_date(written)
    assert (reading.value, reading.error, reading.note) == (value, None, note)


@pytest.mark.parametrize(
    ("written", "error"),
    [
        ("31/6 2021", "datumet finns inte i kalendern; skriv t.ex. 2020-01-01"),
        ("1200", "datumet måste ligga mellan 1850 och 2100; kontrollera årtalet"),
        ("snart", "skriv ett datum, t.ex. 2020-01-01, 1/1 2020 eller bara året 2020"),
    ],
)
def test_dates_that_cannot_be_read_say_how_to_write_them(written, error):
    assert read_date(written).error == error


@pytest.mark.parametrize(
    ("written", "value", "note"),
    [
        ("1 250 000 kr", Decimal("1250000.00"), None),
        ("1 250 000", Decimal("1250000.00"), None),
        ("52,4 mkr", Decimal("52400000.00"), "tolkat som 52 400 000 kr"),
        ("52,4 Mkr", Decimal("52400000.00"), "tolkat som 52 400 000 kr"),
        ("820 tkr", Decimal("820000.00"), "tolkat som 820 000 kr"),
        ("1,2 milj. kr", Decimal("1200000.00"), "tolkat som 1 200 000 kr"),
        ("350 000:-", Decimal("350000.00"), None),
        ("95 000 kr/år", Decimal("95000.00"), None),
        ("1.250.000 SEK", Decimal("1250000.00"), None),
        (
            "ca 7 500 000 kr",
            Decimal("7500000.00"),
            "ungefärligt belopp (”ca”) importerat som 7 500 000 kr",
        ),
        ("-", None, None),
    ],
)
def test_amounts_as_written(written, value, note):
    reading = read_amount(written)
    assert (reading.value, reading.error, reading.note) == (value, None, note)


@pytest.mark.parametrize("written", ["12 kr/inv", "ingår i budget", "3–4 mkr"])
def test_amounts_that_are_not_an_annual_sum_are_refused(written):
    assert read_amount(written).error


@pytest.mark.parametrize(
    ("written", "months"),
    [
        ("6", 6),
        ("12 månader", 12),
        ("24 mån", 24),
        ("2 år", 24),
        ("ett år", 12),
        ("90 dagar", 3),
        ("6 mån före avtalstidens utgång", 6),
        ("24 mån räknat från årsskiftet", 24),
        ("ingen", 0),
    ],
)
def test_notice_periods_as_written(written, months):
    assert read_notice(written).value == months


@pytest.mark.parametrize("written", ["enl. avtal", "3 veckor", "6 mån, men 12 för Säter", "72 mån"])
def test_notice_periods_that_cannot_be_read(written):
    assert read_notice(written).error


@pytest.mark.parametrize(
    ("written", "term"),
    [
        ("tills vidare", Term("indefinite")),
        ("Tillsvidare", Term("indefinite")),
        ("3 år", Term("fixed", months=36)),
        ("t.o.m. 2025-12-31", Term("fixed", end_on=date(2025, 12, 31))),
        ("2020–2023", Term("fixed", date(2023, 12, 31), start_on=date(2020, 1, 1))),
        (
            "2019-07-01 – 2022-06-30",
            Term("fixed", date(2022, 6, 30), start_on=date(2019, 7, 1)),
        ),
        ("3 år, därefter tills vidare", Term("fixed_then_indefinite", months=36)),
        (
            "2020–2023, därefter tills vidare",
            Term("fixed_then_indefinite", date(2023, 12, 31), start_on=date(2020, 1, 1)),
        ),
        ("förlängs 1 år i taget", Term("renewing", renewal_months=12, months=12)),
        (
            "2 år med automatisk förlängning 1 år",
            Term("renewing", renewal_months=12, months=24),
        ),
        (
            "2019-07-01 – 2022-06-30, förlängs 1 år i taget",
            Term("renewing", date(2022, 6, 30), 12, date(2019, 7, 1)),
        ),
    ],
)
def test_terms_as_written(written, term):
    assert read_term(written).value == term


NAMES = {
    "2080": "Falun",
    "2081": "Borlänge",
    "2082": "Säter",
    "0380": "Uppsala",
    "0180": "Stockholm",
    "2023": "Malung-Sälen",
    "0980": "Gotland",
}


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Falun", "2080"),
        ("Falu kommun", "2080"),
        ("falun", "2080"),
        ("Borlänge", "2081"),
        ("BORLANGE", "2081"),
        ("Borlänge kommun", "2081"),
        ("Säters kommun", "2082"),
        ("Stockholms stad", "0180"),
        ("Malung Sälen", "2023"),
        ("Region Gotland", "0980"),
        ("2080", "2080"),
        ("2080 Falun", "2080"),
    ],
)
def test_kommuner_by_name_or_code(written, code):
    reading = Kommuner(NAMES).find(written)
    assert (reading.value, reading.error) == (code, None)


def test_a_lost_leading_zero_is_restored_and_said():
    reading = Kommuner(NAMES).find("380")
    assert reading.value == "0380"
    assert reading.note == (
        "kommunkod 380 tolkad som 0380 (Uppsala): nollan i början försvann när filen sparades "
        "som CSV"
    )


@pytest.mark.parametrize(
    ("written", "error"),
    [
        ("Borlnge", "okänd kommun; menade du Borlänge?"),
        ("Region Dalarna", "är en region, inte en kommun"),
        ("9999", "okänd kommunkod"),
        ("Försäkringskassan", "okänd kommun; skriv kommunens namn"),
    ],
)
def test_unknown_kommuner_are_named_with_a_suggestion(written, error):
    assert error in Kommuner(NAMES).find(written).error


def test_party_lists_as_written():
    assert split_parties("Borlänge (värd), Falun och Säters kommun") == [
        ("Borlänge", "värd"),
        ("Falun", None),
        ("Säters kommun", None),
    ]
    assert split_parties("2021:värd; 2023:beställare") == [("2021", "värd"), ("2023", "beställare")]
    assert split_parties("Malung-Sälen, Vansbro") == [("Malung-Sälen", None), ("Vansbro", None)]
