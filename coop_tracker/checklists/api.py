"""API: an agreement's checklist and changes to single items (``/api/v1``)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.api.common import api_user, error_responses, permission_required, utc
from coop_tracker.api.schemas import MUNICIPALITY_CODE, OneOf, Range, Schema
from coop_tracker.checklists import versions
from coop_tracker.checklists.items import ItemInput, get_item, update_item
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.checklists.queries import checklist_sections, progress_by_agreement
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db

blp = Blueprint(
    "checklists_api",
    __name__,
    url_prefix="/api/v1",
    description="Checklistor före, under och vid avveckling av samverkan.",
)


class ItemPatch(Schema):
    """Fields to change; ``version`` is required and a stale one gives 409."""

    version = fields.Integer(
        required=True, validate=Range(min=1), metadata={"description": "Versionen du läste"}
    )
    status = fields.String(
        validate=OneOf(["open", "done", "not_applicable"]),
        metadata={"description": "open | done | not_applicable (kräver not_applicable_reason)"},
    )
    not_applicable_reason = fields.String(allow_none=True)
    responsible_party = fields.String(
        allow_none=True, validate=MUNICIPALITY_CODE, metadata={"description": "kommunkod"}
    )
    responsible_person = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    evidence_url = fields.String(allow_none=True)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def item_json(item: ChecklistItem, codes: dict[int, str]) -> dict[str, Any]:
    question = item.template_item
    return {
        "id": item.id,
        "agreement_id": item.agreement_id,
        "phase": item.phase,
        "key": item.key,
        "template": question.template.key,
        "template_revision": question.template.revision,
        "text_sv": question.text_sv,
        "text_en": question.text_en,
        "guidance_sv": question.guidance_sv,
        "guidance_en": question.guidance_en,
        "is_required": item.is_required,
        "roles": list(question.roles or []),
        "party": codes.get(item.party_id) if item.party_id else None,
        "status": item.status,
        "not_applicable_reason": item.not_applicable_reason,
        "responsible_party": codes.get(item.responsible_party_id)
        if item.responsible_party_id
        else None,
        "responsible_person": item.responsible_person,
        "due_on": _iso(item.due_on),
        "note": item.note,
        "evidence_url": item.evidence_url,
        "done_at": _iso(utc(item.done_at)),
        "done_by": item.done_by_name or None,
        "is_retired": item.is_retired,
        "version": item.version,
    }


def _codes(agreement: Agreement) -> dict[int, str]:
    return {p.id: p.municipality_code or "" for p in agreement.parties}


@blp.route("/agreements/<int:agreement_id>/checklist", methods=["GET"])
@blp.response(200)
def get_checklist(agreement_id: int) -> Any:
    """Every current item by phase, with progress per phase."""
    agreement = get_visible_agreement(db.session, agreement_id, api_user())
    codes = _codes(agreement)
    items = [
        item_json(item, codes)
        for section in checklist_sections(db.session, agreement)
        for group in section.groups
        for item in group.items
    ]
    progress = progress_by_agreement(db.session, [agreement.id])[agreement.id]
    return {
        "items": items,
        "total": len(items),
        "page": 1,
        "per_page": max(len(items), 1),
        "progress": {
            phase: {
                "total": p.total,
                "resolved": p.resolved,
                "required": p.required,
                "required_open": p.required_open,
            }
            for phase, p in progress.items()
        },
        "update_available": versions.update_available(db.session, agreement),
    }


def _item_agreement(item_id: int) -> Agreement:
    item = get_item(db.session, item_id)
    return get_visible_agreement(db.session, item.agreement_id, api_user())


@blp.route("/checklist-items/<int:item_id>", methods=["PATCH"])
@permission_required("checklist.edit", _item_agreement)
@blp.arguments(ItemPatch)
@blp.response(200)
@error_responses(
    blp,
    409,
    422,
    descriptions={409: "Inaktuell version; se `current`.", 422: "Fel i uppgifterna; se `fields`."},
)
def patch_item(data: dict[str, Any], item_id: int) -> Any:
    """Change status, responsible, due date, note or evidence of one item."""
    item = get_item(db.session, item_id)
    agreement = get_visible_agreement(db.session, item.agreement_id, api_user())
    codes = _codes(agreement)
    update = ItemInput.from_item(item)
    for name in (
        "status",
        "not_applicable_reason",
        "responsible_person",
        "due_on",
        "note",
        "evidence_url",
    ):
        if name in data:
            setattr(update, name, data[name] if data[name] is not None else "")
    if "due_on" in data and data["due_on"] in (None, ""):
        update.due_on = None
    if "responsible_party" in data:
        code = data["responsible_party"]
        if code in (None, ""):
            update.responsible_party_id = None
        else:
            match = [pid for pid, c in codes.items() if c == str(code)]
            if not match:
                raise ValidationFailed({"responsible_party": "Kommunen är inte part i samverkan."})
            update.responsible_party_id = match[0]
    update_item(db.session, item, update, expected_version=data.get("version"), actor=web_actor())
    db.session.commit()
    return item_json(item, codes)
