"""The migrations build the schema the models describe, on an empty database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from coop_tracker import create_app
from coop_tracker.extensions import db
from tests.conftest import (
    DATABASE_URL,
    USE_POSTGRES,
    WORKER,
    _config,
    empty_postgres_database,
    worker_database_url,
)
from tests.migration_support import sqlite_app


def test_upgrade_on_empty_database_then_check(tmp_path: Path):
    app = sqlite_app(tmp_path / "empty.sqlite3")
    runner = app.test_cli_runner()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    checked = runner.invoke(args=["db", "check"])
    assert checked.exit_code == 0, checked.output
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _models_only}
        )
        assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def _models_only(name, type_, parent_names):
    """As migrations/env.py compares: the documents' FTS5 index is not a model."""
    from coop_tracker.documents.search import is_index_table

    return not (type_ == "table" and is_index_table(name))


def test_upgrade_keeps_the_register_of_an_existing_sqlite_database(tmp_path: Path):
    """An installation at the first release upgrades without losing parties: SQLite batch mode
    rebuilds the agreement table, which must not cascade-delete the rows that refer to it."""
    from sqlalchemy import text

    app = sqlite_app(tmp_path / "old.sqlite3")
    runner = app.test_cli_runner()
    old = runner.invoke(args=["db", "upgrade", "004"])
    assert old.exit_code == 0, old.output
    now = "2025-01-01 00:00:00"
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO county (code, name) VALUES ('20', 'Dalarnas län')")
            )
            for code, name in (("2021", "Vansbro"), ("2023", "Malung-Sälen")):
                connection.execute(
                    text(
                        "INSERT INTO municipality (code, name, county_code) VALUES (:c, :n, '20')"
                    ),
                    {"c": code, "n": name},
                )
            connection.execute(
                text(
                    "INSERT INTO agreement (id, title, form, phase, purpose, goals, motive,"
                    " start_on, end_on, notice_months, renewal, renewal_months,"
                    " internal_lead_days, cost_note, document_ref, document_url, internal_note,"
                    " is_public, version, created_at, updated_at) VALUES (1,"
                    " 'Överförmyndare Vansbro–Malung-Sälen', 'avtalssamverkan', 'active', '', '',"
                    " '', '2020-01-01', '2022-12-31', 6, 'tacit', 12, 60, '', '', '', '', 1, 1,"
                    " :now, :now)"
                ),
                {"now": now},
            )
            for party_id, code, role in ((1, "2021", "host"), (2, "2023", "purchaser")):
                connection.execute(
                    text(
                        "INSERT INTO party (id, agreement_id, municipality_code, role,"
                        " decision_body, decision_paragraph, decision_ref, version)"
                        " VALUES (:id, 1, :code, :role, 'KF', '§ 12', 'KS 2019/44', 1)"
                    ),
                    {"id": party_id, "code": code, "role": role},
                )
        db.engine.dispose()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with app.app_context():
        with db.engine.connect() as connection:
            titles = connection.execute(text("SELECT title FROM agreement")).scalars().all()
            parties = connection.execute(
                text("SELECT municipality_code, role FROM party ORDER BY id")
            ).all()
        db.engine.dispose()
    assert titles == ["Överförmyndare Vansbro–Malung-Sälen"]
    assert [tuple(row) for row in parties] == [("2021", "host"), ("2023", "purchaser")]


def test_010_maps_old_terms_to_the_term_model(tmp_path: Path):
    """Existing agreements keep their meaning: tills vidare, renewing, fixed."""
    from sqlalchemy import text

    app = sqlite_app(tmp_path / "old.sqlite3")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "004"]).exit_code == 0
    with app.app_context(), db.engine.begin() as connection:
        for number, end_on, renewal in (
            (1, None, "none"),
            (2, "2026-12-31", "tacit"),
            (3, "2026-12-31", "none"),
            (4, None, "tacit"),
        ):
            connection.execute(
                text(
                    "INSERT INTO agreement (id, title, form, phase, purpose, goals, motive, "
                    "start_on, end_on, notice_months, renewal, renewal_months, "
                    "internal_lead_days, review_interval_months, cost_note, document_ref, "
                    "document_url, internal_note, is_public, version, created_at, updated_at) "
                    "VALUES (:id, :title, 'avtalssamverkan', 'active', '', '', '', "
                    "'2024-01-01', :end_on, 6, :renewal, 12, 60, 12, '', '', '', '', 0, 1, "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                ),
                {"id": number, "title": f"Avtal {number}", "end_on": end_on, "renewal": renewal},
            )
        db.engine.dispose()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, term, end_alignment FROM agreement ORDER BY id")
        ).all()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [
        (1, "indefinite", "none"),
        (2, "renewing", "none"),
        (3, "fixed", "none"),
        (4, "indefinite", "none"),
    ]


def test_a_database_stamped_with_an_old_revision_id_upgrades(tmp_path: Path):
    """The revisions were renumbered in chain order: an installation stamped with an old id —
    at the head (0019, now 020) or mid-chain (0018b, now 016) — upgrades as before."""
    _upgrade_from_old_ids(sqlite_app(tmp_path / "stamped.sqlite3"))


def test_a_postgresql_database_stamped_with_an_old_revision_id_upgrades(tmp_path: Path):
    """The same on PostgreSQL, in a database of its own (the restamp commits before Alembic
    begins its transaction: left open, PostgreSQL would roll the whole upgrade back)."""
    if not USE_POSTGRES:
        pytest.skip("the PostgreSQL restamp runs in the PostgreSQL suite")
    url = worker_database_url(DATABASE_URL, WORKER or "main") + "_restamp"
    empty_postgres_database(url)
    _upgrade_from_old_ids(create_app(_config(url, tmp_path)))


def _upgrade_from_old_ids(app) -> None:
    from sqlalchemy import text

    runner = app.test_cli_runner()

    def stamped() -> str:
        with _connection(app) as connection:
            return str(connection.scalar(text("SELECT version_num FROM alembic_version")))

    def stamp(old: str) -> None:
        with _connection(app) as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": old})

    assert runner.invoke(args=["db", "upgrade", "016"]).exit_code == 0
    stamp("0018b")  # what the installation's database says: the kommun settings, old name
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert stamped() == "020"
    assert "organisation" in _tables(app)  # 017 ran: kommuner became organisations
    stamp("0019")  # the head under its old name
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert stamped() == "020"
    assert runner.invoke(args=["db", "check"]).exit_code == 0
    with app.app_context():
        db.engine.dispose()


@contextmanager
def _connection(app) -> Iterator[Connection]:
    """A connection to the app's database, committed at the end; then the app's pool is closed
    so that the next command starts afresh. The connection is closed first: a pool disposed
    under a checked-out connection leaves it open (on PostgreSQL, a ResourceWarning)."""
    with app.app_context():
        with db.engine.begin() as connection:
            yield connection
        db.engine.dispose()


def _tables(app) -> set[str]:
    from sqlalchemy import inspect

    with _connection(app) as connection:
        return set(inspect(connection).get_table_names())
