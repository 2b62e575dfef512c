"""Command-line commands (``flask --app coop_tracker …``), registered explicitly."""

from __future__ import annotations

import click
from flask import Flask

from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db


def register_commands(app: Flask) -> None:
    """Attach every command group to the app."""
    from coop_tracker.core.cli import backup_command, restore_command
    from coop_tracker.demo.cli import demo_command
    from coop_tracker.exchange.cli import exchange_group
    from coop_tracker.history.cli import audit_group
    from coop_tracker.municipalities.cli import municipalities_group
    from coop_tracker.network.cli import graph_group
    from coop_tracker.operations.cli import instance_group, upgrade_command
    from coop_tracker.oversight.cli import reports_group
    from coop_tracker.oversight.jobs import add_report_job
    from coop_tracker.reminders.cli import (
        register_scheduler_extension,
        reminders_group,
        scheduler_group,
    )
    from coop_tracker.users.cli import users_group

    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(exchange_group)
    app.cli.add_command(municipalities_group)
    app.cli.add_command(reminders_group)
    app.cli.add_command(scheduler_group)
    app.cli.add_command(graph_group)
    app.cli.add_command(upgrade_command)
    app.cli.add_command(instance_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(reports_group)
    register_scheduler_extension(add_report_job)  # meeting reports made in advance


@click.command("seed")
def seed_command() -> None:
    """Load counties, municipalities, areas and checklist templates (idempotent)."""
    from coop_tracker.checklists.templates import seed_checklist_templates
    from coop_tracker.municipalities.services import seed_reference_data
    from coop_tracker.organisations.services import seed_organisations

    result = seed_reference_data(db.session, actor=Actor.system("cli"))
    organisations = seed_organisations(db.session, actor=Actor.system("cli"))
    templates = seed_checklist_templates(db.session, actor=Actor.system("cli"))
    db.session.commit()
    click.echo(
        f"Referensdata: {result.counties} län, {result.municipalities} kommuner, "
        f"{result.areas} områden ({result.created} nya, {result.updated} uppdaterade)."
    )
    click.echo(
        f"Organisationer: {organisations[0]} nya, {organisations[1]} uppdaterade "
        "(kommuner, regioner, Försäkringskassan och Arbetsförmedlingen)."
    )
    click.echo(f"Checklistmallar: {templates.sets} mallar ({templates.created} nya versioner).")
