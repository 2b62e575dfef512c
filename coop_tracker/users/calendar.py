"""A user's private calendar address: its secret (created on first use, or replaced so that the
old address stops working) and the feed URL it opens."""

from __future__ import annotations

import secrets

from flask import url_for
from sqlalchemy.orm import Session

from coop_tracker.audit.services import record
from coop_tracker.core.actor import Actor
from coop_tracker.core.web import public_base_url
from coop_tracker.users.models import User


def calendar_url(secret: str) -> str:
    """The absolute feed address (the public base address + path), in a request."""
    return public_base_url() + url_for("reminders.calendar_feed", secret=secret)


def ensure_calendar_secret(session: Session, user: User, *, actor: Actor) -> str:
    """The user's calendar secret, created on first use."""
    if not user.calendar_secret:
        regenerate_calendar_secret(session, user, actor=actor)
    return user.calendar_secret or ""


def regenerate_calendar_secret(session: Session, user: User, *, actor: Actor) -> str:
    """A new unguessable secret (256 bits); the old calendar address stops working."""
    had_one = bool(user.calendar_secret)
    user.calendar_secret = secrets.token_urlsafe(32)
    session.flush()
    record(
        session,
        actor,
        action="regenerate" if had_one else "create",
        object_type="calendar_feed",
        object_id=user.id,
        label=f"Kalenderadress för {user.email}",
        changes={"calendar_secret": ["***" if had_one else None, "***"]},
    )
    return user.calendar_secret
