"""The public register: no login, only agreements marked public and not planned/abandoned/
archived, and never contacts or internal notes (each party's own cost is public: issue #22)."""

from __future__ import annotations

from coop_tracker.agreements.services import ContactInput, add_contact
from coop_tracker.core.actor import Actor


def test_lists_only_public_running_agreements_with_filters(client, factory):
    factory.agreement(
        title="Publik räddningstjänst", phase="active", is_public=True, areas=["raddningstjanst"]
    )
    factory.agreement(
        title="Publik lönesamverkan",
        phase="ended",
        is_public=True,
        areas=["lon"],
        parties=[("0180", "host"), ("0181", "purchaser")],
    )
    factory.agreement(title="Planerad men markerad publik", is_public=True)
    factory.agreement(title="Avbruten publik", phase="abandoned", is_public=True)
    factory.agreement(title="Intern samverkan", phase="active", is_public=False)

    response = client.get("/public/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Publik räddningstjänst" in html and "Publik lönesamverkan" in html
    for hidden in ("Planerad men markerad publik", "Avbruten publik", "Intern samverkan"):
        assert hidden not in html
    by_kommun = client.get("/public/?municipality=0180").get_data(as_text=True)
    assert "Publik lönesamverkan" in by_kommun and "Publik räddningstjänst" not in by_kommun
    by_area = client.get("/public/?area=raddningstjanst").get_data(as_text=True)
    assert "Publik räddningstjänst" in by_area and "Publik lönesamverkan" not in by_area
    by_phase = client.get("/public/?phase=ended").get_data(as_text=True)
    assert "Publik lönesamverkan" in by_phase and "Publik räddningstjänst" not in by_phase
    by_form = client.get("/public/?form=kommunalforbund").get_data(as_text=True)
    assert "0 träffar" in by_form
    by_q = client.get("/public/?q=lön").get_data(as_text=True)
    assert "Publik lönesamverkan" in by_q and "Publik räddningstjänst" not in by_q
    planned = client.get("/public/?phase=planned").get_data(as_text=True)
    assert "Planerad men markerad publik" not in planned
    bad = client.get("/public/?municipality=abc&page=99999999999")
    assert bad.status_code == 200 and "Kommunkod måste vara fyra siffror" in bad.get_data(
        as_text=True
    )


def test_detail_shows_party_costs_but_leaves_out_contacts_and_notes(client, factory, session):
    agreement = factory.agreement(
        title="Överförmyndare i samverkan",
        phase="active",
        is_public=True,
        purpose="Ett gemensamt kansli.",
        internal_note="Förhandlingsläge: hemligt",
        cost_note="Preliminär siffra från ekonomichefen",
        annual_cost="1200000",
    )
    party = agreement.parties[0]
    party.annual_cost = 654321
    party.cost_share_percent = 37
    add_contact(
        session,
        party,
        ContactInput(name="Karin Kontaktsson", email="karin@vansbro.se"),
        actor=Actor.system(),
    )
    session.commit()

    response = client.get(f"/public/{agreement.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Överförmyndare i samverkan" in html and "Ett gemensamt kansli." in html
    assert "Vansbro" in html and "1\u00a0200\u00a0000\u00a0kr" in html
    for secret in (
        "Karin Kontaktsson",
        "karin@vansbro.se",
        "Förhandlingsläge",
        "Preliminär siffra",
    ):
        assert secret not in html, secret
    assert "654\u00a0321\u00a0kr" in html and "37,00&nbsp;%" in html
    assert "Logga ut" not in html


def test_non_public_detail_is_not_found(client, factory):
    hidden = factory.agreement(phase="active", is_public=False)
    planned = factory.agreement(is_public=True)
    assert client.get(f"/public/{hidden.id}").status_code == 404
    assert client.get(f"/public/{planned.id}").status_code == 404
    assert client.get("/public/999999").status_code == 404


def test_login_page_links_to_the_register(client):
    assert 'href="/public/"' in client.get("/login").get_data(as_text=True)
