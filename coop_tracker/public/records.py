"""The public record of an agreement: one dict per agreement (with its parties, phase history,
decided exits, follow-ups and documents) holding exactly the fields of ``public.fields``.

Pure: built from loaded rows (see ``public/queries.py``) and the dates already derived by
``agreements/dates.py``; nothing reads the clock or the database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from coop_tracker.agreements import rules
from coop_tracker.agreements.models import Agreement, Party, Phase, Renewal
from coop_tracker.core.i18n import in_swedish
from coop_tracker.documents.rules import TYPE_LABELS as DOCUMENT_TYPE_LABELS
from coop_tracker.public.fields import (
    TERM_FIXED,
    TERM_INDEFINITE,
    TERM_LABELS,
    TERM_RENEWING,
)
from coop_tracker.public.models import EXTRAS
from coop_tracker.public.queries import (
    PublicExit,
    PublicExitDecision,
    PublicExtras,
    PublicReview,
)
from coop_tracker.schedule.rules import DerivedDates

FORM_LABELS = in_swedish(rules.FORM_LABELS)
PHASE_LABELS = in_swedish(rules.PHASE_LABELS)
ROLE_LABELS = in_swedish(rules.ROLE_LABELS)
COST_BASIS_LABELS = in_swedish(rules.COST_BASIS_LABELS)
DOCUMENT_TYPE_LABELS_SV = in_swedish(DOCUMENT_TYPE_LABELS)


def term_of(agreement: Any) -> str:
    """The term kind of an agreement (DESIGN §2's ``term``).

    The stored ``term`` where the model has one (the deadlines work adds it, with
    ``fixed_then_indefinite``); otherwise derived from the end date and the renewal.
    """
    stored = getattr(agreement, "term", None)
    if stored in TERM_LABELS:
        return str(stored)
    if agreement.end_on is None:
        return TERM_INDEFINITE
    if agreement.renewal == Renewal.TACIT:
        return TERM_RENEWING
    return TERM_FIXED


def party_annual_cost(party: Party, total: Decimal | None) -> Decimal | None:
    """The kommun's own annual cost: its amount, else its share of the total."""
    if party.annual_cost is not None:
        return party.annual_cost
    if party.cost_share_percent is not None and total is not None:
        return (total * party.cost_share_percent / 100).quantize(Decimal("0.01"))
    return None


def honest_dates(
    agreement: Agreement, derived: DerivedDates, extras: PublicExtras, today: date
) -> dict[str, Any]:
    """The dates a reader needs, never a past first-period end passed off as the end.

    A running agreement shows the end of the period it is in now (``current_term_end_on``,
    from ``agreements/dates.py``), the next notice deadline and the end that notice by then
    would bring; once a decided notice exists, the day it ends (``ends_on``). A running
    agreement whose fixed end date has passed says so (``expired_on``) instead of pretending.
    """
    running = agreement.phase in (Phase.ACTIVE, Phase.EXITING)
    term = term_of(agreement)
    leaving = extras.agreement_exit
    ends_on: date | None = None
    if leaving is not None:
        ends_on = leaving.effective_on
    elif term == TERM_FIXED:
        ends_on = agreement.end_on
    # A notice deadline matters while the agreement runs and no decided notice ends it.
    open_deadline = running and leaving is None
    ended_on = extras.ended_on or (ends_on if agreement.phase == Phase.ENDED else None)
    expired = running and ends_on is not None and ends_on < today
    return {
        "start_on": agreement.start_on,
        "term": term,
        "first_term_end_on": agreement.end_on,
        "renewal_months": agreement.renewal_months if term == TERM_RENEWING else None,
        "notice_months": agreement.notice_months,
        "current_term_end_on": derived.current_term_end_on if running else None,
        "notice_deadline_on": derived.notice_deadline_on if open_deadline else None,
        "notice_term_end_on": derived.notice_term_end_on if open_deadline else None,
        "notice_given_on": leaving.notice_given_on if leaving is not None else None,
        "ends_on": ends_on,
        "ended_on": ended_on if agreement.phase == Phase.ENDED else None,
        "expired_on": ends_on if expired else None,
    }


def _exit_decision_record(decision: PublicExitDecision) -> dict[str, Any]:
    return {
        "municipality": decision.municipality,
        "decision_body": decision.decision_body or None,
        "decision_on": decision.decision_on,
        "decision_paragraph": decision.decision_paragraph or None,
        "decision_ref": decision.decision_ref or None,
    }


def exit_decisions_by_kommun(extras: PublicExtras) -> dict[str, PublicExitDecision]:
    """Each kommun's decision on the latest decided exit it decided on (for parties.csv)."""
    found: dict[str, PublicExitDecision] = {}
    for exit_ in extras.exits:  # oldest first: a later exit's decision replaces an earlier
        for decision in exit_.decisions:
            found[decision.municipality] = decision
    return found


def _exit_record(exit_: PublicExit) -> dict[str, Any]:
    return {
        "scope": exit_.scope,
        "status": exit_.status,
        "leaving_municipality": exit_.leaving_municipality,
        "notice_municipality": exit_.notice_municipality,
        "notice_given_on": exit_.notice_given_on,
        "effective_on": exit_.effective_on,
        "decision_ref": exit_.decision_ref or None,
        "adopted_on": exit_.adopted_on,
        "completed_on": exit_.completed_on,
        "withdrawn_on": exit_.withdrawn_on,
        "decisions": [_exit_decision_record(d) for d in exit_.decisions],
    }


RESULT_KEYS = ("rating", "goal_attainment", "reported_to", "reported_on")
COST_KEYS = ("cost_budget", "cost_outcome")


def review_record(review: PublicReview) -> dict[str, Any]:
    """A follow-up with only the parts its parties publish (the others are absent)."""
    record: dict[str, Any] = {
        "scope": review.scope,
        "municipality": review.municipality,
        "reviewed_on": review.reviewed_on,
    }
    if review.results:
        record["rating"] = review.rating or None
        record["goal_attainment"] = review.goal_attainment or None
        record["reported_to"] = review.reported_to or None
        record["reported_on"] = review.reported_on
    if review.costs:
        record["cost_budget"] = review.cost_budget
        record["cost_outcome"] = review.cost_outcome
    return record


def latest_review_fields(
    prefix: str, reviews: Sequence[PublicReview], results: bool, costs: bool
) -> dict[str, Any]:
    """The latest follow-up as flat fields (``joint_review_*``, ``own_review_*``): present
    when the parties publish that kind of data (empty when there is no follow-up yet)."""
    fields: dict[str, Any] = {}
    if results or costs:
        on = [r.reviewed_on for r in reviews if (results and r.results) or (costs and r.costs)]
        fields[f"{prefix}_on"] = max(on) if on else None
    if results:
        shown = [r for r in reviews if r.results]
        latest = review_record(shown[-1]) if shown else {}
        fields.update({f"{prefix}_{key}": latest.get(key) for key in RESULT_KEYS})
    if costs:
        shown = [r for r in reviews if r.costs]
        latest = review_record(shown[-1]) if shown else {}
        fields.update({f"{prefix}_{key}": latest.get(key) for key in COST_KEYS})
    return fields


def party_extras(party: Party, extras: PublicExtras | None) -> dict[str, Any]:
    """What the kommun publishes about its side beyond the default; nothing it does not."""
    code = party.municipality_code
    chosen = extras.published.get(code or "", frozenset()) if extras is not None else frozenset()
    fields: dict[str, Any] = {"published_extras": sorted(chosen, key=EXTRAS.index)}
    if "responsible_body" in chosen:
        fields["responsible_body"] = party.responsible_body or None
    own = [r for r in extras.reviews if r.municipality == code] if extras is not None else []
    fields.update(
        latest_review_fields(
            "own_review", own, "review_results" in chosen, "review_costs" in chosen
        )
    )
    return fields


def party_record(
    party: Party,
    agreement: Agreement,
    exit_decision: PublicExitDecision | None = None,
    extras: PublicExtras | None = None,
) -> dict[str, Any]:
    """One party as the public sees it: role, decision, dates and cost, and its decision on
    the latest decided exit; beyond that, only what the kommun has chosen to publish; never
    its contacts or its responsible official."""
    exit_record = _exit_decision_record(exit_decision) if exit_decision is not None else {}
    return {
        "agreement_id": agreement.id,
        "agreement_title": agreement.title,
        "municipality": party.municipality_code,
        "municipality_name": party.name,
        "role": party.role,
        "role_label": ROLE_LABELS.get(party.role, party.role),
        "decision_body": party.decision_body or None,
        "decision_on": party.decision_on,
        "decision_paragraph": party.decision_paragraph or None,
        "decision_ref": party.decision_ref or None,
        "joined_on": party.joined_on,
        "left_on": party.left_on,
        "cost_share_percent": party.cost_share_percent,
        "annual_cost": party_annual_cost(party, agreement.annual_cost),
        "exit_decision_body": exit_record.get("decision_body"),
        "exit_decision_on": exit_record.get("decision_on"),
        "exit_decision_paragraph": exit_record.get("decision_paragraph"),
        "exit_decision_ref": exit_record.get("decision_ref"),
        "organisation": party.key,
        "organisation_kind": party.kind,
        **party_extras(party, extras),
    }


def agreement_record(
    agreement: Agreement,
    derived: DerivedDates,
    extras: PublicExtras,
    url_for_agreement: Callable[[int], str],
    today: date,
    url_for_document_file: Callable[[int], str] | None = None,
) -> dict[str, Any]:
    """The public record of one agreement: every field of :data:`AGREEMENT_FIELDS`, plus its
    parties, phase history and decided exits (nested, for JSON)."""
    record: dict[str, Any] = {
        "id": agreement.id,
        "url": url_for_agreement(agreement.id),
        "title": agreement.title,
        "form": agreement.form,
        "form_label": FORM_LABELS.get(agreement.form, agreement.form),
        "phase": agreement.phase,
        "phase_label": PHASE_LABELS.get(agreement.phase, agreement.phase),
        "areas": [area.slug for area in agreement.areas],
        "area_labels": [area.label_sv for area in agreement.areas],
        "purpose": agreement.purpose or None,
        "goals": agreement.goals or None,
        "motive": agreement.motive or None,
        **honest_dates(agreement, derived, extras, today),
        "cost_basis": agreement.cost_basis,
        "annual_cost": agreement.annual_cost,
        "document_ref": agreement.document_ref or None,
        "document_url": agreement.document_url or None,
        "modified_at": agreement.updated_at,
    }
    exit_decisions = exit_decisions_by_kommun(extras)
    record["party_list"] = [
        party_record(p, agreement, exit_decisions.get(p.municipality_code or ""), extras)
        for p in agreement.parties
    ]
    # The joint follow-up is every party's: its flat fields need every current kommun party.
    current = [p.municipality_code for p in agreement.parties if p.is_current]
    kommuner = [code for code in current if code]
    joint = [r for r in extras.reviews if r.scope == "joint"]
    record.update(
        latest_review_fields(
            "joint_review",
            joint,
            bool(kommuner) and all(extras.publishes(c, "review_results") for c in kommuner),
            bool(kommuner) and all(extras.publishes(c, "review_costs") for c in kommuner),
        )
    )
    record["reviews"] = [review_record(r) for r in extras.reviews]
    record["history"] = [
        {"from": c.from_phase, "to": c.to_phase, "on": c.changed_on} for c in extras.history
    ]
    record["exits"] = [_exit_record(e) for e in extras.exits]
    record["documents"] = [
        {
            "agreement_id": agreement.id,
            "agreement_title": agreement.title,
            "type": d.doc_type,
            "title": d.title,
            "reference": d.reference or None,
            "decided_on": d.decided_on,
            "valid_from": d.valid_from,
            "valid_to": d.valid_to,
            "version": d.version,
            "file_url": (
                url_for_document_file(d.id)
                if d.has_public_file and url_for_document_file is not None
                else None
            ),
            "link_url": d.link_url or None,
            "type_label": DOCUMENT_TYPE_LABELS_SV.get(d.doc_type, d.doc_type),
        }
        for d in extras.documents
    ]
    return record
