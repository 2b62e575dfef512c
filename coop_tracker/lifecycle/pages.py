"""What the lifecycle's pages share: the agreement and plan the user may see or edit, the
plan's address, and what a saved plan tells the user."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_row_id
from coop_tracker.extensions import db
from coop_tracker.lifecycle import services
from coop_tracker.lifecycle.models import Exit


def visible_agreement(agreement_id: int) -> Agreement:
    """The agreement, if the user may see it (else 404)."""
    return get_visible_agreement(db.session, agreement_id, current_user)


def plan_of(agreement: Agreement, exit_id: int) -> Exit:
    """The agreement's exit plan ``exit_id`` (else 404)."""
    plan = db.session.get(Exit, exit_id) if is_row_id(exit_id) else None
    if plan is None or plan.agreement_id != agreement.id:
        abort(404)
    return plan


def editable_agreement(agreement_id: int) -> Agreement:
    """The agreement, if the user may edit its exit plans (else 403 or 404)."""
    agreement = visible_agreement(agreement_id)
    if not can(current_user, "exit.edit", agreement):
        abort(403)
    return agreement


def editable_plan(agreement_id: int, exit_id: int) -> tuple[Agreement, Exit]:
    """The agreement and its plan, if the user may edit its exits (else 403 or 404)."""
    agreement = editable_agreement(agreement_id)
    return agreement, plan_of(agreement, exit_id)


def plan_url(agreement: Agreement, plan: Exit, anchor: str = "") -> str:
    url = url_for("lifecycle.exit_detail", agreement_id=agreement.id, exit_id=plan.id)
    return url + (f"#{anchor}" if anchor else "")


def flash_outcome(outcome: services.ExitOutcome) -> None:
    # The only warning (a late notice) stays on the plan's page itself, so it is not flashed.
    for message in outcome.messages:
        flash(message, "success")
