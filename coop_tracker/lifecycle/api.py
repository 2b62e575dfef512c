"""API: phase transitions and exits of an agreement (``/api/v1``)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.api.common import api_user, permission_required, utc
from coop_tracker.api.schemas import ErrorSchema, Schema
from coop_tracker.core.clock import today
from coop_tracker.core.errors import NotFound, ValidationFailed
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle import services
from coop_tracker.lifecycle.models import Exit, PhaseChange

blp = Blueprint(
    "lifecycle_api",
    __name__,
    url_prefix="/api/v1",
    description="Fasbyten och avveckling (uppsägning, utträde, avvecklingsplan).",
)


class TransitionIn(Schema):
    to_phase = fields.String(metadata={"description": "active, exiting, ended, abandoned"})
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


class ExitIn(Schema):
    scope = fields.String(metadata={"description": "agreement | party"})
    leaving_party = fields.Raw(allow_none=True, metadata={"description": "kommunkod"})
    title = fields.String(allow_none=True)
    background = fields.String(allow_none=True)
    notice_party = fields.Raw(allow_none=True, metadata={"description": "kommunkod"})
    notice_given_on = fields.Raw(allow_none=True, metadata={"description": "ÅÅÅÅ-MM-DD"})
    effective_on = fields.Raw(allow_none=True)
    transition_starts_on = fields.Raw(allow_none=True)
    transition_ends_on = fields.Raw(allow_none=True)
    has_joint_organisation = fields.Boolean(load_default=False)
    adopted_on = fields.Raw(
        allow_none=True, metadata={"description": "Anges det antas planen direkt"}
    )
    decision_ref = fields.String(allow_none=True)


class ExitActionIn(Schema):
    version = fields.Raw()
    adopted_on = fields.Raw(allow_none=True)
    decision_ref = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


def _agreement(agreement_id: int) -> Agreement:
    return get_visible_agreement(db.session, agreement_id, api_user())


def _plan(exit_id: int) -> Exit:
    plan = services.get_exit(db.session, exit_id)
    try:
        _agreement(plan.agreement_id)
    except NotFound:
        raise NotFound("Avvecklingsplanen hittades inte.") from None
    return plan


def _exit_agreement(exit_id: int) -> Agreement:
    return _agreement(_plan(exit_id).agreement_id)


def _errors(*statuses: int) -> Any:
    """Document the error responses a view can give, all with the error schema."""
    texts = {
        403: "Du får inte göra detta.",
        404: "Finns inte eller är inte synlig för dig.",
        409: "Vägrat: `reasons` listar varje ouppfyllt villkor, eller inaktuell version.",
        422: "Fel i uppgifterna; `fields` anger vilka.",
    }

    def decorator(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, schema=ErrorSchema, description=texts[status])(view)
        return view

    return decorator


def _party_id(agreement: Agreement, code: Any, field_name: str) -> int | None:
    if code in (None, ""):
        return None
    party = next((p for p in agreement.current_parties if p.municipality_code == str(code)), None)
    if party is None:
        raise ValidationFailed({field_name: "Kommunen är inte en nuvarande part i samverkan."})
    return party.id


def _code(party: Any) -> str | None:
    return party.municipality_code if party is not None else None


def exit_json(plan: Exit, outcome: services.ExitOutcome | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": plan.id,
        "agreement_id": plan.agreement_id,
        "scope": plan.scope,
        "status": plan.status,
        "title": plan.title,
        "background": plan.background,
        "leaving_party": _code(plan.leaving_party),
        "notice_party": _code(plan.notice_party),
        "notice_given_on": _iso(plan.notice_given_on),
        "effective_on": _iso(plan.effective_on),
        "earliest_end_on": _iso(plan.earliest_end_on),
        "is_notice_late": plan.is_notice_late,
        "transition_starts_on": _iso(plan.transition_starts_on),
        "transition_ends_on": _iso(plan.transition_ends_on),
        "has_joint_organisation": plan.has_joint_organisation,
        "adopted_on": _iso(plan.adopted_on),
        "decision_ref": plan.decision_ref,
        "completed_on": _iso(plan.completed_on),
        "withdrawn_on": _iso(plan.withdrawn_on),
        "version": plan.version,
        "tasks": [
            {
                "id": t.id,
                "kind": t.kind,
                "party": _code(t.party),
                "title": t.title,
                "owner_name": t.owner_name,
                "due_on": _iso(t.due_on),
                "status": t.status,
                "version": t.version,
            }
            for t in plan.tasks
        ],
    }
    if outcome is not None:
        data["messages"] = outcome.messages
        data["warnings"] = outcome.warnings
    return data


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _change_json(change: PhaseChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "from_phase": change.from_phase,
        "to_phase": change.to_phase,
        "changed_on": change.changed_on,
        "changed_at": utc(change.changed_at),
        "actor_name": change.actor_name,
        "reason": change.reason,
        "is_override": change.is_override,
        "overridden_reasons": change.overridden_reasons,
        "exit_id": change.exit_id,
    }


@blp.route("/agreements/<int:agreement_id>/transitions", methods=["GET"])
@blp.response(200, TransitionsOut)
def list_transitions(agreement_id: int) -> Any:
    """The phase history and the transitions the token's user may attempt."""
    agreement = _agreement(agreement_id)
    return {
        "phase": agreement.phase,
        "version": agreement.version,
        "allowed": [
            {"to_phase": o.to_phase, "label": o.label, "needs_reason": o.needs_reason}
            for o in services.allowed_transitions(agreement, api_user())
        ],
        "items": [_change_json(c) for c in services.phase_history(db.session, agreement)],
    }


@blp.route("/agreements/<int:agreement_id>/transitions", methods=["POST"])
@permission_required("lifecycle.transition", _agreement)
@blp.arguments(TransitionIn)
@blp.response(201, PhaseChangeOut)
@_errors(403, 404, 409, 422)
def post_transition(data: dict[str, Any], agreement_id: int) -> Any:
    """Change the agreement's phase; 409 with ``reasons`` when a gate is not met."""
    agreement = _agreement(agreement_id)
    change = services.transition(
        db.session,
        agreement,
        data.get("to_phase") or "",
        actor=web_actor(),
        reason=data.get("reason"),
        override=bool(data.get("override")),
        today=today(),
    )
    db.session.commit()
    return _change_json(change)


@blp.route("/agreements/<int:agreement_id>/exits", methods=["GET"])
@blp.response(200)
def list_exits(agreement_id: int) -> Any:
    """Every exit plan of the agreement, with its tasks."""
    agreement = _agreement(agreement_id)
    items = [exit_json(p) for p in services.exits_of(db.session, agreement)]
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


@blp.route("/agreements/<int:agreement_id>/exits", methods=["POST"])
@permission_required("exit.edit", _agreement)
@blp.arguments(ExitIn)
@blp.response(201)
@_errors(403, 404, 409, 422)
def post_exit(data: dict[str, Any], agreement_id: int) -> Any:
    """Draft an exit plan (notice optional); with ``adopted_on`` it is adopted at once."""
    agreement = _agreement(agreement_id)
    payload = services.ExitInput(
        scope=data.get("scope") or "agreement",
        leaving_party_id=_party_id(agreement, data.get("leaving_party"), "leaving_party"),
        title=data.get("title") or "",
        background=data.get("background") or "",
        notice_party_id=_party_id(agreement, data.get("notice_party"), "notice_party"),
        notice_given_on=data.get("notice_given_on"),
        effective_on=data.get("effective_on"),
        transition_starts_on=data.get("transition_starts_on"),
        transition_ends_on=data.get("transition_ends_on"),
        has_joint_organisation=data.get("has_joint_organisation", False),
    )
    actor = web_actor()
    outcome = services.create_exit(db.session, agreement, payload, actor=actor, today=today())
    if data.get("adopted_on"):
        adopted = services.adopt_exit(
            db.session,
            outcome.exit,
            expected_version=outcome.exit.version,
            adopted_on=data["adopted_on"],
            decision_ref=data.get("decision_ref") or "",
            actor=actor,
            today=today(),
        )
        adopted.warnings = list(dict.fromkeys(outcome.warnings + adopted.warnings))
        outcome = adopted
    db.session.commit()
    return exit_json(outcome.exit, outcome)


@blp.route("/exits/<int:exit_id>/adopt", methods=["POST"])
@permission_required("exit.edit", _exit_agreement)
@blp.arguments(ExitActionIn)
@blp.response(200)
@_errors(403, 404, 409, 422)
def adopt(data: dict[str, Any], exit_id: int) -> Any:
    """Adopt a draft plan (the notice must be recorded)."""
    plan = _plan(exit_id)
    outcome = services.adopt_exit(
        db.session,
        plan,
        expected_version=data.get("version"),
        adopted_on=data.get("adopted_on"),
        decision_ref=data.get("decision_ref") or "",
        actor=web_actor(),
        today=today(),
    )
    db.session.commit()
    return exit_json(plan, outcome)


@blp.route("/exits/<int:exit_id>/complete", methods=["POST"])
@permission_required("exit.edit", _exit_agreement)
@blp.arguments(ExitActionIn)
@blp.response(200)
@_errors(403, 404, 409, 422)
def complete(data: dict[str, Any], exit_id: int) -> Any:
    """Mark an adopted plan carried out; 409 with ``reasons`` while tasks are open."""
    plan = _plan(exit_id)
    outcome = services.complete_exit(
        db.session, plan, expected_version=data.get("version"), actor=web_actor(), today=today()
    )
    db.session.commit()
    return exit_json(plan, outcome)


@blp.route("/exits/<int:exit_id>/withdraw", methods=["POST"])
@permission_required("exit.edit", _exit_agreement)
@blp.arguments(ExitActionIn)
@blp.response(200)
@_errors(403, 404, 409, 422)
def withdraw(data: dict[str, Any], exit_id: int) -> Any:
    """Withdraw a plan and its notice."""
    plan = _plan(exit_id)
    outcome = services.withdraw_exit(
        db.session,
        plan,
        expected_version=data.get("version"),
        reason=data.get("reason"),
        actor=web_actor(),
        today=today(),
    )
    db.session.commit()
    return exit_json(plan, outcome)
