"""The lifecycle's API schemas: a phase change, an exit plan, its tasks, a party's decision and
the plan's actions as sent, and the phase history as returned."""

from __future__ import annotations

from marshmallow import fields

from coop_tracker.agreements.rules import PHASE_LABELS
from coop_tracker.api.schemas import MUNICIPALITY_CODE, OneOf, Range, Schema
from coop_tracker.lifecycle.exit_rules import (
    EXIT_KIND_LABELS,
    EXIT_SCOPE_LABELS,
)


class TransitionIn(Schema):
    to_phase = fields.String(
        required=True,
        validate=OneOf(list(PHASE_LABELS)),
        metadata={"description": "Fasen att byta till; se allowed i GET för vad som går nu."},
    )
    reason = fields.String(allow_none=True)
    override = fields.Boolean(load_default=False, metadata={"description": "Bara admin"})


class PhaseChangeOut(Schema):
    id = fields.Integer()
    from_phase = fields.String()
    to_phase = fields.String()
    changed_on = fields.Date()
    changed_at = fields.DateTime()
    actor_name = fields.String()
    reason = fields.String()
    is_override = fields.Boolean()
    overridden_reasons = fields.List(fields.String())
    exit_id = fields.Integer(allow_none=True)


class TransitionsOut(Schema):
    phase = fields.String()
    version = fields.Integer()
    allowed = fields.List(fields.Dict())
    items = fields.List(fields.Nested(PhaseChangeOut))


class ExitFieldsSchema(Schema):
    """The fields of an exit plan that are sent to draft it and to change it."""

    leaving_party = fields.String(
        allow_none=True, validate=MUNICIPALITY_CODE, metadata={"description": "kommunkod"}
    )
    title = fields.String(allow_none=True)
    background = fields.String(allow_none=True)
    notice_party = fields.String(
        allow_none=True, validate=MUNICIPALITY_CODE, metadata={"description": "kommunkod"}
    )
    notice_given_on = fields.Date(allow_none=True)
    effective_on = fields.Date(allow_none=True)
    transition_starts_on = fields.Date(allow_none=True)
    transition_ends_on = fields.Date(allow_none=True)


EXIT_KIND = OneOf(list(EXIT_KIND_LABELS))


class ExitIn(ExitFieldsSchema):
    kind = fields.String(
        allow_none=True,
        validate=EXIT_KIND,
        metadata={
            "description": "withdrawal (utträde) | ending (avveckling) | liquidation "
            "(likvidation, bara kommunalförbund). Utan kind avgör scope."
        },
    )
    scope = fields.String(
        validate=OneOf(list(EXIT_SCOPE_LABELS)),
        metadata={"description": "agreement (avveckling) eller party (utträde, med leaving_party)"},
    )
    notice_received_on = fields.Date(
        allow_none=True,
        metadata={
            "description": "Dagen uppsägningen nådde de andra parterna; uppsägningstiden "
            "räknas från den. Tom: dagen den lämnades."
        },
    )
    has_joint_organisation = fields.Boolean(load_default=False)
    adopted_on = fields.Date(
        allow_none=True, metadata={"description": "Anges det antas planen direkt"}
    )
    decision_ref = fields.String(allow_none=True)


VERSION_FIELD_HELP = "Radens version som du läste; annars 409."


class ExitPatchIn(ExitFieldsSchema):
    version = fields.Integer(
        required=True, validate=Range(min=1), metadata={"description": VERSION_FIELD_HELP}
    )
    kind = fields.String(allow_none=True, validate=EXIT_KIND)
    has_joint_organisation = fields.Boolean(allow_none=True)


class VersionQuery(Schema):
    version = fields.Integer(
        required=True, validate=Range(min=1), metadata={"description": VERSION_FIELD_HELP}
    )


class TaskIn(Schema):
    version = fields.Integer(
        validate=Range(min=1), metadata={"description": "Krävs vid ändring. " + VERSION_FIELD_HELP}
    )
    title = fields.String(allow_none=True, metadata={"description": "Bara egna uppgifter"})
    is_required = fields.Boolean(allow_none=True, metadata={"description": "Bara egna uppgifter"})
    party = fields.String(
        allow_none=True,
        validate=MUNICIPALITY_CODE,
        metadata={"description": "kommunkod; null = gemensam (förbundet)"},
    )
    owner_name = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    status = fields.String(
        allow_none=True, validate=OneOf(["open", "in_progress", "done", "not_applicable"])
    )
    not_applicable_reason = fields.String(
        allow_none=True, metadata={"description": "Krävs när status är not_applicable"}
    )
    note = fields.String(allow_none=True)


class DecisionIn(Schema):
    version = fields.Integer(
        allow_none=True,
        validate=Range(min=1),
        metadata={"description": "Krävs när beslutet ändras. " + VERSION_FIELD_HELP},
    )
    body = fields.String(allow_none=True, metadata={"description": "Beslutande organ"})
    decided_on = fields.Date(allow_none=True, metadata={"description": "Inte i framtiden"})
    paragraph = fields.String(allow_none=True)
    case_number = fields.String(allow_none=True, metadata={"description": "Diarienummer"})
    note = fields.String(allow_none=True)


class ExitActionIn(Schema):
    version = fields.Integer(
        required=True,
        validate=Range(min=1),
        metadata={"description": "Planens version som du läste; annars 409."},
    )
    adopted_on = fields.Date(allow_none=True)
    decision_ref = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
