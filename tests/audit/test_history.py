"""The audit trail as people read it: the history tab, the admin log and its CSV export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from coop_tracker.audit.models import AuditEvent
from tests.html import main_form


def _login(client, email):
    response = client.post("/login", data={"email": email, "password": "ett-langt-losenord-123"})
    assert response.status_code == 302


def _edit(client, agreement_id, **changes):
    url = f"/agreements/{agreement_id}/edit"
    data = main_form(client.get(url).get_data(as_text=True))
    data.update(changes, save="1")
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_history_tab_shows_field_diffs_newest_first_grouped_by_request(app, client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
    agreement = factory.agreement(title="Lönesamverkan Vansbro", notice_months=6)
    _login(client, "anna@vansbro.se")
    # One save changes the agreement and a party: one request, two events.
    _edit(
        client,
        agreement.id,
        title="Lönesamverkan Vansbro–Malung",
        **{"parties-0-decision_body": "Kommunfullmäktige"},
    )
    _edit(client, agreement.id, notice_months="12")

    html = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert 'aria-current="page">Historik</a>' in html  # the tab
    html = html[html.index('<ol class="timeline">') :]
    # Newest first: the notice change, then the title change, then the creation.
    renamed = '<ins class="diff__new">Lönesamverkan Vansbro–Malung</ins>'
    assert html.index("Uppsägningstid (månader)") < html.index(renamed) < html.index("Skapad")
    assert '<del class="diff__old">6</del>' in html and '<ins class="diff__new">12</ins>' in html
    assert '<del class="diff__old">Lönesamverkan Vansbro</del>' in html
    assert "Beslutande organ" in html and '<ins class="diff__new">Kommunfullmäktige</ins>' in html
    assert "Anna Berg" in html and "via webbsidan" in html
    # The title and the party change came from one request: one timeline item holds both.
    items = html[: html.index("</ol>")].split('<li class="timeline__item">')[1:]
    assert len(items) == 3
    assert "Namn" in items[1] and "Beslutande organ" in items[1]
    events = (
        app.extensions["sqlalchemy"]
        .session.scalars(
            select(AuditEvent).where(
                AuditEvent.agreement_id == agreement.id, AuditEvent.source == "web"
            )
        )
        .all()
    )
    assert len({e.request_id for e in events}) == 2
    assert {e.object_type for e in events} == {"agreement", "party"}


def test_history_shows_amounts_in_swedish(client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    agreement = factory.agreement(annual_cost="1450000")
    _login(client, "anna@vansbro.se")
    _edit(
        client, agreement.id, annual_cost="1 500 000,50", **{"parties-0-cost_share_percent": "40"}
    )
    html = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert '<del class="diff__old">1\u00a0450\u00a0000\u00a0kr</del>' in html
    assert '<ins class="diff__new">1\u00a0500\u00a0000,50\u00a0kr</ins>' in html
    assert '<ins class="diff__new">40\u00a0%</ins>' in html


def test_history_hides_internal_note_from_readers(app, client, factory):
    factory.user("reader", "2021", email="politiker@vansbro.se")
    agreement = factory.agreement(internal_note="Hemlig förhandlingsposition", phase="active")
    _login(client, "politiker@vansbro.se")
    response = client.get(f"/agreements/{agreement.id}/history")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Intern anteckning" in html
    assert "Hemlig förhandlingsposition" not in html


def test_history_of_planned_agreement_is_hidden_from_others(client, factory):
    factory.user("editor", "0180", email="sthlm@example.se")
    agreement = factory.agreement()  # planned, Vansbro and Malung-Sälen
    _login(client, "sthlm@example.se")
    assert client.get(f"/agreements/{agreement.id}/history").status_code == 404


def test_admin_log_filters_and_paginates(app, client, factory):
    factory.user("admin", None, email="admin@example.se", name="Ada Admin")
    factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
    first = factory.agreement(title="Första samverkan")
    factory.agreement(title="Andra samverkan", parties=[("0180", "host"), ("0181", "purchaser")])
    _login(client, "anna@vansbro.se")
    _edit(client, first.id, title="Första samverkan, ändrad")
    client.post("/logout")
    _login(client, "admin@example.se")

    html = client.get("/admin/audit?actor=anna").get_data(as_text=True)
    assert "Första samverkan, ändrad" in html and "Andra samverkan" not in html
    html = client.get(f"/admin/audit?agreement={first.id}&action=update").get_data(as_text=True)
    assert "<strong>1 händelse</strong>" in html  # singular since the catalogue has plurals
    html = client.get("/admin/audit?municipality=0180").get_data(as_text=True)
    assert "Andra samverkan" in html and "Första samverkan" not in html
    html = client.get("/admin/audit?object_type=user").get_data(as_text=True)
    assert "Anna Berg" in html and "Första samverkan" not in html
    html = client.get("/admin/audit?date_from=2000-01-01&date_to=2000-12-31").get_data(as_text=True)
    assert "0 händelser" in html
    response = client.get("/admin/audit?date_from=igår&page=99999999999")
    assert response.status_code == 422
    assert "Från och med måste vara ett datum" in response.get_data(as_text=True)
    assert client.get("/admin/audit?page=999999").status_code == 200


def test_a_bad_kommun_filter_is_named_by_the_drop_down(client, factory):
    """A screen reader user on the drop-down hears why the list was refused, not only the
    sighted user reading the message above it."""
    factory.user("admin", None, email="admin@example.se")
    _login(client, "admin@example.se")
    response = client.get("/admin/audit?municipality=abc")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error-message" id="municipality-error">' in html
    assert 'id="municipality" name="municipality" aria-describedby="municipality-error"' in html


def test_csv_export_is_excel_friendly(client, factory):
    factory.user("admin", None, email="admin@example.se")
    agreement = factory.agreement(title='=HYPERLINK("x") Samverkan; med semikolon')
    _login(client, "admin@example.se")
    response = client.get(f"/admin/audit.csv?agreement={agreement.id}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Urval", f"Samverkan: {agreement.id}"]  # the file says what it holds
    assert rows[1] == ["Tider", "Svensk tid (CET/CEST)"]
    assert rows[2][:5] == ["Tid", "Vem", "Användar-id", "Via", "Händelse"]
    title_rows = [r for r in rows[3:] if r[10] == "Namn"]
    assert title_rows and title_rows[0][12] == '\'=HYPERLINK("x") Samverkan; med semikolon'
    assert all(r[8] == str(agreement.id) for r in rows[3:])


def test_admin_log_is_admin_only(client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    _login(client, "anna@vansbro.se")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_cli_changes_are_audited(app, runner, factory):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli@example.se",
            "--name",
            "Cli Person",
            "--role",
            "reader",
            "--municipality",
            "2021",
        ],
        input="ett-langt-losenord-123\n",
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "token", "cli@example.se"])
    assert result.exit_code == 0
    from coop_tracker.extensions import db

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.source == "cli")).all()
    kinds = {(e.object_type, e.action) for e in events}
    assert ("user", "create") in kinds and ("api_token", "create") in kinds
    assert all(e.actor_name == "Kommandorad" for e in events)


def test_history_in_the_api(app, client, factory):
    editor = factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")
    reader = factory.user("reader", "2023", email="lasare@malung.se")
    agreement = factory.agreement(title="API-historik", internal_note="hemligt", phase="active")
    token = factory.token(editor)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"version": agreement.version, "title": "API-historik, ändrad", "notice_months": 3}
    assert (
        client.patch(f"/api/v1/agreements/{agreement.id}", json=body, headers=headers).status_code
        == 200
    )

    response = client.get(f"/api/v1/agreements/{agreement.id}/history", headers=headers)
    assert response.status_code == 200
    data = response.get_json()
    # create, the "before" checklist it got, and the update
    assert data["total"] == 3 and data["page"] == 1
    newest = data["items"][0]
    assert newest["action"] == "update" and newest["actor_name"] == "Anna Berg"
    assert newest["source"] == "api"
    title = next(c for c in newest["changes"] if c["field"] == "title")
    assert title["label"] == "Namn"
    assert (title["old"], title["new"]) == ("API-historik", "API-historik, ändrad")
    assert [i["action"] for i in data["items"][1:]] == ["instantiate", "create"]
    assert data["items"][1]["action_label"] == "Checklista skapad"

    # A reader sees the history but not the internal note's values.
    reader_headers = {"Authorization": f"Bearer {factory.token(reader)}"}
    data = client.get(
        f"/api/v1/agreements/{agreement.id}/history", headers=reader_headers
    ).get_json()
    created = data["items"][-1]
    note = next(c for c in created["changes"] if c["field"] == "internal_note")
    assert note["new"] is None and "hemligt" not in str(data)
    # Pages beyond the end answer with the last page, not an error.
    big = client.get(f"/api/v1/agreements/{agreement.id}/history?page=999999", headers=headers)
    assert big.status_code == 200
    assert client.get("/api/v1/agreements/99999/history", headers=headers).status_code == 404


def test_the_system_is_named_in_the_readers_language(app, client, factory):
    """Changes made from the command line are stored as "Kommandorad"; English readers see
    "Command line" in the history and the admin log; a person's name is never translated."""
    factory.user("admin", "2021", email="admin@vansbro.se", name="System")  # a person so named
    agreement = factory.agreement(title="Lönesamverkan Vansbro")  # made by Actor.system("cli")
    _login(client, "admin@vansbro.se")
    _edit(client, agreement.id, title="Lönesamverkan Vansbro–Malung")  # by the person "System"
    history = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Kommandorad" in history and "Kommandorad" in log
    assert client.get("/sprak/en").status_code == 302
    for url in (f"/agreements/{agreement.id}/history", "/admin/audit"):
        page = client.get(url).get_data(as_text=True)
        assert "Kommandorad" not in page, url
        assert "Command line" in page, url
        assert "System" in page, url  # the person's name as it is


def test_csv_export_read_in_english_has_no_swedish_the_app_wrote(app, client, factory):
    """Header, selection, actor, event, type and the labels the app stored, in English; the
    names people typed stay as typed."""
    from coop_tracker.audit.services import record
    from coop_tracker.core.actor import Actor
    from coop_tracker.extensions import db
    from tests.core.test_language_leaks import SWEDISH_LETTERS, SWEDISH_WORDS, WORD

    factory.user("admin", None, email="admin@example.se")
    agreement = factory.agreement(title="Lön")
    with app.app_context():
        record(db.session, Actor.system("cli"), action="update", object_type="agreement",
               object_id=agreement.id, label="Lön", agreement_id=agreement.id,
               changes={"title": ["Lön gammal", "Lön"]})  # fmt: skip
        record(db.session, Actor.system("cli"), action="create", object_type="review",
               object_id=1, label="Uppföljning 2026-03-01 av Lön (Mora)",
               agreement_id=agreement.id)  # fmt: skip
        db.session.commit()
    _login(client, "admin@example.se")
    client.get("/sprak/en")
    raw = client.get(f"/admin/audit.csv?agreement={agreement.id}").get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[2][:5] == ["Time", "Who", "User ID", "Via", "Event"]
    events = [r for r in rows[3:] if r[1] == "Command line"]
    assert {r[7] for r in events} >= {"Lön", "Review 2026-03-01 of Lön (Mora)"}
    typed = ("Lön gammal", "Lön", "Mora", "Malung-Sälen")  # names and what was typed
    for row in rows:
        for cell in row:
            text = cell
            for name in typed:
                text = text.replace(name, " ")
            words = WORD.findall(text)
            assert not [w for w in words if w.lower() in SWEDISH_WORDS], row
            assert not [w for w in words if SWEDISH_LETTERS.search(w)], ";".join(row)
