"""Every page and API call the benchmark measures sends as many SQL statements for a register of
5 agreements as for one of 500 (the national demo generator at two sizes: parties, contacts,
reviews, meetings, checklists and phase history grow with it). A difference is a query inside a
loop; the fix belongs in the query, not here."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.demo.services import load_demo
from coop_tracker.extensions import db
from tests.sql_support import counted_statements

TODAY = date(2026, 11, 27)
KOMMUN = "2062"  # Mora: a party in the first generated agreements (checked below)

PAGES = [
    "/",
    "/agreements/?phase=active&sort=-start_on",
    "/agreements/?q=a",
    "/agreements/{agreement}",
    "/agreements/{agreement}/history",
    "/municipalities/{code}",
    "/municipalities/",
    "/municipalities/{code}/oversight",
    "/network",
    "/att-gora",
    # The public register and its open data (no login needed; the editor's session is ignored).
    "/public/",
    "/public/municipalities/{public_code}",
    "/public/data/agreements.json",
    "/public/data/parties.csv",
    "/public/data/documents.csv",
    "/public/api/agreements?per_page=50",
    "/public/catalog.jsonld",
]
API = [
    "/api/v1/agreements?per_page=50",
    "/api/v1/agreements/{agreement}",
    "/api/v1/graph",
    "/api/v1/municipalities/{code}/similar",
]


def _measure(client: Any, token: str, values: dict[str, Any]) -> dict[str, int]:
    counts = {}
    for path in PAGES + API:
        url = path.format(**values)
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
        # A first request does one-off writes (the token's last use, reminder rows planned for
        # new deadlines); the count compared is that of a page view in steady state.
        client.get(url, headers=headers)
        db.session.expire_all()
        with counted_statements() as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        counts[path] = len(statements)
    return counts


def test_query_counts_do_not_grow_from_5_to_500_agreements(app, client, auth, factory, session):
    app.config["NETWORK_CACHE_SIZE"] = 0  # measure the graph's real loading every time
    load_demo(session, scale="national", seed=3, today=TODAY, agreements=5)
    session.commit()
    agreement = session.scalar(
        select(Agreement.id)
        .join(Party)
        .where(Party.municipality_code == KOMMUN)
        .order_by(Agreement.id)
        .limit(1)
    )
    if agreement is None:  # the generator put no agreement in Mora: use the first one's kommun
        agreement = session.scalar(select(Agreement.id).order_by(Agreement.id).limit(1))
    code = session.scalar(select(Party.municipality_code).where(Party.agreement_id == agreement))
    editor = factory.user("editor", code, email="redaktor@mangd.se")
    token = factory.token(factory.user("admin", None, email="admin@mangd.se"))
    auth.login(editor.email)
    # A kommun with a published, running agreement already among the first five (an empty
    # public page skips the queries that load what it would list).
    published = session.scalar(
        select(Agreement)
        .where(Agreement.phase.in_(("active", "exiting")), Agreement.archived_at.is_(None))
        .order_by(Agreement.is_public.desc(), Agreement.id)
        .limit(1)
    )
    published.is_public = True
    session.commit()
    public_code = published.parties[0].municipality_code
    values = {"agreement": agreement, "code": code, "public_code": public_code}

    few = _measure(client, token, values)
    load_demo(session, scale="national", seed=4, today=TODAY, agreements=495)
    session.commit()
    assert session.query(Agreement).count() >= 500
    many = _measure(client, token, values)

    grown = {path: (few[path], many[path]) for path in few if few[path] != many[path]}
    assert grown == {}, f"statements per request grew with the data: {grown}"
