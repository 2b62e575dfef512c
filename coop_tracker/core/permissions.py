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
# "home" means: the object is the user's home kommun (a Municipality or its code);
# "member": the user's home kommun is a party of the agreement (and it is visible to them);
# "account" means: the object is a user of the user's home kommun who is not a global admin.
# A kommun administrator ("kommun_admin") may also do everything an editor may (INHERITS).
MATRIX: dict[str, tuple[str, ...]] = {
    "agreement.view": ("admin", "editor:visible", "reader:visible"),
    "agreement.create": ("admin", "editor"),
    "agreement.edit": ("admin", "editor:party"),
    "agreement.archive": ("admin",),
    "agreement.restore": ("admin",),
    "agreement.history": ("admin", "editor:visible", "reader:visible"),
    # Contact persons are personal data: for the parties' own users and administrators only.
    "contact.view": ("admin", "editor:member", "reader:member"),
    "municipality.view": ("admin", "editor", "reader"),
    "oversight.view": ("admin", "editor", "reader"),
    "exchange.export": ("admin", "editor", "reader"),
    "exchange.import": ("admin", "editor"),
    "audit.view_all": ("admin",),
    # Opening user administration (a kommun administrator sees only its own kommun's people).
    "users.manage": ("admin", "kommun_admin"),
    # Changing one account (obj: the User).
    "user.manage": ("admin", "kommun_admin:account"),
    # A kommun's own settings: deadlines, reminders, sender, publication.
    "municipality.settings": ("admin", "kommun_admin:home"),
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
    "publication.manage": ("admin", "kommun_admin:home"),
    "document.view": ("admin", "editor:visible", "reader:visible"),
    "document.edit": ("admin", "editor:party"),
    "annual.view": ("admin", "editor", "reader"),
    "annual.mark": ("admin", "editor:home"),
    "annual.settings": ("admin", "editor:party"),
    "cost.edit": ("admin", "editor:party"),
    # Service accounts and every API key (people's and integrations').
    "keys.manage": ("admin",),
    # Areas (samverkansområden): add, rename, merge, retire.
    "areas.manage": ("admin",),
    "organisation.view": ("admin", "editor", "reader"),
    "organisation.create": ("admin", "editor"),
    "organisation.edit": ("admin", "editor"),
    "agreement.confirm_form": ("admin",),
}

# A role that also has every right of another role (for its own kommun).
INHERITS: dict[str, tuple[str, ...]] = {"kommun_admin": ("editor",)}


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
    roles = (user.role, *INHERITS.get(user.role, ()))
    for rule in rules:
        role, _, condition = rule.partition(":")
        if role in roles and _holds(user, condition, obj):
            return _within_key_scope(user, obj)
    return False


def key_scope(user: Any) -> str | None:
    """The one kommun an API key for one kommun narrows its owner to (None: no narrowing)."""
    return getattr(user, "api_scope_municipality", None)


def _within_key_scope(user: Any, obj: Any) -> bool:
    """A key for one kommun reaches only agreements that kommun is (or was) party to."""
    code = key_scope(user)
    if code is None or obj is None or not hasattr(obj, "parties"):
        return True
    return any(p.municipality_code == code for p in obj.parties)


def _holds(user: Any, condition: str, obj: Any) -> bool:
    if not condition:
        return True
    if obj is None:
        return False
    if condition == "visible":
        return is_visible(user, obj)
    if condition == "party":
        return obj.archived_at is None and is_party(user, obj)
    if condition == "member":
        return is_visible(user, obj) and is_party(user, obj)
    if condition == "home":  # obj is a kommun (or its code): the user's home kommun
        return user.municipality_code is not None and user.municipality_code == getattr(
            obj, "code", obj
        )
    if condition == "account":  # obj is a User of the same kommun, not a global admin
        return (
            user.municipality_code is not None
            and obj.municipality_code == user.municipality_code
            and obj.role != "admin"
        )
    raise KeyError(f"unknown condition {condition!r}")


def restrict_users(query: Select[Any], user: Any) -> Select[Any]:
    """Limit a user query to the accounts ``user`` may administer."""
    from coop_tracker.users.models import User

    if not _is_user(user) or not can(user, "users.manage"):
        return query.where(false())
    if user.role == "admin":
        return query
    return query.where(User.municipality_code == user.municipality_code, User.role != "admin")


def restrict_agreements(query: Select[Any], user: Any) -> Select[Any]:
    """Limit an agreement query to what ``user`` may see."""
    from coop_tracker.agreements.models import Agreement, Party

    if not _is_user(user):
        return query.where(false())
    code = key_scope(user)
    if code is not None:
        query = query.where(
            exists(
                select(Party.id).where(
                    Party.agreement_id == Agreement.id, Party.municipality_code == code
                )
            )
        )
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
