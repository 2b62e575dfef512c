"""Migration 020 on a copy of the demo data: free-text responsible nämnder that are plainly the
kommun's fullmäktige or kommunstyrelse are written as the list writes them (with a note in the
audit log); every other name is kept, to show as "ej i listan"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from coop_tracker.extensions import db
from tests.migration_support import demo_copy_at


def _run(app: Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with app.app_context(), db.engine.begin() as connection:
        result = connection.execute(text(sql), params)
        rows = [tuple(r) for r in result] if result.returns_rows else []
    with app.app_context():
        db.engine.dispose()
    return rows


def test_020_on_a_copy_of_the_demo_data(tmp_path: Path, demo_file: Path | None):
    old, runner = demo_copy_at(tmp_path, "019", demo_file)
    ids = [
        r[0]
        for r in _run(
            old, "SELECT id FROM party WHERE municipality_code IS NOT NULL ORDER BY id LIMIT 4"
        )
    ]
    typed = ["ks", "  KOMMUNFULLMÄKTIGE ", "Sociala nämnden", "Kommunstyrelsen"]
    for party_id, value in zip(ids, typed, strict=True):
        _run(old, "UPDATE party SET responsible_body = :v WHERE id = :id", v=value, id=party_id)
    before = _run(old, "SELECT count(*), sum(version) FROM party")

    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0

    after = dict(_run(old, "SELECT id, responsible_body FROM party"))
    assert [after[i] for i in ids] == [
        "Kommunstyrelsen",
        "Kommunfullmäktige",
        "Sociala nämnden",  # kept, shown as "ej i listan"
        "Kommunstyrelsen",  # already right: untouched
    ]
    count, versions = _run(old, "SELECT count(*), sum(version) FROM party")[0]
    assert count == before[0][0] and versions == before[0][1] + 2  # two parties changed
    events = _run(
        old,
        "SELECT object_id, changes FROM audit_event WHERE request_id = 'migration-020' ORDER BY id",
    )
    assert [e[0] for e in events] == [str(ids[0]), str(ids[1])]
    changes = json.loads(events[0][1])
    assert changes["responsible_body"] == ["ks", "Kommunstyrelsen"]
    assert changes["note"][1].startswith("Ansvarig nämnd skrivs som i kommunens lista")
    assert _run(old, "SELECT count(*) FROM kommun_body")[0][0] == 0  # the lists start empty
