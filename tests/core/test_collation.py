"""Swedish order (… x, y, z, å, ä, ö) and case-insensitive matching of å, ä, ö, in Python and in
the database (SQLite and PostgreSQL alike), on the pages a user sorts and searches."""

from __future__ import annotations

from sqlalchemy import select

from coop_tracker.core.collation import folded, matches, sort_key, swedish
from coop_tracker.municipalities.models import Municipality
from coop_tracker.municipalities.queries import search_municipalities

ORDERED = ["Avesta", "Eda", "Vansbro", "Wadköping", "Zinkgruvan", "Åre", "Älvdalen", "Örebro"]


def test_sort_key_puts_a_ring_a_umlaut_o_umlaut_last_in_that_order():
    shuffled = ["Örebro", "Älvdalen", "Åre", "Zinkgruvan", "Wadköping", "Vansbro", "Eda", "Avesta"]
    assert sorted(shuffled, key=sort_key) == ORDERED
    assert sorted(["ödeshög", "Åmål", "älmhult", "Alingsås"], key=sort_key) == [
        "Alingsås",
        "Åmål",
        "älmhult",
        "ödeshög",
    ]
    # é is an e, ü a y; case does not decide before the letters do.
    assert sorted(["Essunga", "Ésby", "ekerö"], key=sort_key) == ["ekerö", "Ésby", "Essunga"]
    assert sorted(["Über", "Vara", "Uppsala"], key=sort_key) == ["Uppsala", "Vara", "Über"]


def test_the_database_sorts_the_swedish_way(session):
    names = list(
        session.scalars(
            select(Municipality.name)
            .where(Municipality.name.in_(["Åre", "Älvdalen", "Örebro", "Avesta", "Vansbro"]))
            .order_by(swedish(Municipality.name))
        )
    )
    assert names == ["Avesta", "Vansbro", "Åre", "Älvdalen", "Örebro"]


def test_the_database_folds_the_case_of_a_ring_a_umlaut_o_umlaut(session):
    assert session.scalar(select(folded("ÅRE ÄLVDALEN ÖREBRO"))) == "åre älvdalen örebro"
    found = session.scalars(select(Municipality.name).where(matches(Municipality.name, "ÄLVD")))
    assert list(found) == ["Älvdalen"]
    # LIKE's wildcards in the search text are plain characters, not "anything".
    for wildcard in ("%", "_"):
        assert not list(
            session.scalars(select(Municipality.code).where(matches(Municipality.name, wildcard)))
        )


def test_municipality_search_and_list_are_in_swedish_order(session):
    rows, total = search_municipalities(session, county=None, q=None, page=1, per_page=400)
    names = [m.name for m in rows]
    assert total == 290
    assert names.index("Ystad") < names.index("Åmål")
    assert names.index("Åre") < names.index("Älvdalen") < names.index("Örebro")
    assert names[-1] == "Övertorneå"
    assert sorted(names, key=sort_key) == names
    lower, _ = search_municipalities(session, county=None, q="umeå", page=1, per_page=10)
    upper, _ = search_municipalities(session, county=None, q="UMEÅ", page=1, per_page=10)
    assert [m.name for m in lower] == [m.name for m in upper] == ["Umeå"]


def _titles(page: str, titles: list[str]) -> list[str]:
    return sorted((t for t in titles if t in page), key=page.index)


def test_logged_in_search_and_order_know_a_ring_a_umlaut_o_umlaut(client, factory, auth):
    titles = ["Örebro lön", "Älvdalens räddningstjänst", "Åre turism", "Zinkgruvan IT"]
    for title in titles:
        factory.agreement(title=title, phase="active")
    factory.agreement(
        title="Brandskydd Dalarna",
        phase="active",
        parties=[("2021", "host"), ("2039", "purchaser")],  # Vansbro, Älvdalen
    )
    factory.user("reader", "2021", email="r@vansbro.se")
    auth.login("r@vansbro.se")
    listed = client.get("/agreements/?sort=title").get_data(as_text=True)
    assert _titles(listed, titles) == ["Zinkgruvan IT", "Åre turism", "Älvdalens räddningstjänst",
                                       "Örebro lön"]  # fmt: skip
    upper = client.get("/agreements/?q=Älvdalen").get_data(as_text=True)
    lower = client.get("/agreements/?q=älvdalen").get_data(as_text=True)
    for page in (upper, lower):
        assert "Älvdalens räddningstjänst" in page and "Brandskydd Dalarna" in page
        assert "Åre turism" not in page
    shouting = client.get("/agreements/?q=RÄDDNINGSTJÄNST").get_data(as_text=True)
    assert "Älvdalens räddningstjänst" in shouting and "Örebro lön" not in shouting


def test_public_register_search_and_order_know_a_ring_a_umlaut_o_umlaut(client, factory):
    factory.agreement(
        title="Umeå och Vännäs vatten",
        phase="active",
        is_public=True,
        parties=[("2480", "host"), ("2460", "purchaser")],
    )
    factory.agreement(title="Överförmyndare Väst", phase="active", is_public=True)
    factory.agreement(title="Ärendehantering Dala", phase="active", is_public=True)
    factory.agreement(title="Avfall Dala", phase="active", is_public=True)
    for q in ("umeå", "UMEÅ", "Umeå"):
        page = client.get(f"/public/?q={q}").get_data(as_text=True)
        assert "Umeå och Vännäs vatten" in page and "Överförmyndare Väst" not in page
    page = client.get("/public/?q=överförmyndare").get_data(as_text=True)
    assert "Överförmyndare Väst" in page
    listed = client.get("/public/").get_data(as_text=True)
    titles = [
        "Avfall Dala",
        "Umeå och Vännäs vatten",
        "Ärendehantering Dala",
        "Överförmyndare Väst",
    ]
    assert _titles(listed, titles) == titles
