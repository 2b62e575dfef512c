"""``flask backup``: a consistent copy of the database while the app runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from coop_tracker.extensions import db


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
def backup_command(output: str) -> None:
    """Copy the SQLite database with SQLite's online backup API (pg_dump for PostgreSQL)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "Säkerhetskopiering med detta kommando gäller SQLite. För PostgreSQL: "
            "pg_dump --format=custom --file=FIL DATABAS (se README)."
        )
    source_path = url.database
    if not source_path or source_path == ":memory:":
        raise click.ClickException("Databasen ligger i minnet och kan inte kopieras.")
    target = Path(output)
    if target.exists():
        raise click.ClickException(f"{target} finns redan; välj ett nytt filnamn.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(str(target))
    try:
        with dest:
            source.backup(dest, pages=1024)
    finally:
        dest.close()
        source.close()
    click.echo(f"Säkerhetskopia skriven till {target} ({target.stat().st_size} byte).")
