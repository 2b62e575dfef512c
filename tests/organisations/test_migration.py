"""Migration 017 on a copy of the demo data: kommuner become organisations without losing a
party, and the old form "asymmetrisk" becomes a flagged avtalssamverkan for an admin to confirm.

The demo is loaded into a database of its own at the newest schema; a copy of that file is
taken back to 016 (the register as it was before organisations: the asymmetric agreements
have the form "asymmetrisk" again and every party is a kommun) and upgraded again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from tests.migration_support import demo_copy_at, sqlite_app


def _rows(app: Any, sql: str) -> list[tuple[Any, ...]]:
    with app.app_context(), db.engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(text(sql))]
        db.engine.dispose()
    return rows


def test_017_on_a_copy_of_the_demo_data(tmp_path: Path, demo_file: Path | None):
    old, runner = demo_copy_at(tmp_path, "016", demo_file)
    asymmetric = _rows(
        old, "SELECT id, title FROM agreement WHERE form = 'asymmetrisk' ORDER BY id"
    )
    assert len(asymmetric) >= 2  # Mora's gymnasium, Umeå's procurement, …
    parties_before = _rows(
        old, "SELECT id, agreement_id, municipality_code, role FROM party ORDER BY id"
    )
    items_before = _rows(old, "SELECT count(*) FROM checklist_item")
    reviews_before = _rows(old, "SELECT count(*) FROM review")

    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0

    # Every party is still there, with its kommun both as code and as organisation.
    parties_after = _rows(
        old,
        "SELECT party.id, party.agreement_id, party.municipality_code, party.role "
        "FROM party JOIN organisation ON organisation.id = party.organisation_id "
        "WHERE organisation.kind = 'kommun' "
        "AND organisation.municipality_code = party.municipality_code ORDER BY party.id",
    )
    assert parties_after == parties_before
    assert _rows(old, "SELECT count(*) FROM checklist_item") == items_before
    assert _rows(old, "SELECT count(*) FROM review") == reviews_before
    assert _rows(old, "SELECT count(*) FROM organisation WHERE kind = 'kommun'") == [(290,)]

    # The asymmetric agreements are avtalssamverkan with the flag, waiting for an admin.
    migrated = _rows(
        old,
        "SELECT id, title FROM agreement WHERE form = 'avtalssamverkan' AND is_asymmetric "
        "AND form_needs_confirmation ORDER BY id",
    )
    assert migrated == asymmetric
    assert _rows(old, "SELECT count(*) FROM agreement WHERE form = 'asymmetrisk'") == [(0,)]
    notes = _rows(
        old,
        "SELECT agreement_id, actor_name, changes FROM audit_event "
        "WHERE request_id = 'migration-017' ORDER BY agreement_id",
    )
    assert [n[0] for n in notes] == [a[0] for a in asymmetric]
    assert all(n[1] == "Migrering 017" for n in notes)
    for _agreement_id, _actor, changes in notes:
        changes = json.loads(changes) if isinstance(changes, str) else changes
        assert changes["form"] == ["asymmetrisk", "avtalssamverkan"]
        assert "bekräfta den juridiska formen" in changes["note"][1]


def test_admins_list_and_confirm_the_migrated_forms(tmp_path: Path):
    app = sqlite_app(tmp_path / "old.sqlite3")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "016"]).exit_code == 0
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("INSERT INTO county (code, name) VALUES ('20', 'Dalarnas län')"))
        for code, name in (("2062", "Mora"), ("2034", "Orsa")):
            connection.execute(
                text("INSERT INTO municipality (code, name, county_code) VALUES (:c, :n, '20')"),
                {"c": code, "n": name},
            )
        connection.execute(
            text(
                "INSERT INTO agreement (id, title, form, phase, purpose, goals, motive, "
                "term, end_alignment, internal_lead_days, review_interval_months, cost_note, "
                "document_ref, document_url, internal_note, is_public, external_id, "
                "external_id_owner, version, created_at, updated_at) VALUES (1, "
                "'Gymnasium i Mora för Orsa', 'asymmetrisk', 'active', '', '', '', 'indefinite', "
                "'none', 60, 12, '', '', '', '', 0, 'SK-1', '', 1, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')"
            )
        )
        for party_id, code, role in ((1, "2062", "host"), (2, "2034", "purchaser")):
            connection.execute(
                text(
                    "INSERT INTO party (id, agreement_id, municipality_code, role, "
                    "decision_body, deciding_body, deciding_body_name, decision_paragraph, "
                    "decision_ref, version) VALUES (:id, 1, :code, :role, '', '', '', '', '', 1)"
                ),
                {"id": party_id, "code": code, "role": role},
            )
        db.engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0

    from coop_tracker.agreements.models import Agreement
    from coop_tracker.agreements.services import confirm_form

    with app.app_context():
        agreement = db.session.get(Agreement, 1)
        assert agreement.form_needs_confirmation and agreement.is_asymmetric
        assert agreement.parties[0].organisation.name == "Mora"
        confirm_form(db.session, agreement, "gemensam_namnd", actor=Actor.system())
        db.session.commit()
        agreement = db.session.get(Agreement, 1)
        assert agreement.form == "gemensam_namnd" and agreement.is_asymmetric
        assert not agreement.form_needs_confirmation
        assert [p.role for p in agreement.parties] == ["host", "member"]
        db.engine.dispose()
