"""Review pages: the Uppföljning tab, the form's error summary, permissions, list columns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from coop_tracker.core.actor import Actor
from coop_tracker.reviews.services import ReviewInput, create_review
from tests.factories import green_review
from tests.html import main_form
from tests.sql_support import counted_statements


def _form(**changes):
    data = {
        "reviewed_on": "2026-03-01",
        "rating": "red",
        "rating_comment": "",
        "goal_attainment": "partly",
        "answers-carrier_left-answer": "yes",
        "answers-carrier_left-comment": "Miljöchefen har slutat.",
    }
    data.update(changes)
    return data


def test_red_without_comment_shows_error_then_saves(client, auth, factory):
    agreement = factory.agreement(phase="active")
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    url = f"/agreements/{agreement.id}/reviews/new"
    assert client.get(url).status_code == 200
    response = client.post(url, data=_form())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "error-summary" in page
    assert 'href="#rating_comment"' in page
    response = client.post(url, data=_form(rating_comment="Tillsynen ligger efter."))
    assert response.status_code == 302
    page = client.get(f"/agreements/{agreement.id}/reviews").get_data(as_text=True)
    assert "traffic-light--red" in page
    assert "Miljöchefen har slutat." in page
    listing = client.get("/agreements/").get_data(as_text=True)
    assert "traffic-light--red" in listing and ">Röd<" in listing


def test_readers_see_reviews_but_cannot_record(client, auth, factory):
    agreement = factory.agreement(phase="active")
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    assert client.get(f"/agreements/{agreement.id}/reviews").status_code == 200
    assert client.get(f"/agreements/{agreement.id}/reviews/new").status_code == 403
    assert client.post(f"/agreements/{agreement.id}/reviews/new", data=_form()).status_code == 403


def test_list_pages_show_latest_rating_without_n_plus_one(client, auth, factory, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")

    def count_queries(url):
        client.get(url)  # warm up: a commit in the test expired the logged-in user
        with counted_statements() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    def add(n):
        for _ in range(n):
            agreement = factory.agreement(
                phase="active",
                end_on="2027-12-31",
                renewal="tacit",
                renewal_months=12,
                notice_months=6,
            )
            green_review(session, agreement, "2026-01-10")
        session.commit()

    add(2)
    counts_small = {
        url: count_queries(url) for url in ("/", "/agreements/", "/municipalities/2021")
    }
    add(6)
    counts_large = {
        url: count_queries(url) for url in ("/", "/agreements/", "/municipalities/2021")
    }
    assert counts_small == counts_large
    page = client.get("/municipalities/2021").get_data(as_text=True)
    assert page.count("traffic-light--green") == 8


def test_a_review_date_in_the_future_is_refused_naming_the_field(
    client, auth, factory, frozen_clock
):
    frozen_clock.set(date(2026, 4, 15))
    agreement = factory.agreement(phase="active")
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    url = f"/agreements/{agreement.id}/reviews/new"
    response = client.post(url, data=_form(reviewed_on="2026-04-16", rating="green"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#reviewed_on"' in page and 'id="reviewed_on-error"' in page
    assert "Datum för uppföljningen kan inte vara i framtiden" in page
    assert "2026-04-15" in page  # says which day is the latest allowed
    assert client.post(url, data=_form(reviewed_on="2026-04-15", rating="green")).status_code == 302


def test_cost_deviation_is_signed_and_said_in_words(client, auth, factory):
    agreement = factory.agreement(phase="active", annual_cost="1450000")
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    new = f"/agreements/{agreement.id}/reviews/new"
    assert main_form(client.get(new).get_data(as_text=True))["cost_budget"] == "1 450 000"
    over = _form(
        reviewed_on="2026-02-01",
        rating="green",
        cost_budget="1 450 000",
        cost_outcome="1\u00a0500\u00a0000,50",
    )
    response = client.post(new, data=over, follow_redirects=True)
    page = response.get_data(as_text=True)
    over_text = "+50\u00a0000,50\u00a0kr över budget"
    assert "Kostnadsutfallet: " + over_text in page  # the message after saving
    assert page.count(over_text) == 3  # the message, the table and the review itself

    under = _form(
        reviewed_on="2026-03-01", rating="green", cost_budget="1450000", cost_outcome="1400000"
    )
    page = client.post(new, data=under, follow_redirects=True).get_data(as_text=True)
    assert "\u221250\u00a0000\u00a0kr under budget" in page
    level = _form(
        reviewed_on="2026-03-02", rating="green", cost_budget="1000,5", cost_outcome="1 000,50"
    )
    page = client.post(new, data=level, follow_redirects=True).get_data(as_text=True)
    assert "0\u00a0kr, enligt budget" in page


def test_review_edit_form_shows_amounts_in_swedish_and_refuses_bad_ones(
    client, auth, factory, session
):
    agreement = factory.agreement(phase="active")
    review = create_review(
        session,
        agreement,
        ReviewInput(
            reviewed_on="2026-03-01",
            rating="green",
            goal_attainment="met",
            cost_budget="1450000",
            cost_outcome="1500000.5",
        ),
        actor=Actor.system(),
        today=date(2026, 4, 15),
    )
    session.commit()
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    url = f"/agreements/{agreement.id}/reviews/{review.id}/edit"
    form = main_form(client.get(url).get_data(as_text=True))
    assert form["cost_budget"] == "1 450 000"
    assert form["cost_outcome"] == "1 500 000,50"
    assert client.post(url, data=form).status_code == 302  # saved back as it was shown
    session.expire_all()
    assert review.cost_budget == Decimal("1450000.00")
    assert review.cost_outcome == Decimal("1500000.50")
    form = main_form(client.get(url).get_data(as_text=True))
    response = client.post(url, data={**form, "cost_outcome": "1,5 miljoner"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="cost_outcome-error"' in page
    assert "Kostnadsutfall måste vara ett tal" in page
