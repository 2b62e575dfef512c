"""Full-text search: Swedish inflections found in real PDF, DOCX and ODT files, ranked, with
the passage shown, and only in agreements the user may see. Runs on SQLite (FTS5 with Snowball
stems) and, with the PostgreSQL URL set, on PostgreSQL's 'swedish' configuration."""

from __future__ import annotations

import pytest

from coop_tracker.core.actor import Actor
from coop_tracker.documents.search import search_documents, stemmed
from coop_tracker.documents.services import DocumentInput, Upload, VersionInput, create_document


def _add(session, agreement, actor, title, data=None, kind="pdf", note="", link=""):
    return create_document(
        session,
        agreement,
        DocumentInput(
            doc_type="avtal",
            title=title,
            note=note,
            first=VersionInput(
                file=Upload(f"fil.{kind}", data) if data else None,
                link_url=link,
            ),
        ),
        actor=actor,
    )


@pytest.fixture
def editor(factory):
    return Actor(factory.user("editor", "2021"), "web")


@pytest.mark.parametrize(
    ("kind", "text", "query"),
    [
        (
            "pdf",
            "Kommunen är personuppgiftsansvarig och förbundet är personuppgiftsbiträdet.",
            "personuppgiftsbiträde",
        ),
        (
            "docx",
            "Ändringar i förbundsordningen beslutas av medlemmarnas fullmäktige.",
            "förbundsordning",
        ),
        ("odt", "Avgiften fördelas efter kommunernas invånarantal den 1 november.", "kommun"),
    ],
)
def test_an_inflected_word_finds_the_file(session, factory, editor, make_file, kind, text, query):
    agreement = factory.agreement(phase="active", title="Samverkan om tillsyn")
    _add(session, agreement, editor, "Bilaga 1", make_file(kind, ["Inledning.", text]), kind)
    _add(
        session,
        agreement,
        editor,
        "Annat",
        make_file("docx", ["Helt annan text om vatten."]),
        "docx",
    )
    session.commit()
    results = search_documents(session, query, editor.user)
    assert results.total == 1
    hit = results.hits[0]
    assert hit.document.title == "Bilaga 1"
    assert hit.field == "text"
    assert "<mark>" in hit.passage
    marked = hit.passage.split("<mark>")[1].split("</mark>")[0]
    assert marked.lower().startswith(query[:6].lower())


def test_every_word_must_match_and_compounds_are_found(session, factory, editor, make_file):
    agreement = factory.agreement(phase="active")
    _add(
        session,
        agreement,
        editor,
        "Personuppgiftsbiträdesavtal",
        make_file("odt", ["Avtalet gäller behandling av personuppgifter inom socialtjänsten."]),
        "odt",
    )
    session.commit()
    assert search_documents(session, "personuppgiftsbiträde", editor.user).total == 1
    assert search_documents(session, "socialtjänst avtal", editor.user).total == 1
    assert search_documents(session, "socialtjänst räddningstjänst", editor.user).total == 0


def test_title_matches_rank_above_text_matches(session, factory, editor, make_file):
    agreement = factory.agreement(phase="active")
    _add(
        session,
        agreement,
        editor,
        "Protokoll från mötet",
        make_file("docx", ["Punkt 4: reglementet för den gemensamma nämnden diskuterades."]),
        "docx",
    )
    _add(session, agreement, editor, "Reglemente för gemensam nämnd", link="https://d.se/1")
    session.commit()
    results = search_documents(session, "reglemente", editor.user)
    assert [h.document.title for h in results.hits] == [
        "Reglemente för gemensam nämnd",
        "Protokoll från mötet",
    ]
    assert results.hits[0].field == "title"


def test_notes_are_searched_too(session, factory, editor):
    agreement = factory.agreement(phase="active")
    _add(
        session,
        agreement,
        editor,
        "Delegationsordning",
        note="Gäller även överförmyndarens beslut.",
        link="https://d.se/2",
    )
    session.commit()
    hit = search_documents(session, "överförmyndare", editor.user).hits[0]
    assert hit.field == "note"
    assert "<mark>överförmyndarens</mark>" in hit.passage


def test_an_earlier_version_is_found_and_named(session, factory, editor, make_file):
    from coop_tracker.documents.services import add_version

    agreement = factory.agreement(phase="active")
    document = _add(
        session,
        agreement,
        editor,
        "Avtal",
        make_file("odt", ["Gammal lydelse om hämtningen."]),
        "odt",
    )
    session.commit()
    add_version(
        session,
        document,
        VersionInput(
            file=Upload("ny.odt", make_file("odt", ["Ny lydelse om slamtömningen."])),
            change_note="Hämtning utgår.",
        ),
        expected_version=document.version,
        actor=editor,
    )
    other = _add(
        session,
        agreement,
        editor,
        "Taxa",
        make_file("odt", ["Hämtningen sker varannan vecka enligt taxan."]),
        "odt",
    )
    session.commit()
    # The old wording is still found, below a document that has it now, and says which version.
    hits = search_documents(session, "hämtningar", editor.user).hits
    assert [h.document.id for h in hits] == [other.id, document.id]
    assert (hits[0].field, hits[0].version) == ("text", None)
    old = hits[1]
    assert (old.field, old.version) == ("version", 1)
    assert "Gammal lydelse om <mark>hämtningen</mark>" in old.passage
    current = search_documents(session, "slamtömning", editor.user).hits
    assert [(h.document.id, h.version) for h in current] == [(document.id, None)]
    # The title with the old text has both words (the current text lacks "gammal"): version 1.
    both = search_documents(session, "gammal avtal", editor.user).hits
    assert [(h.document.id, h.field, h.version) for h in both] == [(document.id, "version", 1)]


def test_the_search_page_links_an_earlier_version(client, auth, session, factory, make_file):
    from coop_tracker.documents.services import add_version

    agreement = factory.agreement([("2021", "host"), ("2023", "purchaser")], phase="active")
    actor = Actor.system()
    document = _add(
        session, agreement, actor, "Avtal", make_file("odt", ["Slamtömning ingår."]), "odt"
    )
    session.commit()
    add_version(
        session,
        document,
        VersionInput(
            file=Upload("ny.odt", make_file("odt", ["Tömning av fettavskiljare."])),
            change_note="Ny tjänst.",
        ),
        expected_version=document.version,
        actor=actor,
    )
    session.commit()
    auth.login(factory.user("reader", "2021").email)
    page = client.get("/search?q=slamtömningen").get_data(as_text=True)
    assert "Äldre version" in page and "Orden finns i version 1, inte i den gällande." in page
    assert f'href="/documents/{document.id}#version-1"' in page
    assert "<mark>Slamtömning</mark> ingår." in page


def test_planned_agreements_are_searched_only_by_their_parties(session, factory, editor, make_file):
    planned = factory.agreement(phase="planned")
    _add(
        session,
        planned,
        editor,
        "Utkast",
        make_file("docx", ["Utredningen om ett gemensamt lönecenter."]),
        "docx",
    )
    session.commit()
    assert search_documents(session, "utredningar", editor.user).total == 1
    outsider = factory.user("reader", "0180")
    assert search_documents(session, "utredningar", outsider).total == 0


def test_odd_queries_find_nothing_and_do_not_fail(session, factory, editor):
    agreement = factory.agreement(phase="active")
    _add(session, agreement, editor, "Avtal om IT", link="https://d.se/3")
    session.commit()
    for query in ["", "   ", "*", '"', "AND OR NOT", "a", "it:* & !", "(", "NEAR(x y)"]:
        results = search_documents(session, query, editor.user)
        assert results.total in (0, 1), query
    assert search_documents(session, 'avtal" OR "x', editor.user).total == 0


def test_stems_are_swedish():
    assert stemmed("Förbundsordningen kommunernas") == "förbundsordning kommun"
