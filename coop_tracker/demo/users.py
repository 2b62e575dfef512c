"""The demo logins: published addresses and one published password."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.core.actor import Actor
from coop_tracker.users.models import User, UserRole
from coop_tracker.users.services import UserInput, create_user

DEMO_PASSWORD = "demo-losenord-2026"  # noqa: S105 - the published password of the demo logins


@dataclass(frozen=True)
class DemoUser:
    """A demo login; the Makefile prints these addresses, so keep them stable."""

    email: str
    name: str
    role: str
    municipality_code: str | None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@demo.samverkanskollen.se", "Demoadministratör", UserRole.ADMIN, None),
    DemoUser("redaktor@vansbro.demo.se", "Ingrid Dahl", UserRole.EDITOR, "2021"),
    DemoUser("lasare@vansbro.demo.se", "Lars Berglund", UserRole.READER, "2021"),
    DemoUser("redaktor@mora.demo.se", "Maria Nyström", UserRole.EDITOR, "2062"),
)


def ensure_demo_users(session: Session, *, actor: Actor) -> list[User]:
    """The demo logins, created through the user service unless they already exist."""
    users: list[User] = []
    for demo in DEMO_USERS:
        user = session.scalar(select(User).where(func.lower(User.email) == demo.email))
        if user is None:
            user = create_user(
                session,
                UserInput(
                    email=demo.email,
                    name=demo.name,
                    role=demo.role,
                    municipality_code=demo.municipality_code,
                    password=DEMO_PASSWORD,
                ),
                actor=actor,
            )
        users.append(user)
    return users
