"""The årshjul on the demo register: the year view, marking a duty done, the API, and the
duties as reminders and calendar events."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar
from sqlalchemy import select

from coop_tracker.annual.models import DutyDone
from coop_tracker.audit.models import AuditEvent
from coop_tracker.extensions import db
from coop_tracker.reminders.models import Reminder
from coop_tracker.reminders.planner import plan_reminders
from tests.factories import PASSWORD

FORBUND = "Räddningstjänstförbundet Västra Dalarna"
NAMND = "Gemensam överförmyndarnämnd i norra och västra Dalarna"


def _agreement_id(title: str) -> int:
    from coop_tracker.agreements.models import Agreement

    return db.session.scalar(select(Agreement.id).where(Agreement.title == title))


def _logged_in_on_the_demo(factory, auth, demo_database, role):
    """The small demo register (seed 1) loaded, and a new ``role`` of Vansbro logged in."""
    demo_database(seed=1)
    user = factory.user(role, "2021")
    auth.login(user.email, PASSWORD)
    return user


def test_year_view_of_vansbro_shows_the_2026_elections_and_the_2027_annual_reports(
    client, auth, factory, demo_database
):
    _logged_in_on_the_demo(factory, auth, demo_database, "reader")

    page = client.get("/municipalities/2021/year?year=2026").get_data(as_text=True)
    assert "Årshjul 2026" in page
    assert "Allmänna val hålls 2026-09-13" in page
    assert f"Val av ledamöter och ersättare för 2027–2030: {FORBUND}" in page
    assert f"Val av ledamöter och ersättare för 2027–2030: {NAMND}" in page
    assert "2026-12-31" in page

    page = client.get("/municipalities/2021/year?year=2027").get_data(as_text=True)
    for text in (
        f"Årsredovisning 2026: {FORBUND}",
        f"Revisionsberättelse 2026: {FORBUND}",
        f"Ansvarsprövning 2026 i fullmäktige: {FORBUND}",
        f"Årsredovisning 2026: {NAMND}",
        f"Ansvarsprövning 2026 i fullmäktige: {NAMND}",
    ):
        assert text in page
    assert "KL 9 kap. 34 §" in page and "KL 9 kap. 14 §" in page
    assert "Val av ledamöter" not in page  # no election in 2027
    assert "Markera som klar" not in page  # a reader sees, does not mark


def test_a_bad_year_is_said_in_swedish_and_the_current_year_shown(client, auth, factory):
    auth.login(factory.user("reader", "2021").email, PASSWORD)
    response = client.get("/municipalities/2021/year?year=tjugo")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "År måste vara ett årtal mellan 2000 och 2100; visar 2026." in page
    assert client.get("/municipalities/9999/year").status_code == 404


def test_an_editor_marks_a_duty_done_with_a_reference_and_its_reminders_stop(
    client, auth, factory, demo_database
):
    demo_database(seed=1)
    editor = factory.user("editor", "2021")
    forbund = _agreement_id(FORBUND)
    plan_reminders(db.session, date(2026, 12, 7))
    db.session.commit()
    open_rows = select(Reminder).where(
        Reminder.kind == "annual_election",
        Reminder.agreement_id == forbund,
        Reminder.recipient_user_id == editor.id,
        Reminder.cancelled_at.is_(None),
    )
    assert db.session.scalars(open_rows).all()  # due 2026-12-31: reminded now

    auth.login(editor.email, PASSWORD)
    url = f"/municipalities/2021/year/{forbund}/annual_election/2026/done"
    assert "Markera som klar" in client.get("/municipalities/2021/year").get_data(as_text=True)
    refused = client.post(url, data={"done_on": "2026-12-24", "reference": ""})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Klart den kan inte ligga efter idag (2026-12-07)." in text
    assert "Ange referens (diarienummer eller paragraf)." in text

    saved = client.post(url, data={"done_on": "2026-11-30", "reference": "KF 2026-11-30 § 112"})
    assert saved.status_code == 303
    page = client.get("/municipalities/2021/year?year=2026").get_data(as_text=True)
    assert "KF 2026-11-30 § 112" in page
    row = db.session.scalar(select(DutyDone).where(DutyDone.agreement_id == forbund))
    assert (row.municipality_code, row.kind, row.year) == ("2021", "annual_election", 2026)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "annual_duty"))
    assert event.changes["reference"] == [None, "KF 2026-11-30 § 112"]
    db.session.expire_all()
    assert db.session.scalars(open_rows).all() == []

    # Another kommun's duty is not Vansbro's editor's to mark.
    assert (
        client.get(f"/municipalities/2023/year/{forbund}/annual_election/2026/done").status_code
        == 403
    )
    # A duty the kommun does not have that year.
    assert (
        client.get(f"/municipalities/2021/year/{forbund}/annual_election/2027/done").status_code
        == 404
    )


def test_api_year_lists_duties_with_status_and_refuses_a_bad_year(client, factory, demo_database):
    demo_database(seed=1)
    token = factory.token(factory.user("reader", "2021"))
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/municipalities/2021/year?year=2027", headers=headers).get_json()
    assert body["year"] == 2027 and body["election_on"] is None
    reports = [d for d in body["duties"] if d["kind"] == "annual_report"]
    assert {d["agreement_title"] for d in reports} >= {FORBUND, NAMND}
    assert all(d["due_on"] == "2027-04-15" and d["status"] == "open" for d in reports)
    election = client.get("/api/v1/municipalities/2021/year?year=2026", headers=headers).get_json()
    assert election["election_on"] == "2026-09-13"
    assert any(d["kind"] == "annual_election" for d in election["duties"])
    bad = client.get("/api/v1/municipalities/2021/year?year=17", headers=headers)
    assert bad.status_code == 422
    assert bad.get_json()["fields"]["year"] == "År måste vara ett årtal mellan 2000 och 2100."
    assert client.get("/api/v1/municipalities/0000/year", headers=headers).status_code == 404


def test_the_calendar_feed_carries_the_duties_with_one_uid_per_year(
    client, auth, factory, demo_database
):
    _logged_in_on_the_demo(factory, auth, demo_database, "editor")
    page = client.get("/installningar").get_data(as_text=True)
    start = page.index("http://localhost/calendar/")
    path = page[start : page.index('"', start)].removeprefix("http://localhost")
    calendar = Calendar.from_ical(client.get(path).data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    election = events[f"Val av ledamöter och ersättare: {FORBUND}"]
    assert election.decoded("DTSTART") == date(2026, 12, 31)
    report = events[f"Årsredovisning: {FORBUND}"]
    assert report.decoded("DTSTART") == date(2027, 4, 15)
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))


def test_uppsikt_lists_the_open_duties_and_reminders_skip_old_ones(
    client, auth, factory, demo_database
):
    editor = _logged_in_on_the_demo(factory, auth, demo_database, "editor")
    page = client.get("/municipalities/2021/oversight").get_data(as_text=True)
    assert "Årshjul: att göra inom 6 månader" in page
    assert f"Val av ledamöter och ersättare för 2027–2030: {FORBUND}" in page
    assert f"Årsredovisning 2026: {FORBUND}" in page  # 2027-04-15, within six months
    assert f"Ansvarsprövning 2025 i fullmäktige: {FORBUND}" in page  # 2026-06-30, late
    assert "Ansvarsprövning 2026 i fullmäktige" not in page  # 2027-06-30, beyond the horizon

    plan_reminders(db.session, date(2026, 12, 7))
    kinds = {
        (r.kind, r.due_on)
        for r in db.session.scalars(
            select(Reminder).where(
                Reminder.recipient_user_id == editor.id, Reminder.kind.like("annual_%")
            )
        )
    }
    assert ("annual_election", date(2026, 12, 31)) in kinds
    assert ("annual_report", date(2027, 4, 15)) not in kinds  # its 90 days start in January
    assert not any(due < date(2026, 10, 8) for _kind, due in kinds)  # older: history


def test_api_marks_a_duty_done_for_the_own_kommun_only(client, factory, demo_database):
    demo_database(seed=1)
    forbund = _agreement_id(FORBUND)
    editor = {"Authorization": f"Bearer {factory.token(factory.user('editor', '2021'))}"}
    reader = {"Authorization": f"Bearer {factory.token(factory.user('reader', '2021'))}"}
    other = {"Authorization": f"Bearer {factory.token(factory.user('editor', '2062'))}"}
    duty = {"agreement_id": forbund, "kind": "annual_election", "year": 2026}
    url = "/api/v1/municipalities/2021/year/done"
    refused = client.post(url, json={**duty, "done_on": "2026-12-31", "reference": ""},
                          headers=editor)  # fmt: skip
    assert refused.status_code == 422
    fields = refused.get_json()["fields"]
    assert fields["done_on"] == "Klart den kan inte ligga efter idag (2026-12-07)."
    assert fields["reference"] == "Ange referens (diarienummer eller paragraf)."
    assert client.post(url, json={**duty, "done_on": "2026-11-30", "reference": "KF § 112"},
                       headers=reader).status_code == 403  # fmt: skip
    assert client.post(url, json={**duty, "done_on": "2026-11-30", "reference": "KF § 112"},
                       headers=other).status_code == 403  # fmt: skip
    done = client.post(url, json={**duty, "done_on": "2026-11-30", "reference": "KF § 112"},
                       headers=editor)  # fmt: skip
    assert done.status_code == 201
    assert done.get_json()["status"] == "done" and done.get_json()["reference"] == "KF § 112"
    year = client.get("/api/v1/municipalities/2021/year?year=2026", headers=reader).get_json()
    assert year["counts"]["done"] == 1


def test_the_digest_mails_the_election_duty_to_the_kommuns_editor(app, factory, demo_database):
    from datetime import UTC, datetime

    from coop_tracker.reminders.jobs import send_due
    from tests.reminders.conftest import start_smtp

    demo_database(seed=1)
    editor = factory.user("editor", "2021", email="sekreterare@vansbro.se")
    server = start_smtp()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_USE_TLS=False)
    try:
        plan_reminders(db.session, date(2026, 12, 7))
        db.session.commit()
        result = send_due(
            db.engine, app.config, today=date(2026, 12, 7), now=datetime(2026, 12, 7, 6, tzinfo=UTC)
        )
        assert result.failed_emails == 0
        [message] = server.inbox.to(editor.email)
        plain = message.get_body(("plain",)).get_content()
    finally:
        server.stop()
    assert f"Val av ledamöter och ersättare för 2027–2030: {FORBUND}" in plain
    assert f"Val av ledamöter och ersättare för 2027–2030: {NAMND}" in plain


def test_settings_put_the_budget_consultation_in_the_year_and_refuse_bad_input(
    client, auth, factory, demo_database
):
    demo_database(seed=1)
    forbund = _agreement_id(FORBUND)
    auth.login(factory.user("editor", "2021").email, PASSWORD)
    url = f"/agreements/{forbund}/arshjul"
    refused = client.post(url, data={"budget_consultation_on": "31-05",
                                     "document_review_years": "0"})  # fmt: skip
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Budgetsamråd (månad och dag): skriv MM-DD, till exempel 05-31." in text
    assert "Översyn av styrdokument (år) måste vara mellan 1 och 10." in text
    saved = client.post(url, data={"budget_consultation_on": "05-31",
                                   "document_review_years": "4"})  # fmt: skip
    assert saved.status_code == 303
    page = client.get("/municipalities/2021/year?year=2027").get_data(as_text=True)
    assert f"Budgetsamråd om 2028: {FORBUND}" in page
    assert "2027-05-31" in page
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.object_type == "annual_settings", AuditEvent.agreement_id == forbund)
        .order_by(AuditEvent.id.desc())
    )
    # The demo gave the förbund its day (April, as its förbundsordning says); now moved.
    assert event.changes["budget_consultation_on"] == ["04-30", "05-31"]


def test_an_owner_kommun_gets_its_yearly_decision_on_the_jointly_owned_company(
    client, auth, factory, demo_database
):
    """Vansbro owns Västerdalarnas Vatten och Avfall AB with Malung-Sälen: its kommunstyrelse
    decides every year whether last year's business kept to the kommunal purpose (KL 6:9)."""
    _logged_in_on_the_demo(factory, auth, demo_database, "reader")
    page = client.get("/municipalities/2021/year?year=2027").get_data(as_text=True)
    assert "Kommunstyrelsens uppsiktsbeslut 2026: Västerdalarnas Vatten och Avfall AB" in page
    assert "KL 6 kap. 9 §" in page
    assert "kommer med i årshjulet när registret har bolag" not in page
    # Orsa owns no part of it: no such duty there.
    orsa = client.get("/municipalities/2034/year?year=2027")
    assert orsa.status_code == 200
    assert "Västerdalarnas Vatten och Avfall AB" not in orsa.get_data(as_text=True)


def test_meeting_report_names_each_task_once_with_its_agreements(
    client, auth, factory, demo_database
):
    """The report groups the årshjul per task and due date: one row for the elections of
    2027–2030 naming every agreement they concern, not one row per agreement."""
    _logged_in_on_the_demo(factory, auth, demo_database, "editor")
    html = client.get("/municipalities/2021/oversight/report").get_data(as_text=True)
    section = html.split('id="annual-title"')[1].split("</section>")[0]
    rows = [" ".join(row.split()) for row in section.split("<tr>")[2:]]
    elections = [r for r in rows if "Val av ledamöter och ersättare för 2027–2030 (" in r]
    assert len(elections) == 1
    assert "2026-12-31" in elections[0] and FORBUND in elections[0]
    page = client.get("/municipalities/2021/oversight").get_data(as_text=True)
    in_page = page.count("Val av ledamöter och ersättare för 2027–2030: ")  # a row each
    assert in_page >= 2
    assert f"för 2027–2030 ({in_page})" in elections[0]
