"""Reading documents for the pages: an agreement's current set and its "gällande dokument"
check, and the document metadata the public register shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.documents.models import Document
from coop_tracker.documents.rules import CurrentDoc, Finding, check_documents, last_party_change


@dataclass(frozen=True)
class Overview:
    """An agreement's documents (current versions) and what the check found."""

    documents: list[Document]
    findings: list[Finding]
    last_change_on: date | None

    @property
    def is_current(self) -> bool:
        return not self.findings


def documents_by_agreement(
    session: Session, agreement_ids: Sequence[int]
) -> dict[int, list[Document]]:
    """Documents of many agreements in one query (their versions in one more)."""
    found: dict[int, list[Document]] = {i: [] for i in agreement_ids}
    if not agreement_ids:
        return found
    for document in session.scalars(
        select(Document)
        .where(Document.agreement_id.in_(agreement_ids))
        .order_by(Document.doc_type, Document.title, Document.id)
    ):
        found[document.agreement_id].append(document)
    return found


def overview(agreement: Agreement, documents: Sequence[Document], today: date) -> Overview:
    """The current set and the check: missing, expired and out-of-date governing documents."""
    current = [
        CurrentDoc(
            d.id,
            d.doc_type,
            d.title,
            d.current.decided_on,
            d.current.valid_from,
            d.current.valid_to,
        )
        for d in documents
        if d.party_id is None and d.exit_id is None and d.review_id is None
    ]
    last_change = last_party_change(
        agreement.start_on, [(p.joined_on, p.left_on) for p in agreement.parties], today
    )
    findings = check_documents(
        agreement.form,
        agreement.phase,
        current,
        last_change_on=last_change,
        today=today,
        legacy_link=bool(agreement.document_url or agreement.document_ref),
    )
    return Overview(list(documents), findings, last_change)


def agreement_overview(session: Session, agreement: Agreement, today: date) -> Overview:
    return overview(agreement, documents_by_agreement(session, [agreement.id])[agreement.id], today)
