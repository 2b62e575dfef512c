"""The small demo has documents to show: a förbundsordning in two versions with real files,
searchable text, and gaps the "gällande dokument" check points out."""

from __future__ import annotations

from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.core.clock import today
from coop_tracker.documents.models import Document
from coop_tracker.documents.queries import agreement_overview
from coop_tracker.documents.search import search_documents
from coop_tracker.documents.services import read_version_file
from coop_tracker.users.models import User


def test_demo_documents(session, demo_database):
    result = demo_database()
    assert result.extras["dokument"] == 8
    reader = session.scalars(select(User).where(User.email == "lasare@vansbro.demo.se")).one()
    found = search_documents(session, "personuppgiftsbiträde", reader)
    assert [h.document.title for h in found.hits] == [
        "Personuppgiftsbiträdesavtal för tillsynsärenden"
    ]
    charter = session.scalars(select(Document).where(Document.doc_type == "forbundsordning")).one()
    assert [v.number for v in charter.versions] == [1, 2]
    assert charter.current.change_note.startswith("Budgetsamrådet flyttas")
    assert read_version_file(charter.versions[0]).startswith(b"PK")  # the stored ODT

    def findings(title):
        agreement = session.scalars(select(Agreement).where(Agreement.title == title)).one()
        return [f.text for f in agreement_overview(session, agreement, today()).findings]

    assert findings("Räddningstjänstförbundet Västra Dalarna") == []
    assert findings("Gemensam överförmyndarnämnd i norra och västra Dalarna") == [
        "Samverkansavtal saknas."
    ]
    assert findings("Lönecenter Vansbro – löneadministration åt Malung-Sälen") == [
        f"”Avtal om löneadministration” gällde till {today().year - 1}-12-31."
    ]
