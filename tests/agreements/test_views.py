"""Agreement pages: list, detail, create and edit through the form, permissions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from coop_tracker.agreements.models import Agreement
from tests.html import main_form


def _form(**changes):
    data = {
        "title": "Livsmedelskontroll i Västerdalarna",
        "form": "avtalssamverkan",
        "areas": ["livsmedelskontroll"],
        "start_on": "2025-01-01",
        "end_on": "",
        "notice_months": "12",
        "term": "indefinite",
        "internal_lead_days": "60",
        "review_interval_months": "12",
        "parties-0-municipality_code": "2021",
        "parties-0-role": "host",
        "parties-1-municipality_code": "2023",
        "parties-1-role": "purchaser",
        "save": "1",
    }
    data.update(changes)
    return data


def test_anonymous_is_sent_to_login(client):
    response = client.get("/agreements/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_editor_registers_an_agreement_through_the_form(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    response = client.post("/agreements/new", data=_form())
    assert response.status_code == 302
    agreement = session.query(Agreement).one()
    assert agreement.title == "Livsmedelskontroll i Västerdalarna"
    assert agreement.end_on is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kan sägas upp när som helst (tills vidare)" in page
    assert "Malung-Sälen" in page


def test_add_party_button_adds_a_row_without_losing_input(client, factory, auth):
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    data = _form()
    del data["save"]
    data["add_party"] = "1"
    response = client.post("/agreements/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="parties-2-municipality_code"' in page
    assert 'value="Livsmedelskontroll i Västerdalarna"' in page


def test_form_errors_are_summarised_and_named(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    response = client.post(
        "/agreements/new",
        data=_form(title="", **{"parties-1-municipality_code": "2021", "end_on": "2020-01-01"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page
    assert 'href="#title"' in page and "Ange namn." in page
    assert "kommunen finns redan med som part" in page
    assert "Slutdatum måste vara efter startdatum." in page
    assert session.query(Agreement).count() == 0


def test_stale_edit_shows_the_other_version_and_keeps_typed_text(client, factory, auth):
    agreement = factory.agreement(title="Första versionen")
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    old_version = agreement.version
    first = client.post(
        f"/agreements/{agreement.id}/edit",
        data=_form(title="Kollegans titel", version=str(old_version)),
    )
    assert first.status_code == 302
    second = client.post(
        f"/agreements/{agreement.id}/edit",
        data=_form(title="Min titel", version=str(old_version)),
    )
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Kollegans titel" in page
    assert 'value="Min titel"' in page


def test_permissions_on_pages(client, factory, auth):
    agreement = factory.agreement()  # Vansbro (host) and Malung-Sälen (purchaser), planned
    factory.user("reader", "2021", email="r@vansbro.se")
    factory.user("editor", "0180", email="e@stockholm.se")
    auth.login("r@vansbro.se")
    assert client.get("/agreements/new").status_code == 403
    assert client.get(f"/agreements/{agreement.id}").status_code == 200
    assert client.get(f"/agreements/{agreement.id}/edit").status_code == 403
    auth.logout()
    auth.login("e@stockholm.se")
    # A planned agreement is visible only to its parties.
    assert client.get(f"/agreements/{agreement.id}").status_code == 404
    listing = client.get("/agreements/").get_data(as_text=True)
    assert agreement.title not in listing


def test_list_filters_and_search(client, factory, auth):
    factory.agreement(
        title="Räddningstjänst Dala",
        form="kommunalforbund",
        parties=[("2021", "member"), ("2023", "member"), ("2039", "member")],
        areas=["raddningstjanst"],
        phase="active",
    )
    factory.agreement(title="Överförmyndare Väst", phase="active", areas=["overformyndare"])
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    page = client.get("/agreements/?form=kommunalforbund").get_data(as_text=True)
    assert "Räddningstjänst Dala" in page and "Överförmyndare Väst" not in page
    page = client.get("/agreements/?q=%C3%96verf%C3%B6r").get_data(as_text=True)
    assert "Överförmyndare Väst" in page and "Räddningstjänst Dala" not in page
    page = client.get("/agreements/?q=%C3%84lvdalen").get_data(as_text=True)
    assert "Räddningstjänst Dala" in page  # free text finds party kommuner too
    page = client.get("/agreements/?per_page=999999&sort=nonsense").get_data(as_text=True)
    assert "Några filter kunde inte användas" in page


def test_list_pages_keep_sort_order_and_total(client, factory, auth):
    """The list loads a page by ids first: order, count and a page past the end must hold."""
    for year in range(2011, 2018):  # seven agreements, started one year apart
        factory.agreement(title=f"Start {year}", phase="active", start_on=f"{year}-01-01")
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    first = client.get("/agreements/?sort=-start_on&per_page=3").get_data(as_text=True)
    assert first.index("Start 2017") < first.index("Start 2016") < first.index("Start 2015")
    assert "Start 2014" not in first
    assert "7 träffar" in first and "sida 1 av 3" in first
    third = client.get("/agreements/?sort=-start_on&per_page=3&page=3").get_data(as_text=True)
    assert "Start 2011" in third and "Start 2012" not in third
    beyond = client.get("/agreements/?sort=-start_on&per_page=3&page=9").get_data(as_text=True)
    assert "Start 20" not in beyond.split("<main")[1]
    assert "7 träffar" in beyond


def test_municipality_page_groups_by_role(client, factory, auth):
    factory.agreement(title="Värdskap", phase="active")
    factory.user("reader", "2023", email="r@malung.se")
    auth.login("r@malung.se")
    page = client.get("/municipalities/2021").get_data(as_text=True)
    assert "Vansbro kommun" in page
    host_section = page.split('id="role-host"')[1].split('id="role-purchaser"')[0]
    assert "Värdskap" in host_section
    assert client.get("/municipalities/9999").status_code == 404


def _notice_deadline_within_months(factory, now, title):
    """An active agreement whose term ends on the first of ``now``'s month a year ahead, with
    nine months' notice: its notice deadline falls within the next three months or so."""
    return factory.agreement(
        title=title,
        phase="active",
        start_on="2020-01-01",
        end_on=(now.replace(day=1).replace(year=now.year + 1)).isoformat(),
        notice_months=9,
        renewal="tacit",
        renewal_months=12,
    )


def _start_page_of_a_vansbro_editor(client, factory, auth):
    """The start page's HTML as a new editor of Vansbro sees it."""
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    return client.get("/").get_data(as_text=True)


def test_start_page_flags_a_notice_deadline_soon(client, factory, auth, calendar_day):
    now = calendar_day
    _notice_deadline_within_months(factory, now, "Snart uppsägning")
    page = _start_page_of_a_vansbro_editor(client, factory, auth)
    assert "Behöver uppmärksamhet" in page
    attention = page.split("Behöver uppmärksamhet")[1].split("</section>")[0]
    assert "Snart uppsägning" in attention


def test_start_page_attention_covers_every_agreement_of_a_large_kommun(client, factory, auth):
    """A kommun with more agreements than the table shows still gets every deadline flagged."""
    from coop_tracker.core.clock import today

    now = today()
    for n in range(205):
        factory.agreement(title=f"Avtal {n:03d}", phase="active", start_on="2020-01-01")
    # The title sorts last.
    _notice_deadline_within_months(factory, now, "Örnsköldsviks avtal med kort uppsägning")
    page = _start_page_of_a_vansbro_editor(client, factory, auth)
    assert "deltar i 206 samverkan" in page.replace("\u00a0", " ")
    attention = page.split("Behöver uppmärksamhet")[1].split("</section>")[0]
    assert "Örnsköldsviks avtal med kort uppsägning" in attention


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_nul_characters_are_refused_not_a_server_error(client, factory, auth):
    """PostgreSQL cannot store or compare NUL: every lookup must filter it out first."""
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    assert client.get("/agreements/?q=Vans%00bro").status_code == 200
    response = client.post(
        "/agreements/new",
        data=_form(**{"parties-1-municipality_code": "20\x0023", "areas": ["miljo\x00"]}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "okänd kommunkod" in page and "Okänt samverkansområde" in page
    auth.logout()
    assert auth.login("e@vans\x00bro.se").status_code == 401


def test_detail_names_the_period_a_passed_notice_deadline_moves_to(
    client, factory, auth, frozen_clock
):
    frozen_clock.set(date(2026, 7, 1))
    agreement = factory.agreement(
        phase="active",
        start_on="2024-01-01",
        end_on="2026-12-31",
        notice_months=6,
        renewal="tacit",
        renewal_months=12,
    )
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    page = " ".join(client.get(f"/agreements/{agreement.id}").get_data(as_text=True).split())
    assert "Första avtalsperioden slutar" in page
    assert 'Nuvarande period slutar</dt><dd class="summary-list__value">2026-12-31' in page
    assert "Uppsägning gäller perioden som slutar 2027-12-31" in page
    assert "senast <strong>2027-06-30</strong>" in page


def test_overdue_review_is_flagged_on_detail_and_start_page(client, factory, auth):
    agreement = factory.agreement(
        title="Gammal uppföljning", phase="active", start_on="2020-01-01", review_interval_months=12
    )
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    detail = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "nästa 2021-01-01" in detail
    assert '<strong class="tag tag--red">försenad</strong>' in detail
    start = client.get("/").get_data(as_text=True)
    attention = start.split("Behöver uppmärksamhet")[1].split("</section>")[0]
    assert "Gammal uppföljning" in attention
    assert "Uppföljningen är försenad" in attention


def test_red_latest_review_is_on_the_start_page(client, factory, auth, session, calendar_day):
    from coop_tracker.core.actor import Actor
    from coop_tracker.core.clock import today
    from coop_tracker.reviews.services import ReviewInput, create_review

    agreement = factory.agreement(title="Röd samverkan", phase="active", start_on="2025-01-01")
    editor = factory.user("editor", "2021", email="e@vansbro.se")
    review = ReviewInput(
        reviewed_on=today().isoformat(),
        rating="red",
        goal_attainment="not_met",
        rating_comment="Bemanningen räcker inte.",
    )
    create_review(session, agreement, review, actor=Actor(editor, "web"), today=today())
    session.commit()
    auth.login("e@vansbro.se")
    start = client.get("/").get_data(as_text=True)
    attention = start.split("Behöver uppmärksamhet")[1].split("</section>")[0]
    assert "Röd samverkan" in attention
    assert f"Senaste uppföljningen ({today().isoformat()}) är röd." in attention


def test_favicon_ico_redirects_to_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    # The icon's address names its content (``?v=…``), like every static file's.
    assert response.headers["Location"].split("?")[0].endswith("/static/favicon.svg")


def test_edit_form_shows_amounts_in_swedish_and_reads_them_back(client, factory, auth, session):
    agreement = factory.agreement(annual_cost="1450000")
    agreement.parties[0].annual_cost = Decimal("725000.50")
    agreement.parties[0].cost_share_percent = Decimal("33.33")
    agreement.parties[1].cost_share_percent = Decimal("50")
    session.commit()
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    url = f"/agreements/{agreement.id}/edit"
    form = main_form(client.get(url).get_data(as_text=True))
    assert form["annual_cost"] == "1 450 000"
    assert form["parties-0-annual_cost"] == "725 000,50"
    assert form["parties-0-cost_share_percent"] == "33,33"
    assert form["parties-1-cost_share_percent"] == "50"
    version = agreement.version
    assert client.post(url, data={**form, "save": "1"}).status_code == 302  # saved as shown
    session.expire_all()
    assert agreement.version == version  # nothing changed
    assert agreement.annual_cost == Decimal("1450000.00")

    form = main_form(client.get(url).get_data(as_text=True))
    form.update({"annual_cost": "1\u00a0500\u00a0000,75", "parties-1-annual_cost": "1 000"})
    assert client.post(url, data={**form, "save": "1"}).status_code == 302
    session.expire_all()
    assert agreement.annual_cost == Decimal("1500000.75")
    assert agreement.parties[1].annual_cost == Decimal("1000.00")
    assert main_form(client.get(url).get_data(as_text=True))["annual_cost"] == "1 500 000,75"

    form = main_form(client.get(url).get_data(as_text=True))
    form.update({"annual_cost": "1 500 000 kr", "parties-0-annual_cost": "7,25,0", "save": "1"})
    response = client.post(url, data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#annual_cost"' in page and "Årlig kostnad måste vara ett tal" in page
    assert 'id="parties-0-annual_cost-error"' in page
    assert "årlig kostnad måste vara ett tal" in page


def test_first_review_date_and_the_clause_at_registration(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    response = client.post(
        "/agreements/new",
        data=_form(
            term="fixed_then_indefinite",
            end_on="2026-12-31",
            end_alignment="year_end",
            first_review_on="2025-09-30",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    agreement = session.get(Agreement, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (agreement.term, agreement.end_alignment) == ("fixed_then_indefinite", "year_end")
    page = " ".join(client.get(f"/agreements/{agreement.id}").get_data(as_text=True).split())
    assert "nästa 2025-09-30" in page
    assert (
        "Avtalet gäller till 2026-12-31 och därefter tills vidare med 12 månaders "
        "uppsägningstid, räknat till närmaste årsskifte." in page
    )
    edit = " ".join(client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True).split())
    assert "Så står villkoret nu" in edit and "räknat till närmaste årsskifte" in edit


def test_the_what_if_form_on_the_agreement_page(client, factory, auth):
    agreement = factory.agreement(
        phase="active",
        start_on="2024-01-01",
        end_on="2026-12-31",
        term="fixed_then_indefinite",
        notice_months=12,
    )
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    page = client.get(f"/agreements/{agreement.id}?notice_on=2027-03-15").get_data(as_text=True)
    answer = " ".join(page.split("Om uppsägningen når de andra parterna")[1].split())
    assert 'Tidigaste slutdag</dt><dd class="summary-list__value"><strong>2028-03-15' in answer
    bad = client.get(f"/agreements/{agreement.id}?notice_on=2027-02-30")
    assert bad.status_code == 422
    assert "måste vara ett datum som ÅÅÅÅ-MM-DD" in bad.get_data(as_text=True)
