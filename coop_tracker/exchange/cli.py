"""``flask exchange export`` and ``flask exchange import``: the same formats as the web pages."""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from coop_tracker.agreements.queries import Filters, all_matching
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import today
from coop_tracker.exchange.export import render
from coop_tracker.exchange.mapping import (
    auto_mapping,
    importable_columns,
    remember_mapping,
    remembered_mapping,
)
from coop_tracker.exchange.parsing import FileRejected, read_upload
from coop_tracker.exchange.report import ImportResult
from coop_tracker.exchange.services import run_import
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality

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
    # A crash in native code (as once in SQLAlchemy's compiled extensions at exit) ends the
    # process with a signal and nothing on stderr; faulthandler prints where it happened.
    with contextlib.suppress(OSError, ValueError):  # stderr without a file (a test runner)
        faulthandler.enable()
    if municipality is not None and not (len(municipality) == 4 and municipality.isdigit()):
        raise click.ClickException("Kommunkoden ska vara fyra siffror, t.ex. 2021.")
    agreements = all_matching(db.session, Filters(municipality=municipality), restrict=False)
    body, _mime = render(db.session, fmt, agreements, today())
    _write_atomically(Path(output), body)
    click.echo(f"{len(agreements)} samverkan skrivna till {output} ({fmt}).")


def _write_atomically(path: Path, body: bytes) -> None:
    """The whole file or none: written beside the target, synced, then renamed into place, so a
    crash never leaves half a file that looks like an export. Owner-only, like the database."""
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@exchange_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--municipality",
    default=None,
    help="Kommunkod för kommunen vars register filen är (externa id, Motpart, Vår roll).",
)
@click.option(
    "--mapping",
    "mapping_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help='Kolumnkoppling som JSON: {"Er rubrik": "fält eller vår kolumn", …}.',
)
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle hända utan att spara.")
@click.option("--json", "as_json", is_flag=True, help="Skriv förhandsgranskningen som JSON.")
def import_command(
    file: str, municipality: str | None, mapping_file: str | None, dry_run: bool, as_json: bool
) -> None:
    """Import agreements from a CSV or XLSX file; nothing is saved unless every row is valid."""
    path = Path(file)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise click.ClickException(f"Filen är större än {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if municipality is not None:
        if not (len(municipality) == 4 and municipality.isdigit()):
            raise click.ClickException("Kommunkoden ska vara fyra siffror, t.ex. 2080.")
        if db.session.get(Municipality, municipality) is None:
            raise click.ClickException(f"Det finns ingen kommun med kommunkod {municipality}.")
    try:
        parsed = read_upload(path.read_bytes(), path.name)
    except FileRejected as rejected:
        raise click.ClickException(rejected.message) from None
    given = _read_mapping(Path(mapping_file)) if mapping_file else None
    mapping = auto_mapping(
        parsed.main.headers, given or remembered_mapping(db.session, municipality)
    )
    result = run_import(
        db.session,
        parsed,
        mapping,
        actor=Actor.system("import"),
        municipality=municipality,
        today=today(),
    )
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_preview(result)
    if not result.ok:
        db.session.rollback()
        if not as_json:
            click.echo("Inget har sparats: rätta felen och kör igen.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        if not as_json:
            click.echo(f"Provkörning: {result.summary()}. Inget har sparats.")
        return
    remember_mapping(db.session, municipality, mapping, actor=Actor.system("import"))
    db.session.commit()
    if not as_json:
        click.echo(f"Importen är klar: {result.summary()}.")


def _read_mapping(path: Path) -> dict[str, str]:
    """MAP.json: their heading → our field key or our Swedish column name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"Kopplingsfilen kunde inte läsas som JSON: {error}") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise click.ClickException(
            'Kopplingsfilen ska vara ett JSON-objekt: {"Er rubrik": "vår kolumn", …}.'
        )
    by_name = {c.name.lower(): c.key for c in importable_columns()}
    keys = {c.key for c in importable_columns()}
    mapping: dict[str, str] = {}
    for header, target in data.items():
        key = target if target in keys else by_name.get(target.strip().lower())
        if key is None:
            names = ", ".join(c.name for c in importable_columns())
            raise click.ClickException(
                f"Okänd kolumn ”{target}” för ”{header}” i kopplingsfilen. Använd en av: {names}."
            )
        mapping[header] = key
    return mapping


def _print_preview(result: ImportResult) -> None:
    for problem in result.mapping_errors:
        click.echo(f"Fel: {problem}", err=True)
    labels = {"create": "Ny", "update": "Ändras", "unchanged": "Oförändrad"}
    for outcome in result.outcomes:
        extra = f" ({', '.join(outcome.changed)})" if outcome.changed else ""
        similar = "".join(f" – liknar befintlig samverkan {i} ”{t}”" for i, t in outcome.similar)
        click.echo(
            f"Rad {outcome.row}: {labels[outcome.action]}: {outcome.title} "
            f"[{outcome.external_id or outcome.agreement_id}]{extra}{similar}"
        )
    for note in result.notes:
        click.echo(f"Obs rad {note.row}, {note.column}: ”{note.value}” – {note.message}")
    for error in result.errors:
        value = f" ”{error.value}”" if error.value else ""
        click.echo(f"Fel rad {error.row}, {error.column}:{value} – {error.message}", err=True)
