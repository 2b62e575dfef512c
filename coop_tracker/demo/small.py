"""The small demo: a believable register, written by hand (``data/agreements.toml``), registered
through the services as the command line would, so every row is validated and audited."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.audited import record_agreement_event
from coop_tracker.agreements.bodies import FIXED_BODIES, add_lists, body_names_by_kommun
from coop_tracker.agreements.dates import add_months
from coop_tracker.agreements.models import Agreement, CostBasis, Form, Phase, Term
from coop_tracker.agreements.services import (
    AgreementInput,
    ContactInput,
    PartyInput,
    add_contact,
    create_agreement,
)
from coop_tracker.core.actor import Actor
from coop_tracker.demo.common import (
    H,
    M,
    P,
    decision_body,
    decision_day,
    diarienummer,
    money,
    month_end,
    month_start,
    percent_shares,
)
from coop_tracker.demo.context import DemoAgreement, Loaded
from coop_tracker.demo.data import read
from coop_tracker.demo.people import GENERAL_TITLES, LEAD_TITLES, person
from coop_tracker.municipalities.models import Municipality
from coop_tracker.organisations.models import Organisation
from coop_tracker.organisations.services import OrganisationInput, create_organisation

_KOMMUNER = read("kommuner")
KOMMUNER: dict[str, str] = _KOMMUNER["kommuner"]  # name → kommunkod of the demo's kommuner
# Rough sizes (thousands of inhabitants), used only to make demo cost shares per capita look
# plausible. Not reference data: the register's populations come from the municipality seed.
ROUGH_SIZE: dict[str, float] = _KOMMUNER["rough_sizes"]
# Parties that are not kommuner, by the name the catalogue uses: seeded reference data by key.
ORGANISATION_KEYS: dict[str, str] = _KOMMUNER["organisation_keys"]
# The nämnd that answers for an agreement in a kommun, by the agreement's first area.
RESPONSIBLE_BODIES: dict[str, str] = _KOMMUNER["responsible_bodies"]


@dataclass(frozen=True)
class DemoBody:
    """A förbund, Finsam or company the small demo registers; for a company, the age in months
    of its bolagsordning and ägardirektiv."""

    kind: str
    name: str
    description: str
    articles_months: int | None = None
    directive_months: int | None = None


DEMO_BODIES: tuple[DemoBody, ...] = tuple(DemoBody(**body) for body in _KOMMUNER["bodies"])


@dataclass(frozen=True)
class TermSpec:
    """When an agreement runs, in months relative to today (or fixed historical dates)."""

    # open (tills vidare) | tacit (renews itself) | fixed (ends by itself) | then_open (a
    # fixed first term, then tills vidare)
    kind: str
    months_ago: int = 36  # the start; negative = starts in the future
    notice: int | None = None
    first: int = 36  # tacit: months of the first term
    renewal: int = 12  # tacit: months of each renewal
    deadline_in: int | None = None  # tacit: put the next notice deadline this many months ahead
    end_in: int | None = None  # fixed: end this many months ahead (negative: has ended)
    start_on: date | None = None
    end_on: date | None = None
    alignment: str = "none"  # open / then_open: none | month_end | year_end


@dataclass(frozen=True)
class AgreementSpec:
    """One hand-written demo agreement; parties are kommun names from ``KOMMUNER`` (or the
    names in ``ORGANISATION_KEYS`` and ``DEMO_BODIES``)."""

    key: str
    title: str
    form: str
    areas: tuple[str, ...]
    parties: tuple[tuple[str, str], ...]
    term: TermSpec
    purpose: str
    goals: str
    motive: str
    phase: str = Phase.ACTIVE
    cost_basis: str | None = None
    annual_cost: int | None = None
    cost_note: str = ""
    shares: tuple[float, ...] = ()  # fixed shares in party order; per capita uses rough sizes
    is_public: bool = False
    internal_note: str = ""
    undecided: tuple[str, ...] = ()  # parties whose decision is still missing
    left: tuple[tuple[str, int], ...] = ()  # (kommun, months ago it left)
    review_interval_months: int = 12
    internal_lead_days: int = 60
    decision_body: str | None = None  # when the form's usual body is not the one that decided
    body: str | None = None  # the förbund, Finsam or company (DEMO_BODIES) this agreement forms


def _spec(entry: dict[str, Any]) -> AgreementSpec:
    """One ``[[agreement]]`` table of the data file (TOML arrays become tuples)."""
    fields = dict(entry)
    fields["term"] = TermSpec(**fields["term"])
    for name in ("areas", "undecided", "shares"):
        fields[name] = tuple(fields.get(name, ()))
    for name in ("parties", "left"):
        fields[name] = tuple(tuple(pair) for pair in fields.get(name, ()))
    return AgreementSpec(**fields)


SMALL_CATALOGUE: tuple[AgreementSpec, ...] = tuple(
    _spec(entry) for entry in read("agreements")["agreement"]
)


def small_dates(
    term: TermSpec, rng: random.Random, today: date
) -> tuple[date, date | None, str, int | None]:
    """(start_on, end_on, term, renewal_months) for one hand-written term."""
    jitter = rng.randint(0, 4) if term.months_ago > 0 else 0
    start = term.start_on or month_start(today, -(term.months_ago + jitter))
    if term.kind == "open":
        return start, None, Term.INDEFINITE, None
    if term.kind in ("fixed", "then_open"):
        assert term.end_on is not None or term.end_in is not None
        end = term.end_on or month_end(today, cast(int, term.end_in))
        kind = Term.FIXED if term.kind == "fixed" else Term.FIXED_THEN_INDEFINITE
        return start, end, kind, None
    notice = term.notice or 0
    if term.start_on is not None or term.months_ago <= 0:
        return (
            start,
            add_months(start - timedelta(days=1), term.first),
            Term.RENEWING,
            (term.renewal),
        )
    # Work back from the notice deadline we want: the term whose notice deadline falls
    # ``deadline_in`` months ahead ends ``notice`` months later; earlier renewals and the first
    # term precede it. The deadline must come before the next renewal, or the earlier term's
    # deadline would still be open.
    deadline_in = term.deadline_in
    if deadline_in is None:
        deadline_in = rng.randint(min(9, term.renewal - 1), term.renewal - 1)
    assert 0 <= deadline_in < term.renewal
    term_end = month_end(today, deadline_in + notice)
    renewals = max(0, round((deadline_in + notice - term.first + term.months_ago) / term.renewal))
    while True:
        end = add_months(term_end, -renewals * term.renewal)
        start = add_months(end, -term.first) + timedelta(days=1)
        if start <= today:
            return start, end, Term.RENEWING, term.renewal
        renewals += 1


def load_small(session: Session, rng: random.Random, today: date, actor: Actor) -> Loaded:
    """Register the hand-written agreements through the services, as the command line."""
    loaded: list[DemoAgreement] = []
    contacts = parties = 0
    refs = {**KOMMUNER, **ORGANISATION_KEYS, **_demo_bodies(session, today, actor)}
    _demo_nämnder(session, actor)
    for spec in SMALL_CATALOGUE:
        start, end, term, renewal_months = small_dates(spec.term, rng, today)
        codes = [refs[name] for name, _ in spec.parties]
        shares: dict[str, Decimal] = {}
        if spec.cost_basis == CostBasis.FIXED_SHARES:
            weights = spec.shares or tuple(1.0 for _ in codes)
            shares = percent_shares(codes, weights)
        elif spec.cost_basis == CostBasis.PER_CAPITA:
            current = [name for name, _ in spec.parties if name not in dict(spec.left)]
            shares = percent_shares(
                [refs[name] for name in current], [ROUGH_SIZE.get(n, 10) for n in current]
            )
        payers = [name for name, role in spec.parties if role == P]
        party_inputs = []
        for name, role in spec.parties:
            code = refs[name]
            is_kommun = name in KOMMUNER
            share = shares.get(code)
            owner_share = share if spec.form == Form.BOLAG else None
            if owner_share is not None:
                share = None
            cost: Decimal | None = None
            if share is not None and spec.annual_cost:
                cost = money(spec.annual_cost * float(share) / 100)
            elif spec.cost_basis == CostBasis.USAGE and role == P and spec.annual_cost:
                cost = money(spec.annual_cost / len(payers))
            decided = name not in spec.undecided
            decision_on = decision_day(rng, start, today) if decided else None
            left_months = dict(spec.left).get(name)
            party_inputs.append(
                PartyInput(
                    municipality_code=code if is_kommun else None,
                    organisation=None if is_kommun else code,
                    ownership_percent=owner_share,
                    responsible_body=_responsible_body(spec) if is_kommun else "",
                    role=role,
                    decision_body=(
                        (spec.decision_body or decision_body(rng, spec.form)) if decided else ""
                    ),
                    decision_on=decision_on,
                    decision_paragraph=f"§ {rng.randint(4, 190)}" if decided else "",
                    decision_ref=(
                        diarienummer(code if is_kommun else "2000", decision_on.year, rng)
                        if decision_on
                        else ""
                    ),
                    joined_on=start,
                    left_on=month_end(today, -left_months) if left_months else None,
                    cost_share_percent=share,
                    annual_cost=cost,
                )
            )
        lead = next(p for p in party_inputs if p.role in (H, spec.parties[0][1]))
        data = AgreementInput(
            title=spec.title,
            form=spec.form,
            area_slugs=list(spec.areas),
            purpose=spec.purpose,
            goals=spec.goals,
            motive=spec.motive,
            start_on=start,
            end_on=end,
            notice_months=spec.term.notice,
            term=term,
            end_alignment=spec.term.alignment,
            renewal_months=renewal_months,
            internal_lead_days=spec.internal_lead_days,
            review_interval_months=spec.review_interval_months,
            cost_basis=spec.cost_basis,
            annual_cost=spec.annual_cost,
            cost_note=spec.cost_note,
            document_ref=lead.decision_ref,
            internal_note=spec.internal_note,
            is_public=spec.is_public,
            parties=party_inputs,
            body_organisation=refs[spec.body] if spec.body else None,
        )
        agreement = create_agreement(session, data, actor=actor, today=today).agreement
        if spec.phase != Phase.PLANNED:
            # There is no lifecycle module yet to move an agreement through its gates, so the
            # demo sets the phase directly and records the change like a transition would.
            agreement.phase = spec.phase
            session.flush()
            changes = {"phase": [Phase.PLANNED.value, spec.phase]}
            record_agreement_event(session, actor, agreement, "update", changes)
        contacts += _small_contacts(session, agreement, spec, rng, actor)
        parties += len(agreement.parties)
        loaded.append(_demo_agreement(agreement))
    return Loaded(loaded, parties, contacts)


def _demo_bodies(session: Session, today: date, actor: Actor) -> dict[str, str]:
    """Register the demo's förbund, Finsam and company; name → key for the party lists."""
    found: dict[str, str] = {}
    for body in DEMO_BODIES:
        existing = session.scalar(select(Organisation).where(Organisation.name == body.name))
        org = existing or create_organisation(
            session,
            OrganisationInput(
                kind=body.kind,
                name=body.name,
                description=body.description,
                articles_adopted_on=(
                    month_start(today, -body.articles_months) if body.articles_months else None
                ),
                owner_directive_on=(
                    month_start(today, -body.directive_months) if body.directive_months else None
                ),
            ),
            actor=actor,
        )
        found[body.name] = f"org-{org.id}"
    return found


def _demo_nämnder(session: Session, actor: Actor) -> None:
    """Each demo kommun's list of nämnder: those the demo names as responsible (kommunfullmäktige
    and kommunstyrelsen are in every list)."""
    names = sorted({n for n in RESPONSIBLE_BODIES.values() if n not in FIXED_BODIES})
    codes = sorted(set(KOMMUNER.values()))
    kommuner = {
        kommun.code: kommun
        for kommun in session.scalars(select(Municipality).where(Municipality.code.in_(codes)))
    }
    listed = body_names_by_kommun(session, set(kommuner))
    lists = {
        kommuner[code]: [name for name in names if name not in listed[code]]
        for code in codes
        if code in kommuner
    }
    add_lists(session, lists, actor=actor)


def _responsible_body(spec: AgreementSpec) -> str:
    """The nämnd that answers for the agreement in a kommun, by the agreement's first area."""
    return RESPONSIBLE_BODIES.get(spec.areas[0], "Kommunstyrelsen")


def _small_contacts(
    session: Session, agreement: Agreement, spec: AgreementSpec, rng: random.Random, actor: Actor
) -> int:
    """A carrier at the leading party, and a contact at some of the others."""
    lead_title = LEAD_TITLES.get(spec.areas[0], "Verksamhetschef")
    taken: set[str] = set()
    added = 0
    current = [p for p in agreement.parties if p.left_on is None]
    lead = next((p for p in current if p.role == H), current[0])
    for party in current:
        is_lead = party is lead
        if not is_lead and rng.random() < 0.45:
            continue
        name, email = person(rng, party.name, taken)
        # A purchasing kommun usually has no specialist of its own in the area it buys.
        is_peer = party.role == M and rng.random() < 0.6
        title = lead_title if is_lead or is_peer else rng.choice(GENERAL_TITLES)
        add_contact(
            session,
            party,
            ContactInput(
                name=name, title=title, email=email, is_carrier=is_lead, wants_reminders=is_lead
            ),
            actor=actor,
        )
        added += 1
        if is_lead and len(current) >= 4:
            # Large cooperations are usually carried by the kommundirektörer too.
            name, email = person(rng, party.name, taken)
            add_contact(
                session,
                party,
                ContactInput(name=name, title="Kommundirektör", email=email, is_carrier=True),
                actor=actor,
            )
            added += 1
    return added


def _demo_agreement(agreement: Agreement) -> DemoAgreement:
    return DemoAgreement(
        id=agreement.id,
        title=agreement.title,
        form=agreement.form,
        phase=agreement.phase,
        start_on=agreement.start_on,
        end_on=agreement.end_on,
        area_slugs=tuple(a.slug for a in agreement.areas),
        # Later steps plan per kommun (meeting calendars, reminders): kommun parties only.
        parties=tuple(
            (p.municipality_code, p.role)
            for p in agreement.parties
            if p.is_current and p.municipality_code
        ),
    )
