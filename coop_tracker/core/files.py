"""Files that hold the register or secrets are readable by the service user only.

The database (and SQLite's -wal and -shm files, which take the database file's mode), backups
and uploaded files hold the calendar secrets, contact details and internal notes: they are
created 0600 in folders created 0700, whatever the process's umask.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create the folder (and missing parents) readable by the owner only."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    with contextlib.suppress(PermissionError):  # a folder someone else owns stays as it is
        path.chmod(PRIVATE_DIR)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a file only its owner can read (created or truncated)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as out:
        os.fchmod(out.fileno(), PRIVATE_FILE)
        out.write(data)


def create_private(path: Path) -> None:
    """Create an empty file only its owner can read; refuses an existing file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(descriptor)


def secure_sqlite_file(database: str | None) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use the umask, often 0644),
    and take read access from others on an existing one."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            create_private(path)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if name.stat().st_mode & 0o077:
                name.chmod(PRIVATE_FILE)
