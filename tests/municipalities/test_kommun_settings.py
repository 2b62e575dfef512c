"""A kommun's own settings: its deadlines, reminder defaults and reminder sender, set in the
browser by its kommun administrator and used for that kommun's party only."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import KommunSetting
from coop_tracker.reminders.jobs import send_due
from coop_tracker.reminders.planner import plan_reminders
from coop_tracker.schedule.queries import derived_dates_for
from tests.reminders.conftest import TODAY, scenario, smtp  # noqa: F401 - fixtures

URL = "/municipalities/2021/settings"
FORM = {
    "version": "0",
    "notice_buffer_days": "20",
    "internal_lead_days": "45",
    "continuation_lead_months": "9",
    "reminder_lead_days": "60, 14",
    "sender_name": "Vansbro kommun",
    "reply_to": "Registrator@vansbro.se",
}


def _decide_by(session, agreement, today=TODAY):
    derived = derived_dates_for(session, [agreement], today)[agreement.id]
    return {code: p.decide_by_on for code, p in derived.parties.items()}


def test_own_deadlines_move_only_the_own_partys_decide_by(client, auth, factory, session, scenario):  # noqa: F811
    factory.user("kommun_admin", "2021", email="ka@vansbro.se", name="Karin Adm")
    # The scenario's deadline 2026-06-30 less 14 days' buffer and 31 days' lead time.
    assert _decide_by(session, scenario.agreement) == {
        "2021": date(2026, 5, 16),
        "2023": date(2026, 5, 16),
    }
    auth.login("ka@vansbro.se")
    page = client.get(URL)
    assert page.status_code == 200 and "Standard 14." in page.text
    assert client.post(URL, data=FORM).status_code == 302
    session.expire_all()
    # Vansbro: 2026-06-30 less 20 days and its own minimum 45 days (longer than the 31 agreed).
    # Malung-Sälen keeps the installation's buffer and the agreement's lead time.
    assert _decide_by(session, scenario.agreement) == {
        "2021": date(2026, 4, 26),
        "2023": date(2026, 5, 16),
    }
    detail = client.get(f"/agreements/{scenario.agreement.id}").text
    assert "minus 20 dagar för justering, anslag och delgivning och 45 dagars" in detail

    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "kommun_setting")
    ).one()
    assert event.actor_name == "Karin Adm" and event.municipality_code == "2021"
    assert event.changes["notice_buffer_days"] == [None, 20]
    assert event.changes["reply_to"] == ["", "registrator@vansbro.se"]

    # A new user of Vansbro starts with the kommun's reminder days.
    user = factory.user("editor", "2021", email="ny@vansbro.se")
    assert user.reminder_lead_days == "60,14"
    assert factory.user("editor", "2023").reminder_lead_days == "90,30,7,0"

    # Emptying a field returns to the installation's default.
    cleared = {**FORM, "version": "1", "notice_buffer_days": "", "internal_lead_days": ""}
    assert client.post(URL, data=cleared).status_code == 302
    session.expire_all()
    assert _decide_by(session, scenario.agreement)["2021"] == date(2026, 5, 16)


def test_continuation_months_per_kommun(session, factory):
    agreement = factory.agreement(
        [("2021", "host"), ("2023", "purchaser")],
        phase="active",
        start_on="2024-01-01",
        end_on="2028-12-31",
        term="fixed",
        internal_lead_days=0,
    )
    session.add(KommunSetting(municipality_code="2021", continuation_lead_months=12))
    session.commit()
    derived = derived_dates_for(session, [agreement], date(2026, 12, 7))[agreement.id]
    # Vansbro decides a year ahead; Malung-Sälen the installation's six months.
    assert derived.continuation["2021"].target_on == date(2027, 12, 31)
    assert derived.continuation["2023"].target_on == date(2028, 6, 30)
    assert derived.continuation_on == date(2027, 12, 31)


def test_reminders_come_from_the_kommun_and_replies_go_to_it(
    app,
    client,
    auth,
    factory,
    session,
    scenario,  # noqa: F811
    smtp,  # noqa: F811
):
    factory.user("kommun_admin", "2021", email="ka@vansbro.se")
    auth.login("ka@vansbro.se")
    assert client.post(URL, data=FORM).status_code == 302
    plan_reminders(session, TODAY, now=datetime(2026, 4, 15, 6, 0, tzinfo=UTC))
    session.commit()
    send_due(db.engine, app.config, today=TODAY, now=datetime(2026, 4, 15, 6, 0, tzinfo=UTC))
    [anna] = smtp.inbox.to("anna@vansbro.se")
    assert "Vansbro kommun" in str(anna["From"])
    assert app.config["MAIL_SENDER"].split("@")[-1].strip(">") in str(anna["From"])
    assert str(anna["Reply-To"]) == "registrator@vansbro.se"
    # Malung-Sälen chose nothing: its people get the installation's sender, no Reply-To.
    [bo] = smtp.inbox.to("bo@malung.se")
    assert "Vansbro" not in str(bo["From"]) and bo["Reply-To"] is None


def test_bad_input_names_the_field_and_saves_nothing(client, auth, factory, session):
    factory.user("kommun_admin", "2021", email="ka@vansbro.se")
    auth.login("ka@vansbro.se")
    bad = {
        **FORM,
        "notice_buffer_days": "två veckor",
        "internal_lead_days": "-5",
        "continuation_lead_months": "99",
        "reminder_lead_days": "90, snart",
        "sender_name": 'Vansbro "kommun"',
        "reply_to": "registrator",
    }
    response = client.post(URL, data=bad)
    assert response.status_code == 422
    text = response.text
    assert "Tid för justering, anslag och delgivning (dagar) måste vara ett heltal." in text
    assert "Kommunens minsta interna förberedelsetid (dagar)" in text
    assert "Beslut om förlängning, månader före slutdatum" in text
    assert "Påminnelsedagar: &#39;snart&#39; är inte ett heltal." in text
    assert "Avsändarnamn får inte innehålla citattecken" in text
    assert "Svarsadress: ange en adress som kommun@example.se." in text
    assert 'class="error-summary' in text
    assert session.scalar(select(KommunSetting)) is None


def test_only_its_kommun_administrators_and_admins(client, auth, factory):
    factory.user("editor", "2021", email="e@vansbro.se")
    factory.user("kommun_admin", "2062", email="ka@mora.se")
    factory.user("admin", None, email="admin@region.se")
    for email in ("e@vansbro.se", "ka@mora.se"):
        auth.login(email)
        assert client.get(URL).status_code == 403
        assert client.post(URL, data=FORM).status_code == 403
        auth.logout()
    auth.login("admin@region.se")
    assert client.post(URL, data=FORM).status_code == 302
    stale = client.post(URL, data={**FORM, "sender_name": "Annat"})
    assert stale.status_code == 409 and "Vansbro kommun" in stale.text
