"""Names for an agreement's coded values in the history pages (form, phase, term, a party's
role…), registered with ``audit.labels`` when the blueprint is registered: the names live here,
with the codes, above the audit log."""

from __future__ import annotations

from coop_tracker.agreements.rules import (
    ALIGNMENT_LABELS,
    COST_BASIS_LABELS,
    DECIDING_BODY_LABELS,
    FORM_LABELS,
    PHASE_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
    ROLE_SHORT,
    TERM_LABELS,
)
from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.i18n import _l


def register_audit_labels() -> None:
    """The coded values of agreements, parties and phase changes, by their names."""
    audit_labels.register_fields(
        "agreement",
        _l("Samverkan"),
        {},
        values={
            "form": FORM_LABELS,
            "phase": PHASE_LABELS,
            "renewal": RENEWAL_LABELS,
            "term": TERM_LABELS,
            "end_alignment": ALIGNMENT_LABELS,
            "cost_basis": COST_BASIS_LABELS,
        },
    )
    audit_labels.register_fields(
        "party", _l("Part"), {}, values={"deciding_body": DECIDING_BODY_LABELS, "role": ROLE_LABELS}
    )
    audit_labels.register_fields(
        "transition", _l("Fasbyte"), {}, values={"from": PHASE_LABELS, "to": PHASE_LABELS}
    )
    audit_labels.register_party_roles(ROLE_SHORT)
