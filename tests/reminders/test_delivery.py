"""Sending: one digest per recipient over real SMTP, exactly once under races, crashes, outages."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.mail import Mailer
from coop_tracker.extensions import db
from coop_tracker.reminders.jobs import STALE_CLAIM, send_due
from coop_tracker.reminders.models import Reminder
from coop_tracker.reminders.planner import plan_reminders
from tests.reminders.conftest import TODAY, free_port, start_smtp

NOW = datetime(2026, 4, 15, 6, 0, tzinfo=UTC)


def _plan(session):
    plan_reminders(session, TODAY, now=NOW)
    session.commit()


def _sweep(app, **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("now", NOW)
    return send_due(db.engine, app.config, **kwargs)


def _due_rows(session):
    return session.scalar(
        select(func.count())
        .select_from(Reminder)
        .where(Reminder.remind_on <= TODAY, Reminder.cancelled_at.is_(None))
    )


def _items_received(smtp):
    """Every (recipient, link line) pair in every received plain-text body."""
    found = []
    for message in smtp.inbox.messages:
        body = message.get_body(("plain",)).get_content()
        for line in body.splitlines():
            if line.strip().startswith("* "):
                found.append((str(message["To"]), line.strip()))
    return found


def test_one_swedish_digest_per_recipient_with_links(app, session, scenario, smtp):
    _plan(session)
    result = _sweep(app)
    assert result.sent_emails == 3 and result.failed_emails == 0
    assert sorted(e.rcpt_tos[0] for e in smtp.inbox.envelopes) == [
        "anna@vansbro.se",
        "bo@malung.se",
        "cecilia@malung.se",
    ]
    [anna] = smtp.inbox.to("anna@vansbro.se")
    assert anna["Subject"] == ("Samverkanskollen: 3 påminnelser om ärenden att göra, 1 försenad")
    assert "Anna Åberg" in str(anna["To"])
    raw = smtp.inbox.envelopes[0].content.decode("ascii")  # on the wire: encoded words only
    assert "=?utf-8?" in raw.lower()
    plain = anna.get_body(("plain",)).get_content()
    html = anna.get_body(("html",)).get_content()
    link = f"http://localhost/agreements/{scenario.agreement.id}"
    assert plain.count(link) == 3
    assert f'href="{link}"' in html
    assert "Hej Anna Åberg!" in plain
    assert "Uppföljning, försenad sedan 2025-01-01" in plain
    assert "Sista dag för uppsägning, 2026-06-30 (om 76 dagar)" in plain
    assert "Ärendet om uppsägning, 2026-05-16 (om 31 dagar)" in plain
    [bo] = smtp.inbox.to("bo@malung.se")
    assert bo["Subject"] == "Samverkanskollen: 1 påminnelse om ärenden att göra, 1 försenad"
    # Every sent row is in the audit log, by the scheduler.
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "send")))
    assert len(events) == result.sent_rows == _due_rows(session)
    assert {e.actor_name for e in events} == {"Schemaläggaren"}
    assert {e.source for e in events} == {"scheduler"}
    # A second sweep finds nothing to send.
    again = _sweep(app, now=NOW + timedelta(minutes=10))
    assert again.sent_emails == 0 and len(smtp.inbox.envelopes) == 3


def test_digest_links_use_the_default_address_outside_a_request(app, session, scenario, smtp):
    app.config["BASE_URL"] = None  # unset, and a sweep has no request to take an address from
    _plan(session)
    _sweep(app)
    [anna] = smtp.inbox.to("anna@vansbro.se")
    plain = anna.get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:5000/agreements/{scenario.agreement.id}" in plain


def test_dry_run_sends_and_claims_nothing(app, session, scenario, smtp):
    _plan(session)
    result = _sweep(app, dry_run=True)
    assert {d.email for d in result.digests} == {
        "anna@vansbro.se",
        "bo@malung.se",
        "cecilia@malung.se",
    }
    assert smtp.inbox.envelopes == []
    assert session.scalar(select(func.count()).where(Reminder.claimed_at.is_not(None))) == 0


def test_two_sweeps_in_parallel_send_each_reminder_once(app, session, scenario, smtp):
    _plan(session)
    due = _due_rows(session)
    engine = db.engine
    barrier = threading.Barrier(2)
    results = []
    errors = []

    def sweep():
        mailer = Mailer(app.config)  # each sweep its own SMTP connection
        try:
            barrier.wait(timeout=10)
            results.append(send_due(engine, app.config, today=TODAY, now=NOW, mailer=mailer))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            mailer.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.sent_rows for r in results) == due
    assert sum(r.claimed for r in results) == due
    received = _items_received(smtp)
    assert len(received) == len(set(received)) == 7  # 3 for Anna, 1 for Bo, 3 for Cecilia
    session.expire_all()
    assert session.scalar(select(func.count()).where(Reminder.sent_at.is_not(None))) == due


def test_a_second_run_started_mid_sweep_never_splits_a_digest(app, session, scenario, smtp):
    """Two runs at once: each person still gets one e-mail with all their reminders.

    The second run starts right after the first has claimed its first reminder (the moment
    row-by-row claiming let it take the same person's other rows and send them separately).
    """
    _plan(session)
    due = _due_rows(session)
    second = []

    def start_second_run(_reminder_id):
        if not second:
            second.append(_sweep(app))

    first = _sweep(app, after_claim=start_second_run)
    assert first.sent_rows + second[0].sent_rows == due
    per_person = Counter(e.rcpt_tos[0] for e in smtp.inbox.envelopes)
    assert per_person == {"anna@vansbro.se": 1, "bo@malung.se": 1, "cecilia@malung.se": 1}
    received = _items_received(smtp)
    assert len(received) == len(set(received)) == 7


class Crash(Exception):
    pass


def test_a_sweep_killed_after_claiming_is_retried_after_the_stale_cutoff(
    app, session, scenario, smtp
):
    _plan(session)
    due = _due_rows(session)
    claimed = []

    def crash_once(reminder_id):
        claimed.append(reminder_id)
        raise Crash("killed")

    with pytest.raises(Crash):
        _sweep(app, after_claim=crash_once)
    assert smtp.inbox.envelopes == []
    stuck = session.get(Reminder, claimed[0])
    assert stuck.claimed_at is not None and stuck.sent_at is None
    # The killed run had claimed every due row of that person at once (one digest each).
    held = session.scalars(
        select(Reminder.id).where(Reminder.claim_token == stuck.claim_token)
    ).all()
    assert all(
        r.recipient_email == stuck.recipient_email
        for r in session.scalars(select(Reminder).where(Reminder.id.in_(held)))
    )

    # A sweep soon after sends everything else but leaves the claimed rows alone.
    soon = _sweep(app, now=NOW + timedelta(minutes=5))
    assert soon.sent_rows == due - len(held)
    session.expire_all()
    assert session.get(Reminder, claimed[0]).sent_at is None

    # After the stale-claim cutoff the rows are claimed again and sent, once, in one e-mail.
    later = _sweep(app, now=NOW + STALE_CLAIM + timedelta(minutes=1))
    assert later.sent_rows == len(held) and later.sent_emails == 1
    session.expire_all()
    assert session.get(Reminder, claimed[0]).sent_at is not None
    received = _items_received(smtp)
    assert len(received) == len(set(received)) == 7
    final = _sweep(app, now=NOW + timedelta(hours=2))
    assert final.sent_rows == 0


def test_smtp_down_then_up_retries_with_backoff(app, session, scenario):
    _plan(session)
    due = _due_rows(session)
    port = free_port()  # nothing listens here yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    down = _sweep(app)
    assert down.sent_rows == 0 and down.failed_emails == 3
    rows = list(session.scalars(select(Reminder).where(Reminder.remind_on <= TODAY)))
    assert {r.attempts for r in rows} == {1}
    assert all(r.claimed_at is None and r.sent_at is None for r in rows)
    assert {r.next_attempt_at.replace(tzinfo=UTC) for r in rows} == {NOW + timedelta(minutes=5)}
    assert all(r.last_error for r in rows)

    server = start_smtp(port)
    try:
        too_soon = _sweep(app, now=NOW + timedelta(minutes=2))
        assert too_soon.claimed == 0  # backing off
        up = _sweep(app, now=NOW + timedelta(minutes=6))
        assert up.sent_rows == due and up.sent_emails == 3
        assert len(server.inbox.envelopes) == 3
    finally:
        server.stop()
    session.expire_all()
    assert (
        session.scalar(
            select(func.count()).where(Reminder.sent_at.is_(None), Reminder.remind_on <= TODAY)
        )
        == 0
    )


def test_snoozed_reminders_wait(app, session, scenario, smtp):
    _plan(session)
    from coop_tracker.core.actor import Actor
    from coop_tracker.reminders.services import snooze

    row = session.scalar(
        select(Reminder).where(
            Reminder.recipient_email == "bo@malung.se", Reminder.kind == "review_due"
        )
    )
    snooze(session, scenario.malung_editor, row.id, "2026-04-20", TODAY, actor=Actor.system())
    session.commit()
    _sweep(app)
    assert smtp.inbox.to("bo@malung.se") == []
    from datetime import date

    _sweep(app, today=date(2026, 4, 20), now=NOW + timedelta(days=5))
    assert len(smtp.inbox.to("bo@malung.se")) == 1


def test_cli_send_due(app, session, scenario, smtp, runner):
    outcome = runner.invoke(args=["reminders", "send-due", "--today", "2026-04-15", "--dry-run"])
    assert outcome.exit_code == 0, outcome.output
    assert "Torrkörning: 0 e-brev" in outcome.output  # dry run does not plan
    outcome = runner.invoke(args=["reminders", "send-due", "--today", "2026-04-15"])
    assert outcome.exit_code == 0, outcome.output
    assert "Skickade 3 e-brev" in outcome.output
    assert "anna@vansbro.se: 3 ärenden" in outcome.output
    assert len(smtp.inbox.envelopes) == 3
    bad = runner.invoke(args=["reminders", "send-due", "--today", "15/4"])
    assert bad.exit_code != 0 and "ÅÅÅÅ-MM-DD" in bad.output


def test_cli_send_due_fails_when_mail_cannot_be_delivered(app, session, scenario, runner):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)  # nobody
    outcome = runner.invoke(args=["reminders", "send-due", "--today", "2026-04-15"])
    assert outcome.exit_code == 1, outcome.output
    assert "3 e-brev kunde inte levereras" in outcome.output
    assert "Skickade 0 e-brev" in outcome.output


def test_a_reminder_made_stale_since_the_nightly_planning_is_not_mailed(
    app, session, scenario, smtp
):
    """The terms change after the night's planning (an editor corrects the notice period):
    the sweep plans the agreement again first, so the old decide-by date is never mailed."""
    _plan(session)
    stale = session.scalars(
        select(Reminder).where(
            Reminder.kind == "decide_by",
            Reminder.recipient_email == "anna@vansbro.se",
            Reminder.remind_on <= TODAY,
            Reminder.cancelled_at.is_(None),
        )
    ).all()
    assert stale  # the night's plan: Vansbro's case is due by 2026-05-16
    scenario.agreement.notice_months = 1  # notice by 2026-11-30: decide-by in October
    session.commit()
    _sweep(app)
    lines = [line for to, line in _items_received(smtp) if "anna@vansbro.se" in to]
    assert lines and not any("Ärendet om uppsägning" in line for line in lines)
    for row in stale:
        session.refresh(row)
        assert row.cancelled_at is not None and row.sent_at is None
