"""Who is reminded: the editors of each party's kommun and the contacts who opted in, each
with their own lead times."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.municipalities.models import KommunSetting
from coop_tracker.reminders.rules import DEFAULT_LEAD_DAYS, lead_days_of
from coop_tracker.users.models import User, UserRole


@dataclass(frozen=True)
class Recipient:
    """A user (editor of the party's kommun) or a contact who opted in."""

    key: str
    email: str
    name: str
    lead_days: tuple[int, ...]
    user_id: int | None = None
    contact_id: int | None = None


def recipients_by_kommun(
    session: Session, agreements: list[Agreement]
) -> dict[str, list[Recipient]]:
    """Per kommun: its active editors and the opted-in contacts of its parties."""
    codes = {p.municipality_code for a in agreements for p in a.parties if p.municipality_code}
    result: dict[str, list[Recipient]] = defaultdict(list)
    if not codes:
        return result
    editors = session.scalars(
        select(User).where(
            User.role.in_((UserRole.EDITOR, UserRole.KOMMUN_ADMIN)),
            User.is_active_account.is_(True),
            User.municipality_code.in_(sorted(codes)),
        )
    )
    for user in editors:
        result[user.municipality_code or ""].append(
            Recipient(
                key=f"u:{user.id}",
                email=user.email,
                name=user.name,
                lead_days=lead_days_of(user.reminder_lead_days),
                user_id=user.id,
            )
        )
    return result


def kommun_lead_days(session: Session) -> dict[str, tuple[int, ...]]:
    """The reminder lead times each kommun chose for its contact persons (one query)."""
    rows = session.execute(
        select(KommunSetting.municipality_code, KommunSetting.reminder_lead_days).where(
            KommunSetting.reminder_lead_days != ""
        )
    ).tuples()
    return {code: lead_days_of(stored) for code, stored in rows}


def contacts_of(party: Party, lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS) -> list[Recipient]:
    return [
        Recipient(
            key=f"c:{c.id}",
            email=c.email,
            name=c.name,
            lead_days=lead_days,
            contact_id=c.id,
        )
        for c in party.contacts
        # The party's responsible official gets its reminders by default.
        if (c.wants_reminders or c.is_responsible) and c.email
    ]
