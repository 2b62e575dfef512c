"""A kommun chooses what it publishes beyond the default: a contact function (never a person),
its responsible nämnd, its follow-up results and their budget and outcome, and whether its new
agreements start out public. Each choice shows in every format or in none."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from rdflib import Graph, Namespace
from sqlalchemy import select

from coop_tracker.agreements.services import ContactInput, add_contact
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.municipalities.models import Municipality
from coop_tracker.public.models import PublicationSetting
from coop_tracker.public.services import PublicationInput, update_settings
from coop_tracker.reviews.models import Review

BASE = "http://localhost"

FORM = {
    "version": "0",
    "show_contact": "y",
    "contact_function": "Kommunledningskontoret",
    "contact_email": "kommun@mora.se",
    "contact_phone": "0250-260 00",
    "contact_url": "https://www.mora.se/allmanna-handlingar",
}


def test_kommun_admin_shows_a_contact_function_on_the_public_pages(client, auth, factory, session):
    factory.user("kommun_admin", "2062", email="redaktor@mora.se")
    agreement = factory.agreement(
        [("2062", "host"), ("2034", "purchaser")], phase="active", is_public=True
    )
    assert "Kommunledningskontoret" not in client.get("/public/municipalities/2062").text

    auth.login("redaktor@mora.se")
    page = client.get("/municipalities/2062/publication")
    assert page.status_code == 200 and "Aldrig en enskild person" in page.text
    response = client.post("/municipalities/2062/publication", data=FORM)
    assert response.status_code == 302

    auth.logout()
    kommun = client.get("/public/municipalities/2062").text
    assert "Frågor om kommunens samverkan" in kommun
    assert "Kommunledningskontoret" in kommun and "kommun@mora.se" in kommun
    detail = client.get(f"/public/{agreement.id}").text
    assert "Frågor om samverkan" in detail and "0250-260 00" in detail
    api = client.get("/public/api/municipalities/2062").get_json()
    assert api["contact"]["function"] == "Kommunledningskontoret"
    assert client.get("/public/api/municipalities/2034").get_json()["contact"] is None

    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "publication_setting")
    ).one()
    assert event.municipality_code == "2062"
    assert event.changes["contact_function"] == ["", "Kommunledningskontoret"]

    # Unticking hides it again; the row keeps what was typed.
    auth.login("redaktor@mora.se")
    changed = {**FORM, "version": "1"}
    changed.pop("show_contact")
    assert client.post("/municipalities/2062/publication", data=changed).status_code == 302
    auth.logout()
    assert "Kommunledningskontoret" not in client.get("/public/municipalities/2062").text


def test_a_persons_address_is_refused_and_nothing_is_saved(client, auth, factory, session):
    factory.user("kommun_admin", "2062", email="redaktor@mora.se")
    agreement = factory.agreement([("2062", "host"), ("2034", "purchaser")], phase="active")
    add_contact(
        session,
        agreement.parties[0],
        ContactInput(name="Karin Kontaktsson", email="karin.kontaktsson@mora.se"),
        actor=Actor.system(),
    )
    session.commit()
    auth.login("redaktor@mora.se")

    for email in ("Karin.Kontaktsson@mora.se", "redaktor@mora.se"):
        refused = client.post(
            "/municipalities/2062/publication", data={**FORM, "contact_email": email}
        )
        assert refused.status_code == 422
        assert "E-post: adressen tillhör en person i registret" in refused.text
    missing = client.post("/municipalities/2062/publication", data={**FORM, "contact_function": ""})
    assert missing.status_code == 422 and "Ange kontaktfunktion" in missing.text
    bad = client.post(
        "/municipalities/2062/publication",
        data={**FORM, "contact_phone": "ring mig", "contact_url": "mora.se"},
    )
    assert bad.status_code == 422
    assert "Telefon: ange bara siffror" in bad.text
    assert "Webbsida måste vara en webbadress" in bad.text
    assert session.scalar(select(PublicationSetting)) is None


def test_only_the_kommuns_administrators_may_change_it(client, auth, factory):
    factory.user("kommun_admin", "2034", email="redaktor@orsa.se")
    factory.user("reader", "2062", email="lasare@mora.se")
    factory.user("editor", "2062", email="skribent@mora.se")
    factory.user("kommun_admin", "2062", email="redaktor@mora.se")
    auth.login("redaktor@orsa.se")
    assert client.post("/municipalities/2062/publication", data=FORM).status_code == 403
    auth.logout()
    for email in ("lasare@mora.se", "skribent@mora.se"):
        auth.login(email)
        assert client.get("/municipalities/2062/publication").status_code == 403
        auth.logout()

    auth.login("redaktor@mora.se")
    assert client.post("/municipalities/2062/publication", data=FORM).status_code == 302
    stale = client.post(
        "/municipalities/2062/publication", data={**FORM, "contact_function": "Växeln"}
    )
    assert stale.status_code == 409  # version 0 was saved by the first post
    assert "Kommunledningskontoret" in stale.text


# --- choices beyond the default ------------------------------------------------------------

CHOICES = {"show_responsible_body": "y", "show_review_results": "y", "show_review_costs": "y"}
PUBLIC_FILES = (
    "/public/data/agreements.csv",
    "/public/data/agreements-semicolon.csv",
    "/public/data/parties.csv",
    "/public/data/parties-semicolon.csv",
    "/public/data/documents.csv",
    "/public/data/documents-semicolon.csv",
    "/public/data/agreements.json",
    "/public/data/agreements.jsonld",
    "/public/api/agreements",
)


def _csv(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def _review(session, agreement, party=None, **values):
    fields = {
        "reviewed_on": date(2026, 3, 2),
        "rating": "yellow",
        "goal_attainment": "partly",
        "rating_comment": "KOMMENTAR-OM-BEDOMNINGEN",
        "cost_comment": "KOMMENTAR-OM-KOSTNADEN",
        "reported_to": "Kommunstyrelsen",
        "reported_on": date(2026, 3, 20),
        "cost_budget": Decimal("400000"),
        "cost_outcome": Decimal("432100"),
        **values,
    }
    review = Review(agreement_id=agreement.id, party_id=party.id if party else None, **fields)
    session.add(review)
    session.commit()
    return review


def _choose(client, auth, email, code, version, **choices):
    auth.login(email)
    response = client.post(
        f"/municipalities/{code}/publication", data={"version": str(version), **choices}
    )
    assert response.status_code == 302, response.text
    auth.logout()


def _everything(client, agreement_id: int) -> str:
    urls = (
        f"/public/{agreement_id}",
        "/public/municipalities/2062",
        *PUBLIC_FILES,
        f"/public/api/agreements/{agreement_id}",
        "/public/network.json",
        "/public/network.graphml",
    )
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.data.decode("utf-8"))
    return "\n".join(bodies)


def test_a_kommuns_choices_show_its_side_in_every_format_and_nothing_it_did_not_choose(
    client, auth, factory, session
):
    factory.user("kommun_admin", "2062", email="redaktor@mora.se")
    factory.user("kommun_admin", "2034", email="redaktor@orsa.se")
    agreement = factory.agreement(
        [("2062", "host"), ("2034", "purchaser")], phase="active", is_public=True
    )
    mora, orsa = agreement.parties
    mora.responsible_body, orsa.responsible_body = "Miljö- och byggnämnden", "Orsa tekniska nämnd"
    session.commit()
    _review(session, agreement)  # the parties' joint follow-up
    _review(session, agreement, mora, rating="green", cost_outcome=Decimal("123456"))
    _review(session, agreement, orsa, rating="red", reported_to="Orsa kommunstyrelse")

    # Default: none of it anywhere, in no format.
    before = _everything(client, agreement.id)
    for hidden in (
        "Miljö- och byggnämnden",
        "Orsa tekniska nämnd",
        "Kommunstyrelsen",
        "432100",
        "123456",
        "review_results",
    ):
        assert hidden not in before.replace("open-data#", "")
    item = client.get(f"/public/api/agreements/{agreement.id}").get_json()
    assert item["reviews"] == []
    assert "joint_review_rating" not in item and "responsible_body" not in item["parties"][0]
    assert item["parties"][0]["published_extras"] == []

    # Mora publishes all of its side; Orsa nothing more.
    _choose(client, auth, "redaktor@mora.se", "2062", 0, **CHOICES)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "publication_setting")
    ).one()
    assert event.changes["show_review_results"] == [False, True]

    item = client.get(f"/public/api/agreements/{agreement.id}").get_json()
    by_kommun = {p["municipality"]: p for p in item["parties"]}
    assert by_kommun["2062"]["published_extras"] == [
        "responsible_body",
        "review_results",
        "review_costs",
    ]
    assert by_kommun["2062"]["responsible_body"] == "Miljö- och byggnämnden"
    assert by_kommun["2062"]["own_review_rating"] == "green"
    assert by_kommun["2062"]["own_review_cost_outcome"] == "123456.00"
    assert "responsible_body" not in by_kommun["2034"]
    assert "own_review_rating" not in by_kommun["2034"]
    # The joint follow-up is Orsa's too: it stays out.
    assert [r["scope"] for r in item["reviews"]] == ["party"]
    assert "joint_review_rating" not in item
    text = _everything(client, agreement.id)
    for hidden in ("Orsa tekniska nämnd", "Orsa kommunstyrelse", "432100", "KOMMENTAR-OM"):
        assert hidden not in text, hidden
    for url in ("/public/data/parties.csv", "/public/data/parties-semicolon.csv"):
        rows = {r["municipality"]: r for r in _csv(client.get(url).data)}
        assert rows["2062"]["responsible_body"] == "Miljö- och byggnämnden"
        assert rows["2062"]["own_review_rating"] == "green"
        assert rows["2062"]["published_extras"] == "responsible_body;review_results;review_costs"
        assert rows["2034"]["responsible_body"] == "" and rows["2034"]["own_review_on"] == ""
    assert _csv(client.get("/public/data/parties-semicolon.csv").data)[0][
        "own_review_cost_outcome"
    ] == ("123456,00")
    graph = Graph().parse(data=client.get("/public/data/agreements.jsonld").data, format="json-ld")
    vocab = Namespace(f"{BASE}/public/open-data#")
    assert {str(o) for o in graph.objects(None, vocab.responsible_body)} == {
        "Miljö- och byggnämnden"
    }
    html = client.get(f"/public/{agreement.id}").text
    assert "Ansvarig nämnd" in html and "Miljö- och byggnämnden" in html
    assert "Publiceras inte" in html and "Uppföljning" in html
    kommun = client.get("/public/municipalities/2062").text
    assert "Ansvarig nämnd: Miljö- och byggnämnden" in kommun
    assert (
        "Mora publicerar också sin del av: ansvarig nämnd, uppföljningens resultat, "
        "budget och utfall från uppföljningen." in kommun
    )
    assert client.get("/public/api/municipalities/2062").get_json()["published_extras"] == [
        "responsible_body",
        "review_results",
        "review_costs",
    ]
    assert client.get("/public/api/municipalities/2034").get_json()["published_extras"] == []
    assert "Orsa publicerar grunduppgifterna" in client.get("/public/municipalities/2034").text

    # Once Orsa publishes its results (not its costs), the joint results follow; the joint
    # budget and outcome still need both.
    _choose(client, auth, "redaktor@orsa.se", "2034", 0, show_review_results="y")
    item = client.get(f"/public/api/agreements/{agreement.id}").get_json()
    assert item["joint_review_rating"] == "yellow"
    assert item["joint_review_reported_to"] == "Kommunstyrelsen"
    assert "joint_review_cost_outcome" not in item
    joint = next(r for r in item["reviews"] if r["scope"] == "joint")
    assert joint["rating"] == "yellow" and "cost_outcome" not in joint
    for url in ("/public/data/agreements.csv", "/public/data/agreements-semicolon.csv"):
        [row] = _csv(client.get(url).data)
        assert row["joint_review_rating"] == "yellow" and row["joint_review_cost_outcome"] == ""
    assert "432100" not in _everything(client, agreement.id)
    # The network files carry only the default facts, whatever the kommuner choose.
    network = client.get("/public/network.json").data.decode("utf-8")
    assert "Kommunstyrelsen" not in network and "yellow" not in network

    # Mora turns it all off again: gone from every format.
    _choose(client, auth, "redaktor@mora.se", "2062", 1)
    text = _everything(client, agreement.id)
    for hidden in ("Miljö- och byggnämnden", "123456", "Kommunstyrelsen"):
        assert hidden not in text, hidden
    item = client.get(f"/public/api/agreements/{agreement.id}").get_json()
    assert "joint_review_rating" not in item
    # Orsa still publishes its own results: only its own follow-up remains.
    assert [r["municipality"] for r in item["reviews"]] == ["2034"]


def test_a_joint_follow_up_needs_the_kommuner_that_were_parties_on_its_day(
    client, auth, factory, session
):
    factory.user("kommun_admin", "2062", email="redaktor@mora.se")
    agreement = factory.agreement(
        [("2062", "host"), ("2034", "purchaser"), ("2039", "purchaser")],
        phase="active",
        is_public=True,
    )
    alvdalen = agreement.parties[2]
    alvdalen.joined_on = date(2026, 1, 1)  # joined after the first follow-up
    orsa = agreement.parties[1]
    orsa.left_on = date(2025, 12, 31)  # left before the second
    session.commit()
    _review(session, agreement, reviewed_on=date(2025, 6, 1), reported_to="KS 2025")
    _review(session, agreement, reviewed_on=date(2026, 6, 1), reported_to="KS 2026")
    _choose(client, auth, "redaktor@mora.se", "2062", 0, show_review_results="y")
    settings = PublicationSetting(municipality_code="2039", show_review_results=True)
    session.add(settings)
    session.commit()

    item = client.get(f"/public/api/agreements/{agreement.id}").get_json()
    # 2025: Mora and Orsa were parties and Orsa publishes nothing more. 2026: Mora and
    # Älvdalen, who both publish results.
    assert [r["reported_to"] for r in item["reviews"]] == ["KS 2026"]
    assert item["joint_review_reported_to"] == "KS 2026"


def test_new_agreements_start_out_public_when_the_kommun_chooses_so(client, auth, factory, session):
    factory.user("kommun_admin", "2062", email="redaktor@mora.se")
    factory.user("editor", "2062", email="skribent@mora.se")
    auth.login("skribent@mora.se")
    form = client.get("/agreements/new").text
    assert not re.search(r'id="is_public"[^>]*checked', form)
    auth.logout()

    _choose(client, auth, "redaktor@mora.se", "2062", 0, new_agreements_public="y")
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "publication_setting")
    ).one()
    assert event.changes == {"new_agreements_public": [False, True]}
    auth.login("skribent@mora.se")
    form = client.get("/agreements/new").text
    assert re.search(r'id="is_public"[^>]*checked', form)
    auth.logout()

    # A second administrator's page, opened before that save, is refused, not overwritten.
    auth.login("redaktor@mora.se")
    stale = client.post("/municipalities/2062/publication", data={"version": "0"})
    assert stale.status_code == 409
    # The values saved meanwhile, in words: "Ny samverkan publik från början: Ja".
    assert re.search(r"Ny samverkan publik från början: Ja", stale.text)
    assert not re.search(r"<li>[a-z_]+:|: (True|False)</li>", stale.text)


def test_a_choice_that_is_not_yes_or_no_is_refused_by_name(session, factory):
    admin = factory.user("kommun_admin", "2062", email="redaktor@mora.se")
    kommun = session.get(Municipality, "2062")
    with pytest.raises(ValidationFailed) as refused:
        update_settings(
            session,
            kommun,
            PublicationInput(show_review_costs="kanske"),
            expected_version=0,
            actor=Actor(admin, "web"),
        )
    assert refused.value.fields == {"show_review_costs": "Budget och utfall: välj ja eller nej."}
