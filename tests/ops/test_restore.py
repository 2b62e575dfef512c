"""Safe restores: a restored or copied database sends no reminder until an administrator
confirms that it is the production instance; the scheduler says why."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from coop_tracker import create_app
from coop_tracker.extensions import db
from coop_tracker.reminders.jobs import send_due
from coop_tracker.reminders.models import InstanceIdentity
from coop_tracker.reminders.planner import plan_reminders
from tests.conftest import USE_POSTGRES, _config
from tests.reminders.conftest import TODAY

NOW = datetime(2026, 4, 15, 6, 0, tzinfo=UTC)


def _sweep(app, today=TODAY, now=NOW):
    return send_due(db.engine, app.config, today=today, now=now)


@pytest.fixture
def production(app, session, scenario, smtp):
    """Production, instance "region-prod": it has run its sweeps for a while (one in 2023,
    when nothing was due, stored its identity) and has reminders due this morning."""
    app.config["INSTANCE_ID"] = "region-prod"
    plan_reminders(session, TODAY, now=NOW)
    session.commit()
    early = _sweep(app, today=TODAY - timedelta(days=1000), now=NOW - timedelta(days=1000))
    assert early.sent_emails == 0
    return app


def _copy_of(app, database_uri, tmp_path, instance_id):
    """The database as another server sees it after a restore (SQLite: a copy of the file;
    PostgreSQL: the same data, as pg_restore would give it, under another configuration)."""
    uri = database_uri
    if not USE_POSTGRES:
        db.engine.dispose()
        copy = tmp_path / "restored.sqlite3"
        shutil.copyfile(database_uri.removeprefix("sqlite:///"), copy)
        uri = f"sqlite:///{copy}"
    config = _config(uri, tmp_path) | {
        "INSTANCE_ID": instance_id,
        "MAIL_SERVER": app.config["MAIL_SERVER"],
        "MAIL_PORT": app.config["MAIL_PORT"],
    }
    return create_app(config)


def test_a_restored_copy_sends_nothing_until_confirmed(production, database_uri, tmp_path, smtp):
    # Taken before production's morning sweep: the copy has the same reminders still due.
    test_server = _copy_of(production, database_uri, tmp_path, "region-test")
    assert _sweep(production).sent_emails == 3
    assert len(smtp.inbox.envelopes) == 3

    with test_server.app_context():
        if USE_POSTGRES:  # same rows: make them due again, as they were in the backup
            from coop_tracker.reminders.models import Reminder

            db.session.execute(Reminder.__table__.update().values(sent_at=None))
            db.session.commit()
        blocked = _sweep(test_server)
        assert blocked.sent_emails == 0 and blocked.claimed == 0
        assert "tillhör instansen region-prod" in blocked.blocked
        assert "konfigurerad som region-test" in blocked.blocked
        assert len(smtp.inbox.envelopes) == 3  # nobody got a second copy

        runner = test_server.test_cli_runner()
        cli = runner.invoke(args=["reminders", "send-due", "--today", TODAY.isoformat()])
        assert cli.exit_code == 1
        assert "Inga e-brev skickades" in cli.output and "instance confirm" in cli.output
        shown = runner.invoke(args=["instance", "show"])
        assert shown.exit_code == 1 and "INGA e-brev skickas" in shown.output

        # The administrator decides this copy is now production (say, after losing the old).
        confirmed = runner.invoke(args=["instance", "confirm", "--yes", "--by", "Ida IT"])
        assert confirmed.exit_code == 0, confirmed.output
        assert _sweep(test_server).sent_emails == 3
        assert len(smtp.inbox.envelopes) == 6
        db.session.remove()
        db.engine.dispose()


def test_an_installation_that_sent_mail_before_identities_waits_for_confirmation(production, smtp):
    """Upgraded from a version without identities (or an old backup): it has sent reminders,
    so it cannot tell whether it is the production database and asks first."""
    assert _sweep(production).sent_emails == 3
    from coop_tracker.reminders.models import Reminder

    db.session.execute(delete(InstanceIdentity))
    # One reminder stays sent (its history); the others are due again.
    first = db.session.scalar(select(func.min(Reminder.id)).where(Reminder.sent_at.is_not(None)))
    db.session.execute(update(Reminder).where(Reminder.id != first).values(sent_at=None))
    db.session.commit()
    blocked = _sweep(production)
    assert blocked.sent_emails == 0
    assert "saknar instansidentitet men har skickat påminnelser" in blocked.blocked


def test_a_new_installation_takes_its_identity_on_the_first_sweep(app, session, scenario, smtp):
    app.config["INSTANCE_ID"] = "kommunen-egen"
    plan_reminders(session, TODAY, now=NOW)
    session.commit()
    assert _sweep(app).sent_emails == 3
    assert session.get(InstanceIdentity, 1).instance_id == "kommunen-egen"
    from coop_tracker.audit.models import AuditEvent

    event = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "instance_identity"))
    assert event.changes["instance_id"] == [None, "kommunen-egen"]


def test_flask_restore_puts_a_sqlite_backup_in_place(tmp_path):
    """One command: checks the copy, keeps the current database aside, restores."""
    from coop_tracker.agreements.models import Agreement
    from tests.conftest import _migrate_and_seed
    from tests.factories import Factory

    live = tmp_path / "live.sqlite3"
    app = create_app(_config(f"sqlite:///{live}", tmp_path))
    _migrate_and_seed(app)
    runner = app.test_cli_runner()
    with app.app_context():
        Factory(db.session).agreement(title="Före säkerhetskopian")
        backup = tmp_path / "backup.sqlite3"
        assert runner.invoke(args=["backup", "-o", str(backup)]).exit_code == 0
        Factory(db.session).agreement(title="Efter säkerhetskopian")
        db.session.remove()

        not_a_db = tmp_path / "notes.txt"
        not_a_db.write_text("inte en databas")
        refused = runner.invoke(args=["restore", "--yes", str(not_a_db)])
        assert refused.exit_code != 0 and "ingen läsbar SQLite-databas" in refused.output

        restored = runner.invoke(args=["restore", "--yes", str(backup)])
        assert restored.exit_code == 0, restored.output
        assert "flask --app coop_tracker upgrade" in restored.output
        titles = set(db.session.scalars(select(Agreement.title)))
        assert titles == {"Före säkerhetskopian"}
        kept = list(tmp_path.glob("live.sqlite3.before-restore-*"))
        assert len(kept) == 1  # nothing lost: the replaced database is still there
        db.session.remove()
        db.engine.dispose()


def test_flask_backup_and_restore_on_postgresql(app, tmp_path):
    """pg_dump and pg_restore through the same two commands, with the app's settings."""
    if not USE_POSTGRES:
        pytest.skip("the PostgreSQL round trip runs in the PostgreSQL suite")
    from coop_tracker.agreements.models import Agreement
    from coop_tracker.core.actor import Actor
    from coop_tracker.documents.models import Document
    from coop_tracker.documents.services import (
        DocumentInput,
        Upload,
        VersionInput,
        create_document,
        read_version_file,
    )
    from tests.documents.conftest import make_docx
    from tests.factories import Factory

    runner = app.test_cli_runner()
    agreement = Factory(db.session).agreement(title="Före säkerhetskopian")
    data = make_docx(["Förbundsordningen i sin helhet."])
    create_document(
        db.session,
        agreement,
        DocumentInput(
            doc_type="forbundsordning",
            title="Förbundsordning",
            first=VersionInput(file=Upload("fo.docx", data)),
        ),
        actor=Actor.system(),
    )
    db.session.commit()
    dump = tmp_path / "backup.dump"
    backed_up = runner.invoke(args=["backup", "-o", str(dump)])
    assert backed_up.exit_code == 0, backed_up.output
    assert "pg_dump" in backed_up.output and dump.stat().st_size > 0
    assert "Dokumentfiler: 1 st skrivna" in backed_up.output
    Factory(db.session).agreement(title="Efter säkerhetskopian")
    db.session.remove()
    shutil.rmtree(app.config["DOCUMENT_DIR"])  # the files are lost with the server

    restored = runner.invoke(args=["restore", "--yes", str(dump)])
    assert restored.exit_code == 0, restored.output
    assert set(db.session.scalars(select(Agreement.title))) == {"Före säkerhetskopian"}
    [document] = db.session.scalars(select(Document)).all()
    assert read_version_file(document.current) == data
    db.session.remove()
