"""The lifecycle's checked schemas (an exit plan, an exit task, a party's decision): one check
per field, its refusal naming the field, and the API's request schemas with the same limits."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import validate

from coop_tracker.core.schemas import Checked
from coop_tracker.lifecycle.exit_input import ExitInput
from coop_tracker.lifecycle.plans import DecisionInput
from coop_tracker.lifecycle.schemas import (
    CheckedAdoptionSchema,
    CheckedDecisionSchema,
    CheckedExitSchema,
    CheckedOwnTaskSchema,
    CheckedTaskSchema,
    CheckedTransitionSchema,
    CheckedWithdrawalSchema,
    DecisionIn,
    ExitActionIn,
    ExitIn,
    ExitPatchIn,
    TaskIn,
    TransitionIn,
)
from coop_tracker.lifecycle.tasks import TaskInput
from tests.lifecycle_support import TODAY


@pytest.fixture(autouse=True)
def _request(app: Any) -> Any:
    with app.test_request_context():
        yield


def test_an_exit_refusal_names_the_field() -> None:
    _values, errors = CheckedExitSchema("avtalssamverkan").check(
        vars(
            ExitInput(
                kind="liquidation",
                title="x" * 201,
                notice_given_on="2026-05-01",
                effective_on="2026-04-01",
                transition_starts_on="2026-02-30",
            )
        )
    )
    assert errors == {
        "kind": "Likvidation gäller bara kommunalförbund. Välj avveckling.",
        "title": "Namn på planen får vara högst 200 tecken (nu 201).",
        "effective_on": "Datum då samverkan upphör kan inte vara före uppsägningen.",
        "transition_starts_on": "Övergången börjar måste vara ett datum i formen ÅÅÅÅ-MM-DD.",
    }


@pytest.mark.parametrize(
    ("form", "scope", "kind"),
    [
        ("avtalssamverkan", "agreement", "ending"),
        ("avtalssamverkan", None, "ending"),
        ("kommunalforbund", "agreement", "liquidation"),
        ("kommunalforbund", "party", "withdrawal"),
    ],
)
def test_without_a_kind_the_scope_decides(form: str, scope: str | None, kind: str) -> None:
    values = CheckedExitSchema(form).clean(vars(ExitInput(kind=None, scope=scope)))
    assert values["kind"] == kind


def test_a_task_not_applicable_needs_a_reason_and_keeps_it_only_then() -> None:
    _values, errors = CheckedTaskSchema().check(vars(TaskInput(status="not_applicable")))
    assert errors == {"not_applicable_reason": "Skriv varför uppgiften inte är tillämplig."}
    values = CheckedTaskSchema().clean(vars(TaskInput(status="done", not_applicable_reason="x")))
    assert values["not_applicable_reason"] == ""
    assert "title" not in values  # a generated task keeps the rule's title


def test_an_own_task_needs_its_title() -> None:
    _values, errors = CheckedOwnTaskSchema().check(vars(TaskInput(title="", status="open")))
    assert errors == {"title": "Ange uppgift."}


def test_a_decision_is_not_in_the_future() -> None:
    _values, errors = CheckedDecisionSchema(TODAY).check(
        vars(DecisionInput(body="Kommunfullmäktige", decided_on="2026-03-03", paragraph="§" * 41))
    )
    assert errors == {
        "decided_on": "Beslutsdatum kan inte vara i framtiden. Registrera beslutet när det är "
        "fattat.",
        "paragraph": "Paragraf får vara högst 40 tecken (nu 41).",
    }


def test_a_plan_is_adopted_once_decided_and_withdrawn_with_a_reason() -> None:
    _values, errors = CheckedAdoptionSchema(TODAY).check(
        {"adopted_on": "2026-03-03", "decision_ref": "x" * 101}
    )
    assert errors == {
        "adopted_on": "Beslutsdatum 2026-03-03 ligger i framtiden. Anta planen när beslutet är "
        "fattat.",
        "decision_ref": "Beslut (paragraf eller diarienummer) får vara högst 100 tecken (nu 101).",
    }
    _values, errors = CheckedWithdrawalSchema().check({"withdrawn_reason": " "})
    assert errors == {"withdrawn_reason": "Ange skäl."}


def _max_length(field: Any) -> int | None:
    return next((v.max for v in field.validators if isinstance(v, validate.Length)), None)


@pytest.mark.parametrize(
    ("wire", "checked"),
    [
        (ExitIn, CheckedExitSchema),
        (ExitPatchIn, CheckedExitSchema),
        (TaskIn, CheckedOwnTaskSchema),
        (DecisionIn, CheckedDecisionSchema),
        (ExitIn, CheckedAdoptionSchema),
        (ExitActionIn, CheckedAdoptionSchema),
        (TransitionIn, CheckedTransitionSchema),
    ],
)
def test_the_api_schema_has_the_same_limits(wire: Any, checked: Any) -> None:
    shared = [name for name in wire().fields if name in checked._declared_fields]
    assert shared
    for name in shared:
        field: Checked = checked._declared_fields[name]
        assert _max_length(wire().fields[name]) == field.limits.get("max_length"), name
        if field.args:  # a choice
            choices = next(v.choices for v in wire().fields[name].validators)
            assert list(choices) == list(field.args[0]), name


def test_the_withdrawal_reason_on_the_wire_has_the_checked_limit() -> None:
    reason = CheckedWithdrawalSchema._declared_fields["withdrawn_reason"]
    assert _max_length(ExitActionIn().fields["reason"]) == reason.limits["max_length"]
