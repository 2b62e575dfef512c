"""Invariants of the shipped reference data: counties, municipalities, cooperation areas.

Pure-file tests: they read the packaged CSV files with the csv module and need no app,
database or network.
"""

import csv
import re
from collections import Counter
from importlib.resources import files

import pytest

DATA = files("coop_tracker.municipalities") / "data"


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _duplicates(values) -> list:
    return sorted(v for v, n in Counter(values).items() if n > 1)


@pytest.fixture(scope="module")
def counties() -> list[dict[str, str]]:
    header, rows = _read("counties.csv")
    assert header == ["code", "name"]
    return rows


@pytest.fixture(scope="module")
def municipalities() -> list[dict[str, str]]:
    header, rows = _read("municipalities.csv")
    assert header == ["code", "name", "county_code"]
    return rows


@pytest.fixture(scope="module")
def areas() -> list[dict[str, str]]:
    header, rows = _read("areas.csv")
    assert header == ["slug", "label_sv", "label_en", "sort_order"]
    return rows


def test_exactly_21_counties_with_unique_two_digit_codes(counties):
    codes = [c["code"] for c in counties]
    assert len(codes) == 21
    assert _duplicates(codes) == []
    assert [c for c in codes if not re.fullmatch(r"\d{2}", c)] == []


def test_exactly_290_municipalities_with_unique_four_digit_codes(municipalities):
    codes = [m["code"] for m in municipalities]
    assert len(codes) == 290
    assert _duplicates(codes) == []
    assert [c for c in codes if not re.fullmatch(r"\d{4}", c)] == []


def test_municipality_code_starts_with_existing_county_code(municipalities, counties):
    county_codes = {c["code"] for c in counties}
    wrong_prefix = [m["code"] for m in municipalities if not m["code"].startswith(m["county_code"])]
    unknown_county = [m["code"] for m in municipalities if m["county_code"] not in county_codes]
    assert wrong_prefix == []
    assert unknown_county == []


def test_every_county_has_a_municipality(municipalities, counties):
    used = {m["county_code"] for m in municipalities}
    assert sorted(c["code"] for c in counties if c["code"] not in used) == []


@pytest.mark.parametrize(
    ("fixture", "column"),
    [("counties", "name"), ("municipalities", "name")],
)
def test_names_non_empty_trimmed_and_unique(request, fixture, column):
    names = [row[column] for row in request.getfixturevalue(fixture)]
    assert [n for n in names if not n or n != n.strip()] == []
    assert _duplicates(names) == []


def test_municipality_names_are_short_names(municipalities):
    assert [m["name"] for m in municipalities if m["name"].lower().endswith(" kommun")] == []


def test_known_municipalities(municipalities):
    by_code = {m["code"]: (m["name"], m["county_code"]) for m in municipalities}
    assert by_code["0114"] == ("Upplands Väsby", "01")
    assert by_code["0180"] == ("Stockholm", "01")
    assert by_code["0980"] == ("Gotland", "09")
    assert by_code["1880"] == ("Örebro", "18")
    assert by_code["2584"] == ("Kiruna", "25")


def test_area_slugs_unique_and_ascii(areas):
    slugs = [a["slug"] for a in areas]
    assert _duplicates(slugs) == []
    assert [s for s in slugs if not re.fullmatch(r"[a-z0-9-]+", s)] == []


def test_area_labels_non_empty_and_trimmed(areas):
    for column in ("label_sv", "label_en"):
        labels = [a[column] for a in areas]
        assert [a["slug"] for a in areas if not a[column] or a[column] != a[column].strip()] == []
        assert _duplicates(labels) == []


def test_area_sort_order_integers_and_unique(areas):
    orders = [a["sort_order"] for a in areas]
    assert [o for o in orders if not re.fullmatch(r"\d+", o)] == []
    assert _duplicates(int(o) for o in orders) == []


def test_area_vocabulary_covers_core_areas(areas):
    slugs = {a["slug"] for a in areas}
    core = {
        "raddningstjanst",
        "overformyndare",
        "it-digitalisering",
        "lon",
        "miljo-halsoskydd",
        "livsmedelskontroll",
        "alkohol-tobakstillsyn",
        "plan-bygg",
        "vatten-avlopp",
        "avfall",
        "e-arkiv",
        "gymnasieskola",
        "vuxenutbildning",
        "socialtjanst",
        "aldreomsorg",
        "kollektivtrafik",
        "krisberedskap-civilt-forsvar",
        "upphandling",
        "ekonomi",
        "naringsliv-turism",
        "kultur",
    }
    assert sorted(core - slugs) == []
