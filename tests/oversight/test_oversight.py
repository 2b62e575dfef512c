"""The uppsikt page and the meeting report: what a politician sees, filters, totals, changes,
the PDF's text, and a constant number of queries."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import AgreementInput, update_agreement
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core import clock as clock_module
from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from coop_tracker.oversight import sources
from coop_tracker.oversight.report import RefusedResource, local_fetcher
from tests.conftest import skip_or_fail
from tests.sql_support import counted_statements

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(frozen_clock):
    frozen_clock.set(TODAY)


@pytest.fixture
def register(app, factory, session, saved_world, frozen_clock):
    """Vansbro (2021) in four agreements, one it has left, one it is not in: built by the first
    test and put back (as saved) for later ones, whose ticking clock then goes on from where
    the build left it (what a test changes is later than the register, as when built here)."""
    saved = saved_world.get(app, "oversight-register", lambda: _build_register(factory, session))
    if clock_module.utcnow() < saved["made_at"]:
        frozen_clock.set(saved["made_at"])
    return {name: session.get(Agreement, saved[name]) for name in ("miljo", "lon")}


def _build_register(factory, session):
    miljo = factory.agreement(
        [("2021", "host"), ("2023", "purchaser")],
        title="Miljötillsyn Vansbro och Malung-Sälen",
        areas=["miljo-halsoskydd", "livsmedelskontroll"],
        end_on="2026-06-30",
        notice_months=3,
        renewal="tacit",
        renewal_months=12,
        annual_cost="200000",
        phase="active",
    )
    miljo.parties[0].cost_share_percent = Decimal("40")
    lon = factory.agreement(
        [("2062", "host"), ("2021", "purchaser")],
        title="Lönecenter Mora",
        areas=["lon"],
        start_on="2025-09-01",
        phase="active",
    )
    lon.parties[1].annual_cost = Decimal("125000.50")
    factory.agreement(
        [("2021", "member"), ("2023", "member"), ("2039", "member")],
        form="kommunalforbund",
        title="Räddningstjänsten Dala Mitt",
        areas=["raddningstjanst"],
        phase="planned",
    )
    factory.agreement(
        [("2021", "host"), ("2039", "purchaser")],
        title="Avslutad överförmyndare",
        areas=["overformyndare"],
        phase="ended",
    )
    left = factory.agreement(
        [("2021", "host"), ("2023", "purchaser"), ("2039", "purchaser")],
        title="IT-drift som Vansbro lämnat",
        areas=["it-digitalisering"],
        phase="active",
    )
    left.parties[0].left_on = date(2025, 1, 1)
    factory.agreement([("2062", "host"), ("2034", "purchaser")], title="Mora och Orsa utan Vansbro")
    session.commit()
    factory.user("reader", "2021", email="politiker@vansbro.se", name="Karin Ordförande")
    return {"miljo": miljo.id, "lon": lon.id, "made_at": clock_module.utcnow()}


def _page(client, auth, query=""):
    auth.login("politiker@vansbro.se")
    response = client.get(f"/municipalities/2021/oversight{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_page_lists_the_kommuns_current_agreements_with_role_partners_dates_and_cost(
    client, auth, register
):
    page = _page(client, auth)
    page = page.split("<tbody>")[1].split("</tbody>")[0]  # the agreement table
    assert "Miljötillsyn Vansbro och Malung-Sälen" in page
    assert "Lönecenter Mora" in page
    assert "Räddningstjänsten Dala Mitt" in page
    assert "Avslutad överförmyndare" not in page  # ended: only with phase=all
    assert "IT-drift som Vansbro lämnat" not in page  # no longer a party
    assert "Mora och Orsa utan Vansbro" not in page
    assert "2026-03-31" in page  # notice deadline: 3 months before the term end
    # decide-by: no calendar, so 14 days for justering, anslag and delivery and 60 days' lead
    assert "2026-01-16" in page
    assert "80\u00a0000\u00a0kr" in page  # 40 % of 200 000
    assert "125\u00a0000,50\u00a0kr" in page  # the kommun's own amount
    assert "Vansbro: ärendet om uppsägning skulle ha lämnats in senast 2026-01-16" in page
    # Overdue review: red, with the word, not colour alone.
    assert '<strong class="overdue">försenad</strong>' in page
    assert "Planerad samverkan där beslut saknas för Vansbro" in page


def test_totals_per_area_and_form(client, auth, register):
    page = _page(client, auth)
    totals = page.split('id="totals-title"')[1].split('id="changes-title"')[0]
    assert "Miljö- och hälsoskydd" in totals and "Lön" in totals
    assert "Avtalssamverkan" in totals and "Kommunalförbund" in totals
    assert "205\u00a0000,50\u00a0kr" in totals  # 80 000 + 125 000,50
    assert "1 utan kostnad" in totals  # the förbund has no cost recorded…
    assert "Okänd" in totals  # …so its form's and area's cost is unknown, not 0 kr


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?role=purchaser", ["Lönecenter Mora"], ["Miljötillsyn", "Räddningstjänsten"]),
        ("?form=kommunalforbund", ["Räddningstjänsten"], ["Lönecenter", "Miljötillsyn"]),
        ("?area=lon", ["Lönecenter Mora"], ["Miljötillsyn", "Räddningstjänsten"]),
        ("?phase=all", ["Avslutad överförmyndare", "Lönecenter"], []),
        ("?q=malung", ["Miljötillsyn", "Räddningstjänsten"], ["Lönecenter"]),
        ("?attention=1&months=3", ["Miljötillsyn", "Räddningstjänsten"], ["Lönecenter Mora"]),
    ],
)
def test_filters_work_without_javascript(client, auth, register, query, shown, hidden):
    page = _page(client, auth, query)
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    for title in shown:
        assert title in table
    for title in hidden:
        assert title not in table


def test_sorting_by_cost(client, auth, register):
    page = _page(client, auth, "?sort=cost")
    assert page.index("Lönecenter Mora") < page.index("Miljötillsyn Vansbro")
    page = _page(client, auth, "?sort=-cost")
    assert page.index("Miljötillsyn Vansbro") < page.index("Lönecenter Mora")


def test_bad_filter_values_are_named_not_crashed(client, auth, register):
    page = _page(client, auth, "?sort=drop&since=igår&months=7&phase=x")
    assert "Okänd sortering." in page
    assert "ÅÅÅÅ-MM-DD" in page
    assert "Lönecenter Mora" in page


def test_changes_since_a_date_in_plain_swedish(client, auth, register, session):
    miljo = register["miljo"]
    data = AgreementInput.from_agreement(miljo)
    data.notice_months = 6
    update_agreement(session, miljo, data, expected_version=miljo.version, actor=Actor.system())
    session.commit()
    old = session.scalars(
        select(AuditEvent).where(AuditEvent.agreement_id == miljo.id, AuditEvent.action == "create")
    ).one()
    old.created_at = datetime(2025, 6, 1, 12, tzinfo=UTC)
    session.commit()

    page = _page(client, auth, "?since=2025-12-01")
    changes = page.split('id="changes-title"')[1]
    assert "Vad har ändrats sedan 2025-12-01" in page
    assert "ändrade uppsägningstiden (månader) från 3 till 6" in changes
    assert "Miljötillsyn Vansbro och Malung-Sälen" in changes
    assert changes.count("registrerade samverkan") == 3  # the other three, created today
    page = _page(client, auth, "?since=2025-01-01")
    assert page.split('id="changes-title"')[1].count("registrerade samverkan") == 4


def test_review_and_checklist_columns_only_where_those_capabilities_exist(client, auth, register):
    page = _page(client, auth)
    assert ("Senaste uppföljning" in page) == sources.has_reviews()
    assert ("Checklista" in page) == sources.has_checklists()


def test_number_of_queries_does_not_grow_with_agreements(client, auth, register, factory):
    auth.login("politiker@vansbro.se")

    statements_of_last: list[str] = []

    def count() -> int:
        db.session.remove()  # an empty identity map, so both runs load the same way
        with counted_statements() as statements:
            assert client.get("/municipalities/2021/oversight?phase=all").status_code == 200
        statements_of_last[:] = statements
        return len(statements)

    before = count()
    for n in range(6):
        factory.agreement(
            [("2021", "host"), ("2034", "purchaser")], title=f"Extra samverkan {n}", phase="active"
        )
    after = count()
    assert after == before, "\n".join(statements_of_last)


def test_permissions_and_unknown_kommun(client, auth, register):
    assert client.get("/municipalities/2021/oversight").status_code == 302  # login first
    auth.login("politiker@vansbro.se")
    assert client.get("/municipalities/9999/oversight").status_code == 404
    assert client.get("/municipalities/2062/oversight").status_code == 200  # others' too


def test_report_html_has_cover_traffic_lights_and_sections(client, auth, register):
    auth.login("politiker@vansbro.se")
    html = client.get("/municipalities/2021/oversight/report").get_data(as_text=True)
    assert "Uppsikt över samverkan" in html and "Vansbro kommun" in html
    assert "Sammanställd av" in html and "Karin Ordförande" in html
    assert "2026-03-01" in html
    assert 'class="traffic-light traffic-light--red"' in html
    assert "Röd: åtgärda" in html  # the light's text, for black-and-white printing
    attention = html.split('id="attention-title"')[1].split('id="totals-title"')[0]
    assert "Miljötillsyn Vansbro och Malung-Sälen" in attention
    assert "Räddningstjänsten Dala Mitt" in attention  # planned without decisions


def test_pdf_contains_the_agreements(client, auth, register, tmp_path):
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext saknas (apt-get install poppler-utils)")
    auth.login("politiker@vansbro.se")
    response = client.get("/municipalities/2021/oversight.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "uppsikt.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "Uppsikt över samverkan" in flat
    assert "Vansbro kommun" in flat
    # The same file for every reader who would see the same report: it names its data
    # version and when it was made, not who downloaded it.
    assert "Karin Ordförande" not in flat
    assert re.search(r"Dataversion [0-9a-f]{12} \(ändras när något i rapporten ändras\)", flat)
    assert "Framställd 2026-03-01" in flat and "av Samverkanskollen" in flat
    for title in ("Lönecenter Mora", "Räddningstjänsten Dala Mitt"):
        assert title in flat
    assert "Miljötillsyn Vansbro" in flat
    assert "Röd: åtgärda" in flat and "Sida 2 av" in flat


def test_report_fetcher_serves_only_local_static_files(app):
    fetcher = local_fetcher(app.static_folder)
    response = fetcher.fetch("https://samverkanskollen.invalid/static/css/report.css")
    assert b"traffic-light" in response.read()
    for url in (
        "https://example.com/font.woff2",
        "file:///etc/passwd",
        "https://samverkanskollen.invalid/static/../coop_tracker/config.py",
        "data:text/css,body{}",
    ):
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)


def _fake_module(name, **functions):
    import importlib.machinery
    import types

    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, loader=None)
    module.__dict__.update(functions)
    return module


def test_reviews_and_checklists_show_when_their_capabilities_are_installed(
    client, auth, register, monkeypatch
):
    """The oversight reads reviews and checklists through their packages' queries; with those
    installed (faked here, as on a branch where they have landed) the columns appear and the
    latest review decides the next review date and the traffic light."""
    import sys
    from types import SimpleNamespace

    miljo, lon = register["miljo"], register["lon"]
    latest = {
        miljo.id: SimpleNamespace(
            rating="green", reviewed_on=date(2026, 1, 15), next_review_on=date(2027, 1, 15)
        ),
        lon.id: SimpleNamespace(rating="red", reviewed_on=date(2026, 2, 1), next_review_on=None),
    }
    progress = SimpleNamespace(resolved=3, total=8, required_open=2)
    monkeypatch.setitem(
        sys.modules,
        "coop_tracker.reviews.queries",
        _fake_module("coop_tracker.reviews.queries", latest_reviews=lambda s, ids: latest),
    )
    monkeypatch.setitem(
        sys.modules,
        "coop_tracker.checklists.queries",
        _fake_module(
            "coop_tracker.checklists.queries",
            progress_by_agreement=lambda s, ids: {},
            current_progress=lambda agreements, p: {a.id: ("during", progress) for a in agreements},
        ),
    )
    page = _page(client, auth)
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "Senaste uppföljning" in page and "Checklista" in page
    assert "3 av 8 klara" in table and "2 krav kvar" in table
    assert "2027-01-15" in table  # the review's own next date
    assert "Senaste uppföljningen (2026-02-01) är röd." in table
    miljo_row = table.split("Miljötillsyn Vansbro")[1].split("</tr>")[0]
    assert "försenad" not in miljo_row


def test_decide_by_is_the_kommuns_own_from_its_meeting_calendar(client, auth, register, session):
    """Same date as the detail page: Vansbro's KF calendar, not the partner's or lead days."""
    from coop_tracker.meetings.services import MeetingInput, add_meeting

    system = Actor.system()
    # Vansbro: KF 2026-03-16 (leaves the 14 days before the 03-31 deadline), prepared by KS
    # 2026-02-23 whose case deadline 2026-02-09 less 60 days' lead time is 2025-12-11.
    add_meeting(
        session, "2021", MeetingInput("kf", "", date(2026, 3, 16), date(2026, 3, 2)), actor=system
    )
    add_meeting(
        session, "2021", MeetingInput("ks", "", date(2026, 2, 23), date(2026, 2, 9)), actor=system
    )
    add_meeting(
        session, "2023", MeetingInput("kf", "", date(2026, 3, 16), date(2026, 2, 20)), actor=system
    )
    session.commit()
    page = _page(client, auth).split("<tbody>")[1].split("</tbody>")[0]
    assert "2025-12-11" in page
    assert "2025-12-22" not in page  # the partner's date
    assert "2026-01-16" not in page  # buffer and lead days without the calendar
    auth.login("politiker@vansbro.se")
    report = client.get("/municipalities/2021/oversight/report").get_data(as_text=True)
    assert "2025-12-11" in report
    assert "skulle ha lämnats in senast 2025-12-11" in report
    assert "(beslut i KF 2026-03-16, berett i KS 2026-02-23)" in report


def _pdf(client, query=""):
    response = client.get(f"/municipalities/2021/oversight.pdf{query}")
    assert response.status_code == 200
    return response.data


def _pdf_text(path, *pages):
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_pdf_is_portrait_throughout_and_page_one_is_full(client, auth, register, tmp_path):
    if shutil.which("pdfinfo") is None:
        skip_or_fail("pdfinfo saknas (apt-get install poppler-utils)")
    auth.login("politiker@vansbro.se")
    path = tmp_path / "uppsikt.pdf"
    path.write_bytes(_pdf(client))
    if os.environ.get("COOP_TRACKER_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["COOP_TRACKER_SCREENSHOTS"]) / "uppsikt.pdf")
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, check=True, text=True
    ).stdout
    sizes = {
        tuple(line.split(":", 1)[1].split("pts")[0].split())
        for line in info.splitlines()
        if line.startswith("Page") and "size" in line
    }
    assert len(sizes) == 1  # one page size and orientation for the whole report
    width, _x, height = next(iter(sizes))
    assert float(width) < float(height)  # A4 portrait
    page1 = " ".join(_pdf_text(path, 1).split())
    # The first page carries the cover, the summary and the first agreements needing
    # attention: no page with two lines and blank space.
    assert "Sammanfattning" in page1
    assert "Behöver uppmärksamhet" in page1 and "Miljötillsyn Vansbro" in page1


def test_pdf_is_tagged_for_accessibility(client, auth, register, tmp_path):
    """PDF/UA-1: a structure tree with headings, lists and table headers, the document's
    language and title, bookmarks; and the text extracts in reading order."""
    pikepdf = pytest.importorskip("pikepdf")
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext saknas (apt-get install poppler-utils)")
    auth.login("politiker@vansbro.se")
    path = tmp_path / "uppsikt.pdf"
    path.write_bytes(_pdf(client))
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked)
        assert str(root.Lang) == "sv"
        assert root.ViewerPreferences.DisplayDocTitle
        with pdf.open_metadata() as meta:
            assert meta.get("dc:title") == "Uppsikt över samverkan – Vansbro – 2026-03-01"
            assert "pdfuaid:part" in str(meta) or meta.get("pdfuaid:part") == "1"
        tags: list[str] = []

        def walk(element, depth=0):
            if depth > 60 or not isinstance(element, pikepdf.Dictionary):
                return
            if "/S" in element:
                tags.append(str(element.S))
            kids = element.get("/K")
            if isinstance(kids, pikepdf.Array):
                for kid in kids:
                    walk(kid, depth + 1)
            elif isinstance(kids, pikepdf.Dictionary):
                walk(kids, depth + 1)

        walk(root.StructTreeRoot)
        for tag in ("/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Table", "/TH", "/TD", "/Caption"):
            assert tag in tags, tag
        # Bookmarks from the headings: the report's sections are one click away.
        with pdf.open_outline() as outline:
            titles = []

            def collect(items):
                for item in items:
                    titles.append(item.title)
                    collect(item.children)

            collect(outline.root)
        assert "Uppsikt över samverkan" in titles
        assert any(t.startswith("Behöver uppmärksamhet") for t in titles)
        assert any(t.startswith("Ändringar sedan") for t in titles)
    # A real PDF/UA-1 validator ("page": the veraPDF rules, no Java) finds nothing.
    try:
        import page as pdfua_validator
    except ImportError:
        skip_or_fail("page-validation saknas (pip install page-validation)")
    report = pdfua_validator.validate_pdf(path, profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    text = " ".join(_pdf_text(path).split())
    position = 0
    for heading in (
        "Uppsikt över samverkan",
        "Sammanfattning",
        "Behöver uppmärksamhet",
        "Inget att åtgärda (1)",  # the agreements not already told under "Behöver uppmärksamhet"
        "Antal och kostnad",
        "Ändringar sedan",
    ):
        position = text.index(heading, position)  # ValueError: missing or out of order


def test_report_tells_each_agreement_once_with_its_dates(client, auth, register):
    """An agreement needing attention has its own section with the dates the table would have
    shown; the table lists only the others, with their own total."""
    auth.login("politiker@vansbro.se")
    html = _flat(client.get("/municipalities/2021/oversight/report").get_data(as_text=True))
    attention = html.split('id="attention-title"')[1].split('id="list-title"')[0]
    table = html.split('id="list-title"')[1].split('id="totals-title"')[0]
    assert "Miljötillsyn Vansbro och Malung-Sälen" in attention
    assert "Miljötillsyn Vansbro och Malung-Sälen" not in table
    assert "Uppsägning senast 2026-03-31, beslut senast 2026-01-16" in attention
    assert "nästa 2025-01-01" in attention
    assert "Övriga parter – beställande kommun: Malung-Sälen." in attention
    assert "Inget att åtgärda (1)" in table and "Lönecenter Mora" in table
    assert "Kostnad per år för denna 1" in table and "125\u00a0000,50\u00a0kr" in table


def test_changes_include_deadlines_missed_since_the_date(client, auth, register):
    """Vansbro's own decide-by for the notice (2026-01-16) passed with no notice given: a
    change since 2026-01-01, under its agreement; not one since 2026-02-01. The review due
    2025-01-01 is older than either date and stays among the reasons only."""
    auth.login("politiker@vansbro.se")

    def changes(since):
        html = client.get(f"/municipalities/2021/oversight/report?since={since}")
        return _flat(html.get_data(as_text=True)).split('id="changes-title"')[1]

    recent = changes("2026-01-01")
    group = recent.split("Miljötillsyn Vansbro och Malung-Sälen")[1].split("</section>")[0]
    assert "2026-01-16</span> · <strong>Tidsfristen passerade utan beslut eller åtgärd:" in group
    assert "ärendet om uppsägning skulle ha lämnats in senast 2026-01-16" in group
    assert "Uppföljningen är försenad" not in recent
    assert "Tidsfristen passerade" not in changes("2026-02-01")


def _flat(html):
    """Runs of ASCII white space as one space; no-break spaces in amounts stay."""
    return re.sub(r"[ \t\r\n]+", " ", html)


def test_filtered_report_says_what_it_shows_and_what_the_whole_costs(
    client, auth, register, tmp_path
):
    """A politician quoting the cost of a filtered report quotes the right number."""
    auth.login("politiker@vansbro.se")
    report = client.get("/municipalities/2021/oversight/report?role=purchaser")
    text = _flat(report.get_data(as_text=True))
    assert "Vansbro kommun – ett urval" in text
    assert "1 av 3 samverkan där Vansbro är part: kommunens roll: beställare" in text
    assert "Alla samverkan där Vansbro är part" not in text
    # The selection's cost, beside the kommun's whole (80 000 + 125 000,50).
    assert "125\u00a0000,50\u00a0kr" in text
    assert "av kommunens totala kostnad för samverkan 205\u00a0000,50\u00a0kr per år" in text
    whole = _flat(client.get("/municipalities/2021/oversight/report").get_data(as_text=True))
    assert "ett urval" not in whole
    assert "Kommunens totala kostnad för samverkan: <strong>205\u00a0000,50\u00a0kr" in whole
    attention = _flat(
        client.get("/municipalities/2021/oversight/report?attention=1").get_data(as_text=True)
    )
    assert "bara samverkan som behöver uppmärksamhet" in attention
    page = _flat(_page(client, auth, "?form=kommunalforbund"))
    assert "Urval: form: kommunalförbund." in page
    assert "av kommunens totala 205\u00a0000,50\u00a0kr" in page


def test_changes_are_what_a_kommunstyrelse_reads(client, auth, register, session):
    """Decisions and reviews are listed per agreement; contacts and checklist work only on
    request, and another kommun's contact persons never; the system is not a person."""
    from coop_tracker.agreements.services import ContactInput, add_contact

    miljo = register["miljo"]
    system = Actor.system()
    data = AgreementInput.from_agreement(miljo)
    malung = next(p for p in data.parties if p.municipality_code == "2023")
    malung.decision_body = "Kommunfullmäktige"
    malung.decision_on = "2026-02-10"
    malung.decision_paragraph = "§ 12"
    data.internal_note = "Ring Malung om fakturan"
    data.annual_cost = "250000"
    update_agreement(session, miljo, data, expected_version=miljo.version, actor=system)
    add_contact(session, miljo.party_for("2021"), ContactInput(name="Vera Egen"), actor=system)
    add_contact(session, miljo.party_for("2023"), ContactInput(name="Olle Annan"), actor=system)
    session.commit()

    page = _page(client, auth)
    changes = " ".join(page.split('id="changes-title"')[1].split())
    assert "registrerade beslutet för Malung-Sälen: Kommunfullmäktige 2026-02-10 § 12" in changes
    assert "Systemet" in changes and "Kommandorad" not in changes
    assert "Vera Egen" not in changes and "Olle Annan" not in changes
    assert "den interna anteckningen" not in changes  # a note is not a decision
    amounts = _flat(page.split('id="changes-title"')[1])
    assert "den årliga kostnaden från 200\u00a0000\u00a0kr till 250\u00a0000\u00a0kr" in amounts
    assert "rutinändringar (kontaktpersoner, checklistor och liknande) visas inte" in changes
    # Grouped per agreement: the agreement is a heading, its changes a list under it.
    assert '<h3 id="changes-1" class="change-group__title">' in changes

    routine = " ".join(_page(client, auth, "?routine=1").split('id="changes-title"')[1].split())
    assert "Vera Egen" in routine  # the kommun's own contact person, on request
    assert "Olle Annan" not in routine  # never another kommun's
    assert "den interna anteckningen" in routine

    auth.login("politiker@vansbro.se")
    report = client.get("/municipalities/2021/oversight/report").get_data(as_text=True)
    assert "registrerade beslutet för Malung-Sälen" in report
    assert "Vera Egen" not in report


def test_the_kommuns_leaving_an_agreement_is_among_the_changes(client, auth, register, session):
    from coop_tracker.agreements.models import Agreement
    from coop_tracker.audit.services import record

    left = session.scalars(
        select(Agreement.id).where(Agreement.title == "IT-drift som Vansbro lämnat")
    ).one()
    record(
        session,
        Actor.system("import"),
        action="leave",
        object_type="party",
        object_id=1,
        label="Vansbro i IT-drift som Vansbro lämnat",
        agreement_id=left,
        municipality_code="2021",
        changes={"left_on": [None, "2026-02-01"]},
    )
    session.commit()
    changes = " ".join(_page(client, auth).split('id="changes-title"')[1].split())
    assert "IT-drift som Vansbro lämnat" in changes  # no longer in the list, still news
    assert "Import från fil" in changes


@pytest.fixture
def made(monkeypatch):
    """The HTML of every PDF laid out (rather than served from the stored file)."""
    from coop_tracker.oversight import report

    laid_out: list[str] = []
    real = report.render_pdf

    def counting(html, static_folder):
        laid_out.append(html)
        return real(html, static_folder)

    monkeypatch.setattr(report, "render_pdf", counting)
    return laid_out


def test_pdf_is_made_once_per_version_of_the_register(client, auth, register, session, made):
    auth.login("politiker@vansbro.se")
    first = _pdf(client)
    assert _pdf(client) == first and len(made) == 1  # served from the stored file
    assert "Uppgifter per" in made[0]
    _pdf(client, "?attention=1")
    assert len(made) == 2  # other filters: another report
    _pdf(client, "?months=6&sort=status")  # the default values spelt out: the same report
    assert len(made) == 2
    miljo = register["miljo"]
    data = AgreementInput.from_agreement(miljo)
    data.notice_months = 6
    update_agreement(session, miljo, data, expected_version=miljo.version, actor=Actor.system())
    session.commit()
    _pdf(client)
    assert len(made) == 3  # the register changed: made anew
    assert "ändrade uppsägningstiden (månader) från 3 till 6" in made[-1]


def test_a_change_elsewhere_in_the_register_keeps_the_stored_report(
    client, auth, register, session, factory, made
):
    """The data version is the kommun's: an edit in an agreement Vansbro is not party to
    does not date its report, which is served again from the stored file."""
    auth.login("politiker@vansbro.se")
    first = _pdf(client)
    factory.agreement([("2062", "host"), ("2080", "purchaser")], title="Falun och Mora")
    session.commit()
    assert _pdf(client) == first and len(made) == 1


def test_scheduler_makes_the_default_report_in_advance(
    app, client, auth, register, session, factory, made, monkeypatch
):
    """The scheduler's job makes the default report of each kommun with users, as its readers
    see it; their download is the stored file, stating the data version it was made from. A
    filtered report, or one for a reader who may see other agreements, is made on demand."""
    from coop_tracker.agreements.models import Agreement
    from coop_tracker.oversight import views
    from coop_tracker.oversight.jobs import render_default_reports

    miljo_id = register["miljo"].id
    result = render_default_reports(app)  # lets go of what it loaded (the session is emptied)
    assert (result.checked, result.made, result.failed) == (1, 1, [])  # Vansbro has a user
    assert re.search(r"Dataversion</dt><dd>[0-9a-f]{12} ", made[0])

    built = []
    real_html = views.report_html
    monkeypatch.setattr(views, "report_html", lambda *a, **k: built.append(1) or real_html(*a, **k))
    auth.login("politiker@vansbro.se")
    assert _pdf(client).startswith(b"%PDF")
    assert len(made) == 1  # served from the stored file, not laid out again
    assert built == []  # the kommun's data as it was: found without building the report
    again = render_default_reports(app)
    assert (again.made, again.unchanged) == (0, 1)  # nothing changed: not even looked at

    factory.agreement([("2062", "host"), ("2080", "purchaser")], title="Falun och Mora")
    session.commit()
    _pdf(client)
    assert (len(made), built) == (1, [])  # a change elsewhere: still the same file, at once
    _pdf(client, "?role=host")
    assert len(made) == 2  # a selection: made on demand

    auth.logout()
    auth.login(factory.user("admin", None, email="admin@example.se").email)
    _pdf(client)
    assert len(made) == 2  # an administrator sees the same agreements here: the same file
    auth.logout()
    auth.login(factory.user("reader", "2062", email="politiker@mora.se").email)
    _pdf(client)  # Mora's reader does not see Vansbro's planned förbund: another report
    assert len(made) == 3 and "Räddningstjänsten Dala Mitt" not in made[-1]

    miljo = session.get(Agreement, miljo_id)
    data = AgreementInput.from_agreement(miljo)
    data.notice_months = 6
    update_agreement(session, miljo, data, expected_version=miljo.version, actor=Actor.system())
    session.commit()
    changed = render_default_reports(app, codes=["2021"])
    assert changed.made == 1  # the kommun's data changed: made again
    assert "ändrade uppsägningstiden (månader) från 3 till 6" in made[-1]


def test_the_scheduler_process_and_the_command_make_reports(app, runner, register):
    from apscheduler.schedulers.background import BackgroundScheduler

    from coop_tracker.reminders.cli import build_scheduler

    scheduler = build_scheduler(app, BackgroundScheduler())
    assert "reports-render" in {job.id for job in scheduler.get_jobs()}
    wrong = runner.invoke(args=["reports", "render", "--municipality", "99"])
    assert wrong.exit_code != 0 and "'99' är ingen kommunkod (fyra siffror)" in wrong.output
    made = runner.invoke(args=["reports", "render", "--municipality", "2021"])
    assert made.exit_code == 0, made.output
    assert "Mötesrapporter: 1 kommuner, 1 nya PDF" in made.output


def test_filter_by_the_kommuns_responsible_nämnd_or_official(client, auth, register, session):
    """Uppsikt narrows to what one of the kommun's nämnder answers for, and says so."""
    register["lon"].party_for("2021").responsible_body = "Kommunstyrelsen"
    register["miljo"].party_for("2023").responsible_body = "Kommunstyrelsen"  # not Vansbro's
    session.commit()
    page = _page(client, auth, "?responsible=kommunstyrelsen")
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "Lönecenter Mora" in table
    assert "Miljötillsyn" not in table and "Räddningstjänsten" not in table
    assert "Urval: kommunens ansvariga nämnd eller person: ”kommunstyrelsen”." in page
    report = client.get("/municipalities/2021/oversight/report?responsible=kommunstyrelsen")
    text = report.get_data(as_text=True)
    assert "kommunens ansvariga nämnd eller person: ”kommunstyrelsen”" in text
    assert "Lönecenter Mora" in text and "Miljötillsyn Vansbro" not in text


def test_report_shows_the_kommuns_own_review_and_the_other_parties_ratings(
    client, auth, register, session, factory
):
    """The printed report carries what Uppsikt shows: Vansbro's own review (and when it went to
    its kommunstyrelse) beside Malung-Sälen's own rating."""
    from coop_tracker.reviews.services import ReviewInput, create_review

    miljo = register["miljo"]
    create_review(
        session,
        miljo,
        ReviewInput(
            reviewed_on="2026-02-01",
            rating="green",
            goal_attainment="met",
            reported_to="Kommunstyrelsen",
            reported_on="2026-02-20",
            party="2021",
        ),
        actor=factory.actor,
        today=TODAY,
    )
    create_review(
        session,
        miljo,
        ReviewInput(
            reviewed_on="2026-01-10",
            rating="red",
            rating_comment="Tillsynsskulden växer.",
            goal_attainment="met",
            party="2023",
        ),
        actor=factory.actor,
        today=TODAY,
    )
    session.commit()
    auth.login("politiker@vansbro.se")
    report = client.get("/municipalities/2021/oversight/report").get_data(as_text=True)
    article = report.split(f'id="agreement-{miljo.id}"')[1].split("</article>")[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", article))
    assert (
        "Parternas egna uppföljningar – Egen uppföljning ● grön 2026-02-01, rapporterad till "
        "Kommunstyrelsen 2026-02-20; Malung-Sälen: ■ röd 2026-01-10." in text
    )


def test_changes_name_other_domains_objects_in_swedish(app):
    """A document (or any object another domain records) is named as the audit log names it,
    never by the code's English name."""
    from coop_tracker.oversight.changes import describe

    event = AuditEvent(
        created_at=datetime(2026, 2, 20, 9, 0, tzinfo=UTC),
        actor_id=None,
        actor_name="Anna Berg",
        source="web",
        request_id="r",
        action="create",
        object_type="document",
        object_id="7",
        object_label="Avtal: Samverkansavtal om lön",
        agreement_id=1,
        changes={},
    )
    text = describe(event, "Lönecenter Mora", curated=True).text
    assert text == "lade till dokument (Avtal: Samverkansavtal om lön)"


def test_a_next_review_counted_from_the_kommuns_own_review_says_so(
    client, auth, register, session, factory
):
    """Vansbro's own review is newer than any joint one: Uppsikt counts the next review from
    it, and says so, since the agreement's page follows the joint schedule."""
    from coop_tracker.reviews.services import ReviewInput, create_review

    miljo = register["miljo"]
    create_review(
        session,
        miljo,
        ReviewInput(reviewed_on="2026-02-01", rating="green", goal_attainment="met", party="2021"),
        actor=factory.actor,
        today=TODAY,
    )
    session.commit()
    auth.login("politiker@vansbro.se")
    page = client.get("/municipalities/2021/oversight").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "räknat från kommunens egen uppföljning 2026-02-01" in text
    assert text.count("räknat från kommunens egen uppföljning") == 1
