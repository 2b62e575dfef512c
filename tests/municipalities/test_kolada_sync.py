"""`flask municipalities sync`: population and SKR group from recorded Kolada responses, and a
clear refusal that changes nothing when Kolada cannot be reached."""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.municipalities import kolada
from coop_tracker.municipalities.models import Municipality

FIXTURES = Path(__file__).parent / "fixtures" / "kolada"
BASE = "https://api.kolada.se/v3"
RECORDED = {
    f"{BASE}/municipality": "municipality.json",
    f"{BASE}/data/kpi/N01951/year/2026": "population_empty.json",
    f"{BASE}/data/kpi/N01951/year/2025": "population_empty.json",
    f"{BASE}/data/kpi/N01951/year/2024": "population_2024_page1.json",
    f"{BASE}/data/kpi/N01951/year/2024?page=2": "population_2024_page2.json",
    f"{BASE}/municipality_groups": "municipality_groups.json",
}


@pytest.fixture(autouse=True)
def reset_reference_data(session):
    """Reference tables survive between tests on PostgreSQL (they are not truncated): put the
    synced figures back as the seed left them."""
    yield
    session.rollback()
    session.execute(
        update(Municipality).values(
            population=None,
            population_year=None,
            population_source=None,
            skr_group=None,
            skr_group_year=None,
        )
    )
    session.commit()


def recorded(url: str):
    assert url in RECORDED, f"unexpected request {url}"
    return json.loads((FIXTURES / RECORDED[url]).read_text(encoding="utf-8"))


def _sync(session):
    return kolada.sync_from_kolada(
        session, fetch=recorded, base_url=BASE, today=date(2026, 3, 1), actor=Actor.system()
    )


def test_sync_sets_population_with_year_and_source_and_skr_group(session):
    result = _sync(session)
    session.commit()
    vansbro = session.get(Municipality, "2021")
    assert (vansbro.population, vansbro.population_year) == (6650, 2024)
    assert vansbro.population_source == "Kolada (N01951, SCB)"
    assert (vansbro.skr_group, vansbro.skr_group_year) == ("C8", 2023)
    assert session.get(Municipality, "2023").skr_group == "C9"  # not swallowed by "C8"
    assert session.get(Municipality, "2062").skr_group == "C6"  # 2023 beats 2017
    assert session.get(Municipality, "2062").population is None  # Kolada had no value
    assert session.get(Municipality, "0180").population == 988900
    assert result.population_year == 2024 and result.updated == 6
    assert "2062" in result.missing
    events = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "municipality")
    )
    assert events == 6


def test_second_sync_changes_nothing(session):
    _sync(session)
    session.commit()
    result = _sync(session)
    assert result.updated == 0 and result.unchanged == 290


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Kommungrupp (SKR 2023): Storstäder", ("A1", 2023)),
        ("SKR:s kommungrupp 2017 - B4. Pendlingskommun nära större stad", ("B4", 2017)),
        ("Kommungrupp 2023: C7 Pendlingskommun nära mindre stad/tätort", ("C7", 2023)),
        ("Liknande kommuner socioekonomi, Vansbro, 2024", None),
        ("Kommungrupp (SKR): Landsbygdskommun", ("C8", None)),
    ],
)
def test_skr_group_titles(title, expected):
    assert kolada.skr_group_of(title) == expected


def test_next_url_to_another_host_is_refused(session):
    def redirecting(url):
        if url.endswith("/municipality"):
            return {"values": [], "next_url": "https://evil.example/steal"}
        raise AssertionError(url)

    with pytest.raises(kolada.KoladaUnavailable):
        kolada.sync_from_kolada(
            session, fetch=redirecting, base_url=BASE, today=date(2026, 3, 1), actor=Actor.system()
        )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_without_network_says_so_and_changes_nothing(app, runner, session):
    app.config["KOLADA_BASE_URL"] = f"http://127.0.0.1:{_closed_port()}/v3"
    app.config["KOLADA_TIMEOUT"] = 2
    result = runner.invoke(args=["municipalities", "sync"])
    assert result.exit_code == 1
    assert "Kunde inte nå Kolada" in result.output
    assert "Inget har ändrats" in result.output
    assert session.scalar(select(func.count()).where(Municipality.population.is_not(None))) == 0


def test_cli_with_recorded_responses(app, runner, session, monkeypatch, frozen_clock):
    from coop_tracker.municipalities import cli

    monkeypatch.setattr(cli, "default_fetcher", lambda: recorded)
    frozen_clock.set(date(2026, 3, 1))
    result = runner.invoke(args=["municipalities", "sync"])
    assert result.exit_code == 0, result.output
    assert "folkmängd 2024" in result.output
    session.expire_all()
    assert session.get(Municipality, "2021").population == 6650


def test_municipality_page_states_source_and_year(client, auth, factory, session):
    _sync(session)
    session.commit()
    factory.user("reader", "2021", email="las@vansbro.se")
    auth.login("las@vansbro.se")
    page = client.get("/municipalities/2021").get_data(as_text=True)
    assert "2024" in page and "Kolada" in page and "C8" in page


def test_reference_data_page_shows_source_and_refreshes_with_the_commands_code(
    client, auth, factory, session, monkeypatch, frozen_clock
):
    from coop_tracker.municipalities import cli

    factory.user("admin", None, email="a@x.se")
    auth.login("a@x.se")
    page = client.get("/admin/referensdata").get_data(as_text=True)
    assert "Uppgifterna har inte hämtats från Kolada i den här installationen." in page

    def down(url: str):
        raise kolada.KoladaUnavailable("Kolada kunde inte nås. Inget har ändrats.")

    monkeypatch.setattr(cli, "default_fetcher", lambda: down)
    response = client.post("/admin/referensdata", follow_redirects=True)
    assert "Kolada kunde inte nås. Inget har ändrats." in response.get_data(as_text=True)

    monkeypatch.setattr(cli, "default_fetcher", lambda: recorded)
    frozen_clock.set(date(2026, 3, 1))
    response = client.post("/admin/referensdata", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Kolada: folkmängd 2024" in page  # the command's own summary
    assert "Kolada (N01951, SCB)" in page  # the source beside the figures
    assert "2026-03-01" in page and "CET" in page  # when, in local time with the zone
    log = client.get("/admin/audit?object_type=reference_data").get_data(as_text=True)
    assert "Hämtad från Kolada" in log and "Nekad" in log
