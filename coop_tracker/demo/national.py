"""The national demo: the whole country (10,000 agreements, ~35,000 parties over all 290
kommuner), generated from the profiles in ``data/national.toml`` and inserted with SQLAlchemy
Core ``insert()`` in chunks, in the caller's single transaction. It checks the role rules itself
before inserting; ``load_demo`` writes one ``demo_load`` audit event for the whole load."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.dates import add_months, term_from_legacy
from coop_tracker.agreements.models import (
    GENERATED_ID_PREFIX,
    Agreement,
    Contact,
    CostBasis,
    Party,
    Phase,
    Renewal,
    agreement_area,
)
from coop_tracker.agreements.rules import role_rule_errors
from coop_tracker.core import clock
from coop_tracker.demo.common import (
    ASYM,
    AVTAL,
    FORBUND,
    INSERT_CHUNK,
    NAMND,
    H,
    M,
    P,
    chunks,
    decision_body,
    decision_day,
    diarienummer,
    genitive,
    insert_with_ids,
    join_names,
    money,
    month_end,
    month_start,
    percent_shares,
    table,
    weighted,
)
from coop_tracker.demo.context import DemoAgreement, Loaded
from coop_tracker.demo.data import read
from coop_tracker.demo.people import GENERAL_TITLES, LEAD_TITLES, person
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.organisations.models import Organisation

_NATIONAL = read("national")
# Counties sharing a border (or, for Gotland, the nearest ferry ports).
COUNTY_NEIGHBOURS: dict[str, tuple[str, ...]] = {
    county: tuple(neighbours) for county, neighbours in _NATIONAL["county_neighbours"].items()
}
REGION_NAMES: dict[str, str] = _NATIONAL["region_names"]
# Which forms each kind of task tends to use (weights).
FORM_MIX: dict[str, dict[str, int]] = _NATIONAL["form_mix"]
# How many parties each form tends to have (count, weight): many two-party agreements,
# some large förbund.
PARTY_COUNTS: dict[str, tuple[tuple[int, int], ...]] = {
    form: tuple((count, weight) for count, weight in counts)
    for form, counts in _NATIONAL["party_counts"].items()
}


class AreaProfile(NamedTuple):
    """How an area appears in the national demo."""

    weight: int  # how common (SKR 2023: miljö and livsmedel most common)
    mix: str  # key in FORM_MIX
    phrase: str  # "Avtal om {phrase}"
    namnd: str  # "Gemensam {namnd}"
    forbund: str  # "{forbund} Norra Dalarna"
    cost_per_party: tuple[int, int]  # annual cost per party, thousands of kronor
    goal: str
    companion: str | None = None  # an area often covered by the same agreement
    companion_share: float = 0.0


AREA_PROFILES: dict[str, AreaProfile] = {
    slug: AreaProfile(**{**profile, "cost_per_party": tuple(profile["cost_per_party"])})
    for slug, profile in _NATIONAL["area_profiles"].items()
}
GENERAL_GOALS: tuple[str, ...] = tuple(_NATIONAL["general_goals"])
MOTIVES: tuple[str, ...] = tuple(_NATIONAL["motives"])
PHASE_WEIGHTS: dict[str, int] = _NATIONAL["phase_weights"]
COST_BASIS_WEIGHTS: dict[str, int] = _NATIONAL["cost_basis_weights"]


@dataclass
class _Geography:
    """Kommuner by county, small clusters of neighbours by code, and neighbouring counties."""

    names: dict[str, str]
    county_of: dict[str, str]
    by_county: dict[str, list[str]]
    cluster_of: dict[str, list[str]]
    neighbours_of: dict[str, list[str]]  # kommun → kommuner in neighbouring counties
    organisation_ids: dict[str, int]  # kommunkod → the kommun's organisation row

    @classmethod
    def load(cls, session: Session) -> _Geography:
        rows = session.execute(
            select(Municipality.code, Municipality.name, Municipality.county_code).order_by(
                Municipality.code
            )
        ).all()
        names = {code: name for code, name, _ in rows}
        county_of = {code: county for code, _, county in rows}
        by_county: dict[str, list[str]] = {}
        for code, _, county in rows:
            by_county.setdefault(county, []).append(code)
        # Kommunkoder within a county run roughly by district, so runs of consecutive codes
        # make plausible clusters of kommuner that cooperate again and again.
        cluster_of: dict[str, list[str]] = {}
        for codes in by_county.values():
            chunks = [codes[i : i + 5] for i in range(0, len(codes), 5)]
            if len(chunks) > 1 and len(chunks[-1]) < 3:
                chunks[-2].extend(chunks.pop())
            for chunk in chunks:
                for code in chunk:
                    cluster_of[code] = chunk
        # The county seats (codes ending in 80) are left out of their neighbours' partners: a
        # small kommun across the county border rarely buys from another county's capital.
        neighbours_of = {
            code: [
                other
                for county in COUNTY_NEIGHBOURS.get(county_of[code], ())
                for other in by_county.get(county, [])
                if not other.endswith("80")
            ]
            for code in names
        }
        organisation_ids: dict[str, int] = {
            code: org_id
            for code, org_id in session.execute(
                select(Organisation.municipality_code, Organisation.id)
            )
            if code
        }
        return cls(names, county_of, by_county, cluster_of, neighbours_of, organisation_ids)

    def partners(self, anchor: str, n: int, rng: random.Random) -> list[str]:
        """``n`` other kommuner: mostly the anchor's cluster and the kommuner next to it in
        code order, fewer from elsewhere in the county, a few from a neighbouring county."""
        county = self.by_county[self.county_of[anchor]]
        position = county.index(anchor)
        tiers = (
            self.cluster_of[anchor],
            county[max(0, position - 4) : position + 5],
            county,
            self.neighbours_of[anchor],
            list(self.names),
        )
        chosen = [anchor]
        for _ in range(n):
            roll = rng.random()
            first = 0 if roll < 0.6 else 1 if roll < 0.84 else 2 if roll < 0.94 else 3
            for tier in (tiers[first], *(t for i, t in enumerate(tiers) if i != first)):
                candidates = [c for c in tier if c not in chosen]
                if candidates:
                    chosen.append(rng.choice(candidates))
                    break
        return chosen[1:]

    def county_wide(self, codes: Sequence[str]) -> str | None:
        """The county's name when the kommuner are most of one county, else None."""
        counties = {self.county_of[c] for c in codes}
        if len(counties) != 1:
            return None
        (county,) = counties
        if len(codes) < 0.6 * len(self.by_county[county]):
            return None
        return REGION_NAMES.get(county)


@dataclass
class _Rows:
    agreements: list[dict[str, Any]] = field(default_factory=list)
    areas: list[list[int]] = field(default_factory=list)  # area ids per agreement
    parties: list[list[dict[str, Any]]] = field(default_factory=list)
    contacts: list[list[list[dict[str, Any]]]] = field(default_factory=list)  # per party


def _national_dates(
    rng: random.Random, today: date, phase: str, form: str
) -> tuple[date | None, date | None, int | None, str, int | None]:
    """(start_on, end_on, notice_months, renewal, renewal_months) for one generated agreement."""
    notice_open = 24 if form == FORBUND else rng.choice((6, 12, 12, 24))
    years = list(range(2005, today.year + 1))
    if phase == Phase.PLANNED:
        start = month_start(today, rng.randint(1, 12))
        if rng.random() < 0.5:
            first = rng.choice((24, 36, 48))
            return start, add_months(start - timedelta(days=1), first), 6, Renewal.TACIT, 12
        return start, None, notice_open, Renewal.NONE, None
    if phase == Phase.ABANDONED:
        return month_start(today, -rng.randint(1, 30)), None, notice_open, Renewal.NONE, None
    # More cooperation has been formed in recent years than in 2005.
    year = rng.choices(years, weights=[4 + (y - years[0]) for y in years])[0]
    months_ago = max((today.year - year) * 12 + today.month - rng.randint(1, 12), 0)
    if phase == Phase.ENDED:
        months_ago = max(months_ago, 14)
        start = month_start(today, -months_ago)
        end = month_end(today, -rng.randint(1, months_ago - 12))
        return start, end, rng.choice((6, 12)), Renewal.NONE, None
    if phase == Phase.EXITING:
        start = month_start(today, -max(months_ago, 12))
        return start, month_end(today, rng.randint(1, 18)), notice_open, Renewal.NONE, None
    start = month_start(today, -months_ago)
    kind = rng.random()
    if kind < 0.45 and form != FORBUND:
        first = rng.choice((24, 36, 36, 48))
        renewal = rng.choice((12, 12, 24, 24, 36, 48))
        notice = min(rng.choice((3, 6, 6, 12, 12)), renewal)
        return start, add_months(start - timedelta(days=1), first), notice, Renewal.TACIT, renewal
    if kind < 0.87 or form == FORBUND:
        return start, None, notice_open, Renewal.NONE, None
    return start, month_end(today, rng.randint(2, 60)), None, Renewal.NONE, None


def _national_title(
    geo: _Geography, rng: random.Random, form: str, profile: AreaProfile, roles: dict[str, str]
) -> str:
    codes = list(roles)
    host_code = next((c for c, r in roles.items() if r == H), codes[0])
    host = geo.names[host_code]
    names = [host, *(geo.names[c] for c in codes if c != host_code)]
    purchasers = [geo.names[c] for c, r in roles.items() if r == P]
    few = join_names(names)
    some = f"{names[0]}, {names[1]} m.fl."
    # A cooperation of most of a county's kommuner is named after the county; smaller ones
    # after their kommuner (no made-up geography such as "norra" or "östra").
    region = geo.county_wide(codes)
    if form == AVTAL:
        if len(codes) == 2:
            return f"Avtal om {profile.phrase}, {host} och {purchasers[0]}"
        return f"Avtal om {profile.phrase} med {host} som utförare åt {len(purchasers)} kommuner"
    if form == NAMND:
        if len(codes) <= 3:
            return f"Gemensam {profile.namnd} {few}"
        return (
            f"Gemensam {profile.namnd} i {region}" if region else f"Gemensam {profile.namnd} {some}"
        )
    if form == FORBUND:
        if len(codes) <= 3:
            return f"{profile.forbund} {'–'.join(names)}"
        return f"{profile.forbund} {region or some}"
    phrase = profile.phrase[0].upper() + profile.phrase[1:]
    if form == ASYM:
        if len(purchasers) <= 3:
            return f"{phrase} genom {host} för {join_names(purchasers)}"
        return f"{phrase} genom {host} för {len(purchasers)} mindre kommuner"
    kind = rng.choice(("Nätverket för", "Föreningen för", "Samarbetet om"))
    if len(codes) <= 3:
        return f"{kind} {profile.phrase}, {few}"
    return f"{kind} {profile.phrase} i {region}" if region else f"{kind} {profile.phrase}, {some}"


def _national_purpose(
    geo: _Geography, form: str, profile: AreaProfile, roles: dict[str, str]
) -> str:
    names = [geo.names[c] for c in roles]
    host = next((geo.names[c] for c, r in roles.items() if r == H), names[0])
    purchasers = [geo.names[c] for c, r in roles.items() if r == P]
    if form == AVTAL:
        return (
            f"{host} utför uppgifter inom {profile.phrase} åt {join_names(purchasers)} "
            "enligt avtal. Varje beställande kommun behåller ansvaret och beslutar i sina "
            "egna ärenden."
        )
    if form == NAMND:
        return (
            f"Den gemensamma nämnden ingår i {genitive(host)} organisation och "
            f"fullgör uppgifter inom {profile.phrase} för {join_names(names)}."
        )
    if form == FORBUND:
        return f"Förbundet sköter {profile.phrase} för medlemskommunerna {join_names(names)}."
    if form == ASYM:
        return (
            f"{host} ansvarar för {profile.phrase} även för {join_names(purchasers)}, som har för "
            "litet underlag för en egen verksamhet."
        )
    return (
        f"{join_names(names)} samarbetar om {profile.phrase} i en gemensam organisation utanför de "
        "offentligrättsliga samverkansformerna."
    )


def _is_larger(code: str) -> bool:
    """Codes ending in 80–99 belong to the former cities, usually the larger kommuner: good
    enough to pick a plausible host without population figures."""
    return int(code[2:]) >= 80


def _assign_roles(
    geo: _Geography, rng: random.Random, form: str, codes: list[str]
) -> dict[str, str]:
    """Roles that satisfy the form's rules; an asymmetric host is a larger kommun."""
    if form == FORBUND:
        return {c: M for c in codes}
    if form == ASYM:
        larger = [c for c in codes if _is_larger(c)]
        if not larger:
            county = geo.by_county[geo.county_of[codes[0]]]
            candidates = [c for c in county if _is_larger(c) and c not in codes]
            host = rng.choice(candidates or county)
            if host not in codes:
                codes = [*codes[:-1], host] if len(codes) > 2 else [*codes, host]
        else:
            host = rng.choice(larger)
        return {host: H, **{c: P for c in codes if c != host}}
    larger = [c for c in codes if _is_larger(c)]
    if larger and rng.random() < 0.9:
        host = rng.choice(larger)  # the larger kommun usually performs for the smaller
    else:
        host = codes[0] if rng.random() < 0.65 else rng.choice(codes[1:])
    if form == AVTAL:
        return {host: H, **{c: P for c in codes if c != host}}
    if form == NAMND:
        return {host: H, **{c: M for c in codes if c != host}}
    if rng.random() < 0.3:  # övrig: an association or company often has a leading kommun
        return {host: H, **{c: M for c in codes if c != host}}
    return {c: M for c in codes}


def load_national(session: Session, rng: random.Random, today: date, count: int) -> Loaded:
    """Generate ``count`` agreements over every kommun and insert them with Core in chunks."""
    geo = _Geography.load(session)
    area_ids = {slug: id_ for id_, slug in session.execute(select(Area.id, Area.slug))}
    profiles = {slug: p for slug, p in AREA_PROFILES.items() if slug in area_ids}
    area_weights = {slug: p.weight for slug, p in profiles.items()}
    anchors = list(geo.names)
    rng.shuffle(anchors)
    now = clock.utcnow()
    rows = _Rows()
    summaries: list[tuple[str, str, str, date | None, date | None, tuple[str, ...]]] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    # Stable external ids drawn beside, not from, the data's own random sequence (drawing
    # from it would change every agreement after the first).
    id_rng = random.Random(repr(rng.getstate()[1][:8]))

    for index in range(count):
        # Every kommun anchors agreements in turn, so a load of ≥290 covers the whole country.
        anchor = anchors[index % len(anchors)]
        for _attempt in range(20):
            # The same kommuner rarely have two agreements on the same task: draw again.
            slug = weighted(rng, area_weights)
            profile = profiles[slug]
            slugs = [slug]
            if profile.companion in profiles and rng.random() < profile.companion_share:
                slugs.append(cast(str, profile.companion))
            form = weighted(rng, FORM_MIX[profile.mix])
            sizes = PARTY_COUNTS[form]
            size = rng.choices([s for s, _ in sizes], weights=[w for _, w in sizes])[0]
            codes = [anchor, *geo.partners(anchor, size - 1, rng)]
            roles = _assign_roles(geo, rng, form, codes)
            if not any((s, frozenset(roles)) in seen for s in slugs):
                break
        seen.update((s, frozenset(roles)) for s in slugs)
        problems = role_rule_errors(form, roles.values())
        if problems:  # a bug in this generator, never bad luck
            raise RuntimeError(f"demo generator broke the role rules: {problems}")
        phase = weighted(rng, PHASE_WEIGHTS)
        start, end, notice, renewal, renewal_months = _national_dates(rng, today, phase, form)
        title = _national_title(geo, rng, form, profile, roles)
        cost_basis = weighted(rng, COST_BASIS_WEIGHTS)
        low, high = profile.cost_per_party
        annual = rng.randint(low, high) * 1000 * len(roles)
        shares: dict[str, Decimal] = {}
        if cost_basis in (CostBasis.PER_CAPITA, CostBasis.FIXED_SHARES):
            shares = percent_shares(list(roles), [rng.uniform(0.5, 3.0) for _ in roles])
        goals = [profile.goal, *rng.sample(GENERAL_GOALS, 2)]
        rows.agreements.append(
            {
                "title": title[:200],
                # Asymmetry is a flag on an avtalssamverkan (the old form "asymmetrisk").
                "form": AVTAL if form == ASYM else form,
                "is_asymmetric": form == ASYM,
                "form_needs_confirmation": False,
                "body_organisation_id": None,
                "phase": phase,
                "purpose": _national_purpose(geo, form, profile, roles),
                "goals": "\n".join(f"– {goal}" for goal in goals),
                "motive": rng.choice(MOTIVES),
                "start_on": start,
                "end_on": end,
                "notice_months": notice,
                "term": term_from_legacy(end, renewal),
                # Förbundsordningar count utträde to a year end.
                "end_alignment": "year_end" if form == FORBUND and end is None else "none",
                "renewal_months": renewal_months,
                "internal_lead_days": rng.choice((30, 60, 60, 90, 120)),
                "review_interval_months": rng.choice((12, 12, 12, 24, 6)),
                "cost_basis": cost_basis,
                "annual_cost": money(annual),
                "cost_note": "",
                "document_ref": "",
                "document_url": "",
                "internal_note": "",
                "is_public": phase not in (Phase.PLANNED, Phase.ABANDONED) and rng.random() < 0.55,
                "archived_at": None,
                "external_id": f"{GENERATED_ID_PREFIX}{id_rng.getrandbits(48):012X}",
                "external_id_owner": "",
                "created_by_id": None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        rows.areas.append([area_ids[s] for s in slugs])
        party_rows: list[dict[str, Any]] = []
        contact_rows: list[list[dict[str, Any]]] = []
        taken: set[str] = set()
        lead = next((c for c, r in roles.items() if r == H), anchor)
        for code, role in roles.items():
            decided = phase not in (Phase.PLANNED, Phase.ABANDONED) or rng.random() < 0.5
            decision_on = decision_day(rng, start, today) if decided and start else None
            share = shares.get(code)
            party_rows.append(
                {
                    "organisation_id": geo.organisation_ids[code],
                    "municipality_code": code,
                    "role": role,
                    "decision_body": decision_body(rng, form) if decision_on else "",
                    "decision_on": decision_on,
                    "decision_paragraph": f"§ {rng.randint(4, 260)}" if decision_on else "",
                    "decision_ref": (
                        diarienummer(code, decision_on.year, rng) if decision_on else ""
                    ),
                    "joined_on": start,
                    "left_on": None,
                    "cost_share_percent": share,
                    "annual_cost": money(annual * float(share) / 100) if share else None,
                    "ownership_percent": None,
                    "responsible_body": "",
                    "responsible_user_id": None,
                    "version": 1,
                }
            )
            people: list[dict[str, Any]] = []
            if rng.random() < (0.6 if code == lead else 0.15):
                name, email = person(rng, geo.names[code], taken)
                people.append(
                    {
                        "name": name,
                        "title": (
                            LEAD_TITLES.get(slug, "Verksamhetschef")
                            if code == lead or role == M
                            else rng.choice(GENERAL_TITLES)
                        ),
                        "email": email,
                        "phone": "",
                        "is_carrier": code == lead,
                        "wants_reminders": code == lead,
                        "is_responsible": code == lead,
                        "version": 1,
                    }
                )
            contact_rows.append(people)
        rows.agreements[-1]["document_ref"] = next(
            (p["decision_ref"] for p in party_rows if p["municipality_code"] == lead), ""
        )
        rows.parties.append(party_rows)
        rows.contacts.append(contact_rows)
        summaries.append((title, AVTAL if form == ASYM else form, phase, start, end, tuple(slugs)))

    agreement_ids = insert_with_ids(session, table(Agreement), rows.agreements)
    session.execute(
        insert(agreement_area),
        [
            {"agreement_id": agreement_id, "area_id": area_id}
            for agreement_id, ids in zip(agreement_ids, rows.areas, strict=True)
            for area_id in ids
        ],
    )
    flat_parties = [
        {**party, "agreement_id": agreement_id}
        for agreement_id, parties in zip(agreement_ids, rows.parties, strict=True)
        for party in parties
    ]
    party_ids = insert_with_ids(session, table(Party), flat_parties)
    flat_contacts = [
        {**contact, "party_id": party_id}
        for party_id, people in zip(
            party_ids,
            (people for per_party in rows.contacts for people in per_party),
            strict=True,
        )
        for contact in people
    ]
    for chunk in chunks(flat_contacts, INSERT_CHUNK):
        session.execute(insert(table(Contact)), chunk)

    loaded = [
        DemoAgreement(
            id=agreement_id,
            title=title,
            form=form,
            phase=phase,
            start_on=start,
            end_on=end,
            area_slugs=slugs,
            parties=tuple((p["municipality_code"], p["role"]) for p in parties),
        )
        for agreement_id, (title, form, phase, start, end, slugs), parties in zip(
            agreement_ids, summaries, rows.parties, strict=True
        )
    ]
    return Loaded(loaded, len(flat_parties), len(flat_contacts))
