"""The database, its backups and uploaded files are readable by the service user only (they hold
calendar secrets, contacts and internal notes), whatever the umask (issue #18)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from coop_tracker import create_app
from coop_tracker.core.files import secure_sqlite_file
from tests.conftest import USE_POSTGRES, _config


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The common default: new files readable by everyone."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_sqlite_database_and_its_wal_are_owner_only(tmp_path, open_umask):
    path = tmp_path / "ny.sqlite3"
    app = create_app(_config(f"sqlite:///{path}", tmp_path))
    from sqlalchemy import text

    from coop_tracker.extensions import db

    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        assert _mode(path) == 0o600
        assert _mode(Path(f"{path}-wal")) == 0o600  # SQLite gives it the database's mode
        db.engine.dispose()
    assert _mode(Path(app.instance_path)) == 0o700


def test_an_existing_readable_database_is_tightened(tmp_path):
    path = tmp_path / "gammal.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o644)
    secure_sqlite_file(str(path))
    assert _mode(path) == 0o600


@pytest.mark.skipif(USE_POSTGRES, reason="flask backup copies SQLite; PostgreSQL uses pg_dump")
def test_backup_is_owner_only(runner, tmp_path, open_umask):
    target = tmp_path / "kopia.sqlite3"
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert _mode(target) == 0o600


def test_uploaded_import_file_is_owner_only(app, client, auth, factory, open_umask):
    factory.user("editor", "2021", email="red@vansbro.se")
    auth.login("red@vansbro.se")
    body = (
        "Externt id;Namn;Samverkansform;Områden;Parter\r\n"
        + "A;Lön;Avtalssamverkan;Lön;2021:värd\r\n"
    )
    client.post(
        "/exchange/import",
        data={"file": (io.BytesIO(body.encode()), "f.csv")},
        content_type="multipart/form-data",
    )
    folder = Path(app.config["IMPORT_DIR"])
    [stored] = list(folder.iterdir())
    assert _mode(folder) == 0o700
    assert _mode(stored) == 0o600


def test_cli_export_is_written_whole_and_owner_only(runner, factory, tmp_path, open_umask):
    factory.agreement(title="Lön i Vansbro")
    target = tmp_path / "alla.csv"
    result = runner.invoke(args=["exchange", "export", "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Lön i Vansbro" in target.read_text(encoding="utf-8-sig")
    assert _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".alla")] == []
