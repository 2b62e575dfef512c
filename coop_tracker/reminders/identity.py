"""Instance identity: may this database's reminders be sent from here? The switch the sweep
reads before it sends, and the command an administrator runs to confirm a database.

It lives with the reminders, not in ``core``: its rule is about reminder mail and reads the
reminders already sent (a database that has sent one is not taken for a new installation), and
``core`` imports no domain. ``operations`` (backup, restore, the ``instance`` commands) sits
above both and calls it from there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, exists, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from coop_tracker.audit.services import record
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.reminders.models import InstanceIdentity, Reminder

IDENTITY_ROW = 1
CONFIRM_COMMAND = "flask --app coop_tracker instance confirm"


@dataclass(frozen=True)
class MailPermission:
    """Whether reminder e-mails may go out from this process, and why (Swedish, for the
    scheduler's log, the CLI and the admin)."""

    allowed: bool
    reason: str
    database_id: str | None
    configured_id: str


def mail_permission(session: Session, config: Any, *, actor: Actor) -> MailPermission:
    """Compare the database's identity with the configured one.

    A database without an identity that has never sent a reminder (a new installation) takes
    the configured one here. One that has (an installation from before identities existed, or
    a copy of one) is refused until an administrator confirms it: it may be a restored backup
    whose reminders production has already sent. Call it first in a fresh transaction: it
    starts with its write, so two sweeps at once cannot deadlock on SQLite.
    """
    configured = str(config.get("INSTANCE_ID") or "").strip()
    if not configured:
        row = session.get(InstanceIdentity, IDENTITY_ROW)
        return MailPermission(
            False,
            "Ingen instansidentitet (INSTANCE_ID) är konfigurerad: inga e-brev skickas.",
            row.instance_id if row else None,
            "",
        )
    who = "ny installation (automatiskt)"
    if _adopt_if_new(session, configured, who):
        _audit(session, configured, who, actor=actor, old=None)
        return MailPermission(
            True,
            f"Ny installation: databasen fick instansidentiteten {configured}.",
            configured,
            configured,
        )
    row = session.get(InstanceIdentity, IDENTITY_ROW)
    if row is None:
        return MailPermission(
            False,
            "Databasen saknar instansidentitet men har skickat påminnelser förut (en äldre "
            "säkerhetskopia eller en uppgraderad installation). Inga e-brev skickas förrän en "
            f"administratör bekräftar att detta är produktionen: {CONFIRM_COMMAND}",
            None,
            configured,
        )
    if row.instance_id == configured:
        return MailPermission(
            True, f"Instansidentiteten {configured} stämmer.", row.instance_id, configured
        )
    return MailPermission(
        False,
        f"Databasen tillhör instansen {row.instance_id}, men den här servern är konfigurerad "
        f"som {configured}: troligen en återställd eller kopierad databas. Inga e-brev skickas. "
        f"Är detta produktionen, bekräfta det: {CONFIRM_COMMAND}",
        row.instance_id,
        configured,
    )


def _adopt_if_new(session: Session, configured: str, who: str) -> bool:
    """Store the identity in one statement, only where there is none and no reminder was ever
    sent; a second sweep doing the same at the same moment inserts nothing."""
    table = cast(Table, InstanceIdentity.__table__)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = select(
        literal(IDENTITY_ROW), literal(configured), literal(utcnow()), literal(who)
    ).where(~exists().where(Reminder.sent_at.is_not(None)))
    statement = (
        insert(table)
        .from_select(["id", "instance_id", "confirmed_at", "confirmed_by"], values)
        .on_conflict_do_nothing()
        .returning(table.c.id)  # rowcount is -1 for INSERT … SELECT on psycopg
    )
    return session.execute(statement).first() is not None


def confirm_instance(session: Session, config: Any, *, actor: Actor, who: str) -> MailPermission:
    """Make the configured identity the database's own: from now on this server sends."""
    configured = str(config.get("INSTANCE_ID") or "").strip()
    if not configured:
        raise ValueError("INSTANCE_ID är inte konfigurerad.")
    row = session.get(InstanceIdentity, IDENTITY_ROW)
    old = row.instance_id if row else None
    if row is None:
        row = InstanceIdentity(id=IDENTITY_ROW)
        session.add(row)
    row.instance_id = configured
    row.confirmed_at = utcnow()
    row.confirmed_by = who[:200]
    session.flush()
    _audit(session, configured, who, actor=actor, old=old)
    return MailPermission(
        True, f"Bekräftad: databasen tillhör instansen {configured}.", configured, configured
    )


def _audit(session: Session, instance_id: str, who: str, *, actor: Actor, old: str | None) -> None:
    record(
        session,
        actor,
        action="confirm",
        object_type="instance_identity",
        object_id=IDENTITY_ROW,
        label=f"Instansidentitet {instance_id}",
        changes={"instance_id": [old, instance_id], "confirmed_by": [None, who[:200]]},
    )
