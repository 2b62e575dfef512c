"""Input schemas (core/schemas.py): one check per field, its refusal naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from coop_tracker.agreements.inputs import AgreementInput, ContactInput, PartyInput
from coop_tracker.agreements.schemas import (
    TITLE_MAX,
    AgreementCreateSchema,
    CheckedAgreementSchema,
    CheckedContactSchema,
    CheckedPartySchema,
)
from coop_tracker.core.errors import ValidationFailed


@pytest.fixture(autouse=True)
def _request(app: Any) -> Any:
    with app.test_request_context():
        yield


def test_a_refusal_names_the_field() -> None:
    values, errors = CheckedAgreementSchema().check(
        vars(AgreementInput(title="x" * 201, form="avtalssamverkan", notice_months="sex"))
    )
    assert errors == {
        "title": "Namn får vara högst 200 tecken (nu 201).",
        "notice_months": "Uppsägningstid måste vara ett heltal.",
    }
    assert values["form"] == "avtalssamverkan"  # the right fields are kept for later rules


def test_a_field_keeps_its_own_message_before_a_rule_between_fields() -> None:
    _values, errors = CheckedAgreementSchema().check(
        vars(
            AgreementInput(
                title="Räddningstjänst",
                form="avtalssamverkan",
                term="renewing",
                start_on="2026-01-01",
                end_on="2026-13-01",
                notice_months=3,
                renewal_months=12,
            )
        )
    )
    assert errors == {"end_on": "Slutdatum måste vara ett datum i formen ÅÅÅÅ-MM-DD."}


def test_the_old_renewal_gives_the_term() -> None:
    values = CheckedAgreementSchema().clean(
        vars(
            AgreementInput(
                title="Räddningstjänst",
                form="avtalssamverkan",
                end_on="2030-12-31",
                renewal="none",
            )
        )
    )
    assert values["term"] == "fixed"
    assert "renewal" not in values
    assert values["internal_lead_days"] == 60
    assert values["review_interval_months"] == 12


def test_a_party_is_named_by_its_number() -> None:
    _values, errors = CheckedPartySchema(2, date(2026, 12, 7)).check(
        vars(PartyInput(role="chef", left_on="2020-01-01", joined_on="2021-01-01"))
    )
    assert errors == {
        "parties-1-role": "Part 2: roll måste vara ett av: host, purchaser, member.",
        "parties-1-left_on": "Part 2: datum för utträde är före anslutning.",
    }


def test_clean_raises_with_every_field() -> None:
    with pytest.raises(ValidationFailed) as refusal:
        CheckedContactSchema().clean(vars(ContactInput(name="", wants_reminders=True)))
    assert refusal.value.fields == {
        "name": "Ange namn.",
        "email": "Ange e-post för att kontaktpersonen ska få påminnelser.",
    }


def test_the_api_schema_has_the_same_limits() -> None:
    title = AgreementCreateSchema().fields["title"]
    assert [getattr(v, "max", None) for v in title.validators] == [TITLE_MAX]
