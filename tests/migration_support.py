"""Apps of a test's own on a SQLite file, for the migration tests that go down and up again."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from coop_tracker import create_app
from coop_tracker.checklists.templates import seed_checklist_templates
from coop_tracker.core.actor import Actor
from coop_tracker.demo.services import load_demo
from coop_tracker.extensions import db
from coop_tracker.municipalities.services import seed_reference_data
from coop_tracker.organisations.services import seed_organisations


def sqlite_app(path: Path) -> Flask:
    """A bare app (no migration run) on the SQLite database file at ``path``."""
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x", "TESTING": True}
    )


def demo_copy_at(
    tmp_path: Path, revision: str, demo_file: Path | None = None
) -> tuple[Flask, FlaskCliRunner]:
    """An app (and its command runner) on a copy of a database migrated to the newest schema,
    seeded and holding the small demo (seed 1, as of 2026-12-07), taken back down to
    ``revision``: the register as it was, to upgrade again. ``demo_file`` is such a database
    already made (the ``demo_file`` fixture's, on SQLite); without one it is made here."""
    copy = tmp_path / "copy.sqlite3"
    if demo_file is None:
        demo = sqlite_app(tmp_path / "demo.sqlite3")
        assert demo.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        with demo.app_context():
            seed_reference_data(db.session, actor=Actor.system("cli"))
            seed_organisations(db.session, actor=Actor.system("cli"))
            seed_checklist_templates(db.session, actor=Actor.system("cli"))
            load_demo(db.session, scale="small", seed=1, today=date(2026, 12, 7))
            db.session.commit()
            db.engine.dispose()
        demo_file = tmp_path / "demo.sqlite3"
    shutil.copy(demo_file, copy)
    old = sqlite_app(copy)
    runner = old.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", revision])
    assert down.exit_code == 0, down.output
    return old, runner
