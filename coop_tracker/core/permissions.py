"""The permission matrix: one place that says who may see and change what.

Used by views, templates (``can`` is a template global) and the API alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, exists, false, or_, select

if TYPE_CHECKING:
    from coop_tracker.agreements.models import Agreement
    from coop_tracker.users.models import User

# action → who may do it. "party" means: an editor whose home kommun is a party of the agreement;
# "home" means: the object is the user's home kommun (a Municipality or its code).
MATRIX: dict[str, tuple[str, ...]] = {
    "agreement.view": ("admin", "editor:visible", "reader:visible"),
    "agreement.create": ("admin", "editor"),
    "agreement.edit": ("admin", "editor:party"),
    "agreement.archive": ("admin",),
    "agreement.restore": ("admin",),
    "agreement.history": ("admin", "editor:visible", "reader:visible"),
    "contact.view": ("admin", "editor:visible", "reader:visible"),
    "municipality.view": ("admin", "editor", "reader"),
    "oversight.view": ("admin", "editor", "reader"),
    "exchange.export": ("admin", "editor", "reader"),
    "exchange.import": ("admin", "editor"),
    "audit.view_all": ("admin",),
    "users.manage": ("admin",),
    "reference.manage": ("admin",),
    "transition.override": ("admin",),
    "review.view": ("admin", "editor:visible", "reader:visible"),
    "review.create": ("admin", "editor:party"),
    "meeting.view": ("admin", "editor", "reader"),
    "meeting.manage": ("admin", "editor:home"),
    "reminders.own": ("admin", "editor", "reader"),
    "network.view": ("admin", "editor", "reader"),
    "network.adopt": ("editor:home",),
    "lifecycle.transition": ("admin", "editor:party"),
    "checklist.edit": ("admin", "editor:party"),
    "checklist_template.manage": ("admin",),
    "exit.edit": ("admin", "editor:party"),
}


def _is_user(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_party(user: User, agreement: Agreement) -> bool:
    """Whether the user's home kommun is (or was) a party of the agreement."""
    code = user.municipality_code
    return code is not None and any(p.municipality_code == code for p in agreement.parties)


def is_visible(user: User, agreement: Agreement) -> bool:
    """Planned agreements are for their parties only; archived ones for admins only."""
    if user.role == "admin":
        return True
    if agreement.archived_at is not None:
        return False
    return agreement.phase != "planned" or is_party(user, agreement)


def is_public_record(agreement: Agreement) -> bool:
    """Shown in the public register: marked public, not planned, abandoned or archived."""
    return (
        bool(agreement.is_public)
        and agreement.phase not in ("planned", "abandoned")
        and agreement.archived_at is None
    )


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may perform ``action`` (on ``obj`` where the rule needs one)."""
    if not _is_user(user) or not user.is_active:
        return False
    rules = MATRIX.get(action)
    if rules is None:
        raise KeyError(f"unknown permission {action!r}")
    for rule in rules:
        role, _, condition = rule.partition(":")
        if role != user.role:
            continue
        if not condition:
            return True
        if obj is None:
            return False
        if condition == "visible":
            return is_visible(user, obj)
        if condition == "party":
            return obj.archived_at is None and is_party(user, obj)
        if condition == "home":  # obj is a kommun (or its code): the user's home kommun
            return user.municipality_code == getattr(obj, "code", obj)
    return False


def restrict_agreements(query: Select[Any], user: Any) -> Select[Any]:
    """Limit an agreement query to what ``user`` may see."""
    from coop_tracker.agreements.models import Agreement, Party

    if not _is_user(user):
        return query.where(false())
    if user.role == "admin":
        return query
    query = query.where(Agreement.archived_at.is_(None))
    if user.municipality_code is None:
        return query.where(Agreement.phase != "planned")
    own_party = exists(
        select(Party.id).where(
            Party.agreement_id == Agreement.id,
            Party.municipality_code == user.municipality_code,
        )
    )
    return query.where(or_(Agreement.phase != "planned", own_party))
