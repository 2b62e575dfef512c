"""Retention of personal data in the audit log: `flask audit prune` anonymises old events about
people (users, contact persons, keys, reminders), keeps everything else, and logs itself."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from coop_tracker.agreements.services import ContactInput, add_contact
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.users.models import LoginFailure


def _age_everything(session, days):
    session.execute(update(AuditEvent).values(created_at=utcnow() - timedelta(days=days)))
    session.commit()


def _world(session, factory):
    factory.user("editor", "2021", email="gammal.person@vansbro.se", name="Gammal Person")
    agreement = factory.agreement(phase="active", title="Lönesamverkan Vansbro")
    add_contact(
        session,
        agreement.parties[0],
        ContactInput(name="Karl Kontakt", email="karl.kontakt@vansbro.se"),
        actor=Actor.system(),
    )
    session.commit()
    _age_everything(session, 400)
    # A change from last week stays as it was.
    add_contact(
        session,
        agreement.parties[0],
        ContactInput(name="Ny Kontakt", email="ny.kontakt@vansbro.se"),
        actor=Actor.system(),
    )
    now = utcnow()
    session.add_all(
        [
            LoginFailure(key="a" * 64, failures=3, last_failure_at=now - timedelta(days=3)),
            LoginFailure(key="b" * 64, failures=1, last_failure_at=now - timedelta(hours=1)),
        ]
    )
    session.commit()
    return agreement


def _texts(session):
    return " ".join(f"{e.object_label} {e.changes}" for e in session.scalars(select(AuditEvent)))


def test_prune_anonymises_old_events_about_people_and_logs_itself(runner, session, factory):
    agreement = _world(session, factory)
    assert "karl.kontakt@vansbro.se" in _texts(session)

    dry = runner.invoke(args=["audit", "prune", "--days", "365", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Skulle anonymisera 2 händelser om personer" in dry.output
    assert "karl.kontakt@vansbro.se" in _texts(session)

    result = runner.invoke(args=["audit", "prune", "--days", "365"])
    assert result.exit_code == 0, result.output
    assert "Anonymiserade 2 händelser om personer" in result.output
    assert "1 utgångna räknare för misslyckade inloggningar" in result.output
    session.expire_all()
    texts = _texts(session)
    for personal in ("karl.kontakt@vansbro.se", "Karl Kontakt", "gammal.person@vansbro.se"):
        assert personal not in texts
    # The recent change, the agreement's own events and the fresh login counter are kept.
    assert "ny.kontakt@vansbro.se" in texts
    assert "Lönesamverkan Vansbro" in texts
    assert [key for key in session.scalars(select(LoginFailure.key))] == ["b" * 64]
    old_contact = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "contact", AuditEvent.agreement_id == agreement.id)
        .order_by(AuditEvent.id)
    ).first()
    assert old_contact.object_label == "(anonymiserad)"
    assert old_contact.changes["email"] == ["(anonymiserad)", "(anonymiserad)"]
    [run] = session.scalars(select(AuditEvent).where(AuditEvent.action == "prune")).all()
    assert run.actor_name and run.source == "cli"
    assert run.changes["events"] == [None, 2] and run.changes["retention_days"] == [None, 365]

    again = runner.invoke(args=["audit", "prune", "--days", "365"])
    assert "Anonymiserade 0 händelser" in again.output


def test_prune_uses_the_setting_and_refuses_without_one(app, runner, session, factory):
    _world(session, factory)
    refused = runner.invoke(args=["audit", "prune"])
    assert refused.exit_code != 0
    assert "Ingen gallringstid är satt" in refused.output
    assert "karl.kontakt@vansbro.se" in _texts(session)
    app.config["AUDIT_PERSONAL_DATA_RETENTION_DAYS"] = 500
    kept = runner.invoke(args=["audit", "prune"])
    assert "Anonymiserade 0 händelser" in kept.output  # 400 days old: within 500
    app.config["AUDIT_PERSONAL_DATA_RETENTION_DAYS"] = 30
    assert "Anonymiserade 2 händelser" in runner.invoke(args=["audit", "prune"]).output


def test_the_personal_data_page_says_who_why_and_how_long(app, client):
    page = client.get("/personuppgifter")
    assert page.status_code == 200
    text = page.text
    assert "Personuppgiftsansvarig är den organisation som driver den här installationen." in text
    assert "Kontaktpersoner: namn, titel, e-postadress" in text
    assert "Aldrig andra kommuner och aldrig det publika registret." in text
    assert "ingen gallringstid för händelseloggen" in text
    assert "Integritetsskyddsmyndigheten" in text
    app.config.update(
        PERSONAL_DATA_CONTROLLER="Region Dalarna",
        DATA_PROTECTION_CONTACT_EMAIL="dataskydd@regiondalarna.se",
        AUDIT_PERSONAL_DATA_RETENTION_DAYS=1095,
    )
    text = client.get("/personuppgifter").text
    assert "Personuppgiftsansvarig för den här installationen är Region Dalarna." in text
    assert 'href="mailto:dataskydd@regiondalarna.se"' in text
    assert "Efter 1095 dagar tas namn, e-postadresser och värden bort" in text
    # Linked from every page's footer, the public register's too.
    assert 'href="/personuppgifter"' in client.get("/public/").text
