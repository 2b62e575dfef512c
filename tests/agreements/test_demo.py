"""Demo data: deterministic, valid under the role rules, current relative to today, and fast."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from coop_tracker import create_app
from coop_tracker.agreements.models import Agreement, Contact, Party
from coop_tracker.agreements.rules import role_rule_errors
from coop_tracker.audit.models import AuditEvent
from coop_tracker.demo import services as demo
from coop_tracker.demo.context import DemoContext
from coop_tracker.demo.national import COUNTY_NEIGHBOURS
from coop_tracker.demo.services import load_demo
from coop_tracker.demo.small import KOMMUNER
from coop_tracker.demo.users import DEMO_PASSWORD, DEMO_USERS
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import County, Municipality
from coop_tracker.schedule.rules import derived_dates
from coop_tracker.users.models import User
from tests.conftest import USE_POSTGRES, _config, _reset_postgres

TODAY = date(2026, 11, 27)


def fingerprint(session: Any) -> list[tuple[Any, ...]]:
    """Everything a user would see of the loaded agreements, without ids and timestamps."""
    agreements = session.scalars(select(Agreement).order_by(Agreement.id)).unique().all()
    return [
        (
            a.title,
            a.form,
            a.phase,
            a.start_on,
            a.end_on,
            a.notice_months,
            a.renewal,
            a.renewal_months,
            str(a.annual_cost),
            a.is_public,
            tuple(sorted(area.slug for area in a.areas)),
            tuple(
                (
                    p.municipality_code,
                    p.role,
                    p.decision_on,
                    p.decision_ref,
                    str(p.cost_share_percent),
                    tuple((c.name, c.email, c.is_carrier) for c in p.contacts),
                )
                for p in a.parties
            ),
        )
        for a in agreements
    ]


@contextmanager
def fresh_app(template_database: str, tmp_path: Path, name: str) -> Iterator[Any]:
    """A second app on a database of its own (PostgreSQL: the same one, emptied first)."""
    db.session.remove()
    if USE_POSTGRES:
        uri = template_database
    else:
        target = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(template_database, target)
        uri = f"sqlite:///{target}"
    app = create_app(_config(uri, tmp_path))
    if USE_POSTGRES:
        _reset_postgres(app)
    with app.app_context():
        yield db.session
        db.session.remove()
        db.engine.dispose()


def agreements_with_parties(session: Any) -> list[Agreement]:
    return list(session.scalars(select(Agreement).order_by(Agreement.id)).unique())


def roles_of(agreement: Agreement) -> list[str]:
    return [p.role for p in agreement.parties if p.left_on is None]


def names_of(agreement: Agreement) -> set[str]:
    return {p.name for p in agreement.parties}


# --- small ------------------------------------------------------------------------------------


def test_the_demo_kommuner_are_the_seeded_ones(session):
    seeded = dict(session.execute(select(Municipality.name, Municipality.code)).all())
    wrong = {name: code for name, code in KOMMUNER.items() if seeded.get(name) != code}
    assert wrong == {}


def test_small_is_a_believable_register(session, demo_database):
    result = demo_database(seed=1, today=TODAY)
    agreements = agreements_with_parties(session)

    assert 30 <= len(agreements) <= 45
    assert result.agreements == len(agreements)
    assert re.fullmatch(
        r"Demodata \(small, frö 1\): \d+ samverkan, \d+ parter, \d+ kontaktpersoner, "
        r"4 användare(, [\d\u00a0]+ [^,]+)*\.",  # extensions (reviews, checklists, …) add counts
        result.summary(),
    )
    for agreement in agreements:
        assert role_rule_errors(agreement.form, roles_of(agreement)) == [], agreement.title
        assert agreement.purpose and agreement.goals and agreement.motive, agreement.title
    assert {a.form for a in agreements} == {
        "avtalssamverkan",
        "gemensam_namnd",
        "kommunalforbund",
        "samordningsforbund",
        "bolag",
        "ovrig",
    }
    # Asymmetry is a flag on the legal form, not a form of its own.
    assert any(a.is_asymmetric for a in agreements)
    phases = Counter(a.phase for a in agreements)
    assert phases["active"] > len(agreements) / 2
    assert phases["planned"] >= 2 and phases["ended"] >= 1 and phases["exiting"] >= 1
    assert 0 < sum(a.is_public for a in agreements) < len(agreements)
    assert sum(a.renewal == "tacit" for a in agreements) >= 10

    parties = [p for a in agreements for p in a.parties]
    assert result.parties == len(parties)
    decided = [p for p in parties if p.has_decision]
    assert len(decided) > 0.85 * len(parties)
    assert all(p.decision_paragraph.startswith("§ ") and p.decision_ref for p in decided)
    assert all(p.decision_on.weekday() <= 3 for p in decided)  # meetings, not weekends
    contacts = session.scalars(select(Contact)).all()
    assert result.contacts == len(contacts)
    assert any(c.is_carrier for c in contacts) and not all(c.is_carrier for c in contacts)
    assert all(c.email.endswith(".example.se") for c in contacts)
    assert any(p.left_on for p in parties)  # a kommun that left a cooperation


def test_small_has_the_clusters_a_kommundirektor_would_recognise(session, demo_database):
    demo_database(seed=1, today=TODAY)
    agreements = agreements_with_parties(session)

    def having(form: str, area: str) -> list[Agreement]:
        return [a for a in agreements if a.form == form and area in {x.slug for x in a.areas}]

    rescue = having("kommunalforbund", "raddningstjanst")
    assert any(
        len(a.parties) >= 4 and all(p.municipality.county_code == "20" for p in a.parties)
        for a in rescue
    )
    guardianship = having("gemensam_namnd", "overformyndare")
    assert guardianship and all(roles_of(a).count("host") == 1 for a in guardianship)
    assert len(having("avtalssamverkan", "miljo-halsoskydd")) >= 3
    assert len(having("avtalssamverkan", "livsmedelskontroll")) >= 2

    it = having("gemensam_namnd", "it-digitalisering")
    assert any(
        names_of(a) == {"Mora", "Orsa", "Älvdalen"} and a.party_for("2062").role == "host"
        for a in it
    )
    mtg = [a for a in agreements if names_of(a) == {"Mariestad", "Töreboda", "Gullspång"}]
    assert sum(a.form == "gemensam_namnd" for a in mtg) >= 2
    alcohol = [
        a
        for a in having("avtalssamverkan", "alkohol-tobakstillsyn")
        if a.party_for("1402") is not None and a.party_for("1402").role == "host"
    ]
    assert alcohol and roles_of(alcohol[0]).count("purchaser") >= 4
    together = [a for a in agreements if {"Vansbro", "Malung-Sälen"} <= names_of(a)]
    assert len(together) >= 3
    asymmetric = [a for a in agreements if a.is_asymmetric]
    assert asymmetric and all(a.form == "avtalssamverkan" for a in asymmetric)
    assert all(roles_of(a).count("purchaser") >= 2 for a in asymmetric)


def test_small_has_parties_that_are_not_kommuner(session, demo_database):
    demo_database(seed=1, today=TODAY)
    agreements = agreements_with_parties(session)
    by_title = {a.title: a for a in agreements}

    hjalpmedel = by_title["Gemensam hjälpmedelsnämnd i Dalarna"]
    host = next(p for p in hjalpmedel.parties if p.role == "host")
    assert (host.name, host.kind) == ("Region Dalarna", "region")

    # A förbund sells räddningstjänst to a kommun that is not one of its members.
    sale = by_title["Räddningstjänst för Hedemora genom Räddningstjänstförbundet Mitt i Dalarna"]
    seller = next(p for p in sale.parties if p.role == "host")
    assert seller.kind == "forbund" and sale.form == "avtalssamverkan"
    forbund = by_title["Räddningstjänstförbundet Mitt i Dalarna"]
    assert forbund.body_organisation_id == seller.organisation_id
    assert "2083" not in {p.municipality_code for p in forbund.parties}

    finsam = by_title["Samordningsförbundet Mitt i Dalarna"]
    assert finsam.form == "samordningsforbund"
    assert sorted(p.name for p in finsam.parties) == sorted(
        ["Försäkringskassan", "Arbetsförmedlingen", "Region Dalarna", "Falun", "Borlänge", "Säter"]
    )
    company = by_title["Västerdalarnas Vatten och Avfall AB"]
    assert company.form == "bolag" and company.body_organisation.kind == "company"
    assert sorted(p.ownership_percent for p in company.parties) == [40, 60]
    assert company.body_organisation.articles_adopted_on is not None


@pytest.mark.parametrize("today", [TODAY, date(2031, 2, 28)])
def test_small_dates_are_current_whenever_it_is_loaded(session, demo_database, today):
    demo_database(seed=1, today=today)
    agreements = agreements_with_parties(session)

    for a in agreements:
        if a.phase in ("active", "exiting") and a.renewal == "none" and a.end_on:
            assert a.end_on >= today, f"{a.title} is running but ended {a.end_on}"
        if a.phase == "ended":
            assert a.end_on is not None and a.end_on < today
        if a.phase == "planned":
            assert a.start_on > today
        else:
            assert a.start_on <= today
        for party in a.parties:
            assert party.decision_on is None or party.decision_on <= today
    soon = [
        a
        for a in agreements
        if a.phase == "active"
        and (deadline := derived_dates(a, today).notice_deadline_on) is not None
        and deadline - today <= timedelta(days=180)
    ]
    assert len(soon) >= 3


def test_small_is_the_same_for_the_same_seed(app, session, template_database, tmp_path):
    load_demo(session, scale="small", seed=7, today=TODAY)
    session.commit()
    first = fingerprint(session)
    with fresh_app(template_database, tmp_path, "again") as again:
        load_demo(again, scale="small", seed=7, today=TODAY)
        again.commit()
        assert fingerprint(again) == first
    with fresh_app(template_database, tmp_path, "other-seed") as other:
        load_demo(other, scale="small", seed=8, today=TODAY)
        other.commit()
        differs = fingerprint(other)
    assert [row[0] for row in differs] == [row[0] for row in first]  # same register …
    assert differs != first  # … with other dates, people and numbers


def test_small_is_audited_through_the_services(session, demo_database):
    result = demo_database(seed=1, today=TODAY)
    actions = Counter((e.object_type, e.action) for e in session.scalars(select(AuditEvent)).all())
    assert actions[("agreement", "create")] == result.agreements
    assert actions[("contact", "create")] == result.contacts
    assert actions[("user", "create")] == 4
    assert actions[("demo", "demo_load")] == 1


def test_demo_users_can_log_in(client, auth, session, demo_database):
    demo_database(seed=1)
    for user in DEMO_USERS:
        response = auth.login(user.email, DEMO_PASSWORD)
        assert response.status_code == 302, user.email
        page = client.get("/")
        assert page.status_code == 200
        assert user.name in page.get_data(as_text=True)
        auth.logout()
    assert auth.login(DEMO_USERS[1].email, "fel-losenord-2026").status_code != 302


def test_loading_twice_does_not_duplicate_the_users(session, demo_database):
    demo_database(seed=1, today=TODAY)
    second = load_demo(session, scale="small", seed=1, today=TODAY)
    assert second.users == 4
    assert session.scalar(select(func.count()).select_from(User)) == 4


def test_vansbro_start_page_shows_what_needs_attention(client, auth, session, demo_database):
    demo_database(seed=1)  # today's date, as the start page uses
    auth.login("redaktor@vansbro.demo.se", DEMO_PASSWORD)
    html = client.get("/").get_data(as_text=True)
    attention = html.split("Behöver uppmärksamhet", 1)[1].split("</section>", 1)[0]
    assert "ärendet om uppsägning" in attention  # Vansbro's own decide-by, from one service
    assert "Planerad samverkan där beslut saknas för Vansbro" in attention
    assert "Avtalet upphör" in attention
    assert "Gemensam överförmyndarnämnd i norra och västra Dalarna" in attention
    assert "Räddningstjänstförbundet Västra Dalarna" in html


def test_cli_if_empty_loads_once(runner, session):
    first = runner.invoke(args=["demo", "--scale", "small", "--seed", "3", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Demodata (small, frö 3)" in first.output
    count = session.scalar(select(func.count()).select_from(Agreement))
    assert count >= 30

    second = runner.invoke(args=["demo", "--scale", "small", "--if-empty"])
    assert second.exit_code == 0
    assert "ingen demodata laddades" in second.output
    assert session.scalar(select(func.count()).select_from(Agreement)) == count


def test_extensions_get_every_agreement_and_report_their_counts(session, monkeypatch):
    seen: list[DemoContext] = []

    def add_rows(_session: Any, context: DemoContext) -> None:
        seen.append(context)
        context.counts["testrader"] = 3

    monkeypatch.setattr(demo, "STEPS", (add_rows,))
    result = load_demo(session, scale="small", seed=1, today=TODAY)

    assert "3 testrader" in result.summary()
    (context,) = seen
    ids = set(session.scalars(select(Agreement.id)))
    assert {a.id for a in context.agreements} == ids
    assert context.today == TODAY
    assert set(context.users) == {u.email for u in DEMO_USERS}
    assert context.random("checklists").random() == context.random("checklists").random()
    assert context.random("checklists").random() != context.random("reviews").random()


# --- national ---------------------------------------------------------------------------------


def test_county_neighbours_are_symmetric_and_cover_every_county(session):
    counties = set(session.scalars(select(County.code)))
    assert set(COUNTY_NEIGHBOURS) == counties
    for county, neighbours in COUNTY_NEIGHBOURS.items():
        for other in neighbours:
            assert county in COUNTY_NEIGHBOURS[other], (county, other)


def test_national_sample_keeps_the_invariants(session):
    result = load_demo(session, scale="national", seed=1, today=TODAY, agreements=500)
    session.commit()
    agreements = agreements_with_parties(session)
    assert len(agreements) == result.agreements == 500

    for agreement in agreements:
        assert role_rule_errors(agreement.form, roles_of(agreement)) == [], agreement.title
    sizes = Counter(len(a.parties) for a in agreements)
    assert result.parties == sum(n * k for n, k in sizes.items())
    assert 3.2 <= result.parties / 500 <= 3.8
    assert sizes.most_common(1)[0][0] == 2  # many two-party agreements …
    assert max(sizes) >= 8  # … and some large förbund
    # Every kommun anchors agreements in turn, so 290 or more agreements cover the country.
    covered = set(session.scalars(select(Party.municipality_code).distinct()))
    assert len(covered) == 290

    forms = Counter(a.form for a in agreements)
    assert forms.most_common(1)[0][0] == "avtalssamverkan"
    assert set(forms) == {
        "avtalssamverkan",
        "gemensam_namnd",
        "kommunalforbund",
        "ovrig",
    }
    assert any(a.is_asymmetric for a in agreements)
    areas = Counter(slug.slug for a in agreements for slug in a.areas)
    assert {slug for slug, _ in areas.most_common(2)} == {"miljo-halsoskydd", "livsmedelskontroll"}
    phases = Counter(a.phase for a in agreements)
    assert phases["active"] > 0.7 * 500
    assert phases["planned"] and phases["ended"] and phases["exiting"]

    # Never the same kommuner twice on the same task.
    tasks = Counter(
        (slug.slug, frozenset(p.municipality_code for p in a.parties))
        for a in agreements
        for slug in a.areas
    )
    assert tasks.most_common(1)[0][1] == 1
    # The larger kommun (a former city, code ending 80–99) usually performs for the others.
    hosts = [p for a in agreements for p in a.parties if p.role == "host" and len(a.parties) > 1]
    with_city = [
        a for a in agreements if any(int(p.municipality_code[2:]) >= 80 for p in a.parties)
    ]
    city_hosts = [
        a
        for a in with_city
        if any(p.role == "host" and int(p.municipality_code[2:]) >= 80 for p in a.parties)
    ]
    assert hosts and len(city_hosts) > 0.6 * len([a for a in with_city if "host" in roles_of(a)])

    pairs = [
        (a.parties[0].municipality.county_code, p.municipality.county_code)
        for a in agreements
        for p in a.parties[1:]
    ]
    same_county = sum(x == y for x, y in pairs) / len(pairs)
    assert 0.75 <= same_county < 1  # regional, with some partners from neighbouring counties

    starts = [a.start_on for a in agreements if a.start_on]
    assert min(starts) >= date(2005, 1, 1) and max(starts) <= TODAY + timedelta(days=400)
    assert min(starts) < date(2010, 1, 1)
    for a in agreements:
        if a.phase == "active" and a.renewal == "none" and a.end_on:
            assert a.end_on > TODAY

    events = Counter(e.action for e in session.scalars(select(AuditEvent)).all())
    assert events["demo_load"] == 1
    assert events["create"] == 4  # the demo users only, not one event per row


def test_agreements_can_be_registered_after_a_national_load(session, factory):
    load_demo(session, scale="national", seed=1, today=TODAY, agreements=50)
    session.commit()
    created = factory.agreement(title="Registrerad efter demodata")
    factory.session.commit()
    assert created.id > max(session.scalars(select(Agreement.id).where(Agreement.id != created.id)))
    assert session.scalar(select(func.count()).select_from(Agreement)) == 51


def test_national_is_the_same_for_the_same_seed(app, session, template_database, tmp_path):
    load_demo(session, scale="national", seed=5, today=TODAY, agreements=120)
    session.commit()
    first = fingerprint(session)
    with fresh_app(template_database, tmp_path, "again") as again:
        load_demo(again, scale="national", seed=5, today=TODAY, agreements=120)
        again.commit()
        assert fingerprint(again) == first


def test_scale_and_size_are_checked(session):
    with pytest.raises(ValueError):
        load_demo(session, scale="huge")
    with pytest.raises(ValueError):
        load_demo(session, scale="small", agreements=10)
