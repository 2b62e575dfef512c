"""Demo documents (``flask demo --scale small``): förbundsordningar in two versions, reglementen,
agreements, a personuppgiftsbiträdesavtal and protokollsutdrag, as real DOCX and ODT files
with searchable text or as links to a diarium. Some agreements are left with gaps on purpose,
so the "gällande dokument" check has something to say: a missing samverkansavtal, an expired
agreement, and agreements with no documents yet. A step of ``load_demo``.
"""

from __future__ import annotations

import functools
import io
from datetime import date, timedelta

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.demo.context import DemoAgreement, DemoContext
from coop_tracker.demo.data import read
from coop_tracker.documents.services import (
    DocumentInput,
    Upload,
    VersionInput,
    add_version,
    create_document,
)


def _docx(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _odt(paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


# The paragraphs of each demo file, by file name (an ODT or a DOCX by its suffix).
FILE_TEXTS: dict[str, list[str]] = read("documents")["files"]


def _file(name: str) -> Upload:
    """The demo file ``name`` with its paragraphs from ``data/documents.toml``."""
    return Upload(name, _file_data(name))


@functools.cache
def _file_data(name: str) -> bytes:
    """The bytes of the demo file ``name``, written once per process (a DOCX takes python-docx
    some 20 ms to build; a process that loads the demo again gives the same files)."""
    paragraphs = FILE_TEXTS[name]
    return _odt(paragraphs) if name.endswith(".odt") else _docx(paragraphs)


def _find(context: DemoContext, title: str) -> DemoAgreement | None:
    return next((a for a in context.agreements if a.title == title), None)


def _years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years, month=1, day=1)


def demo_documents(session: Session, context: DemoContext) -> None:
    """Documents for a handful of the small demo's agreements."""
    if context.scale != "small":
        return
    actor = context.actor
    today = context.today
    count = 0

    def add(agreement: DemoAgreement, data: DocumentInput) -> None:
        nonlocal count
        row = session.get(Agreement, agreement.id)
        assert row is not None
        create_document(session, row, data, actor=actor)
        count += 1

    forbund = _find(context, "Räddningstjänstförbundet Västra Dalarna")
    if forbund is not None:
        start = forbund.start_on or _years_before(today, 10)
        row = session.get(Agreement, forbund.id)
        assert row is not None
        first = create_document(
            session,
            row,
            DocumentInput(
                doc_type="forbundsordning",
                title="Förbundsordning för Räddningstjänstförbundet Västra Dalarna",
                note="Antagen av fullmäktige i varje medlemskommun.",
                is_public=True,
                first=VersionInput(
                    reference="KS 2015/211",
                    decided_on=(start - timedelta(days=75)).isoformat(),
                    valid_from=start.isoformat(),
                    file=_file("Förbundsordning.odt"),
                ),
            ),
            actor=actor,
        )
        revised = today - timedelta(days=400)
        add_version(
            session,
            first,
            VersionInput(
                reference="KS 2025/48",
                decided_on=revised.isoformat(),
                valid_from=revised.replace(month=1, day=1)
                .replace(year=revised.year + 1)
                .isoformat(),
                change_note=(
                    "Budgetsamrådet flyttas till april; direktionens sammansättning efter valet "
                    "anges; uppsiktens rapportering till medlemmarna två gånger om året; "
                    "medlemsbidraget får en fast del (30 procent i lika delar)."
                ),
                file=_file("Förbundsordning reviderad.docx"),
            ),
            expected_version=first.version,
            actor=actor,
        )
        count += 1
        add(
            forbund,
            DocumentInput(
                doc_type="delegationsordning",
                title="Delegationsordning för direktionen",
                first=VersionInput(
                    reference="Dir 2024/7",
                    decided_on=(today - timedelta(days=300)).isoformat(),
                    link_url="https://diarium.example.se/rvd/2024-7",
                ),
            ),
        )

    namnd = _find(context, "Gemensam överförmyndarnämnd i norra och västra Dalarna")
    if namnd is not None:
        start = namnd.start_on or _years_before(today, 8)
        add(
            namnd,
            DocumentInput(
                doc_type="reglemente",
                title="Reglemente för den gemensamma överförmyndarnämnden",
                first=VersionInput(
                    reference="KF 2017/90",
                    decided_on=(start - timedelta(days=60)).isoformat(),
                    valid_from=start.isoformat(),
                    file=_file("Reglemente överförmyndarnämnd.odt"),
                ),
            ),
        )
        # No samverkansavtal registered: the check says it is missing.

    miljo = _find(
        context, "Avtal om miljö- och hälsoskydd och livsmedelskontroll, Vansbro och Malung-Sälen"
    )
    if miljo is not None:
        start = miljo.start_on or _years_before(today, 5)
        add(
            miljo,
            DocumentInput(
                doc_type="avtal",
                title="Samverkansavtal om miljö- och hälsoskydd och livsmedelskontroll",
                is_public=True,
                first=VersionInput(
                    reference="KS 2021/133",
                    decided_on=(start - timedelta(days=45)).isoformat(),
                    valid_from=start.isoformat(),
                    file=_file("Avtal miljö och livsmedel.docx"),
                ),
            ),
        )
        add(
            miljo,
            DocumentInput(
                doc_type="personuppgiftsbitradesavtal",
                title="Personuppgiftsbiträdesavtal för tillsynsärenden",
                note="Vansbro är personuppgiftsansvarig, Malung-Sälen personuppgiftsbiträde.",
                first=VersionInput(
                    reference="KS 2021/134",
                    decided_on=(start - timedelta(days=45)).isoformat(),
                    file=_file("PUB-avtal.odt"),
                ),
            ),
        )
        row = session.get(Agreement, miljo.id)
        assert row is not None
        for party in row.parties:
            add(
                miljo,
                DocumentInput(
                    doc_type="protokollsutdrag",
                    title=f"Protokollsutdrag, kommunfullmäktige {party.name}",
                    party_id=party.id,
                    first=VersionInput(
                        decided_on=(start - timedelta(days=40)).isoformat(),
                        link_url=f"https://diarium.example.se/{party.municipality_code}/kf",
                    ),
                ),
            )

    lon = _find(context, "Lönecenter Vansbro – löneadministration åt Malung-Sälen")
    if lon is not None:
        start = lon.start_on or _years_before(today, 4)
        add(
            lon,
            DocumentInput(
                doc_type="avtal",
                title="Avtal om löneadministration",
                note="Avtalets bilaga med prislista gällde till förra årsskiftet.",
                first=VersionInput(
                    reference="KS 2022/61",
                    decided_on=(start - timedelta(days=30)).isoformat(),
                    valid_from=start.isoformat(),
                    valid_to=date(today.year - 1, 12, 31).isoformat(),
                    link_url="https://diarium.example.se/2021/ks-2022-61",
                ),
            ),
        )
    context.counts["dokument"] = count
