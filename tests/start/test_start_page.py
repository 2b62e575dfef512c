"""The start page's lead sentence counts what its tiles count, and calls it "samverkan"."""

from __future__ import annotations

import re
from html import unescape


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_lead_counts_what_the_tiles_count_and_names_the_ended_apart(client, auth, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    factory.agreement([("2021", "host"), ("2023", "purchaser")], phase="active")
    factory.agreement([("2021", "member"), ("2023", "member")], form="kommunalforbund")
    factory.agreement([("2021", "host"), ("2023", "member")], form="gemensam_namnd")
    factory.agreement([("2021", "host"), ("2023", "purchaser")], phase="ended")
    auth.login("anna@vansbro.se")
    page = client.get("/").get_data(as_text=True)
    text = _text(page)
    assert (
        "Vansbro deltar i 3 samverkan som du kan se: planerade, pågående eller under "
        "avveckling. Dessutom 1 som har avslutats." in text
    )
    assert "samverkansavtal som du kan se" not in text
    tiles = [int(n) for n in re.findall(r'<span class="stat__value">(\d+)</span>', page)]
    assert sum(tiles) == 3


def test_one_live_agreement_and_nothing_ended(client, auth, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    factory.agreement([("2021", "host"), ("2023", "purchaser")], phase="active")
    auth.login("anna@vansbro.se")
    text = _text(client.get("/").get_data(as_text=True))
    assert "Vansbro deltar i 1 samverkan som du kan se: planerad, pågående eller under" in text
    assert "Dessutom" not in text
