"""An exit plan as typed in a form or sent to the API, checked against its agreement: its own
fields (kind, scope, notice and transition dates) by ``schemas.CheckedExitSchema``, here its
parties, and the title it gets when nobody names one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coop_tracker.agreements.models import Agreement
from coop_tracker.core import validation as v
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.lifecycle.common import party_name
from coop_tracker.lifecycle.exit_rules import KIND_SCOPE
from coop_tracker.lifecycle.models import Exit, ExitScope
from coop_tracker.lifecycle.schemas import CheckedExitSchema
from coop_tracker.lifecycle.titles import default_plan_title

EXIT_FIELDS = (
    "kind",
    "scope",
    "leaving_party_id",
    "title",
    "background",
    "notice_party_id",
    "notice_given_on",
    "notice_received_on",
    "effective_on",
    "transition_starts_on",
    "transition_ends_on",
    "has_joint_organisation",
)


@dataclass
class ExitInput:
    """An exit plan as typed in a form or sent to the API (unvalidated).

    ``kind`` (utträde, avveckling, likvidation) decides the scope; without a kind the scope
    decides it (an API client of the first version sends only ``scope``).
    """

    kind: Any = None
    scope: Any = ExitScope.AGREEMENT
    leaving_party_id: Any = None
    title: Any = ""
    background: Any = ""
    notice_party_id: Any = None
    notice_given_on: Any = None
    notice_received_on: Any = None
    effective_on: Any = None
    transition_starts_on: Any = None
    transition_ends_on: Any = None
    has_joint_organisation: Any = False

    @classmethod
    def from_exit(cls, plan: Exit) -> ExitInput:
        return cls(**{name: getattr(plan, name) for name in EXIT_FIELDS})


def _party_id(
    raw: Any, field_name: str, label: str, agreement: Agreement, errors: v.Errors
) -> int | None:
    if raw in (None, ""):
        return None
    try:
        party_id = int(raw)
    except (TypeError, ValueError):
        party_id = None
    if party_id not in {p.id for p in agreement.current_parties}:
        errors.add(field_name, f"{label} måste vara en av samverkans nuvarande parter.")
        return None
    return party_id


def validate_exit(agreement: Agreement, data: ExitInput) -> dict[str, Any]:
    """The plan's own fields as ``CheckedExitSchema`` checks them, then its parties: each one of
    the agreement's current parties, and the one leaving named for an utträde."""
    values, refusals = CheckedExitSchema(agreement.form).check(vars(data))
    errors = v.Errors(refusals)
    values["leaving_party_id"] = _party_id(
        data.leaving_party_id, "leaving_party_id", "Part som lämnar", agreement, errors
    )
    values["notice_party_id"] = _party_id(
        data.notice_party_id, "notice_party_id", "Part som säger upp", agreement, errors
    )
    values["scope"] = KIND_SCOPE.get(values.get("kind") or "", ExitScope.AGREEMENT)
    if values["scope"] == ExitScope.PARTY:
        if values["leaving_party_id"] is None and "leaving_party_id" not in errors:
            errors.add("leaving_party_id", _("Välj vilken part som lämnar samverkan."))
    else:
        values["leaving_party_id"] = None
    if errors:
        raise ValidationFailed(dict(errors))
    if not values["title"]:
        values["title"] = _default_title(agreement, values)
    return values


def _default_title(agreement: Agreement, values: dict[str, Any]) -> str:
    party = ""
    if values["scope"] == ExitScope.PARTY:
        leaving = next(p for p in agreement.parties if p.id == values["leaving_party_id"])
        party = party_name(leaving)
    return default_plan_title(values["kind"], values["scope"], agreement.title, party)
