"""``flask users create`` and ``flask users token``."""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select

from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.extensions import db
from coop_tracker.users.models import User
from coop_tracker.users.services import UserInput, create_token, create_user


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", type=click.Choice(["admin", "kommun_admin", "editor", "reader"]), required=True
)
@click.option("--municipality", "municipality", default=None, help="Hemkommunens kommunkod")
def create_command(email: str, name: str, role: str, municipality: str | None) -> None:
    """Create a user; the password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = create_user(
            db.session,
            UserInput(
                email=email, name=name, role=role, municipality_code=municipality, password=password
            ),
            actor=Actor.system("cli"),
        )
    except ValidationFailed as error:
        db.session.rollback()
        for field, message in error.fields.items():
            click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Användare {user.email} skapad ({user.role}).")


@users_group.command("token")
@click.argument("email")
@click.option("--name", default="Kommandorad")
def token_command(email: str, name: str) -> None:
    """Print a new API token for EMAIL (shown once)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        raise click.ClickException(f"Ingen användare med e-post {email}.")
    _token, plain = create_token(db.session, user, name, actor=Actor.system("cli"))
    db.session.commit()
    click.echo(plain)
