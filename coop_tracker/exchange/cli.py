"""``flask exchange export`` and ``flask exchange import``: the same formats as the web pages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coop_tracker.agreements.queries import Filters, all_matching
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import today
from coop_tracker.exchange.export import render
from coop_tracker.exchange.parsing import FileRejected, read_upload
from coop_tracker.exchange.services import ImportResult, auto_mapping, run_import
from coop_tracker.extensions import db

MAX_FILE_BYTES = 20 * 1024 * 1024


@click.group("exchange")
def exchange_group() -> None:
    """Export and import agreements (CSV, XLSX, JSON)."""


@exchange_group.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), required=True, help="Format."
)
@click.option("--municipality", default=None, help="Bara samverkan där kommunen (kod) är part.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def export_command(fmt: str, municipality: str | None, output: str) -> None:
    """Write every agreement (or one kommun's) to FILE."""
    if municipality is not None and not (len(municipality) == 4 and municipality.isdigit()):
        raise click.ClickException("Kommunkoden ska vara fyra siffror, t.ex. 2021.")
    agreements = all_matching(db.session, Filters(municipality=municipality), restrict=False)
    body, _mime = render(db.session, fmt, agreements, today())
    Path(output).write_bytes(body)
    click.echo(f"{len(agreements)} samverkan skrivna till {output} ({fmt}).")


@exchange_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle hända utan att spara.")
def import_command(file: str, dry_run: bool) -> None:
    """Import agreements from a CSV or XLSX file; nothing is saved unless every row is valid."""
    path = Path(file)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise click.ClickException(f"Filen är större än {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        parsed = read_upload(path.read_bytes(), path.name)
    except FileRejected as rejected:
        raise click.ClickException(rejected.message) from None
    mapping = auto_mapping(parsed.main.headers)
    result = run_import(db.session, parsed, mapping, actor=Actor.system("import"))
    _print_preview(result)
    if not result.ok:
        db.session.rollback()
        click.echo("Inget har sparats: rätta felen och kör igen.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"Provkörning: {result.summary()}. Inget har sparats.")
        return
    db.session.commit()
    click.echo(f"Importen är klar: {result.summary()}.")


def _print_preview(result: ImportResult) -> None:
    for problem in result.mapping_errors:
        click.echo(f"Fel: {problem}", err=True)
    labels = {"create": "Ny", "update": "Ändras", "unchanged": "Oförändrad"}
    for outcome in result.outcomes:
        extra = f" ({', '.join(outcome.changed)})" if outcome.changed else ""
        click.echo(
            f"Rad {outcome.row}: {labels[outcome.action]}: {outcome.title} "
            f"[{outcome.external_id or outcome.agreement_id}]{extra}"
        )
    for error in result.errors:
        click.echo(f"Fel på rad {error.row}, kolumn {error.column}: {error.message}", err=True)
