"""A förbund's members and the agreements an organisation is party to (read with the
agreements, which the organisations package below them cannot import)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.organisations.models import Organisation


def founding_agreements(session: Session, org_ids: list[int]) -> dict[int, list[Agreement]]:
    """Organisation id → the agreements (not archived) that establish it, newest first."""
    if not org_ids:
        return {}
    found: dict[int, list[Agreement]] = defaultdict(list)
    rows = session.scalars(
        select(Agreement)
        .where(Agreement.body_organisation_id.in_(org_ids), Agreement.archived_at.is_(None))
        .order_by(Agreement.id.desc())
    )
    for agreement in rows:
        found[agreement.body_organisation_id or 0].append(agreement)
    return found


def members_of(session: Session, org: Organisation) -> list[tuple[Organisation, Party]]:
    """A förbund's members or a company's owners: (organisation, party) of the current parties
    of the agreements that establish it."""
    result: list[tuple[Organisation, Party]] = []
    seen: set[int] = set()
    for agreement in founding_agreements(session, [org.id]).get(org.id, []):
        for party in agreement.current_parties:
            if party.organisation_id not in seen:
                seen.add(party.organisation_id)
                result.append((party.organisation, party))
    return result


def agreements_of(session: Session, org: Organisation) -> list[Agreement]:
    """The agreements the organisation is a party to (not archived)."""
    return list(
        session.scalars(
            select(Agreement)
            .join(Party, Party.agreement_id == Agreement.id)
            .where(Party.organisation_id == org.id, Agreement.archived_at.is_(None))
            .order_by(Agreement.title)
        )
    )
