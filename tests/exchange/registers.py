"""The registers the exchange round-trip tests export and import again, and how they compare."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from coop_tracker.agreements.models import Agreement
from coop_tracker.exchange.columns import canonical


def rich_register(factory: Any, session: Any) -> None:
    """Agreements that use every field: decisions, shares, a party that left, odd text."""
    first = factory.agreement(
        [("2021", "host"), ("2023", "purchaser"), ("2039", "purchaser")],
        title="Miljö- och hälsoskydd; Vansbro, Malung-Sälen och Älvdalen",
        areas=["miljo-halsoskydd", "livsmedelskontroll"],
        external_id="KS 2024/118",
        purpose='Säkra kompetensen.\n\nTvå stycken med "citat" och semikolon; och komma, här.',
        goals="=SUMMA(A1) ska inte bli en formel",
        end_on="2026-12-31",
        notice_months=6,
        renewal="tacit",
        renewal_months=12,
        internal_lead_days=45,
        review_interval_months=6,
        cost_basis="fixed_shares",
        annual_cost="850000.50",
        cost_note="Indexeras årligen",
        document_ref="KS 2023/77",
        document_url="https://vansbro.se/avtal/miljo.pdf",
        internal_note="Anteckning",
        is_public=True,
    )
    first.parties[0].decision_body = "Kommunfullmäktige"
    first.parties[0].decision_on = date(2023, 11, 20)
    first.parties[0].decision_paragraph = "§ 45"
    first.parties[0].decision_ref = "KS 2023/77"
    first.parties[0].cost_share_percent = Decimal("40")
    first.parties[0].deciding_body = "ks"  # Vansbro's KS decides on notice
    first.parties[1].deciding_body = "namnd"
    first.parties[1].deciding_body_name = "Miljö- och byggnämnden"
    first.parties[1].annual_cost = Decimal("310000")
    first.parties[1].cost_share_percent = Decimal("35.5")
    first.parties[2].joined_on = date(2024, 1, 1)
    first.parties[2].left_on = date(2025, 6, 30)
    first.phase = "active"
    factory.agreement(
        [("2021", "member"), ("2023", "member"), ("2039", "member")],
        form="kommunalforbund",
        title="Räddningstjänsten Dala Mitt",
        areas=["raddningstjanst"],
        external_id="RDM-1",
        start_on="2015-01-01",
        phase="active",
    )
    session.commit()


def canonical_register(agreements: Iterable[Agreement]) -> list[dict[str, Any]]:
    """Each agreement as the exchange columns read it, ordered by external id: what a round
    trip must give back unchanged."""
    return sorted((canonical(a) for a in agreements), key=lambda d: d["external_id"])
