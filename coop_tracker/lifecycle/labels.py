"""Names for the lifecycle's audit events in the history pages (exit plans, their tasks and
the phase changes), registered with ``audit.labels`` when the blueprint is registered."""

from __future__ import annotations

from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.i18n import _l
from coop_tracker.lifecycle.exit_rules import (
    EXIT_KIND_LABELS,
    EXIT_SCOPE_LABELS,
    EXIT_STATUS_LABELS,
    TASK_STATUS_LABELS,
)
from coop_tracker.lifecycle.titles import PLAN_TITLES, shown_plan_title, shown_task_text


def register_audit_labels() -> None:
    """Swedish names for the lifecycle's audit events in the history pages."""
    audit_labels.register_fields(
        "agreement",
        _l("Samverkan"),
        {"reason": _l("Motivering"), "override": _l("Villkor som förbigicks")},
    )
    audit_labels.register_fields(
        "exit",
        _l("Avveckling"),
        {
            "kind": _l("Slag av avslut"),
            "scope": _l("Omfattning"),
            "status": _l("Status"),
            "title": _l("Namn på planen"),
            "background": _l("Bakgrund"),
            "leaving_party_id": _l("Part som lämnar"),
            "notice_party_id": _l("Part som säger upp"),
            "notice_given_on": _l("Uppsägningen lämnades"),
            "notice_received_on": _l("Uppsägningen nådde de andra parterna"),
            "effective_on": _l("Upphör från"),
            "earliest_end_on": _l("Tidigast möjliga slut"),
            "is_notice_late": _l("Sen uppsägning"),
            "transition_starts_on": _l("Övergången börjar"),
            "transition_ends_on": _l("Övergången är klar"),
            "has_joint_organisation": _l("Gemensam övergångsorganisation"),
            "adopted_on": _l("Beslutsdatum"),
            "decision_ref": _l("Beslut"),
            "reason": _l("Skäl"),
            "body": _l("Beslutande organ"),
            "decided_on": _l("Beslutsdatum"),
            "paragraph": _l("Paragraf"),
            "case_number": _l("Diarienummer"),
            "note": _l("Anteckning"),
            "tasks": _l("Uppgifter"),
            "transition_agreement_id": _l("Övergångsavtal"),
        },
        {"kind": EXIT_KIND_LABELS, "scope": EXIT_SCOPE_LABELS, "status": EXIT_STATUS_LABELS},
        references={
            "leaving_party_id": "party",
            "notice_party_id": "party",
        },
        formatters={"title": lambda title: shown_plan_title(str(title))},
    )
    audit_labels.register_fields(
        "exit_task",
        _l("Avvecklingsuppgift"),
        {
            "title": _l("Uppgift"),
            "owner_name": _l("Ansvarig person"),
            "due_on": _l("Klart senast"),
            "status": _l("Status"),
            "not_applicable_reason": _l("Skäl till att uppgiften inte är tillämplig"),
            "note": _l("Anteckning"),
            "party_id": _l("Part"),
            "is_required": _l("Obligatorisk"),
        },
        {"status": TASK_STATUS_LABELS},
        references={"party_id": "party"},
        formatters={"title": lambda title: shown_task_text(str(title))},
    )
    for action, label in {
        "override_transition": _l("Fasbyte förbi villkoren"),
        "adopt": _l("Antagen"),
        "complete": _l("Genomförd"),
        "withdraw": _l("Återkallad"),
        "leave": _l("Lämnade samverkan"),
        "decision": _l("Beslut registrerat"),
        "transition_agreement": _l("Övergångsavtal skapat"),
        "demo_lifecycle": _l("Demodata inläst"),
    }.items():
        audit_labels.ACTION_LABELS.setdefault(action, label)
    # Labels as the services store them: a plan's title, a party's decision on it, a task.
    audit_labels.register_labels(
        "exit",
        [_l("%(party)s: beslut om %(title)s"), *(message for _p, message in PLAN_TITLES)],
        {"title": shown_plan_title},
    )
    audit_labels.register_labels(
        "exit_task",
        [_l("%(task)s (%(plan)s)")],
        {"task": shown_task_text, "plan": shown_plan_title},
    )
