"""`flask upgrade` from the oldest migration with data in it: every row kept and usable,
reference data and checklist templates loaded, the instance identity set, translations checked."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from coop_tracker import create_app, resource_path
from coop_tracker.agreements.models import Agreement, Contact
from coop_tracker.checklists.models import ChecklistTemplate
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.reminders.models import InstanceIdentity
from tests.conftest import _config

PASSWORD = "ett-langt-och-ovanligt-losenord-2026"
NOW = "2025-06-01 08:00:00"

# Rows as the very first version of the schema (revision 001) held them.
AT_001 = [
    "INSERT INTO county (code, name) VALUES ('20', 'Dalarnas län')",
    "INSERT INTO municipality (code, name, county_code, population) "
    "VALUES ('2021', 'Vansbro', '20', 6700), ('2023', 'Malung-Sälen', '20', 10000)",
    "INSERT INTO area (id, slug, label_sv, label_en, sort_order, is_active) "
    "VALUES (1, 'miljo-halsoskydd', 'Miljö- och hälsoskydd', 'Environment and health', 10, 1)",
    'INSERT INTO "user" (id, email, name, password_hash, role, municipality_code, '
    "is_active_account, failed_logins, session_token, version, created_at, updated_at) "
    "VALUES (1, 'redaktor@vansbro.se', 'Rut Redaktör', :hash, 'editor', '2021', 1, 0, "
    "'s0', 1, :now, :now)",
    "INSERT INTO agreement (id, title, form, phase, purpose, goals, motive, start_on, end_on, "
    "notice_months, renewal, internal_lead_days, cost_note, document_ref, document_url, "
    "internal_note, is_public, version, created_at, updated_at) VALUES (1, "
    "'Miljö- och hälsoskydd Vansbro–Malung-Sälen', 'avtalssamverkan', 'active', "
    "'Gemensam tillsyn', 'Jämn kvalitet', '', '2024-01-01', '2027-12-31', 6, 'none', 45, '', "
    "'KS 2023/112', '', '', 1, 3, :now, :now)",
    "INSERT INTO agreement_area (agreement_id, area_id) VALUES (1, 1)",
    "INSERT INTO party (id, agreement_id, municipality_code, role, decision_body, "
    "decision_on, decision_paragraph, decision_ref, version) VALUES "
    "(1, 1, '2021', 'host', 'KF', '2023-11-20', '§ 88', 'KS 2023/112', 1), "
    "(2, 1, '2023', 'purchaser', 'KF', '2023-11-27', '§ 140', 'KS 2023/201', 1)",
    "INSERT INTO contact (id, party_id, name, title, email, phone, is_carrier, "
    "wants_reminders, version) VALUES (1, 1, 'Anna Andersson', 'Miljöchef', "
    "'anna.andersson@vansbro.se', '', 1, 0, 1)",
]


def test_upgrade_from_the_first_migration_keeps_every_row(tmp_path: Path):
    uri = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(_config(uri, tmp_path) | {"INSTANCE_ID": "region-dalarna"})
    runner = app.test_cli_runner()
    with app.app_context():
        old = runner.invoke(args=["db", "upgrade", "001"])
        assert old.exit_code == 0, old.output
        with db.engine.begin() as connection:
            for statement in AT_001:
                params = {"hash": generate_password_hash(PASSWORD), "now": NOW}
                connection.execute(text(statement), params)
        db.engine.dispose()

        result = runner.invoke(args=["upgrade"])
        assert result.exit_code == 0, result.output
        assert "1. Databasschema: 001 → " in result.output
        assert "4. Översättning en: ok" in result.output
        assert "Ny installation: databasen fick instansidentiteten region-dalarna" in result.output
        assert "Uppgraderingen är klar." in result.output

        agreement = db.session.get(Agreement, 1)
        assert agreement.title == "Miljö- och hälsoskydd Vansbro–Malung-Sälen"
        assert agreement.version == 3 and agreement.document_ref == "KS 2023/112"
        assert [(p.municipality_code, p.role) for p in agreement.parties] == [
            ("2021", "host"),
            ("2023", "purchaser"),
        ]
        assert db.session.scalar(select(Contact.email)) == "anna.andersson@vansbro.se"
        # Reference data filled in around the existing kommuner, templates loaded.
        assert db.session.scalar(select(func.count()).select_from(Municipality)) == 290
        assert db.session.get(Municipality, "2021").population == 6700
        assert db.session.scalar(select(func.count()).select_from(ChecklistTemplate)) > 0
        assert db.session.get(InstanceIdentity, 1).instance_id == "region-dalarna"

        # The old account still signs in and finds its agreement.
        client = app.test_client()
        login = client.post("/login", data={"email": "redaktor@vansbro.se", "password": PASSWORD})
        assert login.status_code == 302
        page = client.get("/agreements/1")
        assert page.status_code == 200
        assert "Miljö- och hälsoskydd Vansbro–Malung-Sälen" in page.get_data(as_text=True)
        assert client.get("/readyz").status_code == 200

        again = runner.invoke(args=["upgrade"])
        assert again.exit_code == 0, again.output
        assert "(redan aktuellt)" in again.output and "0 nya versioner" in again.output
        db.session.remove()
        db.engine.dispose()


def test_the_translations_check_finds_a_catalogue_that_was_not_compiled(tmp_path: Path):
    """A wheel or checkout without the compiled English catalogue: the upgrade says so."""
    from coop_tracker.operations.services import check_translations

    source = resource_path("translations")
    broken = tmp_path / "translations" / "en" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "messages.po").write_bytes((source / "en/LC_MESSAGES/messages.po").read_bytes())
    (check,) = check_translations(tmp_path / "translations", ("sv", "en"))
    assert not check.ok and "messages.mo saknas" in check.detail


def test_showing_the_instance_identity_writes_nothing(app, runner):
    """`flask instance show` on a new database says it will take the configured identity, and
    leaves it without one: only `flask upgrade` or the first reminder sent records it."""
    app.config["INSTANCE_ID"] = "region-test"
    with app.app_context():
        assert db.session.get(InstanceIdentity, 1) is None
    shown = runner.invoke(args=["instance", "show"])
    assert shown.exit_code == 0, shown.output
    assert "Databasen: ingen identitet ännu" in shown.output
    assert "får instansidentiteten region-test vid flask upgrade" in shown.output
    with app.app_context():
        db.session.remove()
        assert db.session.get(InstanceIdentity, 1) is None
