"""Everyday administration in the browser, as an administrator: checklist template versions
brought to many agreements at once (a running agreement gets no new "before" gate), with every
change and refusal in the audit log — each page checked with axe-core."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def _agreements(live_app) -> dict[str, int]:
    from coop_tracker.extensions import db
    from tests.factories import Factory
    from tests.lifecycle_support import activate

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("admin", None, email="admin@example.se", name="Ada Admin")
        ids: dict[str, int] = {}
        for n in range(5):
            title = "Löneservice sedan 2014" if n == 0 else f"Pågående samverkan {n}"
            agreement = factory.agreement(title=title, start_on="2014-01-01")
            ids[title] = activate(db.session, agreement).id
        for n in range(5):
            title = f"Planerad samverkan {n}"
            ids[title] = factory.agreement(title=title).id
        ids["ended"] = factory.agreement(title="Avslutad samverkan", phase="ended").id
        return ids


def test_publish_a_template_version_and_update_ten_agreements_at_once(page, live_app):
    ids = _agreements(live_app)
    login(page, "admin@example.se")
    page.wait_for_url("**/")

    # A new required "before" question and a new "during" question: two new versions.
    for key, text in (("before", "Riskanalys är gjord"), ("during", "Dataskyddet är följt upp")):
        page.goto(f"/admin/checklistor/{key}/ny-punkt")
        page.get_by_label("Fråga på svenska").fill(text)
        page.get_by_label("Obligatorisk").check()
        page.get_by_role("button", name="Spara ny version").click()
        page.wait_for_url(f"**/admin/checklistor/{key}")

    # The running agreement's own page says what the update would do.
    page.goto(f"/agreements/{ids['Löneservice sedan 2014']}")
    banner = page.get_by_role("region", name="Det finns nyare versioner av checklistmallarna")
    text = banner.inner_text()
    assert (
        "Ny fråga som inte läggs till, eftersom samverkan redan har passerat den fasen: "
        "Riskanalys är gjord" in text
    )
    assert "Ny fråga: Dataskyddet är följt upp" in text
    assert banner.get_by_role("button", name="Uppdatera checklistan").count() == 1
    assert_accessible(page, "admin-01-agreement-version-banner")

    page.goto("/admin/users")
    page.get_by_role("link", name="Mallversioner").click()
    uses = page.get_by_role("table", name="Samverkan per mallversion")
    assert uses.get_by_role("row").filter(has_text="Äldre").count() >= 2
    page.get_by_label("Mall", exact=True).select_option("before")
    page.get_by_role("button", name="Visa").click()
    page.get_by_role("link", name="Markera alla i listan").click()
    table = page.get_by_role("table", name="Välj samverkan att uppdatera")
    assert table.get_by_role("checkbox", checked=True).count() == 10
    assert "Avslutad samverkan" not in table.inner_text()
    assert_accessible(page, "admin-02-template-versions")
    page.get_by_role("button", name="Uppdatera valda till senaste versionerna").click()
    assert "10 samverkan följer nu de senaste mallarna" in page.content()
    assert "5 nya punkter för en fas som samverkan redan har passerat lades inte till" in (
        page.content()
    )
    assert "Alla pågående och planerade samverkan följer de senaste mallversionerna." in (
        page.content()
    )

    # The running agreement: the new during question, no new before gate.
    page.goto(f"/agreements/{ids['Löneservice sedan 2014']}/checklista")
    content = page.content()
    assert "Dataskyddet är följt upp" in content
    assert "Riskanalys är gjord" not in content
    page.goto(f"/agreements/{ids['Löneservice sedan 2014']}")
    summary = page.locator("section[aria-labelledby=checklist-summary-title]")
    before = summary.locator(".summary-list__row", has_text="Före").inner_text()
    assert "klara" in before and "obligatoriska kvar" not in before
    # A planned agreement got the new before question.
    page.goto(f"/agreements/{ids['Planerad samverkan 0']}/checklista")
    assert "Riskanalys är gjord" in page.content()

    # A refusal: an ended agreement cannot be updated (a crafted request), and it is logged.
    page.goto("/admin/checklistor/versioner")
    token = page.locator("input[name=csrf_token]").first.input_value()
    response = page.request.post(
        "/admin/checklistor/versioner",
        form={"csrf_token": token, "agreement": str(ids["ended"])},
    )
    assert response.status == 422
    assert "”Avslutad samverkan” är avslutad eller arkiverad" in response.text()

    page.goto("/admin/audit")
    log = page.content()
    assert "Checklistor uppdaterade i en omgång" in log
    assert "Nekad" in log and "Uppdatera checklistor i en omgång" in log
    assert "Ny version" in log
    assert_accessible(page, "admin-03-audit")


def test_create_a_read_only_key_for_one_kommun_use_it_and_revoke_it(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("admin", None, email="admin@example.se", name="Ada Admin")
        factory.agreement(
            [("2021", "host"), ("2023", "purchaser")], title="Vansbros e-arkiv", phase="active"
        )
        factory.agreement(
            [("0180", "host"), ("0114", "purchaser")], title="Stockholms lön", phase="active"
        )
    login(page, "admin@example.se")
    page.wait_for_url("**/")
    page.goto("/admin/users")
    page.get_by_role("link", name="API-nycklar").click()
    page.get_by_label("Namn på tjänstekontot").fill("Diariet (kansliet)")
    page.get_by_role("button", name="Skapa tjänstekontot").click()
    assert "Tjänstekontot ”Diariet (kansliet)” är skapat" in page.content()

    # A refusal first: no name given.
    page.get_by_label("Tjänstekonto", exact=True).select_option(label="Diariet (kansliet) (Läsare)")
    page.get_by_role("button", name="Skapa nyckeln").click()
    assert page.get_by_role("alert").filter(has_text="Det finns fel att rätta").count() == 1
    page.get_by_label("Tjänstekonto", exact=True).select_option(label="Diariet (kansliet) (Läsare)")
    page.get_by_label("Namn på nyckeln").fill("Diariet, läsning")
    page.get_by_label("Bara läsa", exact=True).check()
    page.get_by_label("Gäller kommun").select_option(label="Vansbro")
    page.get_by_label("Giltig till och med").fill("2027-12-31")
    page.get_by_role("button", name="Skapa nyckeln").click()
    key = page.locator("code.token-value").inner_text()
    assert key.startswith("ck_")
    assert_accessible(page, "admin-04-keys")

    headers = {"Authorization": f"Bearer {key}"}
    listed = page.request.get("/api/v1/agreements", headers=headers).json()
    assert [item["title"] for item in listed["items"]] == ["Vansbros e-arkiv"]
    refused = page.request.post("/api/v1/agreements", headers=headers, data={"title": "X"})
    assert refused.status == 403
    assert "får bara läsa" in refused.json()["message"]

    page.goto("/admin/nycklar")
    row = page.get_by_role("row").filter(has_text="Diariet, läsning")
    assert "Vansbro" in row.inner_text() and "2027-12-31" in row.inner_text()
    assert "Aldrig" not in row.inner_text()  # its last use is shown
    row.get_by_role("button", name="Återkalla").click()
    assert "är återkallad och fungerar inte längre" in page.content()
    assert page.request.get("/api/v1/agreements", headers=headers).status == 401

    page.goto("/admin/audit")
    log = page.content()
    assert "Tjänstekonto" in log and "API-nyckel" in log
    assert "Nekad" in log and "får bara läsa" in log
    assert "Återkallad" in log


def test_change_a_users_email_unlock_and_anonymise(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        factory.user("admin", None, email="admin@example.se", name="Ada Admin")
        anna = factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg").id
        bo = factory.user("reader", "2021", email="bo@vansbro.se", name="Bo Ek").id
        for kind in ("PAIR", "ACCOUNT", "ADDRESS"):
            live_app.config[f"LOGIN_MAX_WAIT_SECONDS_{kind}"] = 0
    try:
        for _n in range(6):
            login(page, "anna@vansbro.se", "fel-lösenord-123456")
            page.wait_for_load_state()
    finally:
        for kind in ("PAIR", "ACCOUNT", "ADDRESS"):
            live_app.config.pop(f"LOGIN_MAX_WAIT_SECONDS_{kind}", None)
    login(page, "admin@example.se")
    page.wait_for_url("**/")
    page.goto("/admin/users")
    page.get_by_label("Status").select_option(label="Spärrad inloggning")
    page.get_by_role("button", name="Sök").click()
    table = page.get_by_role("table")
    assert "Anna Berg" in table.inner_text() and "Bo Ek" not in table.inner_text()
    assert_accessible(page, "admin-05-users-filtered")
    table.get_by_role("link", name="Anna Berg").click()
    page.get_by_role("button", name="Lås upp inloggningen").click()
    assert "Inloggningen för Anna Berg är upplåst." in page.content()
    page.get_by_label("Ny e-postadress").fill("anna.berg@vansbro.se")
    page.get_by_role("button", name="Byt e-postadress").click()
    assert "E-postadressen för Anna Berg är nu anna.berg@vansbro.se." in page.content()
    assert_accessible(page, "admin-06-user-account")

    page.goto(f"/admin/users/{bo}")
    page.get_by_role("button", name="Anonymisera kontot").click()
    assert "Inaktivera det först" in page.content()  # refused: Bo is still active
    page.get_by_role("button", name="Inaktivera kontot").click()
    page.get_by_role("button", name="Anonymisera kontot").click()
    assert "Kontot är anonymiserat" in page.content()
    assert f"Anonymiserad användare {bo}" in page.content()

    page.goto("/admin/audit")
    log = page.content()
    assert "E-post bytt" in log and "Inloggning upplåst" in log and "Anonymiserad" in log
    assert "Nekad" in log and "Anonymisera kontot" in log
    assert "Bo Ek" not in log and "bo@vansbro.se" not in log
    page.goto(f"/admin/users/{anna}")
    assert "Inga misslyckade inloggningar det senaste dygnet." in page.content()


def test_add_and_retire_an_area(page, live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        Factory(db.session).user("admin", None, email="admin@example.se", name="Ada Admin")
    login(page, "admin@example.se")
    page.wait_for_url("**/")
    page.goto("/admin/users")
    page.get_by_role("link", name="Områden").click()
    page.get_by_role("button", name="Lägg till området").click()  # refused: no names
    assert page.get_by_role("alert").filter(has_text="Det finns fel att rätta").count() == 1
    page.get_by_label("Namn på svenska").fill("Bredband och fiber")
    page.get_by_label("Namn på engelska").fill("Broadband and fibre")
    page.get_by_role("button", name="Lägg till området").click()
    assert "Området ”Bredband och fiber” är tillagt." in page.content()
    assert_accessible(page, "admin-07-areas")
    page.get_by_role("link", name="Bredband och fiber").click()
    page.get_by_role("button", name="Avveckla området").click()
    assert "är avvecklat" in page.content()
    assert_accessible(page, "admin-08-area")
    page.goto("/agreements/new")
    assert "Bredband och fiber" not in page.content()
    page.goto("/admin/users")
    page.get_by_role("link", name="Referensdata").click()
    assert "Hämta från Kolada nu" in page.content()
    assert_accessible(page, "admin-09-reference-data")
    page.goto("/admin/audit")
    log = page.content()
    assert "Samverkansområde" in log and "Avvecklat" in log and "Nekad" in log
