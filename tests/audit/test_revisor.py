"""The audit log as a revisor reads it: filter by agreement name, times in Swedish local time
with the zone (a lock's end too), and a CSV that says which filter produced it."""

from __future__ import annotations

import io
from csv import reader
from datetime import UTC, datetime

from coop_tracker.audit import labels
from coop_tracker.audit.services import record
from coop_tracker.core.actor import Actor


def test_a_lock_end_stored_in_utc_reads_in_local_time_with_the_zone():
    text = labels.value_text("user", "locked_until", "2026-12-07T05:15:00+00:00")
    assert text == "2026-12-07 06:15 CET"
    summer = labels.value_text("user", "locked_until", "2026-07-01T10:00:00+00:00")
    assert summer == "2026-07-01 12:00 CEST"
    assert labels.value_text("agreement", "title", "Möte 2026-12-07 kl 10") == (
        "Möte 2026-12-07 kl 10"
    )


def test_filter_by_agreement_name_and_a_csv_that_names_its_filter(client, factory, auth, session):
    factory.user("admin", None, email="a@x.se")
    factory.agreement(title="Lönecentrum Västerdalarna")
    factory.agreement(title="Räddningstjänst Dala Mitt")
    user = factory.user("reader", "2021", name="Låst Person")
    record(
        session,
        Actor.system(),
        action="lock",
        object_type="user",
        object_id=user.id,
        label="Låst Person",
        changes={"locked_until": [None, datetime(2026, 12, 7, 5, 15, tzinfo=UTC).isoformat()]},
    )
    session.commit()
    auth.login("a@x.se")
    page = client.get("/admin/audit?agreement=lönecentrum").get_data(as_text=True)
    assert "Lönecentrum Västerdalarna" in page and "Räddningstjänst Dala Mitt" not in page
    page = client.get("/admin/audit?action=lock").get_data(as_text=True)
    assert "2026-12-07 06:15 CET" in page  # the lock's end, as local as the row's own time
    assert " CET</td>" in page
    csv = client.get("/admin/audit.csv?agreement=lönecentrum&date_from=2026-01-01")
    rows = list(reader(io.StringIO(csv.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Urval", "Från och med: 2026-01-01; Samverkan: lönecentrum"]
    assert rows[1] == ["Tider", "Svensk tid (CET/CEST)"]
    assert rows[2][:2] == ["Tid", "Vem"]
    assert rows[3][0].endswith(" CET")
    everything = client.get("/admin/audit.csv").get_data(as_text=True)
    assert everything.lstrip("\ufeff").startswith("Urval;Hela loggen (inget filter)")
