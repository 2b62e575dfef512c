"""Archive, not delete: an archived agreement disappears for everyone but admins, and comes
back, unchanged, when an admin restores it."""

from __future__ import annotations

from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.extensions import db

PASSWORD = "ett-langt-losenord-123"


def _login(app, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_archive_hides_and_restore_brings_back(app, factory):
    factory.user("admin", None, email="admin@example.se")
    factory.user("editor", "2021", email="anna@vansbro.se")
    factory.user("reader", "2023", email="lasare@malung.se")
    agreement = factory.agreement(
        title="Räddningstjänst Västerdalarna", phase="active", is_public=True
    )
    admin = _login(app, "admin@example.se")
    others = [_login(app, "anna@vansbro.se"), _login(app, "lasare@malung.se")]
    pages = ["/", "/agreements/", "/agreements/?q=Räddningstjänst", "/municipalities/2021"]

    def visible(client):
        return [
            ("Räddningstjänst Västerdalarna" in client.get(p).get_data(as_text=True)) for p in pages
        ]

    public = app.test_client()
    assert all(visible(others[0])) and all(visible(others[1]))
    assert "Räddningstjänst Västerdalarna" in public.get("/public/").get_data(as_text=True)

    assert others[0].post(f"/agreements/{agreement.id}/archive").status_code == 403
    archived = admin.post(f"/agreements/{agreement.id}/archive", data={"reason": "Dubblett"})
    assert archived.status_code == 302

    for client in others:
        assert not any(visible(client))
        assert client.get(f"/agreements/{agreement.id}").status_code == 404
        assert client.get(f"/agreements/{agreement.id}/edit").status_code == 404
        assert client.get(f"/agreements/{agreement.id}/history").status_code == 404
    assert "Räddningstjänst Västerdalarna" not in public.get("/public/").get_data(as_text=True)
    assert public.get(f"/public/{agreement.id}").status_code == 404
    detail = admin.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Arkiverad" in detail and "Återställ" in detail
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 1  # not deleted

    assert admin.post(f"/agreements/{agreement.id}/restore").status_code == 302
    for client in others:
        assert all(visible(client))
        assert client.get(f"/agreements/{agreement.id}").status_code == 200
    assert public.get(f"/public/{agreement.id}").status_code == 200
    history = admin.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert "Arkiverad" in history and "Återställd" in history


def test_archived_agreements_vanish_from_the_api_for_non_admins(app, client, factory):
    admin = factory.user("admin", None, email="admin@example.se")
    editor = factory.user("editor", "2021", email="anna@vansbro.se")
    agreement = factory.agreement(title="Arkiveras via API-test", phase="active")
    as_admin = {"Authorization": f"Bearer {factory.token(admin)}"}
    as_editor = {"Authorization": f"Bearer {factory.token(editor)}"}

    def listed(headers):
        items = client.get("/api/v1/agreements?q=Arkiveras", headers=headers).get_json()["items"]
        return [a["id"] for a in items]

    assert listed(as_editor) == [agreement.id]
    web = app.test_client()
    web.post("/login", data={"email": "admin@example.se", "password": PASSWORD})
    archived = web.post(f"/agreements/{agreement.id}/archive", data={"reason": "Dubblett"})
    assert archived.status_code == 302
    assert listed(as_editor) == []
    assert client.get(f"/api/v1/agreements/{agreement.id}", headers=as_editor).status_code == 404
    assert listed(as_admin) == [agreement.id]
    assert web.post(f"/agreements/{agreement.id}/restore").status_code == 302
    assert listed(as_editor) == [agreement.id]
    assert client.get(f"/api/v1/agreements/{agreement.id}", headers=as_editor).status_code == 200


def test_archiving_asks_for_a_reason_and_the_history_keeps_it(app, factory):
    factory.user("admin", "2021", email="admin@example.se", name="Ada Admin")
    agreement = factory.agreement(title="Lönesamverkan Västerdalarna", phase="active")
    admin = _login(app, "admin@example.se")
    detail = admin.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    # The button on the detail page is a link to a confirmation page (no JavaScript needed).
    assert f'<a class="button button--warning" href="/agreements/{agreement.id}/archive">' in detail
    page = admin.get(f"/agreements/{agreement.id}/archive")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Arkivera samverkan" in html and 'name="reason"' in html
    assert agreement.archived_at is None  # looking at the page changes nothing

    refused = admin.post(f"/agreements/{agreement.id}/archive", data={"reason": "  "})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'href="#reason"' in html and "Ange skäl till arkiveringen." in html
    db.session.refresh(agreement)
    assert agreement.archived_at is None

    done = admin.post(
        f"/agreements/{agreement.id}/archive",
        data={"reason": "Registrerad två gånger, se samverkan 12"},
        follow_redirects=True,
    )
    assert "Samverkan är arkiverad" in done.get_data(as_text=True)
    history = admin.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert "Arkiverad:</strong> samverkan Lönesamverkan Västerdalarna" in history
    assert "Skäl till arkiveringen" in history
    assert '<ins class="diff__new">Registrerad två gånger, se samverkan 12</ins>' in history
    # A second visit to the confirmation page does not archive twice.
    again = admin.get(f"/agreements/{agreement.id}/archive")
    assert again.status_code == 302

    assert admin.post(f"/agreements/{agreement.id}/restore").status_code == 302
    history = admin.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert "Återställd:</strong> samverkan Lönesamverkan Västerdalarna" in history
    assert "Ada Admin" in history


def test_admins_see_archived_agreements_tagged_in_every_list(app, factory):
    factory.user("admin", "2021", email="admin@example.se")
    kept = factory.agreement(title="Överförmyndare Västerdalarna", phase="active")
    gone = factory.agreement(title="Lönesamverkan Västerdalarna", phase="active")
    admin = _login(app, "admin@example.se")
    admin.post(f"/agreements/{gone.id}/archive", data={"reason": "Felregistrerad"})
    tag = '<span class="tag tag--red">Arkiverad</span>'

    def row_of(html, title):
        start = html.index(f">{title}</a>")
        return html[start : html.index("</tr>", start)]

    for url in ("/agreements/", "/municipalities/2021", "/", "/municipalities/2021/oversight"):
        html = admin.get(url).get_data(as_text=True)
        assert tag in row_of(html, "Lönesamverkan Västerdalarna"), url
        assert tag not in row_of(html, "Överförmyndare Västerdalarna"), url
    for url in (f"/agreements/{gone.id}", f"/agreements/{gone.id}/checklista"):
        assert "Syns bara för administratörer" in admin.get(url).get_data(as_text=True)
    assert "Syns bara för administratörer" not in admin.get(f"/agreements/{kept.id}").get_data(
        as_text=True
    )
