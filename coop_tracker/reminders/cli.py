"""``flask reminders plan|send-due`` and ``flask scheduler run`` (the long-running process)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from coop_tracker.core.clock import STOCKHOLM, utcnow
from coop_tracker.core.clock import today as clock_today
from coop_tracker.core.jobs import add_app_job
from coop_tracker.extensions import db

log = logging.getLogger(__name__)

PLAN_JOB_ID = "reminders-plan"
SEND_JOB_ID = "reminders-send-due"
# Other domains' jobs for the one scheduler process, each a function (app, scheduler) that
# adds its jobs; registered by the application (``commands.py``).
SCHEDULER_EXTENSIONS: list[Callable[[Flask, Any], None]] = []


def register_scheduler_extension(add_jobs: Callable[[Flask, Any], None]) -> None:
    """Have ``flask scheduler run`` call ``add_jobs(app, scheduler)`` (once)."""
    if add_jobs not in SCHEDULER_EXTENSIONS:
        SCHEDULER_EXTENSIONS.append(add_jobs)


def _parse_today(value: str | None) -> date:
    if not value:
        return clock_today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("ange datum som ÅÅÅÅ-MM-DD", param_hint="--today") from None


@click.group("reminders")
def reminders_group() -> None:
    """Påminnelser: planera och skicka."""


@reminders_group.command("plan")
@click.option("--today", "today_text", help="Planera som om det vore detta datum (ÅÅÅÅ-MM-DD).")
@with_appcontext
def plan_command(today_text: str | None) -> None:
    """Create and cancel reminder rows so they match today's deadlines (idempotent)."""
    from coop_tracker.reminders.jobs import plan_job

    result = plan_job(db.engine, _parse_today(today_text))
    click.echo(result.summary())


@reminders_group.command("send-due")
@click.option("--today", "today_text", help="Skicka som om det vore detta datum (ÅÅÅÅ-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle skickas, utan att skicka.")
@click.option("--no-plan", is_flag=True, help="Hoppa över planeringen före utskicket.")
@with_appcontext
def send_due_command(today_text: str | None, dry_run: bool, no_plan: bool) -> None:
    """Plan, then send every due reminder: one digest e-mail per recipient."""
    from coop_tracker.reminders.jobs import plan_job, send_due

    day = _parse_today(today_text)
    now = _now_for(day, today_text)
    if not no_plan and not dry_run:
        click.echo(plan_job(db.engine, day, now).summary())
    result = send_due(db.engine, current_app.config, today=day, now=now, dry_run=dry_run)
    for digest in result.digests:
        noun = "ärende" if digest.items == 1 else "ärenden"
        click.echo(f"  {digest.email}: {digest.items} {noun} – {digest.subject}")
    click.echo(result.summary(dry_run))
    if result.failed_emails:
        # Cron and systemd see the exit code; the operator reads how many and why.
        click.echo(
            f"Fel: {result.failed_emails} e-brev kunde inte levereras "
            f"(e-postserver {current_app.config.get('MAIL_SERVER')}:"
            f"{current_app.config.get('MAIL_PORT')}); de försöks igen senare.",
            err=True,
        )
    if result.failed_emails or result.blocked:
        raise SystemExit(1)


def _now_for(day: date, given: str | None) -> datetime:
    """The real time, or (with --today) that day at the current clock time."""
    now = utcnow()
    if not given:
        return now
    local = now.astimezone(STOCKHOLM)
    return datetime.combine(day, local.timetz()).astimezone(now.tzinfo)


@click.group("scheduler")
def scheduler_group() -> None:
    """Schemaläggaren (en egen process, aldrig i webbservern)."""


def run_plan(app: Flask) -> None:
    """The nightly planning job."""
    from coop_tracker.reminders.jobs import plan_job

    with app.app_context():
        result = plan_job(db.engine, clock_today())
        log.info("%s", result.summary())


def run_send(app: Flask) -> None:
    """The frequent sweep job."""
    from coop_tracker.reminders.jobs import send_due

    with app.app_context():
        result = send_due(db.engine, app.config, today=clock_today(), now=utcnow())
        log.info("%s", result.summary())


def build_scheduler(app: Flask, scheduler: Any = None) -> Any:
    """A BlockingScheduler with the two fixed jobs (ids fixed, replaced on restart)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = scheduler or BlockingScheduler(timezone=STOCKHOLM)
    sweep_minutes = int(app.config.get("REMINDER_SWEEP_MINUTES", 10))
    add_app_job(
        scheduler, run_plan, app, "cron", job_id=PLAN_JOB_ID, name="Planera påminnelser",
        grace_seconds=3600, hour=5, minute=30, next_run_time=datetime.now(STOCKHOLM),
    )  # fmt: skip
    add_app_job(
        scheduler, run_send, app, "interval", job_id=SEND_JOB_ID, name="Skicka påminnelser",
        grace_seconds=sweep_minutes * 60, minutes=sweep_minutes,
    )  # fmt: skip
    for add_jobs in SCHEDULER_EXTENSIONS:
        add_jobs(app, scheduler)
    return scheduler


@scheduler_group.command("run")
@with_appcontext
def scheduler_run_command() -> None:
    """Run the scheduler in the foreground (Ctrl+C stops it)."""
    from coop_tracker.core.actor import Actor
    from coop_tracker.reminders.identity import mail_permission

    scheduler = build_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]
    permission = mail_permission(db.session, current_app.config, actor=Actor.system("scheduler"))
    db.session.commit()
    if not permission.allowed:
        log.warning("Reminders will not be sent: %s", permission.reason)
    click.echo(
        f"Schemaläggaren startar: jobb {PLAN_JOB_ID} (05:30 och nu) och {SEND_JOB_ID} "
        f"(var {current_app.config.get('REMINDER_SWEEP_MINUTES', 10)}:e minut)"
        + "".join(
            f", {job.id}"
            for job in scheduler.get_jobs()
            if job.id not in (PLAN_JOB_ID, SEND_JOB_ID)
        )
        + "."
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Schemaläggaren stoppad.")
