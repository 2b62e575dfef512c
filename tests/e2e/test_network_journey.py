"""A network analyst explores the network; an editor starts a planned agreement from a peer."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_accessible, login
from tests.network.conftest import SPEC

pytestmark = pytest.mark.e2e


def _load(live_app):
    from coop_tracker.extensions import db
    from tests.factories import Factory

    with live_app.app_context():
        factory = Factory(db.session)
        for title, form, phase, areas, parties in SPEC:
            factory.agreement(
                parties,
                form=form,
                phase=phase,
                areas=areas,
                title=title,
                purpose=f"Syftet med {title}.",
                goals=f"Målen för {title}.",
            )
        factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Berg")


def test_explore_the_network_and_start_from_a_similar_kommun(page, live_app):
    _load(live_app)
    login(page, "anna@vansbro.se")
    page.wait_for_url("**/")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Nätverk").click()
    page.wait_for_url("**/network")
    # The whole country first comes summed up: one circle per län, each a link with its name.
    bubbles = page.locator("svg a.network-overview__bubble")
    assert bubbles.count() == 21
    dalarna = page.get_by_role(
        "link", name=re.compile(r"^Dalarnas län 15 kommuner\. \d+ kommunpar samverkar inom")
    )
    assert dalarna.is_visible()
    # As drawn by the browser: every label's text inside its box, and no two boxes overlap.
    drawn = page.evaluate(
        """() => Array.from(document.querySelectorAll('.network-overview__label')).map(g => {
            const box = g.querySelector('rect').getBBox();
            const texts = Array.from(g.querySelectorAll('text')).map(t => t.getBBox());
            return {box: [box.x, box.y, box.width, box.height],
                    texts: texts.map(t => [t.x, t.y, t.width, t.height])};
        })"""
    )
    assert len(drawn) == 21
    for label in drawn:
        x, y, w, h = label["box"]
        for tx, ty, tw, th in label["texts"]:
            assert x - 0.5 <= tx and tx + tw <= x + w + 0.5, label
            assert y - 2 <= ty and ty + th <= y + h + 2, label
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            ax, ay, aw, ah = a["box"]
            bx, by, bw, bh = b["box"]
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)
    assert_accessible(page, "network-00-country-summary")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, height
    # A län is one click away; the country's every kommun on request.
    dalarna.click()
    page.wait_for_url("**county=20**")
    page.wait_for_selector("#network-canvas[data-ready=true] canvas")
    assert "15 kommuner" in page.locator("#network-summary").inner_text()
    page.goto("/network")
    page.get_by_role("link", name="Visa varje kommun i hela landet").click()
    page.wait_for_url("**overview=kommuner**")
    # Every kommun is drawn: the canvas appears and the status says what is on it.
    page.wait_for_selector("#network-canvas[data-ready=true] canvas")
    assert page.locator("#network-canvas canvas").count() >= 1
    status = page.locator("#network-status")
    assert "290 kommuner och 8 kopplingar" in status.inner_text()
    assert "Dalarnas län" in page.locator("#network-legend").inner_text()
    assert_accessible(page, "network-01-country")

    # Search a kommun: it is selected and its agreements are listed beside the graph.
    page.get_by_label("Sök kommun i grafen").fill("malung")
    page.locator("[data-network-search]").get_by_role("button", name="Visa").click()
    panel = page.locator("#network-panel")
    panel.get_by_role("heading", name="Malung-Sälen").wait_for()
    assert panel.get_by_role("link", name="Livsmedel Vansbro–Malung").is_visible()
    assert "1 värdkommun: Vansbro (2 samverkan)" in panel.inner_text()
    selected = page.evaluate(
        "() => Array.from(document.querySelectorAll('#network-panel a')).map(a => a.href)"
    )
    assert any(re.search(r"/agreements/\d+$", href) for href in selected)

    # Click a kommun on the canvas: Mora, at its rendered position.
    box = page.locator("#network-canvas").bounding_box()
    position = page.evaluate(
        """() => {
            const cy = document.getElementById('network-canvas')._cyreg.cy;
            const p = cy.getElementById('2062').renderedPosition();
            return {x: p.x, y: p.y};
        }"""
    )
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    panel.get_by_role("heading", name="Mora").wait_for()
    assert panel.get_by_role("link", name="IT-nämnden Mora Orsa Älvdalen").is_visible()
    panel.get_by_role("link", name="Visa kommunens grannskap").click()
    page.wait_for_url("**municipality=2062**")
    page.wait_for_selector("#network-canvas[data-ready=true]")
    assert "Grannskapet kring Mora" in page.locator("#network-summary").inner_text()
    # No two labels overlap (Cytoscape's own label boxes); Mora and its partners are named.
    labels = page.evaluate(
        """() => {
            const cy = document.getElementById('network-canvas')._cyreg.cy;
            return cy.nodes('.kommun').filter(n => !n.hasClass('label-hidden')).map(n => {
                const b = n.boundingBox({includeNodes: false, includeLabels: true});
                return {name: n.data('name'), box: [b.x1, b.y1, b.x2, b.y2]};
            });
        }"""
    )
    assert {"Mora", "Orsa", "Älvdalen"} <= {label["name"] for label in labels}
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = a["box"], b["box"]
            assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1, (a, b)
    assert_accessible(page, "network-02-neighbourhood")

    # The table view: the same numbers as text.
    page.get_by_role("link", name="Tabell över kommuner").click()
    table = page.get_by_role("table", name=re.compile("Kommunerna i nätverket"))
    mora_row = table.locator("tr[data-code='2062']")
    assert mora_row.locator("[data-measure=partners]").inner_text() == "4"
    assert table.locator("tbody tr").count() == 5
    # Mora's group number is the same here as in the whole country's table.
    group_here = mora_row.locator("[data-measure=community]").inner_text()
    page.goto("/network?overview=kommuner")
    page.get_by_role("link", name="Tabell över kommuner").click()
    whole = page.get_by_role("table", name=re.compile("Kommunerna i nätverket"))
    assert whole.locator("tr[data-code='2062'] [data-measure=community]").inner_text() == group_here
    assert group_here != "–"
    assert_accessible(page, "network-03-table")

    # Liknande kommuner for the user's own kommun, and start from an example.
    page.goto("/municipalities/2021")
    page.get_by_role("link", name="Liknande kommuner").click()
    page.get_by_role("heading", name="Liknande kommuner som Vansbro").wait_for()
    assert "Kommungruppen är inte hämtad" in page.content()
    assert_accessible(page, "network-04-similar")
    start = re.compile(r"Starta planerad samverkan utifrån detta\W+Räddningstjänstförbundet")
    page.get_by_role("link", name=start).click()
    assert_accessible(page, "network-05-adopt")
    page.get_by_label("Namn på den nya samverkan").fill("Räddningstjänst för Vansbro")
    page.get_by_label("Kommun att samverka med").select_option("2062")
    page.get_by_role("button", name="Skapa planerad samverkan").click()
    page.wait_for_url(re.compile(r".*/agreements/\d+$"))
    assert page.locator("h1").inner_text() == "Räddningstjänst för Vansbro"
    assert "är skapad utifrån exemplet" in page.content()
    assert "Planerad" in page.content()
    assert_accessible(page, "network-06-created")


def test_the_network_page_works_without_javascript(browser, live_server, live_app):
    _load(live_app)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    login(page, "anna@vansbro.se")
    page.goto("/network")
    # The summed-up country is drawn on the server: it is there without script, and a län's
    # circle leads to its kommuner.
    assert page.locator("svg a.network-overview__bubble").count() == 21
    page.get_by_role("link", name=re.compile(r"^Dalarnas län 15 kommuner")).click()
    page.wait_for_url("**county=20**")
    assert "15 kommuner" in page.locator("#network-summary").inner_text()
    assert not page.locator("[data-network]").is_visible()  # no empty canvas
    page.get_by_label("Samverkansområde").select_option("raddningstjanst")
    page.locator("form[aria-label='Filtrera nätverket']").get_by_role("button", name="Visa").click()
    page.wait_for_url("**area=raddningstjanst**")
    page.wait_for_load_state("load")
    page.get_by_role("heading", name="Kommuner utan samverkan inom räddningstjänst").wait_for()
    rows = page.locator("table[data-edge-table] tbody tr")
    assert rows.count() == 3
    context.close()
