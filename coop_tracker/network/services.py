"""Starting a planned agreement from a similar kommun's example ("glo och sno")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Form, Role
from coop_tracker.agreements.rules import ROLE_LABELS
from coop_tracker.agreements.services import (
    AgreementInput,
    Outcome,
    PartyInput,
    create_agreement,
)
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import NotFound, PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_kommun_code
from coop_tracker.municipalities.models import Municipality

# For each form: the roles the user's kommun may take, and the partner's matching role, so the
# new agreement meets the form's role rules with just the two of them.
ROLE_PAIRS: dict[str, dict[str, str]] = {
    Form.AVTALSSAMVERKAN: {Role.PURCHASER: Role.HOST, Role.HOST: Role.PURCHASER},
    Form.ASYMMETRISK: {Role.PURCHASER: Role.HOST, Role.HOST: Role.PURCHASER},
    Form.GEMENSAM_NAMND: {Role.MEMBER: Role.HOST, Role.HOST: Role.MEMBER},
    Form.KOMMUNALFORBUND: {Role.MEMBER: Role.MEMBER},
    Form.OVRIG: {Role.MEMBER: Role.MEMBER, Role.PURCHASER: Role.HOST, Role.HOST: Role.PURCHASER},
}


def own_roles(form: str) -> dict[str, str]:
    """The roles the user's kommun may choose for a form, with their labels (default first)."""
    return {role: ROLE_LABELS[role] for role in ROLE_PAIRS.get(form, {Role.MEMBER: Role.MEMBER})}


def default_partner(example: Agreement, own_code: str) -> str | None:
    """The example's host (its performing kommun) if there is one, else its first other party."""
    others = [p for p in example.current_parties if p.municipality_code != own_code]
    hosts = [p for p in others if p.role == Role.HOST]
    chosen = hosts or others
    return chosen[0].municipality_code if chosen else None


@dataclass
class AdoptInput:
    """What the user confirms when starting from an example (unvalidated)."""

    municipality_code: Any = None  # the user's own kommun
    partner_code: Any = None
    own_role: Any = None
    title: Any = ""


def adopt_example(
    session: Session, example: Agreement, data: AdoptInput, *, actor: Actor
) -> Outcome:
    """Create a PLANNED agreement for the user's kommun, prefilled from ``example``.

    Title, form, areas, purpose and goals are copied as a starting point; the parties are the
    user's kommun and one partner with matching roles. Only editors of that kommun may do it.
    """
    user = actor.user
    own = data.municipality_code
    if user is not None and not can(user, "network.adopt", own):
        raise PermissionDenied(_("Bara redigerare i kommunen kan starta samverkan åt den."))
    if user is not None and not can(user, "agreement.view", example):
        raise NotFound(_("Samverkan hittades inte."))
    errors: dict[str, str] = {}
    pairs = ROLE_PAIRS.get(example.form, {Role.MEMBER: Role.MEMBER})
    role = data.own_role or next(iter(pairs))
    if role not in pairs:
        errors["own_role"] = _("Välj en roll för din kommun som passar samverkansformen.")
    partner = data.partner_code or ""
    if not partner:
        errors["partner_code"] = _("Välj vilken kommun ni vill samverka med.")
    elif partner == own:
        errors["partner_code"] = _("Välj en annan kommun än din egen.")
    elif not is_kommun_code(partner) or session.get(Municipality, partner) is None:
        errors["partner_code"] = _("Kommunen finns inte. Välj en kommun i listan.")
    if errors:
        raise ValidationFailed(errors)
    origin = (
        f"Utgår från samverkan ”{example.title}” (nr {example.id}), "
        "hittad under Liknande kommuner. Syfte och mål är kopierade som utgångspunkt."
    )
    agreement_input = AgreementInput(
        title=data.title,
        form=example.form,
        area_slugs=[a.slug for a in example.areas],
        purpose=example.purpose,
        goals=example.goals,
        motive=example.motive,
        notice_months=example.notice_months,
        term=example.term,
        end_alignment=example.end_alignment,
        renewal_months=example.renewal_months,
        review_interval_months=example.review_interval_months,
        cost_basis=example.cost_basis,
        internal_note=origin,
        parties=[
            PartyInput(municipality_code=own, role=role),
            PartyInput(municipality_code=partner, role=pairs[role]),
        ],
    )
    return create_agreement(session, agreement_input, actor=actor)
