"""The lifecycle's schemas: an exit plan, an exit task and a party's decision on the exit as
typed (``CheckedExitSchema``, ``CheckedTaskSchema``/``CheckedOwnTaskSchema`` and
``CheckedDecisionSchema``, the one check of their own fields that the forms, the API and the
services go through), and the API's schemas: a phase change, an exit plan, its tasks, a party's
decision and the plan's actions as sent (their limits taken from the checked schemas through
``api.schemas.wire_field``/``wire_schema``), and the phase history as returned."""

from __future__ import annotations

from abc import abstractmethod
from datetime import date
from typing import Any, ClassVar

import marshmallow as ma
from marshmallow import fields

from coop_tracker.agreements.models import Form
from coop_tracker.agreements.rules import PHASE_LABELS
from coop_tracker.api.schemas import (
    MUNICIPALITY_CODE,
    OneOf,
    Range,
    Schema,
    wire_field,
    wire_schema,
)
from coop_tracker.core import schemas as checked
from coop_tracker.core.i18n import _, _l
from coop_tracker.lifecycle.exit_rules import (
    EXIT_KIND_LABELS,
    EXIT_SCOPE_LABELS,
    TASK_STATUS_LABELS,
    whole_exit_kind,
)
from coop_tracker.lifecycle.models import ExitKind, ExitScope, TaskStatus

# The limits of the lifecycle's fields, stated once for the checks and the API's schemas.
PLAN_TITLE_MAX = 200
BACKGROUND_MAX = 5000
ADOPTION_REF_MAX = 100
TRANSITION_REASON_MAX = 2000
WITHDRAWN_REASON_MAX = 2000
TASK_TITLE_MAX = 300
OWNER_NAME_MAX = 120
NOT_APPLICABLE_REASON_MAX = 2000
TASK_NOTE_MAX = 5000
BODY_MAX = 120
PARAGRAPH_MAX = 40
CASE_NUMBER_MAX = 60
DECISION_NOTE_MAX = 2000


class CheckedTransitionSchema(checked.InputSchema):
    """A phase change's reason as typed (whether one is needed, the service decides)."""

    reason = checked.text(_l("Motivering"), max_length=TRANSITION_REASON_MAX, multiline=True)


class CheckedExitSchema(checked.InputSchema):
    """An exit plan's own fields as typed, for an agreement of ``form``, checked against each
    other: the kind the form allows and the dates in order. Without a kind the old ``scope``
    decides it (an API client of the first version sends only ``scope``). The parties are
    looked up by the service (``exit_input``)."""

    kind = checked.choice(_l("Slag av avslut"), EXIT_KIND_LABELS, required=False)
    scope = checked.choice(_l("Omfattning"), EXIT_SCOPE_LABELS, required=False)
    title = checked.text(_l("Namn på planen"), max_length=PLAN_TITLE_MAX)
    background = checked.text(_l("Bakgrund"), max_length=BACKGROUND_MAX, multiline=True)
    notice_given_on = checked.a_date(_l("Uppsägningen lämnades"))
    notice_received_on = checked.a_date(_l("Uppsägningen nådde de andra parterna"))
    effective_on = checked.a_date(_l("Upphör från"))
    transition_starts_on = checked.a_date(_l("Övergången börjar"))
    transition_ends_on = checked.a_date(_l("Övergången är klar"))
    has_joint_organisation = checked.boolean()

    def __init__(self, form: str) -> None:
        super().__init__()
        self.form = form

    @ma.pre_load
    def _kind_from_scope(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """No kind: an utträde for the scope ``party``, else the form's whole exit. A kind
        decides the scope (``exit_input``), so the scope is then not read."""
        if data.get("kind") not in (None, ""):
            return {**data, "scope": None}
        scope = data.get("scope")
        if scope == ExitScope.PARTY:
            return {**data, "kind": ExitKind.WITHDRAWAL}
        if scope in (None, "", ExitScope.AGREEMENT):
            return {**data, "kind": whole_exit_kind(self.form)}
        return data

    @ma.validates_schema(skip_on_field_errors=False)
    def _fields_agree(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, str] = {}
        kind = data.get("kind")
        if kind == ExitKind.LIQUIDATION and self.form != Form.KOMMUNALFORBUND:
            checked.refuse(
                errors, "kind", _("Likvidation gäller bara kommunalförbund. Välj avveckling.")
            )
        elif kind == ExitKind.ENDING and self.form == Form.KOMMUNALFORBUND:
            checked.refuse(
                errors,
                "kind",
                _(
                    "Ett kommunalförbund som upphör avvecklas genom likvidation. Välj "
                    "likvidation, eller utträde om en medlem lämnar."
                ),
            )
        given, effective = data.get("notice_given_on"), data.get("effective_on")
        received = data.get("notice_received_on")
        if received and not given:
            checked.refuse(
                errors,
                "notice_given_on",
                _("Ange när uppsägningen lämnades, eller lämna mottagningsdagen tom."),
            )
        if received and given and received < given:
            checked.refuse(
                errors,
                "notice_received_on",
                _("Uppsägningen kan inte nå de andra parterna innan den lämnades."),
            )
        if given and effective and effective < given:
            checked.refuse(
                errors,
                "effective_on",
                _("Datum då samverkan upphör kan inte vara före uppsägningen."),
            )
        start, end = data.get("transition_starts_on"), data.get("transition_ends_on")
        if start and end and end < start:
            checked.refuse(
                errors,
                "transition_ends_on",
                _("Övergången kan inte vara klar innan den börjar."),
            )
        if errors:
            raise ma.ValidationError(errors)  # type: ignore[arg-type]


class _DecisionSchema(checked.InputSchema):
    """A decision as typed: its date (the field ``DATE_FIELD``) not later than ``today``, as a
    decision is registered once it has been taken."""

    DATE_FIELD: ClassVar[str]

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    @abstractmethod
    def in_the_future(self, day: date) -> str:
        """The refusal of a date after today (each kind of decision says it its own way)."""

    @ma.validates_schema(skip_on_field_errors=False)
    def _taken(self, data: dict[str, Any], **kwargs: Any) -> None:
        day = data.get(self.DATE_FIELD)
        if day and day > self.today:
            raise ma.ValidationError(self.in_the_future(day), self.DATE_FIELD)


class CheckedAdoptionSchema(_DecisionSchema):
    """Adopting a plan: the decision's date, not later than ``today``, and its paragraph or
    diarienummer."""

    DATE_FIELD = "adopted_on"
    adopted_on = checked.a_date(_l("Beslutsdatum"), required=True)
    decision_ref = checked.text(
        _l("Beslut (paragraf eller diarienummer)"), max_length=ADOPTION_REF_MAX
    )

    def in_the_future(self, day: date) -> str:
        return _(
            "Beslutsdatum %(date)s ligger i framtiden. Anta planen när beslutet är fattat.",
            date=day.isoformat(),
        )


class CheckedWithdrawalSchema(checked.InputSchema):
    """Withdrawing a plan and its notice: why (kept in the audit log)."""

    withdrawn_reason = checked.text(
        _l("Skäl"), max_length=WITHDRAWN_REASON_MAX, required=True, multiline=True
    )


class CheckedTaskSchema(checked.InputSchema):
    """An exit task's fields as typed (a generated task keeps the rule's title and weight):
    marking it not applicable needs a reason, and only then is a reason kept. Its party is
    looked up by the service."""

    owner_name = checked.text(_l("Ansvarig person"), max_length=OWNER_NAME_MAX)
    due_on = checked.a_date(_l("Klart senast"))
    status = checked.choice(_l("Status"), TASK_STATUS_LABELS, required=True)
    not_applicable_reason = checked.text(
        _l("Skäl till att uppgiften inte är tillämplig"),
        max_length=NOT_APPLICABLE_REASON_MAX,
        multiline=True,
    )
    note = checked.text(_l("Anteckning"), max_length=TASK_NOTE_MAX, multiline=True)

    @ma.validates_schema(skip_on_field_errors=False)
    def _reason_given(self, data: dict[str, Any], **kwargs: Any) -> None:
        status = data.get("status")
        if status == TaskStatus.NOT_APPLICABLE and not data.get("not_applicable_reason"):
            raise ma.ValidationError(
                _("Skriv varför uppgiften inte är tillämplig."), "not_applicable_reason"
            )

    @ma.post_load
    def _reason_kept(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("status") != TaskStatus.NOT_APPLICABLE:
            data["not_applicable_reason"] = ""
        return data


class CheckedOwnTaskSchema(CheckedTaskSchema):
    """A task of the planner's own: also its title and whether it must be done."""

    title = checked.text(_l("Uppgift"), max_length=TASK_TITLE_MAX, required=True)
    is_required = checked.boolean()


class CheckedDecisionSchema(_DecisionSchema):
    """One party's decision on the exit as typed; ``today`` is the latest allowed date."""

    DATE_FIELD = "decided_on"
    body = checked.text(_l("Beslutande organ"), max_length=BODY_MAX, required=True)
    decided_on = checked.a_date(_l("Beslutsdatum"), required=True)
    paragraph = checked.text(_l("Paragraf"), max_length=PARAGRAPH_MAX)
    case_number = checked.text(_l("Diarienummer"), max_length=CASE_NUMBER_MAX)
    note = checked.text(_l("Anteckning"), max_length=DECISION_NOTE_MAX, multiline=True)

    def in_the_future(self, day: date) -> str:
        return _("Beslutsdatum kan inte vara i framtiden. Registrera beslutet när det är fattat.")


class TransitionIn(Schema):
    to_phase = fields.String(
        required=True,
        validate=OneOf(list(PHASE_LABELS)),
        metadata={"description": "Fasen att byta till; se allowed i GET för vad som går nu."},
    )
    reason = wire_field(CheckedTransitionSchema, "reason")
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
    """The fields of an exit plan that are sent to draft it and to change it (as
    ``CheckedExitSchema`` checks them; the parties by kommunkod)."""

    leaving_party = fields.String(
        allow_none=True, validate=MUNICIPALITY_CODE, metadata={"description": "kommunkod"}
    )
    title = wire_field(CheckedExitSchema, "title")
    background = wire_field(CheckedExitSchema, "background")
    notice_party = fields.String(
        allow_none=True, validate=MUNICIPALITY_CODE, metadata={"description": "kommunkod"}
    )
    notice_given_on = wire_field(CheckedExitSchema, "notice_given_on")
    notice_received_on = wire_field(
        CheckedExitSchema,
        "notice_received_on",
        metadata={
            "description": "Dagen uppsägningen nådde de andra parterna; uppsägningstiden "
            "räknas från den. Tom: dagen den lämnades."
        },
    )
    effective_on = wire_field(CheckedExitSchema, "effective_on")
    transition_starts_on = wire_field(CheckedExitSchema, "transition_starts_on")
    transition_ends_on = wire_field(CheckedExitSchema, "transition_ends_on")


class ExitIn(ExitFieldsSchema):
    kind = wire_field(
        CheckedExitSchema,
        "kind",
        metadata={
            "description": "withdrawal (utträde) | ending (avveckling) | liquidation "
            "(likvidation, bara kommunalförbund). Utan kind avgör scope."
        },
    )
    scope = wire_field(
        CheckedExitSchema,
        "scope",
        allow_none=False,
        metadata={"description": "agreement (avveckling) eller party (utträde, med leaving_party)"},
    )
    has_joint_organisation = wire_field(
        CheckedExitSchema, "has_joint_organisation", allow_none=False, load_default=False
    )
    adopted_on = wire_field(
        CheckedAdoptionSchema,
        "adopted_on",
        allow_none=True,
        metadata={"description": "Anges det antas planen direkt"},
    )
    decision_ref = wire_field(CheckedAdoptionSchema, "decision_ref")


VERSION_FIELD_HELP = "Radens version som du läste; annars 409."


class ExitPatchIn(ExitFieldsSchema):
    version = fields.Integer(
        required=True, validate=Range(min=1), metadata={"description": VERSION_FIELD_HELP}
    )
    kind = wire_field(CheckedExitSchema, "kind")
    has_joint_organisation = wire_field(CheckedExitSchema, "has_joint_organisation")


class VersionQuery(Schema):
    version = fields.Integer(
        required=True, validate=Range(min=1), metadata={"description": VERSION_FIELD_HELP}
    )


_OWN_TASK_ONLY = {"description": "Bara egna uppgifter"}


class TaskIn(
    wire_schema(  # type: ignore[misc]  # (mypy cannot follow a built base)
        CheckedOwnTaskSchema,
        title={"allow_none": True, "metadata": _OWN_TASK_ONLY},
        is_required={"metadata": _OWN_TASK_ONLY},
        status={"allow_none": True},
        not_applicable_reason={"metadata": {"description": "Krävs när status är not_applicable"}},
    )
):
    version = fields.Integer(
        validate=Range(min=1), metadata={"description": "Krävs vid ändring. " + VERSION_FIELD_HELP}
    )
    party = fields.String(
        allow_none=True,
        validate=MUNICIPALITY_CODE,
        metadata={"description": "kommunkod; null = gemensam (förbundet)"},
    )


class DecisionIn(
    wire_schema(  # type: ignore[misc]  # (mypy cannot follow a built base)
        CheckedDecisionSchema,
        body={"allow_none": True, "metadata": {"description": "Beslutande organ"}},
        decided_on={"allow_none": True, "metadata": {"description": "Inte i framtiden"}},
        case_number={"metadata": {"description": "Diarienummer"}},
    )
):
    version = fields.Integer(
        allow_none=True,
        validate=Range(min=1),
        metadata={"description": "Krävs när beslutet ändras. " + VERSION_FIELD_HELP},
    )


class ExitActionIn(Schema):
    version = fields.Integer(
        required=True,
        validate=Range(min=1),
        metadata={"description": "Planens version som du läste; annars 409."},
    )
    adopted_on = wire_field(CheckedAdoptionSchema, "adopted_on", allow_none=True)
    decision_ref = wire_field(CheckedAdoptionSchema, "decision_ref")
    reason = wire_field(CheckedWithdrawalSchema, "withdrawn_reason", allow_none=True)
