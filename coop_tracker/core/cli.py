"""``flask backup`` (a consistent copy while the app runs) and ``flask restore``: SQLite's
backup API, or pg_dump and pg_restore for PostgreSQL, with the application's own settings; the
uploaded document files beside it (``core/backup_files.py``)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import click
from flask import current_app

from coop_tracker.core import backup_files
from coop_tracker.core.files import create_private
from coop_tracker.extensions import db


def _postgres_command(program: str, url: Any, args: list[str]) -> None:
    """Run pg_dump or pg_restore against the configured database (password by environment,
    never on the command line)."""
    executable = shutil.which(program)
    if executable is None:
        raise click.ClickException(
            f"{program} saknas; installera PostgreSQL-klienten (apt-get install postgresql-client)."
        )
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    connection = [
        f"--host={url.host or 'localhost'}",
        f"--port={url.port or 5432}",
        f"--username={url.username or ''}",
    ]
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from our settings
        [executable, *connection, *args], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise click.ClickException(f"{program} misslyckades: {result.stderr.strip()}")


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
def backup_command(output: str) -> None:
    """A consistent copy while the app runs: SQLite's online backup API, or on PostgreSQL
    pg_dump in its custom format (restore either with ``flask restore``); with local storage
    the document files go into ``<output>.documents.tar`` beside it."""
    url = db.engine.url
    target = Path(output)
    if target.exists():
        raise click.ClickException(f"{target} finns redan; välj ett nytt filnamn.")
    if backup_files.archive_path(target).exists():
        raise click.ClickException(
            f"{backup_files.archive_path(target)} finns redan; välj ett nytt filnamn."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    create_private(target)  # the copy holds what the database holds: owner only
    if url.get_backend_name() == "postgresql":
        try:
            _postgres_command(
                "pg_dump", url, ["--format=custom", f"--file={target}", url.database or ""]
            )
        except click.ClickException:
            target.unlink(missing_ok=True)  # no half-written file that looks like a backup
            raise
        click.echo(
            f"Säkerhetskopia (pg_dump) skriven till {target} ({target.stat().st_size} byte)."
        )
        _backup_documents(target)
        return
    source_path = url.database
    if url.get_backend_name() != "sqlite" or not source_path or source_path == ":memory:":
        target.unlink(missing_ok=True)
        raise click.ClickException("Säkerhetskopiering gäller SQLite-filer och PostgreSQL.")
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(str(target))
    try:
        with dest:
            source.backup(dest, pages=1024)
    except sqlite3.Error as error:
        dest.close()
        target.unlink(missing_ok=True)
        raise click.ClickException(f"Säkerhetskopieringen misslyckades: {error}") from error
    finally:
        dest.close()
        source.close()
    click.echo(f"Säkerhetskopia skriven till {target} ({target.stat().st_size} byte).")
    _backup_documents(target)


def _place() -> backup_files.Place:
    return backup_files.document_place(current_app.config, current_app.instance_path)


def _backup_documents(target: Path) -> None:
    """The document files beside the database copy (local storage), or where they are (S3).
    When they cannot be copied the database copy goes too: a backup is whole or not at all."""
    place = _place()
    if place.folder is None:
        click.echo(
            f"Dokumentens filer ligger i S3-bucketen {place.bucket} och ingår inte i "
            "säkerhetskopian. Slå på versionshantering i bucketen så att de går att få tillbaka."
        )
        return
    archive = backup_files.archive_path(target)
    try:
        count = backup_files.write_archive(place.folder, archive)
    except backup_files.ArchiveError as error:
        target.unlink(missing_ok=True)
        raise click.ClickException(str(error)) from error
    if count:
        click.echo(f"Dokumentfiler: {count} st skrivna till {archive}.")
    else:
        click.echo(f"Inga dokumentfiler att kopiera ({place.folder} är tom).")


def _check_documents(backup_file: str) -> Path | None:
    """The archive of document files beside the backup, checked before anything is replaced
    (None: there is none, or the files live in S3)."""
    archive = backup_files.archive_path(backup_file)
    if _place().folder is None or not archive.exists():
        return None
    try:
        backup_files.check_archive(archive)
    except backup_files.ArchiveError as error:
        raise click.ClickException(str(error)) from error
    return archive


def _restore_documents(backup_file: str, archive: Path | None) -> None:
    from coop_tracker.core.clock import utcnow

    place = _place()
    if place.folder is None:
        click.echo(
            f"Dokumentens filer ligger kvar i S3-bucketen {place.bucket}; den återställs inte "
            "härifrån (använd bucketens versionshantering vid behov)."
        )
        return
    if archive is None:
        click.echo(
            f"Inga dokumentfiler bredvid säkerhetskopian ({backup_files.archive_path(backup_file)}"
            f"); mappen {place.folder} lämnas som den är."
        )
        return
    count, kept = backup_files.restore_archive(archive, place.folder, f"{utcnow():%Y%m%dT%H%M%S}")
    click.echo(f"Dokumentfiler: {count} st återställda till {place.folder}.")
    if kept is not None:
        click.echo(f"De tidigare dokumentfilerna ligger kvar i {kept}.")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Fråga inte först.")
def restore_command(backup_file: str, yes: bool) -> None:
    """Put a backup in place of the database (stop gunicorn and the scheduler first).

    SQLite: checks the copy, keeps the current database beside it
    (``….before-restore-<time>``), copies the backup in with SQLite's backup API and removes
    stale WAL files. PostgreSQL: pg_restore of a ``flask backup``/pg_dump file, replacing
    every table in one transaction (nothing changes if it fails). The document files of a
    ``<backup>.documents.tar`` beside it replace the document folder (kept beside it). Then
    run ``flask upgrade``."""
    url = db.engine.url
    archive = _check_documents(backup_file)
    if url.get_backend_name() == "postgresql":
        if not yes:
            click.confirm(f"Ersätta allt i databasen {url.database} med {backup_file}?", abort=True)
        db.engine.dispose()
        _postgres_command(
            "pg_restore",
            url,
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
            + [f"--dbname={url.database}", backup_file],
        )
        _restore_documents(backup_file, archive)
        click.echo(_RESTORED.format(backup_file=backup_file))
        return
    if url.get_backend_name() != "sqlite":
        raise click.ClickException("Återställning gäller SQLite och PostgreSQL.")
    target_path = url.database
    if not target_path or target_path == ":memory:":
        raise click.ClickException("Databasen ligger i minnet och kan inte återställas.")
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        has_schema = source.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
        ).fetchone()[0]
    except sqlite3.DatabaseError as error:
        source.close()
        raise click.ClickException(
            f"{backup_file} är ingen läsbar SQLite-databas: {error}"
        ) from None
    if check != "ok" or not has_schema:
        source.close()
        reason = (
            "integritetskontrollen misslyckades"
            if check != "ok"
            else "ingen Samverkanskollen-databas"
        )
        raise click.ClickException(f"{backup_file} kan inte användas: {reason}.")
    target = Path(target_path)
    if not yes:
        click.confirm(f"Ersätta {target} med {backup_file}?", abort=True)
    db.engine.dispose()
    if target.exists():
        from coop_tracker.core.clock import utcnow

        kept = target.with_name(f"{target.name}.before-restore-{utcnow():%Y%m%dT%H%M%S}")
        target.rename(kept)
        click.echo(f"Den tidigare databasen ligger kvar som {kept}.")
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    dest = sqlite3.connect(str(target))
    try:
        with dest:
            source.backup(dest)
    finally:
        dest.close()
        source.close()
    _restore_documents(backup_file, archive)
    click.echo(_RESTORED.format(backup_file=backup_file))


_RESTORED = (
    "Återställd från {backup_file}. Kör nu `flask --app coop_tracker upgrade` och starta "
    "tjänsterna. Är detta inte produktionsservern skickas inga påminnelser (instansidentitet)."
)
