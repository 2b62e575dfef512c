"""The "gällande dokument" check as a table of cases: missing, expired, older than the last
change of parties, and nothing asked of agreements that are not running."""

from __future__ import annotations

from datetime import date

import pytest

from coop_tracker.documents.rules import CurrentDoc, check_documents, last_party_change

TODAY = date(2026, 12, 7)


def doc(doc_type, decided=None, valid_from=None, valid_to=None, title="Dokumentet", id=1):
    return CurrentDoc(id, doc_type, title, decided, valid_from, valid_to)


@pytest.mark.parametrize(
    ("form", "phase", "documents", "last_change", "expected"),
    [
        # The governing document of each form.
        ("kommunalforbund", "active", [], None, [("missing", "forbundsordning")]),
        (
            "gemensam_namnd",
            "active",
            [doc("reglemente", date(2020, 1, 1))],
            None,
            [("missing", "samverkansavtal")],
        ),
        ("avtalssamverkan", "exiting", [], None, [("missing", "avtal")]),
        ("asymmetrisk", "active", [doc("avtal", date(2024, 5, 2))], None, []),
        ("ovrig", "active", [], None, []),
        # Nothing is asked before the cooperation starts or after it ends.
        ("kommunalforbund", "planned", [], None, []),
        ("kommunalforbund", "ended", [], None, []),
        # Expired: in force until a day before today.
        (
            "avtalssamverkan",
            "active",
            [doc("avtal", date(2020, 1, 1), valid_to=date(2026, 12, 6))],
            None,
            [("expired", "avtal")],
        ),
        (
            "avtalssamverkan",
            "active",
            [doc("avtal", date(2020, 1, 1), valid_to=TODAY)],
            None,
            [],
        ),
        # A member joined after the förbundsordning was decided and took effect.
        (
            "kommunalforbund",
            "active",
            [doc("forbundsordning", date(2023, 5, 1), date(2024, 1, 1))],
            date(2025, 1, 1),
            [("outdated", "forbundsordning")],
        ),
        # Decided before the change but in force from it: it took the new member in.
        (
            "kommunalforbund",
            "active",
            [doc("forbundsordning", date(2024, 11, 20), date(2025, 1, 1))],
            date(2025, 1, 1),
            [],
        ),
        # Without dates a document cannot show it followed the change.
        (
            "kommunalforbund",
            "active",
            [doc("forbundsordning")],
            date(2025, 1, 1),
            [("outdated", "forbundsordning")],
        ),
        # A delegationsordning does not name the parties.
        (
            "kommunalforbund",
            "active",
            [doc("forbundsordning", date(2025, 2, 1)), doc("delegationsordning", date(2019, 1, 1))],
            date(2025, 1, 1),
            [],
        ),
    ],
)
def test_check(form, phase, documents, last_change, expected):
    findings = check_documents(form, phase, documents, last_change_on=last_change, today=TODAY)
    assert [(f.kind, f.doc_type) for f in findings] == expected


def test_an_old_single_link_is_not_called_missing():
    (finding,) = check_documents(
        "avtalssamverkan", "active", [], last_change_on=None, today=TODAY, legacy_link=True
    )
    assert finding.kind == "unregistered"
    assert finding.text.startswith("Avtal finns bara som länk eller diarienummer")


def test_messages_say_what_to_do():
    (finding,) = check_documents(
        "kommunalforbund",
        "active",
        [doc("forbundsordning", date(2023, 5, 1), title="Förbundsordning 2023")],
        last_change_on=date(2025, 1, 1),
        today=TODAY,
    )
    assert finding.text == (
        "”Förbundsordning 2023” är äldre än den senaste ändringen av parterna (2025-01-01): "
        "besluta en ny version."
    )
    (missing,) = check_documents("kommunalforbund", "active", [], last_change_on=None, today=TODAY)
    assert missing.text == "Förbundsordning saknas."


@pytest.mark.parametrize(
    ("parties", "expected"),
    [
        ([(date(2020, 1, 1), None), (date(2020, 1, 1), None)], None),  # the founders
        ([(date(2020, 1, 1), None), (date(2023, 7, 1), None)], date(2023, 7, 1)),  # joined
        ([(date(2020, 1, 1), date(2024, 12, 31)), (None, None)], date(2024, 12, 31)),  # left
        ([(date(2020, 1, 1), date(2027, 12, 31))], None),  # leaves next year: not yet a change
        ([(date(2027, 1, 1), None)], None),  # joins next year
    ],
)
def test_last_change_of_parties(parties, expected):
    assert last_party_change(date(2020, 1, 1), parties, TODAY) == expected
