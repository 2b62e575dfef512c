"""``flask backup``: a consistent copy while the app writes, that restores with its data."""

from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import func, select

from coop_tracker import create_app
from coop_tracker.agreements.models import Agreement
from coop_tracker.extensions import db
from tests.conftest import _config, _migrate_and_seed
from tests.factories import Factory


def test_backup_while_writing_then_restore(tmp_path):
    """Always on SQLite (the embedded default); PostgreSQL: tests/ops/test_restore.py."""
    source = tmp_path / "live.sqlite3"
    app = create_app(_config(f"sqlite:///{source}", tmp_path))
    _migrate_and_seed(app)
    with app.app_context():
        factory = Factory(db.session)
        for n in range(60):
            factory.agreement(title=f"Före säkerhetskopian {n:03d}", purpose="x" * 2000)

    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with app.app_context():
                factory = Factory(db.session)
                n = 0
                while not stop.is_set() and n < 400:
                    factory.agreement(title=f"Under säkerhetskopian {n:03d}", purpose="y" * 2000)
                    written.append(n)
                    n += 1
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 5:
        time.sleep(0.01)
    target = tmp_path / "backup" / "copy.sqlite3"
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", "-o", str(target)])
    stop.set()
    thread.join(timeout=60)
    assert errors == []
    assert result.exit_code == 0, result.output
    assert "Säkerhetskopia skriven" in result.output

    check = sqlite3.connect(target)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()

    restored = create_app(_config(f"sqlite:///{target}", tmp_path))
    with restored.app_context():
        titles = db.session.scalars(select(Agreement.title)).all()
        before = [t for t in titles if t.startswith("Före")]
        during = [t for t in titles if t.startswith("Under")]
        assert len(before) == 60
        assert 5 <= len(during) <= len(written)
        # Consistent: every agreement in the copy has its parties.
        assert all(len(a.parties) == 2 for a in db.session.scalars(select(Agreement)))
        db.engine.dispose()
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Agreement))
        assert total == 60 + len(written)
        db.engine.dispose()
    # A second backup to the same file is refused rather than overwriting it.
    with app.app_context():
        again = app.test_cli_runner().invoke(args=["backup", "-o", str(target)])
        assert again.exit_code != 0 and "finns redan" in again.output
        db.engine.dispose()


def test_backup_on_postgresql_that_cannot_be_reached_fails_with_pg_dumps_reason(tmp_path):
    """On PostgreSQL the command runs pg_dump; when it fails, so does the command, saying why,
    and no file is left behind (tests/ops/test_restore.py does the real round trip)."""
    app = create_app(_config("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", "-o", str(tmp_path / "x.dump")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output
    assert not (tmp_path / "x.dump").exists()
