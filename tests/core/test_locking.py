"""The one version check: an older version is refused with the current values, never saved."""

from __future__ import annotations

from typing import Any

import pytest

from coop_tracker.core.errors import StaleVersion, ValidationFailed
from coop_tracker.core.locking import check_version

CURRENT = {"title": "Lönesamverkan"}


def _current() -> dict[str, Any]:
    return dict(CURRENT)


@pytest.mark.parametrize("expected", [3, "3", " 3"])
def test_the_current_version_passes(expected: Any) -> None:
    check_version(expected, 3, _current)


@pytest.mark.parametrize("strict", [True, False])
def test_an_older_version_is_refused_with_the_current_values(strict: bool) -> None:
    with pytest.raises(StaleVersion) as refused:
        check_version("2", 3, _current, strict=strict)
    assert refused.value.status == 409
    assert refused.value.current == CURRENT
    assert refused.value.current_version == 3
    assert "Någon annan har sparat" in refused.value.message


@pytest.mark.parametrize("expected", [None, "", "tre"])
def test_strict_names_a_missing_or_unreadable_version_as_a_field_error(expected: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_version(expected, 3, _current)
    assert set(refused.value.fields) == {"version"}


@pytest.mark.parametrize("expected", [None, "", "tre"])
def test_compared_as_text_anything_but_the_current_version_is_stale(expected: Any) -> None:
    with pytest.raises(StaleVersion):
        check_version(expected, 3, _current, strict=False)


def test_a_message_of_its_own() -> None:
    with pytest.raises(StaleVersion) as refused:
        check_version(1, 2, _current, message="Mallen har fått en ny version.")
    assert refused.value.message == "Mallen har fått en ny version."
