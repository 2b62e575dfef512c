"""API: phase transitions and exits of an agreement (``/api/v1``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.api.common import View, api_user, error_responses, permission_required, utc
from coop_tracker.api.schemas import Schema
from coop_tracker.core.clock import today
from coop_tracker.core.errors import NotFound, ValidationFailed
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle import plans, services
from coop_tracker.lifecycle.exits import exit_action
from coop_tracker.lifecycle.models import Exit, ExitTask, PhaseChange
from coop_tracker.lifecycle.queries import plan_checklist
from coop_tracker.lifecycle.schemas import (
    DecisionIn,
    ExitActionIn,
    ExitIn,
    ExitPatchIn,
    PhaseChangeOut,
    TaskIn,
    TransitionIn,
    TransitionsOut,
    VersionQuery,
)

blp = Blueprint(
    "lifecycle_api",
    __name__,
    url_prefix="/api/v1",
    description="Fasbyten och avveckling (uppsägning, utträde, avvecklingsplan).",
)


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


ERRORS = {
    403: "Du får inte göra detta.",
    404: "Finns inte eller är inte synlig för dig.",
    409: "Vägrat: `reasons` listar varje ouppfyllt villkor, eller inaktuell version.",
    422: "Fel i uppgifterna; `fields` anger vilka.",
}


def _errors(*statuses: int) -> Any:
    """Document the error responses a view can give, all with the error schema."""
    return error_responses(blp, *statuses, descriptions=ERRORS)


def _change(
    rule: str,
    method: str,
    load: Callable[..., Agreement],
    body: type[Schema] | None = None,
    *,
    status: int = 200,
    answer: type[Schema] | None = None,
    action: str = "exit.edit",
    **arguments: Any,
) -> Callable[[View], View]:
    """A route that changes a lifecycle: ``action`` on the agreement that ``load`` finds (403
    before the body is read), the ``body`` schema (``arguments`` such as ``location``), the
    answer and the errors it documents."""

    def decorator(view: View) -> View:
        view = _errors(403, 404, 409, 422)(view)
        view = blp.response(status, answer)(view)
        if body is not None:
            view = blp.arguments(body, **arguments)(view)
        view = permission_required(action, load)(view)
        return blp.route(rule, methods=[method])(view)

    return decorator


def _as_sent(data: dict[str, Any]) -> dict[str, Any]:
    """A change's version (as the client read it), actor and day, for the service."""
    return {"expected_version": data.get("version"), "actor": web_actor(), "today": today()}


def _party_id(agreement: Agreement, code: Any, field_name: str) -> int | None:
    if code in (None, ""):
        return None
    party = next((p for p in agreement.current_parties if p.municipality_code == str(code)), None)
    if party is None:
        raise ValidationFailed({field_name: "Kommunen är inte en nuvarande part i samverkan."})
    return party.id


def _code(party: Any) -> str | None:
    return party.municipality_code if party is not None else None


def task_json(t: ExitTask) -> dict[str, Any]:
    return {
        "id": t.id,
        "kind": t.kind,
        "party": _code(t.party),
        "title": t.title,
        "guidance": t.guidance,
        "legal_source": t.legal_source,
        "is_required": t.is_required,
        "is_custom": t.is_custom,
        "owner_name": t.owner_name,
        "due_on": _iso(t.due_on),
        "status": t.status,
        "not_applicable_reason": t.not_applicable_reason,
        "note": t.note,
        "version": t.version,
    }


def _checklist_json(plan: Exit) -> list[dict[str, Any]]:
    checklist = plan_checklist(db.session, plan)
    agreement = db.session.get(Agreement, plan.agreement_id)
    codes = {p.id: p.municipality_code for p in agreement.parties} if agreement else {}
    return [
        {
            "id": item.id,
            "key": item.key,
            "text": item.template_item.text_sv,
            "legal_source": item.template_item.legal_source,
            "party": codes.get(item.party_id) if item.party_id else None,
            "is_required": item.is_required,
            "status": item.status,
            "version": item.version,
        }
        for group in checklist.groups
        for item in group.items
    ]


def exit_json(plan: Exit, outcome: services.ExitOutcome | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": plan.id,
        "agreement_id": plan.agreement_id,
        "kind": plan.kind,
        "scope": plan.scope,
        "status": plan.status,
        "title": plan.title,
        "background": plan.background,
        "leaving_party": _code(plan.leaving_party),
        "notice_party": _code(plan.notice_party),
        "notice_given_on": _iso(plan.notice_given_on),
        "notice_received_on": _iso(plan.notice_received_on),
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
        "transition_agreement_id": plan.transition_agreement_id,
        "version": plan.version,
        "decisions": [
            {
                "party": _code(d.party),
                "body": d.body,
                "decided_on": _iso(d.decided_on),
                "paragraph": d.paragraph,
                "case_number": d.case_number,
                "note": d.note,
                "version": d.version,
            }
            for d in plan.decisions
        ],
        "tasks": [task_json(t) for t in plan.tasks],
        "checklist": _checklist_json(plan),
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


@_change(
    "/agreements/<int:agreement_id>/transitions",
    "POST",
    _agreement,
    TransitionIn,
    status=201,
    answer=PhaseChangeOut,
    action="lifecycle.transition",
)
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


# Every field of ExitIn has a default: {} drafts a plan.
@_change(
    "/agreements/<int:agreement_id>/exits", "POST", _agreement, ExitIn, status=201, required=False
)
def post_exit(data: dict[str, Any], agreement_id: int) -> Any:
    """Draft an exit plan (notice optional); with ``adopted_on`` it is adopted at once."""
    agreement = _agreement(agreement_id)
    payload = services.ExitInput(
        kind=data.get("kind"),
        scope=data.get("scope") or "agreement",
        leaving_party_id=_party_id(agreement, data.get("leaving_party"), "leaving_party"),
        title=data.get("title") or "",
        background=data.get("background") or "",
        notice_party_id=_party_id(agreement, data.get("notice_party"), "notice_party"),
        notice_given_on=data.get("notice_given_on"),
        notice_received_on=data.get("notice_received_on"),
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


@_change("/exits/<int:exit_id>/adopt", "POST", _exit_agreement, ExitActionIn)
def adopt(data: dict[str, Any], exit_id: int) -> Any:
    """Adopt a draft plan (the notice must be recorded)."""
    details = {"adopted_on": data.get("adopted_on"), "decision_ref": data.get("decision_ref") or ""}
    return _plan_action(exit_id, "adopt", data, **details)


@_change("/exits/<int:exit_id>/complete", "POST", _exit_agreement, ExitActionIn)
def complete(data: dict[str, Any], exit_id: int) -> Any:
    """Mark an adopted plan carried out; 409 with ``reasons`` while tasks are open."""
    return _plan_action(exit_id, "complete", data)


@_change("/exits/<int:exit_id>/withdraw", "POST", _exit_agreement, ExitActionIn)
def withdraw(data: dict[str, Any], exit_id: int) -> Any:
    """Withdraw a plan and its notice."""
    return _plan_action(exit_id, "withdraw", data, reason=data.get("reason"))


def _plan_action(exit_id: int, action: str, data: dict[str, Any], **details: Any) -> Any:
    """Adopt, complete or withdraw the plan at the version the client sent, in one commit."""
    plan = _plan(exit_id)
    outcome = exit_action(db.session, plan, action, **_as_sent(data), **details)
    db.session.commit()
    return exit_json(plan, outcome)


def _task(task_id: int) -> ExitTask:
    task = services.get_task(db.session, task_id)
    try:
        _agreement(task.exit.agreement_id)
    except NotFound:
        raise NotFound("Uppgiften hittades inte.") from None
    return task


def _task_agreement(task_id: int) -> Agreement:
    return _agreement(_task(task_id).exit.agreement_id)


@blp.route("/exits/<int:exit_id>", methods=["GET"])
@blp.response(200)
@_errors(404)
def get_exit(exit_id: int) -> Any:
    """One exit plan with its decisions, tasks and its own checklist."""
    return exit_json(_plan(exit_id))


@_change("/exits/<int:exit_id>", "PATCH", _exit_agreement, ExitPatchIn)
def patch_exit(data: dict[str, Any], exit_id: int) -> Any:
    """Change a draft or adopted plan; only the fields sent change. 409 on a stale version."""
    plan = _plan(exit_id)
    agreement = _agreement(plan.agreement_id)
    payload = services.ExitInput.from_exit(plan)
    if "kind" in data:
        payload.kind = data["kind"]
    for name in ("title", "background", "notice_given_on", "effective_on"):
        if name in data:
            setattr(payload, name, data[name] or ("" if name in ("title", "background") else None))
    for name in ("notice_received_on", "transition_starts_on", "transition_ends_on"):
        if name in data:
            setattr(payload, name, data[name])
    if data.get("has_joint_organisation") is not None:
        payload.has_joint_organisation = data["has_joint_organisation"]
    if "leaving_party" in data:
        payload.leaving_party_id = _party_id(agreement, data["leaving_party"], "leaving_party")
    if "notice_party" in data:
        payload.notice_party_id = _party_id(agreement, data["notice_party"], "notice_party")
    outcome = services.update_exit(db.session, plan, payload, **_as_sent(data))
    db.session.commit()
    return exit_json(plan, outcome)


@_change(
    "/exits/<int:exit_id>", "DELETE", _exit_agreement, VersionQuery, status=204, location="query"
)
def delete_exit(data: dict[str, Any], exit_id: int) -> Any:
    """Delete a draft plan (``?version=``). An adopted plan is withdrawn instead (422)."""
    plans.delete_exit(
        db.session, _plan(exit_id), expected_version=data.get("version"), actor=web_actor()
    )
    db.session.commit()
    return None


def _task_payload(agreement: Agreement, data: dict[str, Any], base: Any) -> Any:
    payload = base
    for name in ("owner_name", "status", "not_applicable_reason", "note", "title"):
        if name in data:
            setattr(payload, name, data[name] if data[name] is not None else "")
    if "due_on" in data:
        payload.due_on = data["due_on"]
    if data.get("is_required") is not None:
        payload.is_required = data["is_required"]
    if "party" in data:
        party = None
        if data["party"] not in (None, ""):
            party = agreement.party_for(str(data["party"]))
            if party is None:
                raise ValidationFailed({"party": "Kommunen är inte part i samverkan."})
        payload.party_id = party.id if party else None
    return payload


@_change("/exits/<int:exit_id>/tasks", "POST", _exit_agreement, TaskIn, status=201)
def post_task(data: dict[str, Any], exit_id: int) -> Any:
    """Add a task of the planner's own (``title`` required; ``is_required`` defaults to true)."""
    plan = _plan(exit_id)
    agreement = _agreement(plan.agreement_id)
    base = services.TaskInput(is_required=True)
    task = plans.add_task(
        db.session,
        plan,
        _task_payload(agreement, data, base),
        actor=web_actor(),
        today=today(),
    )
    db.session.commit()
    return task_json(task)


@_change("/exit-tasks/<int:task_id>", "PATCH", _task_agreement, TaskIn)
def patch_task(data: dict[str, Any], task_id: int) -> Any:
    """Change a task; ``not_applicable`` needs a reason. 409 on a stale version."""
    task = _task(task_id)
    agreement = _agreement(task.exit.agreement_id)
    payload = _task_payload(agreement, data, services.TaskInput.from_task(task))
    services.update_task(db.session, task, payload, **_as_sent(data))
    db.session.commit()
    return task_json(task)


@_change(
    "/exit-tasks/<int:task_id>",
    "DELETE",
    _task_agreement,
    VersionQuery,
    status=204,
    location="query",
)
def delete_task(data: dict[str, Any], task_id: int) -> Any:
    """Remove a planner's own task (``?version=``); generated tasks are marked not applicable."""
    plans.remove_task(
        db.session, _task(task_id), expected_version=data.get("version"), actor=web_actor()
    )
    db.session.commit()
    return None


def _decision_agreement(exit_id: int, code: str) -> Agreement:
    return _exit_agreement(exit_id)


@_change("/exits/<int:exit_id>/decisions/<code>", "PUT", _decision_agreement, DecisionIn)
def put_decision(data: dict[str, Any], exit_id: int, code: str) -> Any:
    """Record one party's decision on the exit (body, date, §, diarienummer)."""
    plan = _plan(exit_id)
    agreement = _agreement(plan.agreement_id)
    party = agreement.party_for(code)
    if party is None:
        raise NotFound("Kommunen är inte part i samverkan.")
    plans.record_decision(
        db.session,
        plan,
        party,
        plans.DecisionInput(
            body=data.get("body") or "",
            decided_on=data.get("decided_on"),
            paragraph=data.get("paragraph") or "",
            case_number=data.get("case_number") or "",
            note=data.get("note") or "",
        ),
        **_as_sent(data),
    )
    db.session.commit()
    return exit_json(plan)


@_change("/exits/<int:exit_id>/transition-agreement", "POST", _exit_agreement, status=201)
def post_transition_agreement(exit_id: int) -> Any:
    """Create the plan's övergångsavtal: a planned avtalssamverkan prefilled from the plan."""
    plan = _plan(exit_id)
    created = plans.create_transition_agreement(db.session, plan, actor=web_actor(), today=today())
    db.session.commit()
    return {"agreement_id": created.id, "title": created.title, "exit": exit_json(plan)}
