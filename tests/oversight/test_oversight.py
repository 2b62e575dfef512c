"""The uppsikt page and the meeting report: what a politician sees, filters, totals, changes,
the PDF's text, and a constant number of queries."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, select

from coop_tracker.agreements.services import AgreementInput, update_agreement
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from coop_tracker.oversight import sources
from coop_tracker.oversight.report import RefusedResource, local_fetcher
from tests.conftest import skip_or_fail

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    from coop_tracker.oversight import views

    monkeypatch.setattr(views, "today", lambda: TODAY)


@pytest.fixture
def register(factory, session):
    """Vansbro (2021) in four agreements, one it has left, one it is not in."""
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
    return {"miljo": miljo, "lon": lon}


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
    assert "2026-01-30" in page  # decide-by: 60 days before it
    assert "80\u00a0000\u00a0kr" in page  # 40 % of 200 000
    assert "125\u00a0000,50\u00a0kr" in page  # the kommun's own amount
    assert "Beslut om uppsägning skulle ha förberetts senast 2026-01-30" in page
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
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/municipalities/2021/oversight?phase=all").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
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
    assert "Karin Ordförande" in flat
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
    add_meeting(
        session, "2021", MeetingInput("kf", "", date(2026, 3, 25), date(2026, 3, 10)), actor=system
    )
    add_meeting(
        session, "2023", MeetingInput("kf", "", date(2026, 3, 16), date(2026, 2, 20)), actor=system
    )
    session.commit()
    page = _page(client, auth).split("<tbody>")[1].split("</tbody>")[0]
    assert "2026-03-10" in page
    assert "2026-02-20" not in page  # the partner's date
    assert "2026-01-30" not in page  # lead days without the calendar
    auth.login("politiker@vansbro.se")
    report = client.get("/municipalities/2021/oversight/report").get_data(as_text=True)
    assert "2026-03-10" in report
    assert "senast 2026-01-30" not in report  # ("Ändringar sedan 2026-01-30" is the since date)
    assert "behöver tas senast 2026-03-10" in report


def test_pdf_summary_pages_are_landscape_and_start_on_the_first_page(
    client, auth, register, tmp_path
):
    if shutil.which("pdfinfo") is None:
        skip_or_fail("pdfinfo saknas (apt-get install poppler-utils)")
    auth.login("politiker@vansbro.se")
    path = tmp_path / "uppsikt.pdf"
    path.write_bytes(client.get("/municipalities/2021/oversight.pdf").data)
    if os.environ.get("COOP_TRACKER_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["COOP_TRACKER_SCREENSHOTS"]) / "uppsikt.pdf")
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, check=True, text=True
    ).stdout
    sizes = [
        line.split(":", 1)[1].split("pts")[0].split()
        for line in info.splitlines()
        if line.startswith("Page") and "size" in line
    ]
    first = (float(sizes[0][0]), float(sizes[0][2]))
    assert first[0] > first[1]  # landscape: the whole summary table fits
    page1 = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Kostnad per" in page1  # the table starts on the cover page, not page 2
    assert "Okänd" in page1  # ... and its last column (cost) is on the page
