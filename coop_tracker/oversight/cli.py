"""``flask reports render``: the kommuner's meeting reports made in advance, as the scheduler
does every few minutes (after an upgrade, or to see how long it takes)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from coop_tracker.core.validation import is_digits
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.oversight.jobs import render_default_reports


@click.group("reports")
def reports_group() -> None:
    """Mötesrapporter (uppsikt som PDF)."""


@reports_group.command("render")
@click.option(
    "--municipality",
    "codes",
    multiple=True,
    help="Kommunkod (kan upprepas). Utan: varje kommun som har användare.",
)
@with_appcontext
def render_command(codes: tuple[str, ...]) -> None:
    """Gör kommunernas mötesrapport (standardurvalet) i förväg där uppgifterna har ändrats."""
    for code in codes:
        if not is_digits(code, 4) or db.session.get(Municipality, code) is None:
            raise click.BadParameter(
                f"{code!r} är ingen kommunkod (fyra siffror)", param_hint="--municipality"
            )
    result = render_default_reports(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        codes=list(codes) or None,
    )
    click.echo(result.summary())
    if result.failed:
        raise SystemExit(1)
