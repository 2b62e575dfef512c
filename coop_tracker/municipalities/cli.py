"""``flask municipalities sync``: population and SKR group from Kolada."""

from __future__ import annotations

import sys

import click
from flask import current_app

from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import today
from coop_tracker.extensions import db
from coop_tracker.municipalities import kolada


@click.group("municipalities")
def municipalities_group() -> None:
    """Reference data about kommuner."""


def default_fetcher() -> kolada.Fetch:
    """The real HTTP fetcher (tests replace this with recorded responses)."""
    return kolada.urllib_fetcher(timeout=float(current_app.config["KOLADA_TIMEOUT"]))


@municipalities_group.command("sync")
def sync_command() -> None:
    """Update population (with year and source) and SKR group from Kolada's open API."""
    try:
        result = kolada.sync_from_kolada(
            db.session,
            fetch=default_fetcher(),
            base_url=current_app.config["KOLADA_BASE_URL"],
            today=today(),
            actor=Actor.system("cli"),
        )
    except kolada.KoladaUnavailable as error:
        db.session.rollback()
        click.echo(error.message, err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(result.summary())
