"""An administrator's care of accounts: e-mail, unlocking, a password shown once, anonymising,
filters; a kommun administrator sees only its own kommun's people."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.users.services import create_token


def _fail_logins(client, email: str, times: int) -> None:
    for _n in range(times):
        client.post("/login", data={"email": email, "password": "fel-lösenord-123456"})


def test_change_email_unlock_and_a_password_shown_once(
    client, factory, auth, session, app, monkeypatch
):
    factory.user("admin", None, email="a@x.se", name="Ada Admin")
    anna = factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
    for kind in ("PAIR", "ACCOUNT", "ADDRESS"):  # count failures without making the test wait
        monkeypatch.setitem(app.config, f"LOGIN_MAX_WAIT_SECONDS_{kind}", 0)
    _fail_logins(client, "anna@vansbro.se", 6)
    auth.login("a@x.se")
    listing = client.get("/admin/users?status=locked").get_data(as_text=True)
    assert "Anna Berg" in listing and "Spärrad inloggning" in listing
    page = client.get(f"/admin/users/{anna.id}").get_data(as_text=True)
    assert "6 misslyckade inloggningar det senaste dygnet; nya försök får vänta." in page
    response = client.post(f"/admin/users/{anna.id}/las-upp", follow_redirects=True)
    assert "Inloggningen för Anna Berg är upplåst." in response.get_data(as_text=True)
    assert "Anna Berg" not in client.get("/admin/users?status=locked").get_data(as_text=True)

    refused = client.post(
        f"/admin/users/{anna.id}/e-post", data={"email": "inte-en-adress"}, follow_redirects=True
    )
    assert "E-post måste vara en e-postadress" in refused.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{anna.id}/e-post",
        data={"email": "Anna.Berg@Vansbro.se"},
        follow_redirects=True,
    )
    assert "E-postadressen för Anna Berg är nu anna.berg@vansbro.se." in response.get_data(
        as_text=True
    )

    shown = client.post(f"/admin/users/{anna.id}/nytt-losenord")
    assert shown.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="new-password">([^<]+)<', shown.get_data(as_text=True)).group(1)
    auth.logout()
    assert auth.login("anna.berg@vansbro.se", password).status_code == 302
    events = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"unlock", "change_email", "reset_password", "refused"} <= set(events)


def test_anonymise_a_former_user_everywhere_with_a_record_kept(client, factory, auth, session):
    factory.user("admin", None, email="a@x.se", name="Ada Admin")
    former = factory.user("editor", "2021", email="bo@vansbro.se", name="Bo Ek")
    # Bo made a key once: the log has him as the actor and his address in the label.
    create_token(session, former, "Bos nyckel", actor=Actor(user=former, source="web"))
    session.commit()
    auth.login("a@x.se")
    refused = client.post(f"/admin/users/{former.id}/anonymisera", follow_redirects=True)
    assert "Inaktivera det först" in refused.get_data(as_text=True)
    client.post(f"/admin/users/{former.id}/active", data={"active": "0"})
    response = client.post(f"/admin/users/{former.id}/anonymisera", follow_redirects=True)
    assert "Kontot är anonymiserat" in response.get_data(as_text=True)
    session.expire_all()
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Bo Ek" not in log and "bo@vansbro.se" not in log
    assert f"Anonymiserad användare {former.id}" in log
    anonymise = session.scalar(select(AuditEvent).where(AuditEvent.action == "anonymise"))
    assert anonymise.actor_name == "Ada Admin"
    refusal = session.scalar(select(AuditEvent).where(AuditEvent.action == "refused"))
    assert refusal.changes["attempted"][1] == "Anonymisera kontot"


def test_filters_and_a_kommun_administrator_sees_only_own_kommun(client, factory, auth):
    factory.user("admin", None, email="a@x.se")
    factory.user("kommun_admin", "2021", email="ka@vansbro.se", name="Kajsa Admin")
    factory.user("reader", "2021", name="Vera Vansbro")
    factory.user("editor", "0180", name="Sture Stockholm")
    auth.login("a@x.se")
    page = client.get("/admin/users?kommun=0180").get_data(as_text=True)
    assert "Sture Stockholm" in page and "Vera Vansbro" not in page
    page = client.get("/admin/users?roll=reader").get_data(as_text=True)
    assert "Vera Vansbro" in page and "Sture Stockholm" not in page
    auth.logout()
    auth.login("ka@vansbro.se")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Vera Vansbro" in page and "Sture Stockholm" not in page
    page = client.get("/admin/users?kommun=0180").get_data(as_text=True)
    assert "Sture Stockholm" not in page


def test_with_mail_configured_the_new_address_confirms_by_a_link(
    client, factory, auth, session, app, monkeypatch
):
    from coop_tracker.core import mail

    sent = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.kommun.example")
    monkeypatch.setattr(mail.Mailer, "send", lambda self, message: sent.append(message))
    monkeypatch.setattr(mail.Mailer, "close", lambda self: None)
    factory.user("admin", None, email="a@x.se")
    anna = factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
    auth.login("a@x.se")
    response = client.post(
        f"/admin/users/{anna.id}/e-post",
        data={"email": "anna.berg@vansbro.se"},
        follow_redirects=True,
    )
    assert "Ett mejl med en bekräftelselänk har skickats till anna.berg@vansbro.se" in (
        response.get_data(as_text=True)
    )
    session.expire_all()
    assert session.get(type(anna), anna.id).email == "anna@vansbro.se"  # not yet
    assert [m["To"] for m in sent] == ["anna.berg@vansbro.se"]
    link = re.search(r"(/konto/bekrafta-e-post/\S+)", sent[0].get_content()).group(1)
    assert client.get("/konto/bekrafta-e-post/forged", follow_redirects=True).status_code == 200
    auth.logout()
    confirmed = client.get(link, follow_redirects=True)
    assert "Din e-postadress är nu anna.berg@vansbro.se" in confirmed.get_data(as_text=True)
    session.expire_all()
    assert session.get(type(anna), anna.id).email == "anna.berg@vansbro.se"
    again = client.get(link, follow_redirects=True)  # the account changed since: refused
    assert "Kontot har ändrats sedan länken skickades" in again.get_data(as_text=True)
