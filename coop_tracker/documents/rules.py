"""Document types and the "gällande dokument" check: pure rules, ``today`` passed in.

Which documents an agreement needs follows the legal form (shared/DOMAIN.md): a
kommunalförbund is formed when every member's fullmäktige adopts its förbundsordning, which
names the members (KL 2017:725, 9 kap. 1 och 6 §§); the parties to a gemensam nämnd adopt a
reglemente and, in practice, a samverkansavtal (9 kap. 19–36 §§); avtalssamverkan (9 kap.
37 § ff.) and an asymmetric arrangement rest on the written agreement. A change of parties
therefore needs the governing document decided again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from coop_tracker.core.i18n import _l
from coop_tracker.documents.models import DocumentType as T

TYPE_LABELS: dict[str, Any] = {
    T.AVTAL: _l("Avtal"),
    T.FORBUNDSORDNING: _l("Förbundsordning"),
    T.REGLEMENTE: _l("Reglemente"),
    T.SAMVERKANSAVTAL: _l("Samverkansavtal"),
    T.AGARDIREKTIV: _l("Ägardirektiv"),
    T.BOLAGSORDNING: _l("Bolagsordning"),
    T.PUB_AVTAL: _l("Personuppgiftsbiträdesavtal"),
    T.DELEGATIONSORDNING: _l("Delegationsordning"),
    T.PROTOKOLLSUTDRAG: _l("Protokollsutdrag"),
    T.UPPFOLJNINGSRAPPORT: _l("Uppföljningsrapport"),
    T.AVVECKLINGSPLAN: _l("Avvecklingsplan"),
    T.OVRIGT: _l("Övrigt"),
}

# The governing document(s) each legal form needs.
REQUIRED_BY_FORM: dict[str, tuple[str, ...]] = {
    "kommunalforbund": (T.FORBUNDSORDNING,),
    "gemensam_namnd": (T.REGLEMENTE, T.SAMVERKANSAVTAL),
    "avtalssamverkan": (T.AVTAL,),
    "asymmetrisk": (T.AVTAL,),
    "ovrig": (),
}

# Documents that name the parties: a party joining or leaving makes an older one out of date.
NAMES_THE_PARTIES = (T.AVTAL, T.FORBUNDSORDNING, T.REGLEMENTE, T.SAMVERKANSAVTAL, T.BOLAGSORDNING)

# Phases in which the governing documents must be in force.
CHECKED_PHASES = ("active", "exiting")


@dataclass(frozen=True)
class CurrentDoc:
    """What the check needs of a document: its type and its current version's dates."""

    id: int
    doc_type: str
    title: str
    decided_on: date | None
    valid_from: date | None
    valid_to: date | None

    @property
    def effective_on(self) -> date | None:
        """The later of its decision and its start: the day it took the parties as they were."""
        days = [d for d in (self.decided_on, self.valid_from) if d is not None]
        return max(days) if days else None


@dataclass(frozen=True)
class Finding:
    """One problem with the agreement's documents: ``kind`` is missing, expired or outdated."""

    kind: str
    doc_type: str
    text: str
    document_id: int | None = None


def last_party_change(
    start_on: date | None, parties: Iterable[tuple[date | None, date | None]], today: date
) -> date | None:
    """The latest day a party joined after the start, or left, up to ``today``."""
    changes = [
        joined
        for joined, _left in parties
        if joined is not None and (start_on is None or joined > start_on) and joined <= today
    ]
    changes += [left for _joined, left in parties if left is not None and left <= today]
    return max(changes) if changes else None


def check_documents(
    form: str,
    phase: str,
    documents: Sequence[CurrentDoc],
    *,
    last_change_on: date | None,
    today: date,
    legacy_link: bool = False,
) -> list[Finding]:
    """Missing governing documents, expired ones and ones older than the last change of
    parties. Nothing is asked of a planned, ended or abandoned agreement. ``legacy_link``: the
    agreement's own details carry a link or diarienummer to its agreement (the register's
    single link from before documents): while none of the governing documents is registered,
    a missing one is one not yet registered."""
    if phase not in CHECKED_PHASES:
        return []
    findings: list[Finding] = []
    by_type: dict[str, list[CurrentDoc]] = {}
    for doc in documents:
        by_type.setdefault(doc.doc_type, []).append(doc)
    required_types = REQUIRED_BY_FORM.get(form, ())
    # The old single link stands for the agreement's papers only while none is registered.
    legacy = legacy_link and not any(r in by_type for r in required_types)
    for required in required_types:
        if required not in by_type and legacy:
            findings.append(
                Finding(
                    "unregistered",
                    required,
                    str(
                        _l(
                            "%(type)s finns bara som länk eller diarienummer i uppgifterna om "
                            "samverkan: lägg in det som dokument med beslutsdatum.",
                            type=TYPE_LABELS[required],
                        )
                    ),
                )
            )
        elif required not in by_type:
            findings.append(
                Finding(
                    "missing",
                    required,
                    str(_l("%(type)s saknas.", type=TYPE_LABELS[required])),
                )
            )
    for doc in documents:
        if doc.valid_to is not None and doc.valid_to < today:
            findings.append(
                Finding(
                    "expired",
                    doc.doc_type,
                    str(
                        _l(
                            "”%(title)s” gällde till %(date)s.",
                            title=doc.title,
                            date=doc.valid_to.isoformat(),
                        )
                    ),
                    doc.id,
                )
            )
        elif (
            doc.doc_type in NAMES_THE_PARTIES
            and last_change_on is not None
            and (doc.effective_on is None or doc.effective_on < last_change_on)
        ):
            findings.append(
                Finding(
                    "outdated",
                    doc.doc_type,
                    str(
                        _l(
                            "”%(title)s” är äldre än den senaste ändringen av parterna "
                            "(%(date)s): besluta en ny version.",
                            title=doc.title,
                            date=last_change_on.isoformat(),
                        )
                    ),
                    doc.id,
                )
            )
    return findings
