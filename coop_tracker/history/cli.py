"""``flask audit prune``: the retention of personal data in the audit log."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app

from coop_tracker.audit.services import prune_personal_data
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.extensions import db
from coop_tracker.users.throttle import prune_login_failures


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Gallringstid i dagar (standard: AUDIT_PERSONAL_DATA_RETENTION_DAYS).",
)
@click.option("--dry-run", is_flag=True, help="Visa bara vad som skulle gallras.")
def prune_command(days: int | None, dry_run: bool) -> None:
    """Anonymise personal data in audit events about people older than the retention."""
    config = current_app.config
    days = days or config.get("AUDIT_PERSONAL_DATA_RETENTION_DAYS")
    if not days:
        raise click.ClickException(
            "Ingen gallringstid är satt: ange --days eller "
            "COOP_TRACKER_AUDIT_PERSONAL_DATA_RETENTION_DAYS. Inget har ändrats."
        )
    window = timedelta(hours=int(config.get("LOGIN_THROTTLE_WINDOW_HOURS", 24)))
    now = utcnow()
    failures = prune_login_failures(db.session, now=now, window=window, dry_run=dry_run)
    result = prune_personal_data(
        db.session,
        retention_days=int(days),
        now=now,
        actor=Actor.system("cli"),
        login_failures=failures,
        dry_run=dry_run,
    )
    if dry_run:
        db.session.rollback()
        verb = "Skulle anonymisera"
    else:
        db.session.commit()
        verb = "Anonymiserade"
    click.echo(
        f"{verb} {result.events} händelser om personer från före "
        f"{result.cutoff:%Y-%m-%d %H:%M} UTC och {result.login_failures} utgångna "
        "räknare för misslyckade inloggningar."
    )
