"""Review pages: the Uppföljning tab, the form's error summary, permissions, list columns."""

from __future__ import annotations

from sqlalchemy import event

from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from coop_tracker.reviews.services import ReviewInput, create_review


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
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
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
            create_review(
                session,
                agreement,
                ReviewInput(reviewed_on="2026-01-10", rating="green", goal_attainment="met"),
                actor=Actor.system(),
            )
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
