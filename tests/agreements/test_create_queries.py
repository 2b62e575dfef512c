"""Registering an agreement reads what it needs once, however many parties it has: it sends as
many SELECTs for six parties as for two (a difference is a query per party), its checklist goes
in as one insert, and adding a contact person to a new party reads nothing back."""

from __future__ import annotations

from typing import Any

from coop_tracker.agreements.inputs import ContactInput
from coop_tracker.agreements.services import (
    AgreementInput,
    PartyInput,
    add_contact,
    create_agreement,
)
from coop_tracker.core.actor import Actor
from tests.sql_support import counted_statements

# Vansbro hosts; Malung-Sälen, Gagnef, Leksand, Rättvik and Orsa buy.
KOMMUNER = ["2021", "2023", "2026", "2029", "2031", "2034"]


def _register(session: Any, parties: int) -> tuple[list[str], list[str], list[str]]:
    """The SELECTs registering an agreement with this many parties sends, its inserts of
    checklist items, and the SELECTs adding a contact person to its last party sends."""
    actor = Actor.system("cli")
    data = AgreementInput(
        title=f"Miljötillsyn för {parties} kommuner",
        form="avtalssamverkan",
        area_slugs=["miljo-halsoskydd"],
        start_on="2025-01-01",
        parties=[
            PartyInput(code, "host" if index == 0 else "purchaser")
            for index, code in enumerate(KOMMUNER[:parties])
        ],
    )
    with counted_statements() as registering:
        agreement = create_agreement(session, data, actor=actor).agreement
        session.flush()
    with counted_statements() as adding:
        add_contact(session, agreement.parties[-1], ContactInput(name="Anna Berg"), actor=actor)
    session.commit()
    items = [s for s in registering if s.startswith("INSERT INTO checklist_item")]
    return _selects(registering), items, _selects(adding)


def _selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_registering_reads_the_same_for_two_parties_as_for_six(session):
    _register(session, 2)  # the first reads the checklist templates' questions (then kept)
    two, _, _ = _register(session, 2)
    six, items, contact = _register(session, 6)
    assert len(six) == len(two), "\n".join(six)
    assert len(items) == 1
    assert contact == []
