"""An exit plan as typed in a form or sent to the API, checked against its agreement: the kind
and scope, the parties, the notice and transition dates, and the title it gets when nobody
names one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coop_tracker.agreements.models import Agreement, Form
from coop_tracker.core import validation as v
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.lifecycle.common import party_name
from coop_tracker.lifecycle.exit_rules import EXIT_KIND_LABELS, KIND_SCOPE, whole_exit_kind
from coop_tracker.lifecycle.models import Exit, ExitKind, ExitScope
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
    errors = v.Errors()
    values: dict[str, Any] = {
        "kind": _exit_kind(agreement, data, errors),
        "title": v.text(data.title, "title", _("Namn på planen"), errors, max_length=200),
        "background": v.text(
            data.background, "background", _("Bakgrund"), errors, max_length=5000, multiline=True
        ),
        "notice_given_on": v.a_date(
            data.notice_given_on, "notice_given_on", _("Uppsägningen lämnades"), errors
        ),
        "notice_received_on": v.a_date(
            data.notice_received_on,
            "notice_received_on",
            _("Uppsägningen nådde de andra parterna"),
            errors,
        ),
        "effective_on": v.a_date(data.effective_on, "effective_on", _("Upphör från"), errors),
        "transition_starts_on": v.a_date(
            data.transition_starts_on, "transition_starts_on", _("Övergången börjar"), errors
        ),
        "transition_ends_on": v.a_date(
            data.transition_ends_on, "transition_ends_on", _("Övergången är klar"), errors
        ),
        "has_joint_organisation": bool(data.has_joint_organisation),
    }
    values["leaving_party_id"] = _party_id(
        data.leaving_party_id, "leaving_party_id", "Part som lämnar", agreement, errors
    )
    values["notice_party_id"] = _party_id(
        data.notice_party_id, "notice_party_id", "Part som säger upp", agreement, errors
    )
    values["scope"] = KIND_SCOPE.get(values["kind"], ExitScope.AGREEMENT)
    if values["scope"] == ExitScope.PARTY:
        if values["leaving_party_id"] is None and "leaving_party_id" not in errors:
            errors.add("leaving_party_id", _("Välj vilken part som lämnar samverkan."))
    else:
        values["leaving_party_id"] = None
    given, effective = values["notice_given_on"], values["effective_on"]
    received = values["notice_received_on"]
    if received and not given:
        errors.add(
            "notice_given_on",
            _("Ange när uppsägningen lämnades, eller lämna mottagningsdagen tom."),
        )
    if received and given and received < given:
        errors.add(
            "notice_received_on",
            _("Uppsägningen kan inte nå de andra parterna innan den lämnades."),
        )
    if given and effective and effective < given:
        errors.add("effective_on", _("Datum då samverkan upphör kan inte vara före uppsägningen."))
    start, end = values["transition_starts_on"], values["transition_ends_on"]
    if start and end and end < start:
        errors.add("transition_ends_on", _("Övergången kan inte vara klar innan den börjar."))
    if errors:
        raise ValidationFailed(dict(errors))
    if not values["title"]:
        values["title"] = _default_title(agreement, values)
    return values


def _exit_kind(agreement: Agreement, data: ExitInput, errors: v.Errors) -> str | None:
    """The kind typed, or the one the old ``scope`` field implies; likvidation only for förbund."""
    if data.kind in (None, ""):
        if data.scope == ExitScope.PARTY:
            return ExitKind.WITHDRAWAL
        if data.scope in (None, "", ExitScope.AGREEMENT):
            return whole_exit_kind(agreement.form)
        errors.add("scope", _("Omfattning måste vara ”agreement” eller ”party”."))
        return None
    kind = v.choice(data.kind, "kind", _("Slag av avslut"), errors, EXIT_KIND_LABELS, required=True)
    if kind == ExitKind.LIQUIDATION and agreement.form != Form.KOMMUNALFORBUND:
        errors.add("kind", _("Likvidation gäller bara kommunalförbund. Välj avveckling."))
    elif kind == ExitKind.ENDING and agreement.form == Form.KOMMUNALFORBUND:
        errors.add(
            "kind",
            _(
                "Ett kommunalförbund som upphör avvecklas genom likvidation. Välj likvidation, "
                "eller utträde om en medlem lämnar."
            ),
        )
    return kind


def _default_title(agreement: Agreement, values: dict[str, Any]) -> str:
    party = ""
    if values["scope"] == ExitScope.PARTY:
        leaving = next(p for p in agreement.parties if p.id == values["leaving_party_id"])
        party = party_name(leaving)
    return default_plan_title(values["kind"], values["scope"], agreement.title, party)
