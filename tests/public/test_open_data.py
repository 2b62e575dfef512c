"""The public register as open data, tried as an outside client would: no session, no token.

A harvester reads the DCAT-AP-SE catalogue and follows it to every file; the files say what
the public pages say; nothing that is not public appears in any of them; dates are the
current period's, not the first period's; counts say that more exists without showing it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from coop_tracker.agreements.services import ContactInput, add_contact
from coop_tracker.core.actor import Actor
from coop_tracker.lifecycle.services import ExitInput
from coop_tracker.public.models import PublicationSetting
from coop_tracker.reviews.models import Review, ReviewAnswer
from tests.lifecycle_support import adopt, plan_exit

DCAT = Namespace("http://www.w3.org/ns/dcat#")
TODAY = date(2026, 7, 1)
BASE = "http://localhost"


@pytest.fixture(autouse=True)
def fixed_today(frozen_clock):
    frozen_clock.set(TODAY)


def _text(html: str) -> str:
    """The page's text without tags (what a reader sees, give or take spacing)."""
    return re.sub(r"<[^>]+>", "", html)


def _csv_rows(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8-sig")
    dialect = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=dialect))


def _it_namnden(factory, **extra):
    """A running gemensam nämnd whose first period ended long ago and renews every 2 years."""
    values = {
        "title": "IT-nämnden Mora, Orsa och Älvdalen",
        "form": "gemensam_namnd",
        "phase": "active",
        "is_public": True,
        "parties": [("2062", "host"), ("2034", "member"), ("2039", "member")],
        "start_on": "2014-06-01",
        "end_on": "2018-05-31",
        "renewal": "tacit",
        "renewal_months": 24,
        "notice_months": 12,
        "annual_cost": "1000000",
        "document_ref": "KS 2014.163",
    }
    values.update(extra)
    parties = values.pop("parties")
    return factory.agreement(parties, **values)


def test_running_agreement_shows_its_current_period_not_the_first_periods_end(client, factory):
    agreement = _it_namnden(factory)

    html = client.get(f"/public/{agreement.id}").get_data(as_text=True)
    assert "Nuvarande period slutar" in html and "2028-05-31" in html
    assert "Sista dag för uppsägning" in html and "2027-05-31" in html
    # The first period is shown as what it was, never as the end.
    assert "2014-06-01 – 2018-05-31" in html
    assert "Slut</dt>" not in html

    listing = client.get("/public/").get_data(as_text=True)
    assert "Nuvarande period till 2028-05-31" in listing

    row = _csv_rows(client.get("/public/data/agreements.csv").data)[0]
    assert row["term"] == "renewing"
    assert row["first_term_end_on"] == "2018-05-31"
    assert row["current_term_end_on"] == "2028-05-31"
    assert row["notice_deadline_on"] == "2027-05-31"
    assert row["notice_term_end_on"] == "2028-05-31"
    assert row["ends_on"] == ""


def test_a_decided_notice_shows_the_end_that_follows(client, factory, session):
    agreement = _it_namnden(factory)
    plan = plan_exit(
        session,
        agreement,
        ExitInput(
            scope="agreement",
            notice_party_id=agreement.parties[1].id,
            notice_given_on="2026-03-01",
            effective_on="2028-05-31",
        ),
    )
    adopt(session, plan, "2026-03-10", decision_ref="KS 2026/41", today=date(2026, 3, 10))
    session.commit()

    item = client.get(f"/public/api/agreements/{agreement.id}").get_json()
    assert item["phase"] == "exiting"
    assert item["notice_given_on"] == "2026-03-01" and item["ends_on"] == "2028-05-31"
    assert item["notice_deadline_on"] is None  # nothing left to renew
    [exit_] = item["exits"]
    assert exit_["scope"] == "agreement" and exit_["notice_municipality"] == "2034"
    assert exit_["decision_ref"] == "KS 2026/41" and exit_["adopted_on"] == "2026-03-10"
    assert item["history"][-1] == {"from": "active", "to": "exiting", "on": "2026-03-10"}

    html = client.get(f"/public/{agreement.id}").get_data(as_text=True)
    assert "Upphör" in html and "KS 2026/41" in html and "Hela samverkan avvecklas" in html


def test_what_the_public_has_a_right_to_see_per_party(client, factory, session):
    agreement = _it_namnden(factory)
    mora, orsa, alvdalen = agreement.parties
    mora.decision_body, mora.decision_on = "Kommunfullmäktige", date(2014, 1, 30)
    mora.decision_paragraph, mora.decision_ref = "§ 53", "KS 2014.163"
    mora.annual_cost = Decimal("580000")
    orsa.cost_share_percent = Decimal("22.50")  # its cost is its share of the total
    orsa.decision_ref = "KS 2014.545"
    session.commit()

    html = _text(client.get(f"/public/{agreement.id}").get_data(as_text=True))
    for fact in ("Kommunfullmäktige 2014-01-30, § 53", "KS 2014.163", "KS 2014.545"):
        assert fact in html
    assert "580\u00a0000\u00a0kr" in html and "225\u00a0000\u00a0kr" in html

    rows = {r["municipality"]: r for r in _csv_rows(client.get("/public/data/parties.csv").data)}
    assert rows["2062"]["decision_ref"] == "KS 2014.163"
    assert rows["2062"]["decision_paragraph"] == "§ 53"
    assert rows["2062"]["annual_cost"] == "580000.00"
    assert rows["2034"]["cost_share_percent"] == "22.50"
    assert rows["2034"]["annual_cost"] == "225000.00"
    assert rows["2039"]["annual_cost"] == ""

    kommun = client.get("/public/municipalities/2034").get_data(as_text=True)
    assert "Dnr KS 2014.545" in kommun and "225\u00a0000\u00a0kr" in kommun


def test_counts_say_more_exists_without_showing_it(client, factory):
    for n in range(4):
        _it_namnden(factory, title=f"Publik samverkan {n}")
    factory.agreement(
        [("2062", "host"), ("2034", "purchaser")], phase="active", title="Hemlig livsmedel"
    )
    factory.agreement(
        [("2062", "host"), ("2034", "purchaser")], phase="exiting", title="Hemlig säkerhet"
    )
    factory.agreement(
        [("2062", "host"), ("2034", "purchaser")], title="Planerad, publik", is_public=True
    )
    factory.agreement(
        [("2062", "host"), ("2034", "purchaser")], phase="ended", title="Avslutad, dold"
    )

    page = client.get("/public/municipalities/2062").get_data(as_text=True)
    assert "Mora deltar i 6 pågående samverkan." in page
    assert "4 av dem är publicerade här" in page
    listing = client.get("/public/?municipality=2062").get_data(as_text=True)
    assert "Mora deltar i 6 pågående samverkan." in listing
    for hidden in ("Hemlig livsmedel", "Hemlig säkerhet", "Planerad, publik", "Avslutad, dold"):
        assert hidden not in page and hidden not in listing
    counts = client.get("/public/api/municipalities/2062").get_json()
    assert counts["running_agreements"] == 6 and counts["published_running_agreements"] == 4


def test_a_harvester_reads_the_catalogue_and_every_file_matches_the_public_pages(client, factory):
    _it_namnden(factory)
    factory.agreement(
        [("2021", "host"), ("2023", "purchaser")],
        title="Miljö- och hälsoskydd Vansbro–Malung-Sälen",
        phase="active",
        is_public=True,
        areas=["miljo-halsoskydd"],
    )
    factory.agreement([("2021", "host"), ("2023", "purchaser")], phase="active", title="Dold")

    response = client.get("/public/catalog.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    graph = Graph().parse(data=response.data, format="json-ld")

    # DCAT-AP-SE: a catalogue has title, description, publisher, licence and datasets ...
    [catalogue] = list(graph.subjects(RDF.type, DCAT.Catalog))
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.license):
        assert graph.value(catalogue, prop) is not None, prop
    assert graph.value(catalogue, DCTERMS.license) == URIRef(
        "http://creativecommons.org/publicdomain/zero/1.0/"
    )
    datasets = list(graph.objects(catalogue, DCAT.dataset))
    assert len(datasets) == 2
    # ... a dataset title, description and publisher (a named agent) ...
    for dataset in datasets:
        assert isinstance(dataset, URIRef)
        for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher):
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        publisher = graph.value(dataset, DCTERMS.publisher)
        assert graph.value(publisher, FOAF.name) == Literal("Samverkanskollen")
        assert graph.value(dataset, DCAT.contactPoint) is not None
    # ... and every distribution an access URL that answers without a token.
    urls = {}
    for dataset in datasets:
        for dist in graph.objects(dataset, DCAT.distribution):
            access = graph.value(dist, DCAT.accessURL)
            assert access is not None and str(access).startswith(BASE)
            assert graph.value(dist, DCTERMS.license) is not None
            urls[str(graph.value(dist, DCAT.mediaType)).rsplit("/", 2)[-2:][1]] = str(access)
            answer = client.get(str(access)[len(BASE) :])
            assert answer.status_code == 200, access
            assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert (
        len(list(graph.subjects(RDF.type, DCAT.Distribution))) == 10
    )  # 8 register files (documents.csv in two variants among them), 2 network
    [service] = list(graph.subjects(RDF.type, DCAT.DataService))
    endpoint = str(graph.value(service, DCAT.endpointURL))
    assert client.get(endpoint[len(BASE) :]).status_code == 200

    # The RDF/XML twin (what Sveriges dataportal harvests) says exactly the same.
    rdfxml = client.get("/public/catalog.rdf")
    assert rdfxml.mimetype == "application/rdf+xml"
    assert isomorphic(graph, Graph().parse(data=rdfxml.data, format="xml"))

    # Every file has what the public page lists, and nothing more.
    page = client.get("/public/").get_data(as_text=True)
    csv_rows = _csv_rows(client.get("/public/data/agreements.csv").data)
    items = client.get("/public/data/agreements.json").get_json()["items"]
    titles = sorted(r["title"] for r in csv_rows)
    assert titles == sorted(i["title"] for i in items)
    assert titles == [
        "IT-nämnden Mora, Orsa och Älvdalen",
        "Miljö- och hälsoskydd Vansbro–Malung-Sälen",
    ]
    for row in csv_rows:
        assert row["title"] in page
        detail = client.get(row["url"][len(BASE) :])
        assert detail.status_code == 200 and row["title"] in detail.get_data(as_text=True)
    assert "Dold" not in page


def test_json_ld_records_are_linked_data(client, factory):
    agreement = _it_namnden(factory)
    body = client.get("/public/data/agreements.jsonld").data
    graph = Graph().parse(data=body, format="json-ld")
    node = URIRef(f"{BASE}/public/{agreement.id}")
    assert graph.value(node, DCTERMS.title) == Literal("IT-nämnden Mora, Orsa och Älvdalen")
    vocab = Namespace(f"{BASE}/public/open-data#")
    assert graph.value(node, vocab.current_term_end_on) == Literal("2028-05-31", datatype=XSD.date)
    assert graph.value(node, vocab.annual_cost) == Literal("1000000.00", datatype=XSD.decimal)
    parties = list(graph.objects(node, vocab.parties))
    assert {str(graph.value(p, vocab.municipality)) for p in parties} == {"2062", "2034", "2039"}
    # Every term of the records is documented on the open-data page (its anchor).
    docs = client.get("/public/open-data").get_data(as_text=True)
    for term in {str(p) for p in graph.predicates()} - {str(RDF.type)}:
        if term.startswith(str(vocab)):
            assert f'id="{term[len(str(vocab)) :]}"' in docs, term


def test_nothing_that_is_not_public_appears_in_any_download(client, factory, session):
    shown = _it_namnden(factory, internal_note="INTERN-ANTECKNING", cost_note="KOSTNADSKOMMENTAR")
    add_contact(
        session,
        shown.parties[0],
        ContactInput(name="Karin Kontaktsson", email="karin@mora.se", phone="0250-123 45"),
        actor=Actor.system(),
    )
    plan_exit(
        session,
        shown,
        ExitInput(scope="agreement", title="Utkast", background="UTKAST-BAKGRUND"),
    )
    planned = factory.agreement(
        [("2062", "host"), ("0180", "purchaser")], title="PLANERAD-PUBLIK", is_public=True
    )
    unpublished = factory.agreement(
        [("2062", "host"), ("0181", "purchaser")], phase="active", title="ICKE-PUBLIK"
    )
    abandoned = factory.agreement(
        [("2062", "host"), ("0182", "purchaser")],
        phase="abandoned",
        title="AVBRUTEN",
        is_public=True,
    )
    archived = factory.agreement(
        [("2062", "host"), ("0183", "purchaser")], phase="active", title="ARKIVERAD", is_public=True
    )
    from coop_tracker.core.clock import utcnow

    archived.archived_at = utcnow()
    # Every kommun publishes all it can beyond the default: still nothing of the hidden
    # agreements, and never a follow-up's comments or answers.
    for code in ("2062", "2034", "2039", "0180", "0181", "0182", "0183"):
        session.add(
            PublicationSetting(
                municipality_code=code,
                show_responsible_body=True,
                show_review_results=True,
                show_review_costs=True,
            )
        )
    for hidden in (planned, unpublished, abandoned, archived):
        for party in hidden.parties:
            party.responsible_body = f"NAMND-{hidden.title}"
        session.add(
            Review(
                agreement_id=hidden.id,
                reviewed_on=date(2026, 3, 1),
                rating="red",
                goal_attainment="not_met",
                reported_to=f"RAPPORT-{hidden.title}",
                cost_budget=Decimal("987654"),
            )
        )
    review = Review(
        agreement_id=shown.id,
        party_id=shown.parties[0].id,
        reviewed_on=date(2026, 3, 1),
        rating="yellow",
        goal_attainment="partly",
        rating_comment="BEDOMNINGSKOMMENTAR",
        goal_comment="MALKOMMENTAR",
        cost_comment="UTFALLSKOMMENTAR",
    )
    review.answers.append(
        ReviewAnswer(question="carrier_left", answer="no", comment="SVARSKOMMENTAR")
    )
    session.add(review)
    session.commit()

    secrets = (
        "INTERN-ANTECKNING",
        "KOSTNADSKOMMENTAR",
        "Karin Kontaktsson",
        "karin@mora.se",
        "0250-123 45",
        "UTKAST-BAKGRUND",
        "PLANERAD-PUBLIK",
        "ICKE-PUBLIK",
        "AVBRUTEN",
        "ARKIVERAD",
        "NAMND-",
        "RAPPORT-",
        "987654",
        "BEDOMNINGSKOMMENTAR",
        "MALKOMMENTAR",
        "UTFALLSKOMMENTAR",
        "SVARSKOMMENTAR",
    )
    urls = [
        "/public/",
        f"/public/{shown.id}",
        "/public/municipalities/2062",
        "/public/data/agreements.csv",
        "/public/data/agreements-semicolon.csv",
        "/public/data/parties.csv",
        "/public/data/parties-semicolon.csv",
        "/public/data/documents.csv",
        "/public/data/agreements.json",
        "/public/data/agreements.jsonld",
        "/public/api/agreements",
        f"/public/api/agreements/{shown.id}",
        "/public/catalog.jsonld",
        "/public/catalog.rdf",
        "/public/network.json",
        "/public/network.graphml",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.data.decode("utf-8")
        for secret in secrets:
            assert secret not in text, (url, secret)
        # documents.csv has only its header here: no agreement in this register has documents.
        assert "IT-nämnden" in text or any(w in url for w in ("catalog", "network", "documents"))
    # What the kommuner chose is there (so the absences above are not for want of data).
    item = client.get(f"/public/api/agreements/{shown.id}").get_json()
    assert item["parties"][0]["own_review_rating"] == "yellow"
    assert item["parties"][0]["published_extras"] == [
        "responsible_body",
        "review_results",
        "review_costs",
    ]
    # The hidden agreements' kommuner (Stockholm 0180 …) are in no edge of the public network.
    network = client.get("/public/network.json").get_json()
    pairs = {frozenset((e["source"], e["target"])) for e in network["edges"]}
    assert pairs == {
        frozenset(("2062", "2034")),
        frozenset(("2062", "2039")),
        frozenset(("2034", "2039")),
    }
    for agreement_id in range(shown.id + 1, shown.id + 5):
        assert client.get(f"/public/{agreement_id}").status_code == 404
        assert client.get(f"/public/api/agreements/{agreement_id}").status_code == 404


def test_downloads_filter_like_the_page_and_refuse_bad_filters_clearly(client, factory):
    _it_namnden(factory)
    factory.agreement(
        [("2021", "host"), ("2023", "purchaser")], phase="active", is_public=True, title="Vansbro"
    )
    rows = _csv_rows(client.get("/public/data/agreements.csv?municipality=2021").data)
    assert [r["title"] for r in rows] == ["Vansbro"]
    items = client.get("/public/api/agreements?form=gemensam_namnd").get_json()
    assert items["total"] == 1 and items["items"][0]["form"] == "gemensam_namnd"

    bad = client.get("/public/data/agreements.json?municipality=Mora")
    assert bad.status_code == 422
    assert bad.get_json()["fields"] == {"municipality": "Kommunkod måste vara fyra siffror."}
    missing = client.get("/public/api/agreements/999999")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_the_two_csv_variants(client, factory):
    _it_namnden(factory, title='=HYPERLINK("x")')
    comma = client.get("/public/data/agreements.csv")
    semi = client.get("/public/data/agreements-semicolon.csv")
    assert comma.data.startswith(b"id,url,title,")
    assert semi.data.startswith("\ufeffid;url;title;".encode())
    assert comma.headers["Content-Disposition"] == 'attachment; filename="samverkan.csv"'
    assert _csv_rows(comma.data)[0]["annual_cost"] == "1000000.00"
    assert _csv_rows(semi.data)[0]["annual_cost"] == "1000000,00"
    # A title a spreadsheet would run as a formula stays text.
    assert _csv_rows(semi.data)[0]["title"] == '\'=HYPERLINK("x")'


def test_every_file_states_its_licence_and_last_change(client, factory):
    agreement = _it_namnden(factory)
    body = client.get("/public/data/agreements.json").get_json()
    assert body["license"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert body["modified_at"].startswith(agreement.updated_at.date().isoformat())
    response = client.get("/public/data/parties.csv")
    assert 'rel="license"' in response.headers["Link"]
    assert response.headers["Last-Modified"]
    page = client.get("/public/").get_data(as_text=True)
    assert "CC0 1.0" in page and "Senast ändrad" in page


def test_installation_chooses_another_licence(app, client, factory):
    app.config["OPEN_DATA_LICENSE_URL"] = "http://creativecommons.org/licenses/by/4.0/"
    _it_namnden(factory)
    assert client.get("/public/data/agreements.json").get_json()["license"].endswith("by/4.0/")
    assert "CC BY 4.0" in client.get("/public/open-data").get_data(as_text=True)
    graph = Graph().parse(data=client.get("/public/catalog.jsonld").data, format="json-ld")
    assert set(graph.objects(None, DCTERMS.license)) == {
        URIRef("http://creativecommons.org/licenses/by/4.0/")
    }


def test_the_api_is_rate_limited(app, client):
    app.config["OPEN_DATA_RATE_LIMIT"] = "2 per minute"
    assert client.get("/public/api/agreements").status_code == 200
    assert client.get("/public/api/agreements").status_code == 200
    refused = client.get("/public/api/agreements")
    assert refused.status_code == 429 and refused.get_json()["error"] == "too_many_requests"


def test_footer_leads_an_anonymous_visitor_to_open_data(client):
    html = client.get("/public/").get_data(as_text=True)
    assert 'href="/public/open-data"' in html
    assert "openapi.json" not in html  # the token API is for logged-in users
    docs = client.get("/public/open-data")
    assert docs.status_code == 200
    text = docs.get_data(as_text=True)
    for address in (
        "/public/data/agreements.csv",
        "/public/catalog.jsonld",
        "/public/api/agreements",
    ):
        assert address in text
    assert json.loads(client.get("/public/network.json").data)["directed"] is False


def test_a_cached_whole_register_file_follows_every_change(client, factory, session):
    agreement = _it_namnden(factory)
    assert "IT-nämnden" in client.get("/public/data/agreements.csv").text
    agreement.title = "IT-nämnden i norra Dalarna"
    session.commit()
    assert "IT-nämnden i norra Dalarna" in client.get("/public/data/agreements.csv").text
    agreement.parties[1].annual_cost = Decimal("123456")
    session.commit()
    rows = _csv_rows(client.get("/public/data/parties.csv").data)
    assert {r["municipality"]: r["annual_cost"] for r in rows}["2034"] == "123456.00"
    agreement.is_public = False
    session.commit()
    assert _csv_rows(client.get("/public/data/agreements.csv").data) == []


def test_a_running_agreement_past_its_fixed_end_says_so(client, factory):
    agreement = factory.agreement(
        [("2062", "host"), ("2034", "purchaser")],
        phase="active",
        is_public=True,
        title="Livsmedelskontroll med passerat slutdatum",
        start_on="2019-01-01",
        end_on="2025-12-31",
        notice_months=6,
    )
    html = _text(client.get(f"/public/{agreement.id}").text)
    assert "2025-12-31 har passerat, men samverkan är fortfarande registrerad som pågående" in html
    assert "Slutdatum passerat (2025-12-31)" in client.get("/public/").text
    row = _csv_rows(client.get("/public/data/agreements.csv").data)[0]
    assert row["term"] == "fixed" and row["ends_on"] == "2025-12-31"
    assert row["expired_on"] == "2025-12-31" and row["current_term_end_on"] == "2025-12-31"


def test_the_term_model_of_the_agreement_is_used_where_it_has_one():
    from types import SimpleNamespace

    from coop_tracker.public.records import term_of

    stored = SimpleNamespace(term="fixed_then_indefinite", end_on=date(2018, 5, 31))
    assert term_of(stored) == "fixed_then_indefinite"
    derived = SimpleNamespace(end_on=date(2018, 5, 31), renewal="tacit")
    assert term_of(derived) == "renewing"
    assert term_of(SimpleNamespace(end_on=None, renewal="none")) == "indefinite"
    assert term_of(SimpleNamespace(end_on=date(2018, 5, 31), renewal="none")) == "fixed"


def test_each_partys_exit_decision_is_public_data(client, factory, session):
    """Utträde: every party's own decision (body, date, §, diarienummer) in JSON, JSON-LD,
    parties.csv and on the page; a party without a decision has empty cells; notes stay out."""
    from coop_tracker.lifecycle.plans import DecisionInput, record_decision

    agreement = _it_namnden(factory)
    orsa = agreement.parties[1]
    plan = plan_exit(
        session,
        agreement,
        ExitInput(
            scope="party",
            leaving_party_id=orsa.id,
            notice_party_id=orsa.id,
            notice_given_on="2026-03-01",
            effective_on="2027-12-31",
        ),
    )
    for party, data in (
        (
            orsa,
            DecisionInput(
                "Kommunfullmäktige",
                "2026-02-23",
                "§ 12",
                "KS 2026/7",
                "Förhandla om personalen först",
            ),
        ),
        (
            agreement.parties[0],
            DecisionInput("Kommunfullmäktige", "2026-03-30", "§ 40", "KS 2026/55"),
        ),
    ):
        record_decision(session, plan, party, data, actor=Actor.system(), today=date(2026, 4, 1))
    adopt(session, plan, "2026-04-01", decision_ref="KS 2026/7", today=date(2026, 4, 1))
    session.commit()

    item = client.get(f"/public/api/agreements/{agreement.id}").get_json()
    [exit_] = item["exits"]
    assert exit_["decisions"] == [
        {
            "municipality": "2034",
            "decision_body": "Kommunfullmäktige",
            "decision_on": "2026-02-23",
            "decision_paragraph": "§ 12",
            "decision_ref": "KS 2026/7",
        },
        {
            "municipality": "2062",
            "decision_body": "Kommunfullmäktige",
            "decision_on": "2026-03-30",
            "decision_paragraph": "§ 40",
            "decision_ref": "KS 2026/55",
        },
    ]
    rows = _csv_rows(client.get("/public/data/parties.csv").data)
    by_kommun = {r["municipality"]: r for r in rows if r["agreement_id"] == str(agreement.id)}
    assert by_kommun["2062"]["exit_decision_ref"] == "KS 2026/55"
    assert by_kommun["2034"]["exit_decision_on"] == "2026-02-23"
    assert by_kommun["2039"]["exit_decision_body"] == ""
    header = list(rows[0])
    # Columns are only ever added at the end: the exit decisions follow the party's own cost.
    start = header.index("annual_cost") + 1
    assert header[start : start + 4] == [
        "exit_decision_body",
        "exit_decision_on",
        "exit_decision_paragraph",
        "exit_decision_ref",
    ]
    everything = b"".join(
        client.get(url).data
        for url in (
            "/public/data/agreements.json",
            "/public/data/agreements.jsonld",
            "/public/data/parties.csv",
            f"/public/{agreement.id}",
        )
    ).decode("utf-8")
    assert "Förhandla om personalen först" not in everything
    graph = Graph().parse(data=client.get("/public/data/agreements.jsonld").data, format="json-ld")
    refs = {str(o) for o in graph.objects(None, URIRef(f"{BASE}/public/open-data#decision_ref"))}
    assert {"KS 2026/7", "KS 2026/55"} <= refs
    html = _text(client.get(f"/public/{agreement.id}").get_data(as_text=True))
    assert "Parternas beslut om att Orsa lämnar samverkan" in html
    assert "KS 2026/55" in html and "§ 40" in html
    docs = client.get("/public/open-data").get_data(as_text=True)
    assert "exit_decision_ref" in docs and "Parternas beslut om utträde och avveckling" in docs


def test_a_party_that_is_not_a_kommun_is_named_in_every_file(client, factory):
    """Hjälpmedel with Region Dalarna as host: the agreements file names it by its länskod,
    never as "None", and the parties file says what kind of party it is."""
    from coop_tracker.agreements.inputs import PartyInput

    factory.agreement(
        [PartyInput(organisation="20", role="host"), ("2080", "member"), ("2021", "member")],
        title="Hjälpmedelsnämnden i Dalarna",
        form="gemensam_namnd",
        phase="active",
        start_on="2015-01-01",
        is_public=True,
    )
    row = _csv_rows(client.get("/public/data/agreements.csv").data)[0]
    assert row["parties"] == "20:host;2080:member;2021:member"
    parties = _csv_rows(client.get("/public/data/parties.csv").data)
    assert {(p["organisation"], p["organisation_kind"], p["municipality"]) for p in parties} == {
        ("20", "region", ""),
        ("2080", "kommun", "2080"),
        ("2021", "kommun", "2021"),
    }
    listed = json.loads(client.get("/public/data/agreements.json").data)
    (item,) = listed["items"] if "items" in listed else listed["agreements"]
    assert {p["organisation"] for p in item["parties"]} == {"20", "2080", "2021"}


def test_the_network_files_take_the_filters_and_state_their_licence(client, factory):
    """The public network of two running agreements: Vansbro's filter keeps its one edge, a
    bad filter is a 422 naming the field, and the file itself carries licence and last change."""
    _it_namnden(factory)
    factory.agreement(
        [("2021", "host"), ("2023", "purchaser")],
        title="Lönecenter Vansbro–Malung-Sälen",
        phase="active",
        is_public=True,
    )
    whole = client.get("/public/network.json").get_json()
    assert len(whole["edges"]) == 4
    assert whole["graph"]["license"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert whole["graph"]["modified_at"]
    vansbro = client.get("/public/network.json?municipality=2021").get_json()
    assert {frozenset((e["source"], e["target"])) for e in vansbro["edges"]} == {
        frozenset(("2021", "2023"))
    }
    graphml = client.get("/public/network.graphml?form=gemensam_namnd").data.decode()
    assert graphml.count("<edge ") == 3 and "publicdomain/zero" in graphml
    bad = client.get("/public/network.json?form=bogus")
    assert bad.status_code == 422 and "form" in bad.get_json()["fields"]
