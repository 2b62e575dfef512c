"""``flask upgrade`` (everything an upgrade needs, in one command) and ``flask instance``."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from coop_tracker.reminders.models import InstanceIdentity


def _revision() -> str:
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ", ".join(heads) or "tom databas"


@click.command("upgrade")
@with_appcontext
def upgrade_command() -> None:
    """Upgrade this installation: migrations, reference data, checklist template versions,
    a translations check and the instance identity. Safe to run again; run it after every
    new version is installed, with the web servers and the scheduler stopped."""
    from flask_migrate import upgrade

    from coop_tracker import resource_path
    from coop_tracker.checklists.templates import seed_checklist_templates
    from coop_tracker.core.health import expected_heads
    from coop_tracker.core.i18n import LANGUAGES
    from coop_tracker.municipalities.services import seed_reference_data
    from coop_tracker.operations.services import check_translations
    from coop_tracker.organisations.services import seed_organisations
    from coop_tracker.reminders.identity import mail_permission

    actor = Actor.system("cli")
    before = _revision()
    upgrade()
    after = _revision()
    expected = ", ".join(expected_heads(current_app))
    if after != expected:  # pragma: no cover - alembic raises first
        raise click.ClickException(f"Migreringarna står på {after}, koden väntar {expected}.")
    click.echo(
        f"1. Databasschema: {before} → {after}" + (" (redan aktuellt)." if before == after else ".")
    )

    reference = seed_reference_data(db.session, actor=actor)
    seed_organisations(db.session, actor=actor)
    templates = seed_checklist_templates(db.session, actor=actor)
    db.session.commit()
    click.echo(
        f"2. Referensdata: {reference.counties} län, {reference.municipalities} kommuner, "
        f"{reference.areas} områden ({reference.created} nya, {reference.updated} uppdaterade)."
    )
    click.echo(
        f"3. Checklistmallar: {templates.sets} mallar, {templates.created} nya versioner "
        "(pågående samverkan behåller sin version tills den uppdateras i checklistan)."
    )

    problems = 0
    for check in check_translations(resource_path("translations"), tuple(LANGUAGES)):
        mark = "ok" if check.ok else "FEL"
        click.echo(f"4. Översättning {check.language}: {mark} – {check.detail}")
        problems += 0 if check.ok else 1

    permission = mail_permission(db.session, current_app.config, actor=actor)
    db.session.commit()
    state = "e-brev skickas" if permission.allowed else "INGA e-brev skickas"
    click.echo(f"5. Instansidentitet: {state}. {permission.reason}")

    if problems:
        click.echo("Uppgraderingen är klar men översättningarna behöver åtgärdas.", err=True)
        sys.exit(1)
    click.echo("Uppgraderingen är klar.")


@click.group("instance")
def instance_group() -> None:
    """Instansidentitet: vilken installation databasen tillhör (säkra återställningar)."""


@instance_group.command("show")
@with_appcontext
def instance_show_command() -> None:
    """Show the database's and the configuration's identity, and whether mail is sent."""
    from coop_tracker.reminders.identity import IDENTITY_ROW, mail_permission

    row = db.session.get(InstanceIdentity, IDENTITY_ROW)
    click.echo(f"Konfigurationen (INSTANCE_ID): {current_app.config.get('INSTANCE_ID')}")
    if row is None:
        click.echo("Databasen: ingen identitet ännu")
    else:
        click.echo(
            f"Databasen: {row.instance_id} (bekräftad {row.confirmed_at:%Y-%m-%d %H:%M} UTC "
            f"av {row.confirmed_by})"
        )
    permission = mail_permission(db.session, current_app.config, actor=Actor.system("cli"))
    # Showing never writes: a new database takes its identity at `flask upgrade` or when the
    # first reminder goes out, not because someone looked (a backup taken after a look would
    # otherwise carry an identity the production server never confirmed).
    db.session.rollback()
    reason = permission.reason
    if row is None and permission.allowed:
        reason = (
            f"Ny installation: databasen får instansidentiteten {permission.configured_id} vid "
            "flask upgrade eller när den första påminnelsen skickas."
        )
    state = "E-brev skickas." if permission.allowed else "INGA e-brev skickas."
    click.echo(f"{state} {reason}")
    if not permission.allowed:
        sys.exit(1)


@instance_group.command("confirm")
@click.option("--yes", is_flag=True, help="Fråga inte först.")
@click.option("--by", "who", default="", help="Vem som bekräftar (namn), för granskningsloggen.")
@with_appcontext
def instance_confirm_command(yes: bool, who: str) -> None:
    """Confirm that this database is this installation's own: its reminders are sent from
    here from now on. Run it on the production server only (after a restore there, or once
    after upgrading an installation that sent reminders before identities existed)."""
    from coop_tracker.reminders.identity import confirm_instance

    configured = current_app.config.get("INSTANCE_ID")
    if not yes:
        click.confirm(
            f"Ska databasen {db.engine.url.render_as_string(hide_password=True)} höra till "
            f"instansen {configured} och skicka påminnelser härifrån?",
            abort=True,
        )
    permission = confirm_instance(
        db.session,
        current_app.config,
        actor=Actor.system("cli"),
        who=f"kommandorad{': ' + who if who else ''}",
    )
    db.session.commit()
    click.echo(permission.reason)
