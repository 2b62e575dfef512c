"""Uploaded document files in ``flask backup`` and ``flask restore``: with local storage they go
into an archive beside the database backup (``<backup>.documents.tar``, owner only) and come
back with the restore; with S3 storage they stay in the bucket (whose versioning keeps them).

Files are never changed once stored (a new version is a new file), so copying the folder after
the database snapshot gives every file the snapshot knows; a file uploaded in between is copied
too and is harmless.
"""

from __future__ import annotations

import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from coop_tracker.core.files import create_private, private_dir, write_private

ARCHIVE_SUFFIX = ".documents.tar"


class ArchiveError(Exception):
    """The archive of document files cannot be written or used (the message is for the user)."""


@dataclass(frozen=True)
class Place:
    """Where the document files live: a local folder, or an S3 bucket."""

    folder: Path | None
    bucket: str | None


def document_place(config: Any, instance_path: str) -> Place:
    """The configured place of the files (the same settings ``documents.storage`` reads)."""
    if (config.get("DOCUMENT_STORAGE") or "local").lower() == "s3":
        return Place(None, config.get("DOCUMENT_S3_BUCKET") or "")
    folder = config.get("DOCUMENT_DIR") or str(Path(instance_path) / "documents")
    return Place(Path(folder), None)


def archive_path(backup: Path | str) -> Path:
    return Path(f"{backup}{ARCHIVE_SUFFIX}")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def write_archive(folder: Path, archive: Path) -> int:
    """Every file under ``folder`` into ``archive`` (paths relative to the folder); the number
    of files. Nothing is written when there are none."""
    files = _files(folder)
    if not files:
        return 0
    create_private(archive)
    try:
        with tarfile.open(archive, "w") as tar:
            for path in files:
                tar.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
    except OSError as error:
        archive.unlink(missing_ok=True)
        raise ArchiveError(f"Dokumentfilerna kunde inte kopieras: {error}") from error
    return len(files)


def check_archive(archive: Path) -> list[tarfile.TarInfo]:
    """The archive's files, refusing anything but plain files under relative paths."""
    try:
        with tarfile.open(archive, "r") as tar:
            members = tar.getmembers()
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"{archive} är inget läsbart arkiv med dokumentfiler: {error}") from None
    for member in members:
        name = PurePosixPath(member.name)
        if not member.isfile() or name.is_absolute() or ".." in name.parts:
            raise ArchiveError(f"{archive} innehåller något annat än dokumentfiler: {member.name}")
    return members


def restore_archive(archive: Path, folder: Path, stamp: str) -> tuple[int, Path | None]:
    """Put the archive's files in place of ``folder``: unpacked beside it first, then the
    current folder is kept as ``<folder>.before-restore-<stamp>`` and the new one moved in.
    Returns the number of files and where the earlier folder was kept (None: there was none)."""
    members = check_archive(archive)
    incoming = folder.with_name(f".{folder.name}.restoring-{stamp}")
    private_dir(incoming)
    with tarfile.open(archive, "r") as tar:
        for member in members:
            source = tar.extractfile(member)
            if source is None:  # pragma: no cover - check_archive admits plain files only
                continue
            path = incoming / member.name
            private_dir(path.parent)
            write_private(path, source.read())
    kept = None
    if folder.exists():
        kept = folder.with_name(f"{folder.name}.before-restore-{stamp}")
        folder.rename(kept)
    incoming.rename(folder)
    return len(members), kept
