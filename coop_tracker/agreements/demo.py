"""Deterministic demo data: a believable register (``small``) or the whole country (``national``).

``load_demo(session, scale=..., seed=...)`` is what ``flask demo`` calls. The same seed on the same
day gives the same data: every random choice comes from ``random.Random`` seeded with the scale
and the seed (never the global generator), and every date is derived from one ``today`` read
once from :mod:`coop_tracker.core.clock` (or passed in by tests) plus seeded offsets, so the
agreements always look current — notice deadlines fall in the coming months, terms have run
for years — whenever the demo is loaded. A few historical facts keep their real dates (the MTG
cooperation started 2006; Göteborg's alcohol supervision for its neighbours ended 2023-06-30).

``small`` goes through the services (``create_agreement``, ``add_contact``, ``create_user``) as
the command line, so every row is validated and audited like a real registration. ``national``
(10,000 agreements, ~35,000 parties over all 290 kommuner) is for benchmarks: it inserts with
SQLAlchemy Core ``insert()`` in chunks, in the caller's single transaction, checks the role
rules itself before inserting, and writes one ``demo_load`` audit event for the whole load.

Extending the demo (checklists, reviews, exits, meeting calendars, populations, …)
--------------------------------------------------------------------------------
After the agreements exist, ``load_demo`` calls every function in :data:`DEMO_EXTENSIONS`, in
order, as ``extension(session, context)``. Append your function from a module that the app
imports when it is created (a domain's ``cli.py`` imported by ``coop_tracker/commands.py`` is a
good place)::

    from coop_tracker.agreements.demo import DEMO_EXTENSIONS, DemoContext

    def demo_checklists(session: Session, context: DemoContext) -> None:
        rng = context.random("checklists")          # independent of other extensions
        for agreement in context.agreements:        # ids, form, phase, dates, parties, areas
            ...                                      # small: services; national: Core inserts
        context.counts["checklistpunkter"] = n      # shown in the summary line

    DEMO_EXTENSIONS.append(demo_checklists)

An extension must be deterministic too: draw only from ``context.random(name)`` and derive dates
from ``context.today``. It must not commit (``flask demo`` commits once at the end).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.bodies import FIXED_BODIES, add_body, body_names
from coop_tracker.agreements.dates import add_months, term_from_legacy
from coop_tracker.agreements.models import (
    GENERATED_ID_PREFIX,
    Agreement,
    Contact,
    CostBasis,
    Form,
    Party,
    Phase,
    Renewal,
    Role,
    Term,
    agreement_area,
)
from coop_tracker.agreements.rules import role_rule_errors
from coop_tracker.agreements.services import (
    AgreementInput,
    ContactInput,
    PartyInput,
    add_contact,
    create_agreement,
)
from coop_tracker.audit.services import record
from coop_tracker.core import clock
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.organisations.models import Organisation
from coop_tracker.organisations.services import OrganisationInput, create_organisation
from coop_tracker.users.models import User, UserRole
from coop_tracker.users.services import UserInput, create_user

SCALES = ("small", "national")
NATIONAL_AGREEMENTS = 10_000
DEMO_PASSWORD = "demo-losenord-2026"  # noqa: S105 - the published password of the demo logins

H, P, M = Role.HOST.value, Role.PURCHASER.value, Role.MEMBER.value


# --------------------------------------------------------------------------------------------
# Public interface: users, the context handed to extensions, the result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    """A demo login; the Makefile prints these addresses, so keep them stable."""

    email: str
    name: str
    role: str
    municipality_code: str | None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@demo.samverkanskollen.se", "Demoadministratör", UserRole.ADMIN, None),
    DemoUser("redaktor@vansbro.demo.se", "Ingrid Dahl", UserRole.EDITOR, "2021"),
    DemoUser("lasare@vansbro.demo.se", "Lars Berglund", UserRole.READER, "2021"),
    DemoUser("redaktor@mora.demo.se", "Maria Nyström", UserRole.EDITOR, "2062"),
)


@dataclass(frozen=True)
class DemoAgreement:
    """What an extension needs to know about one loaded agreement (no ORM object)."""

    id: int
    title: str
    form: str
    phase: str
    start_on: date | None
    end_on: date | None
    area_slugs: tuple[str, ...]
    parties: tuple[tuple[str, str], ...]  # (kommunkod, role) of the current parties


@dataclass
class DemoContext:
    """Handed to every extension in :data:`DEMO_EXTENSIONS`."""

    scale: str
    seed: int
    today: date
    actor: Actor
    agreements: list[DemoAgreement]
    users: dict[str, int]  # email → user id of the demo logins
    counts: dict[str, int] = field(default_factory=dict)  # label → number, for the summary

    def random(self, name: str) -> random.Random:
        """A generator of its own for one extension, so extensions don't shift each other."""
        return random.Random(f"{self.scale}:{self.seed}:{name}")


DemoExtension = Callable[[Session, DemoContext], None]
DEMO_EXTENSIONS: list[DemoExtension] = []


@dataclass
class DemoResult:
    """What was loaded; ``summary()`` is the line ``flask demo`` prints."""

    scale: str
    seed: int
    agreements: int
    parties: int
    contacts: int
    users: int
    extras: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [
            f"{_number(self.agreements)} samverkan",
            f"{_number(self.parties)} parter",
            f"{_number(self.contacts)} kontaktpersoner",
            f"{_number(self.users)} användare",
        ]
        parts += [f"{_number(n)} {label}" for label, n in self.extras.items()]
        return f"Demodata ({self.scale}, frö {self.seed}): " + ", ".join(parts) + "."


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


@dataclass
class _Loaded:
    agreements: list[DemoAgreement]
    parties: int
    contacts: int


def load_demo(
    session: Session,
    *,
    scale: str = "small",
    seed: int = 1,
    today: date | None = None,
    agreements: int | None = None,
) -> DemoResult:
    """Load demo users and agreements (and whatever extensions add); flushes, never commits.

    ``today`` defaults to the real date; ``agreements`` shrinks the national load for tests.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    if agreements is not None and scale != "national":
        raise ValueError("only the national scale takes a number of agreements")
    if not session.scalar(select(func.count()).select_from(Municipality)):
        raise DomainError("Referensdata saknas: kör först flask seed.")
    today = today or clock.today()
    actor = Actor.system("cli")
    users = ensure_demo_users(session, actor=actor)
    rng = random.Random(f"{scale}:{seed}")
    if scale == "small":
        loaded = _load_small(session, rng, today, actor)
    else:
        count = NATIONAL_AGREEMENTS if agreements is None else agreements
        loaded = _load_national(session, rng, today, count)
    context = DemoContext(
        scale=scale,
        seed=seed,
        today=today,
        actor=actor,
        agreements=loaded.agreements,
        users={user.email: user.id for user in users},
    )
    for extension in DEMO_EXTENSIONS:
        extension(session, context)
    result = DemoResult(
        scale=scale,
        seed=seed,
        agreements=len(loaded.agreements),
        parties=loaded.parties,
        contacts=loaded.contacts,
        users=len(users),
        extras=dict(context.counts),
    )
    record(
        session,
        actor,
        action="demo_load",
        object_type="demo",
        object_id=f"{scale}:{seed}",
        label=result.summary(),
        changes={
            "agreements": [None, result.agreements],
            "parties": [None, result.parties],
            "contacts": [None, result.contacts],
            **{label: [None, n] for label, n in result.extras.items()},
        },
    )
    session.flush()
    return result


def ensure_demo_users(session: Session, *, actor: Actor) -> list[User]:
    """The demo logins, created through the user service unless they already exist."""
    users: list[User] = []
    for demo in DEMO_USERS:
        user = session.scalar(select(User).where(func.lower(User.email) == demo.email))
        if user is None:
            user = create_user(
                session,
                UserInput(
                    email=demo.email,
                    name=demo.name,
                    role=demo.role,
                    municipality_code=demo.municipality_code,
                    password=DEMO_PASSWORD,
                ),
                actor=actor,
            )
        users.append(user)
    return users


# --------------------------------------------------------------------------------------------
# Shared helpers: dates, names, decisions, cost shares
# --------------------------------------------------------------------------------------------


def _month_start(today: date, offset: int) -> date:
    """The first day of the month ``offset`` months from today's month."""
    return add_months(today.replace(day=1), offset)


def _month_end(today: date, offset: int) -> date:
    """The last day of the month ``offset`` months from today's month."""
    return add_months(_month_start(today, 1) - timedelta(days=1), offset)


_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", " ": "-", "'": ""})


def _slug(name: str) -> str:
    return name.lower().translate(_ASCII)


def _genitive(name: str) -> str:
    return name if name[-1] in "sxz" else name + "s"


def _names(names: Sequence[str], limit: int = 6) -> str:
    """ "A, B och C"; a long list ends "… och 4 till"."""
    names = list(names)
    if len(names) > limit:
        return ", ".join(names[: limit - 1]) + f" och {len(names) - limit + 1} till"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " och " + names[-1]


FIRST_NAMES = (
    "Anna", "Karin", "Maria", "Eva", "Lena", "Sara", "Emma", "Helena", "Sofia", "Malin",
    "Johanna", "Linnea", "Elin", "Åsa", "Ulrika", "Jenny", "Frida", "Camilla", "Erik", "Anders",
    "Johan", "Per", "Karl", "Mikael", "Peter", "Fredrik", "Jonas", "Daniel", "Magnus", "Henrik",
    "Mats", "Ola", "Nils", "Björn", "Håkan", "Stefan", "Tobias", "Olof",
)  # fmt: skip
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Engström",
    "Hedlund", "Sandberg", "Lundgren", "Holm", "Sjöberg", "Wikström", "Forsberg", "Åberg",
    "Bergkvist", "Hellström", "Ek", "Mattsson", "Hansson", "Strand", "Lind", "Öberg", "Norberg",
    "Grahn", "Falk", "Björk", "Sundin", "Hedman", "Blom",
)  # fmt: skip
GENERAL_TITLES = ("Kommundirektör", "Kommunsekreterare", "Utvecklingsstrateg", "Förvaltningschef")
LEAD_TITLES: dict[str, str] = {
    "raddningstjanst": "Räddningschef",
    "krisberedskap-civilt-forsvar": "Säkerhetssamordnare",
    "it-digitalisering": "IT-chef",
    "e-arkiv": "Arkivarie",
    "lon": "Lönechef",
    "hr-personal": "HR-chef",
    "ekonomi": "Ekonomichef",
    "upphandling": "Upphandlingschef",
    "dataskydd": "Dataskyddsombud",
    "revision": "Revisionsstrateg",
    "plan-bygg": "Bygglovschef",
    "kart-mat-gis": "GIS-samordnare",
    "miljo-halsoskydd": "Miljöchef",
    "livsmedelskontroll": "Livsmedelsinspektör",
    "alkohol-tobakstillsyn": "Alkoholhandläggare",
    "vatten-avlopp": "VA-chef",
    "avfall": "Avfallschef",
    "energi-klimatradgivning": "Energi- och klimatrådgivare",
    "gymnasieskola": "Gymnasiechef",
    "vuxenutbildning": "Rektor för vuxenutbildningen",
    "socialtjanst": "Socialchef",
    "aldreomsorg": "Äldreomsorgschef",
    "funktionsstod-lss": "Verksamhetschef LSS",
    "kommunal-halso-sjukvard": "Medicinskt ansvarig sjuksköterska",
    "overformyndare": "Handläggare, överförmyndare",
    "bostadsanpassning": "Handläggare, bostadsanpassning",
    "fardtjanst": "Färdtjänsthandläggare",
    "kollektivtrafik": "Trafikstrateg",
    "naringsliv-turism": "Näringslivschef",
    "kultur": "Kulturchef",
}


def _person(rng: random.Random, kommun: str, taken: set[str]) -> tuple[str, str]:
    """A fictional name and an address on the kommun's example.se domain."""
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        if name not in taken:
            taken.add(name)
            email = f"{_slug(first)}.{_slug(last)}@{_slug(kommun)}.example.se"
            return name, email


def _diarienummer(code: str, year: int, rng: random.Random) -> str:
    """Kommuner number their cases differently; each demo kommun keeps one style."""
    n = rng.randint(12, 640)
    style = int(code) % 4
    if style == 0:
        return f"KS {year}/{n}"
    if style == 1:
        return f"KS{year}-{n:04d}"
    if style == 2:
        return f"KS {year}.{n:03d}"
    return f"{year}/KS{n:04d}"


def _decision_on(rng: random.Random, start_on: date, today: date) -> date:
    decided = start_on - timedelta(days=rng.randint(45, 160))
    if decided > today:
        decided = today - timedelta(days=rng.randint(7, 40))
    return _meeting_day(decided)


def _meeting_day(day: date) -> date:
    """The nearest earlier day a fullmäktige or styrelse plausibly meets: Monday to Thursday,
    not in July and not over Christmas and New Year."""
    while (
        day.weekday() > 3
        or day.month == 7
        or (day.month == 12 and day.day > 18)
        or (day.month == 1 and day.day < 8)
    ):
        day -= timedelta(days=1)
    return day


def _decision_body(rng: random.Random, form: str) -> str:
    if form in (Form.KOMMUNALFORBUND, Form.GEMENSAM_NAMND):
        return "Kommunfullmäktige"
    if form == Form.OVRIG:
        return "Kommunstyrelsen"
    return "Kommunfullmäktige" if rng.random() < 0.4 else "Kommunstyrelsen"


def _shares(codes: Sequence[str], weights: Sequence[float]) -> dict[str, Decimal]:
    """Percent shares with two decimals that add up to exactly 100 (largest remainder)."""
    total = sum(weights)
    raw = [w / total * 10_000 for w in weights]
    floors = [int(r) for r in raw]
    left = 10_000 - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return {
        code: Decimal(hundredths).scaleb(-2) for code, hundredths in zip(codes, floors, strict=True)
    }


def _money(amount: float) -> Decimal:
    return Decimal(round(amount)).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------------------------
# small: a believable register, written by hand
# --------------------------------------------------------------------------------------------

KOMMUNER: dict[str, str] = {
    "Vansbro": "2021", "Malung-Sälen": "2023", "Gagnef": "2026", "Leksand": "2029",
    "Rättvik": "2031", "Orsa": "2034", "Älvdalen": "2039", "Smedjebacken": "2061",
    "Mora": "2062", "Falun": "2080", "Borlänge": "2081", "Säter": "2082", "Hedemora": "2083",
    "Avesta": "2084", "Ludvika": "2085",
    "Hällefors": "1863", "Ljusnarsberg": "1864", "Nora": "1884", "Lindesberg": "1885",
    "Härryda": "1401", "Partille": "1402", "Öckerö": "1407", "Stenungsund": "1415",
    "Tjörn": "1419", "Sotenäs": "1427", "Dals-Ed": "1438", "Färgelanda": "1439", "Ale": "1440",
    "Lerum": "1441", "Karlsborg": "1446", "Gullspång": "1447", "Bengtsfors": "1460",
    "Tibro": "1472", "Töreboda": "1473", "Göteborg": "1480", "Kungälv": "1482",
    "Lysekil": "1484", "Mariestad": "1493", "Skövde": "1496", "Hjo": "1497", "Tidaholm": "1498",
    "Eda": "1730", "Munkfors": "1762", "Årjäng": "1765", "Hagfors": "1783", "Arvika": "1784",
    "Nordmaling": "2401", "Bjurholm": "2403", "Vindeln": "2404", "Robertsfors": "2409",
    "Vännäs": "2460", "Umeå": "2480",
    "Överkalix": "2513", "Kalix": "2514", "Haparanda": "2583",
    "Nordanstig": "2132", "Ljusdal": "2161", "Ovanåker": "2121", "Söderhamn": "2182",
    "Bollnäs": "2183", "Hudiksvall": "2184", "Ockelbo": "2101", "Hofors": "2104", "Gävle": "2180",
    "Lessebo": "0761", "Uppvidinge": "0760", "Torsås": "0834", "Mörbylånga": "0840",
    "Emmaboda": "0862", "Kalmar": "0880",
    "Ragunda": "2303", "Bräcke": "2305", "Krokom": "2309", "Strömsund": "2313", "Åre": "2321",
    "Berg": "2326", "Härjedalen": "2361", "Östersund": "2380",
    "Hylte": "1315", "Halmstad": "1380",
}  # fmt: skip

# Rough sizes (thousands of inhabitants), used only to make demo cost shares per capita look
# plausible. Not reference data: the register's populations come from the municipality seed.
_ROUGH_SIZE: dict[str, float] = {
    "Vansbro": 6.7, "Malung-Sälen": 10, "Gagnef": 10, "Leksand": 16, "Rättvik": 11, "Orsa": 7,
    "Älvdalen": 7, "Smedjebacken": 11, "Mora": 20, "Falun": 59, "Borlänge": 52, "Säter": 11,
    "Hedemora": 15, "Avesta": 23, "Ludvika": 26, "Hällefors": 7, "Ljusnarsberg": 5, "Nora": 10,
    "Lindesberg": 23, "Mariestad": 24, "Töreboda": 9, "Gullspång": 5, "Skövde": 57, "Hjo": 9,
    "Tibro": 11, "Karlsborg": 7, "Tidaholm": 13, "Umeå": 131, "Vindeln": 5, "Vännäs": 9,
    "Bjurholm": 2.4, "Nordmaling": 7, "Robertsfors": 7, "Östersund": 64, "Krokom": 15,
    "Åre": 12, "Berg": 7, "Bräcke": 6, "Ragunda": 5, "Strömsund": 11, "Härjedalen": 10,
    "Hudiksvall": 38, "Nordanstig": 9, "Ljusdal": 19, "Bollnäs": 26, "Ovanåker": 11,
    "Söderhamn": 25, "Kalix": 16, "Haparanda": 9, "Överkalix": 3, "Arvika": 26, "Eda": 8,
    "Årjäng": 10, "Torsås": 7, "Mörbylånga": 15, "Emmaboda": 9, "Kalmar": 71,
}  # fmt: skip


@dataclass(frozen=True)
class _Term:
    """When an agreement runs, in months relative to today (or fixed historical dates)."""

    # open (tills vidare) | tacit (renews itself) | fixed (ends by itself) | then_open (a
    # fixed first term, then tills vidare)
    kind: str
    months_ago: int = 36  # the start; negative = starts in the future
    notice: int | None = 12
    first: int = 36  # tacit: months of the first term
    renewal: int = 12  # tacit: months of each renewal
    deadline_in: int | None = None  # tacit: put the next notice deadline this many months ahead
    end_in: int | None = None  # fixed: end this many months ahead (negative: has ended)
    start_on: date | None = None
    end_on: date | None = None
    alignment: str = "none"  # open / then_open: none | month_end | year_end


def _open(
    months_ago: int, notice: int = 12, *, start_on: date | None = None, alignment: str = "none"
) -> _Term:
    return _Term("open", months_ago, notice, start_on=start_on, alignment=alignment)


def _then_open(months_ago: int, end_in: int, notice: int = 12) -> _Term:
    """A fixed first term ending ``end_in`` months ahead, then tills vidare."""
    return _Term("then_open", months_ago, notice, end_in=end_in)


def _tacit(
    months_ago: int,
    first: int,
    renewal: int,
    notice: int,
    *,
    deadline_in: int | None = None,
    start_on: date | None = None,
) -> _Term:
    return _Term("tacit", months_ago, notice, first, renewal, deadline_in, start_on=start_on)


def _fixed(
    months_ago: int,
    end_in: int | None = None,
    notice: int | None = None,
    *,
    start_on: date | None = None,
    end_on: date | None = None,
) -> _Term:
    return _Term("fixed", months_ago, notice, end_in=end_in, start_on=start_on, end_on=end_on)


@dataclass(frozen=True)
class _Spec:
    """One hand-written demo agreement; parties are kommun names from ``KOMMUNER``."""

    key: str
    title: str
    form: str
    areas: tuple[str, ...]
    parties: tuple[tuple[str, str], ...]
    term: _Term
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


AVTAL, NAMND, FORBUND, ASYM, OVRIG = (
    Form.AVTALSSAMVERKAN.value,
    Form.GEMENSAM_NAMND.value,
    Form.KOMMUNALFORBUND.value,
    Form.ASYMMETRISK.value,
    Form.OVRIG.value,
)
DALARNA = (
    "Vansbro", "Malung-Sälen", "Gagnef", "Leksand", "Rättvik", "Orsa", "Älvdalen",
    "Smedjebacken", "Mora", "Falun", "Borlänge", "Säter", "Hedemora", "Avesta", "Ludvika",
)  # fmt: skip

# Parties that are not kommuner, by the name the catalogue uses: seeded reference data by key.
ORGANISATION_KEYS: dict[str, str] = {
    "Region Dalarna": "20",
    "Försäkringskassan": "202100-5521",
    "Arbetsförmedlingen": "202100-2114",
}
# Förbund, Finsam and companies the small demo registers (kind, name, description, and for a
# company the bolagsordning's and ägardirektiv's age in months).
DEMO_BODIES: tuple[tuple[str, str, str, int | None, int | None], ...] = (
    (
        "forbund",
        "Räddningstjänstförbundet Mitt i Dalarna",
        "Kommunalförbund för räddningstjänst i Falun, Borlänge och Säter.",
        None,
        None,
    ),
    (
        "finsam",
        "Samordningsförbundet Mitt i Dalarna",
        "Finansiell samordning av rehabilitering i Falun, Borlänge och Säter.",
        None,
        None,
    ),
    (
        "company",
        "Västerdalarnas Vatten och Avfall AB",
        "Bolaget driver vatten, avlopp och avfallshantering åt ägarkommunerna.",
        96,
        20,
    ),
)

SMALL_CATALOGUE: tuple[_Spec, ...] = (
    # --- Dalarna ----------------------------------------------------------------------------
    _Spec(
        key="raddning-vastra-dalarna",
        title="Räddningstjänstförbundet Västra Dalarna",
        form=FORBUND,
        areas=("raddningstjanst", "krisberedskap-civilt-forsvar"),
        parties=(
            ("Vansbro", M),
            ("Malung-Sälen", M),
            ("Gagnef", M),
            ("Leksand", M),
            ("Rättvik", M),
        ),
        term=_open(150, 24, alignment="year_end"),
        purpose=(
            "Förbundet sköter räddningstjänst och olycksförebyggande arbete enligt lagen om "
            "skydd mot olyckor åt medlemskommunerna, bland annat tillsyn, tillstånd för "
            "brandfarliga och explosiva varor och frågor om sotning.\n"
            "Förbundet har en gemensam ledning med räddningschef i beredskap dygnet runt."
        ),
        goals=(
            "– Insatstiderna i tätorterna ska inte bli längre än före bildandet.\n"
            "– Varje medlemskommun har ett aktuellt handlingsprogram för förebyggande arbete "
            "och räddningstjänst.\n"
            "– Deltidsstyrkorna är fullt bemannade; rekryteringen redovisas varje år."
        ),
        motive=(
            "Ingen av kommunerna kunde på egen hand bemanna ledning och tillsyn med rätt "
            "kompetens. Motivet var uthållighet och kompetens, inte i första hand lägre kostnad."
        ),
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=84_600_000,
        cost_note="Medlemsbidrag efter folkmängd den 1 november året före budgetåret.",
        is_public=True,
        internal_lead_days=120,
    ),
    _Spec(
        key="raddning-mitt",
        title="Räddningstjänstförbundet Mitt i Dalarna",
        form=FORBUND,
        areas=("raddningstjanst",),
        parties=(("Falun", M), ("Borlänge", M), ("Säter", M)),
        body="Räddningstjänstförbundet Mitt i Dalarna",
        term=_open(228, 24),
        purpose=(
            "Förbundet ansvarar för räddningstjänst, tillsyn och olycksförebyggande arbete i "
            "de tre medlemskommunerna och driver en gemensam larm- och ledningscentral."
        ),
        goals=(
            "– Färre bränder i bostäder, mätt som räddningsinsatser per 1 000 invånare.\n"
            "– Tillsynsplanen genomförs till minst 90 procent varje år.\n"
            "– Alla elever i årskurs 2 och 8 får utbildning i brandskydd."
        ),
        motive=(
            "En större organisation ger en robust ledning och gör det möjligt att ha "
            "specialister för tillsyn och utbildning."
        ),
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=171_000_000,
        is_public=True,
        internal_lead_days=120,
    ),
    _Spec(
        key="overformyndare-dalarna",
        title="Gemensam överförmyndarnämnd i norra och västra Dalarna",
        form=NAMND,
        areas=("overformyndare",),
        parties=(
            ("Mora", H),
            ("Orsa", M),
            ("Älvdalen", M),
            ("Vansbro", M),
            ("Malung-Sälen", M),
        ),
        term=_tacit(100, 48, 48, 12, deadline_in=3),
        purpose=(
            "Nämnden utövar tillsyn över gode män, förvaltare och förmyndare åt alla fem "
            "kommunerna. Den ingår i Mora kommuns organisation och ärendena handläggs av ett "
            "gemensamt kansli i Mora."
        ),
        goals=(
            "– Alla årsräkningar är granskade före den 30 juni.\n"
            "– Det finns alltid tillräckligt många utbildade gode män och förvaltare.\n"
            "– Handläggningen är likvärdig var huvudmannen än bor."
        ),
        motive=(
            "Få ärenden i varje kommun gjorde verksamheten sårbar: när en handläggare slutade "
            "stannade hela verksamheten upp."
        ),
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=6_200_000,
        cost_note="Fördelning efter invånarantal; Mora står för lokalerna utan ersättning.",
        is_public=True,
        internal_lead_days=90,
    ),
    _Spec(
        key="it-mora-orsa-alvdalen",
        title="IT-nämnden Mora, Orsa och Älvdalen",
        form=NAMND,
        areas=("it-digitalisering", "dataskydd"),
        parties=(("Mora", H), ("Orsa", M), ("Älvdalen", M)),
        term=_tacit(140, 48, 24, 12, deadline_in=5),
        purpose=(
            "Den gemensamma IT-nämnden ansvarar för kommunernas IT-drift, nätverk, "
            "användarstöd och gemensamma verksamhetssystem.\n"
            "Samverkansavtalet reglerar kostnadsfördelning, insyn för varje part, "
            "tjänstenivåer, arkiv, personuppgifter och hur parterna beställer nya tjänster."
        ),
        goals=(
            "– Minst 99,5 procents tillgänglighet för gemensamma system under kontorstid.\n"
            "– Ett gemensamt system per verksamhetsområde där det går.\n"
            "– Samma ledningssystem för informationssäkerhet i alla tre kommunerna."
        ),
        motive=(
            "Det var svårt att rekrytera och behålla IT-specialister i var och en av "
            "kommunerna; gemensam drift minskar sårbarheten."
        ),
        cost_basis=CostBasis.FIXED_SHARES,
        annual_cost=32_500_000,
        shares=(58, 22, 20),
        cost_note="Fasta andelar enligt samverkansavtalet; egna licenser betalar varje kommun.",
        is_public=True,
        internal_lead_days=90,
    ),
    _Spec(
        key="miljo-vansbro-malung",
        title="Avtal om miljö- och hälsoskydd och livsmedelskontroll, Vansbro och Malung-Sälen",
        form=AVTAL,
        areas=("miljo-halsoskydd", "livsmedelskontroll"),
        parties=(("Malung-Sälen", H), ("Vansbro", P)),
        term=_tacit(64, 36, 12, 6, deadline_in=5),
        purpose=(
            "Malung-Sälens miljöenhet utför tillsyn och kontroll enligt miljöbalken och "
            "livsmedelslagstiftningen åt Vansbro. Vansbros nämnd behåller ansvaret och "
            "delegerar beslut till namngivna handläggare i Malung-Sälen."
        ),
        goals=(
            "– Vansbros tillsynsplan genomförs helt varje år.\n"
            "– Anmälningsärenden handläggs på högst sex veckor.\n"
            "– Vansbro har minst en egen person med beställarkompetens inom miljöområdet."
        ),
        motive=(
            "Vansbro hade svårt att rekrytera miljöinspektörer och kunde inte hålla kompetens "
            "inom alla tillsynsområden."
        ),
        cost_basis=CostBasis.USAGE,
        annual_cost=1_450_000,
        cost_note=(
            "Timersättning enligt Malung-Sälens taxa. Avgifterna från verksamheter i Vansbro "
            "tillfaller Vansbro."
        ),
    ),
    _Spec(
        key="livsmedel-mora",
        title="Avtal om livsmedelskontroll åt Orsa och Älvdalen",
        form=AVTAL,
        areas=("livsmedelskontroll",),
        parties=(("Mora", H), ("Orsa", P), ("Älvdalen", P)),
        term=_open(80, 12),
        purpose=(
            "Mora utför den offentliga livsmedelskontrollen åt Orsa och Älvdalen. Varje "
            "kommuns nämnd beslutar själv om kontrollplan och taxa."
        ),
        goals=(
            "– Alla anläggningar i de högsta riskklasserna kontrolleras minst en gång per år.\n"
            "– Kontrollen är likvärdig i de tre kommunerna."
        ),
        motive=(
            "Livsmedelskontroll kräver särskild kompetens och ett visst antal kontroller per år "
            "för att behålla den; kommunerna var för små var för sig."
        ),
        cost_basis=CostBasis.USAGE,
        annual_cost=980_000,
    ),
    _Spec(
        key="bygg-vansbro-malung",
        title="Avtal om bygglovshandläggning, Vansbro och Malung-Sälen",
        form=AVTAL,
        areas=("plan-bygg",),
        parties=(("Malung-Sälen", H), ("Vansbro", P)),
        term=_tacit(-4, 24, 12, 6),
        phase=Phase.PLANNED,
        undecided=("Vansbro",),
        purpose=(
            "Malung-Sälen föreslås handlägga bygglov, anmälningar och tillsyn enligt plan- och "
            "bygglagen åt Vansbro. Vansbro behåller ansvaret för översiktsplan och detaljplaner."
        ),
        goals=(
            "– Inga bygglovsbeslut i Vansbro överskrider lagens handläggningstid.\n"
            "– Sökande i Vansbro kan träffa en handläggare på plats minst en dag i veckan."
        ),
        motive=(
            "Vansbro har periodvis saknat bygglovshandläggare och köpt konsulttjänster till "
            "hög kostnad."
        ),
        cost_basis=CostBasis.USAGE,
        annual_cost=900_000,
        cost_note="Preliminär uppskattning i utredningen.",
        internal_note=(
            "Ärendet ska upp i Vansbros kommunstyrelse innan avtalet kan skrivas under. "
            "Malung-Sälen har beslutat."
        ),
    ),
    _Spec(
        key="lon-vansbro-malung",
        title="Lönecenter Vansbro – löneadministration åt Malung-Sälen",
        form=AVTAL,
        areas=("lon",),
        parties=(("Vansbro", H), ("Malung-Sälen", P)),
        term=_open(54, 12),
        purpose=(
            "Vansbros lönecenter sköter löneutbetalningar, underlag för pensioner och "
            "förvaltningen av lönesystemet åt Malung-Sälen."
        ),
        goals=(
            "– Minst 99,8 procent av lönespecifikationerna är rätt från början.\n"
            "– Gemensamma rutiner och ett gemensamt lönesystem.\n"
            "– Minst två personer kan sköta varje kritisk uppgift."
        ),
        motive="Båda kommunerna hade för få lönespecialister för att klara semestrar och sjukdom.",
        cost_basis=CostBasis.USAGE,
        annual_cost=2_150_000,
        cost_note="Pris per lönespecifikation, räknas upp varje år med prisindex.",
        is_public=True,
    ),
    _Spec(
        key="vux-vasterdalarna",
        title="Vuxenutbildning i Västerdalarna",
        form=AVTAL,
        areas=("vuxenutbildning",),
        parties=(("Malung-Sälen", H), ("Vansbro", P)),
        term=_fixed(42, end_in=8),
        purpose=(
            "Malung-Sälen erbjuder kommunal vuxenutbildning, svenska för invandrare och "
            "yrkesutbildning åt invånare i Vansbro, på distans och på plats i Vansbro."
        ),
        goals=(
            "– Minst 70 procent av eleverna i yrkesutbildning arbetar eller studerar vidare ett "
            "år efter avslutad utbildning.\n"
            "– Väntetiden till sfi är högst en månad."
        ),
        motive="Ett bredare kursutbud än Vansbro kan erbjuda på egen hand.",
        cost_basis=CostBasis.USAGE,
        annual_cost=3_100_000,
        internal_note=(
            "Avtalet upphör utan förlängning. Beslut om nytt avtal eller egen regi behövs i god "
            "tid före slutdatum."
        ),
    ),
    _Spec(
        key="turism-vansbro-malung",
        title="Gemensam destinationsutveckling, Vansbro och Malung-Sälen",
        form=OVRIG,
        areas=("naringsliv-turism",),
        parties=(("Vansbro", M), ("Malung-Sälen", M)),
        term=_fixed(96, end_in=-22),
        phase=Phase.ENDED,
        purpose=(
            "Kommunerna drev gemensam marknadsföring och turistinformation för besöksnäringen "
            "i Västerdalarna."
        ),
        goals="– Fler gästnätter utanför vintersäsongen.\n– En gemensam webbplats för besökare.",
        motive="Besökarna ser Västerdalarna som ett resmål, inte som två kommuner.",
        cost_basis=CostBasis.FIXED_SHARES,
        annual_cost=1_200_000,
        shares=(50, 50),
        internal_note="Avslutades när uppdraget gick över till ett regionalt destinationsbolag.",
    ),
    _Spec(
        key="sakerhet-mora",
        title="Säkerhetssamordning i Mora, Orsa och Älvdalen",
        form=AVTAL,
        areas=("krisberedskap-civilt-forsvar",),
        parties=(("Mora", H), ("Orsa", P), ("Älvdalen", P)),
        term=_tacit(60, 24, 12, 3),
        purpose=(
            "Moras säkerhetssamordnare stöder Orsa och Älvdalen med risk- och "
            "sårbarhetsanalyser, övningar för krisledningen och planering för civilt försvar."
        ),
        goals=(
            "– Varje kommun har en aktuell risk- och sårbarhetsanalys under mandatperioden.\n"
            "– Krisledningsnämnden i varje kommun övar minst en gång per år."
        ),
        motive="Kraven på civilt försvar växte snabbare än kommunerna kunde bygga egen kompetens.",
        cost_basis=CostBasis.FIXED_SHARES,
        annual_cost=1_650_000,
        shares=(50, 25, 25),
    ),
    _Spec(
        key="gymnasium-mora",
        title="Gymnasieutbildning vid Mora gymnasium för Orsa och Älvdalen",
        form=ASYM,
        areas=("gymnasieskola",),
        parties=(("Mora", H), ("Orsa", P), ("Älvdalen", P)),
        term=_tacit(118, 36, 36, 12),
        purpose=(
            "Mora anordnar gymnasieutbildning för ungdomar från Orsa och Älvdalen på samma "
            "villkor som för elever från Mora. Orsa och Älvdalen betalar ersättning per elev "
            "enligt en gemensam prislista."
        ),
        goals=(
            "– Elever från alla tre kommunerna har samma tillgång till nationella program.\n"
            "– Andelen som tar gymnasieexamen inom fyra år ökar.\n"
            "– Skolskjutsar och stöd till inackorderade samordnas."
        ),
        motive="Orsa och Älvdalen har inte underlag för egna gymnasieskolor med brett utbud.",
        cost_basis=CostBasis.USAGE,
        annual_cost=68_000_000,
        cost_note="Ersättning per elev och program enligt prislista som fastställs varje år.",
        is_public=True,
        review_interval_months=24,
    ),
    _Spec(
        key="e-arkiv-dalarna",
        title="E-arkiv Dalarna",
        form=OVRIG,
        areas=("e-arkiv",),
        parties=tuple((name, H if name == "Falun" else M) for name in DALARNA),
        term=_open(110, 12),
        left=(("Avesta", 20),),
        purpose=(
            "Kommunerna i Dalarna driver tillsammans en tjänst för slutarkivering av digitala "
            "handlingar, med gemensam förvaltning och gemensamma riktlinjer. Falun upphandlar "
            "och förvaltar plattformen."
        ),
        goals=(
            "– Alla verksamhetssystem med bevarandekrav har en plan för leverans till e-arkivet.\n"
            "– Handlingar kan sökas fram och lämnas ut inom en arbetsdag.\n"
            "– Kostnaden per kommun sjunker när fler system ansluts."
        ),
        motive=(
            "Ingen kommun i länet kunde ensam bygga upp den kompetens och teknik som ett "
            "e-arkiv kräver."
        ),
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=4_800_000,
        cost_note="En lika grundavgift för alla och en rörlig del efter folkmängd.",
        internal_note="Avesta lämnade samarbetet och använder en annan leverantör.",
        is_public=True,
    ),
    _Spec(
        key="socialjour-dalarna",
        title="Gemensam socialjour i Dalarna",
        form=AVTAL,
        areas=("socialtjanst",),
        parties=(("Borlänge", H),)
        + tuple(
            (name, P)
            for name in (
                "Falun",
                "Säter",
                "Gagnef",
                "Leksand",
                "Rättvik",
                "Vansbro",
                "Malung-Sälen",
                "Smedjebacken",
                "Ludvika",
                "Hedemora",
            )
        ),
        term=_tacit(75, 24, 12, 6),
        purpose=(
            "Borlänge driver en gemensam socialjour som tar emot akuta ärenden inom "
            "socialtjänsten på kvällar, nätter och helger. Jouren fattar brådskande beslut på "
            "delegation från varje kommuns socialnämnd."
        ),
        goals=(
            "– Akuta ärenden tas om hand inom en timme, dygnet runt.\n"
            "– Ärendet lämnas över till hemkommunen nästa vardag före klockan 9.\n"
            "– Samma rutiner för skyddsbedömningar i alla kommuner."
        ),
        motive=(
            "Egen beredskap dygnet runt var både dyr och svår att bemanna för de mindre kommunerna."
        ),
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=14_300_000,
    ),
    _Spec(
        key="familjeratt-leksand",
        title="Familjerätten Leksand, Rättvik och Gagnef",
        form=AVTAL,
        areas=("socialtjanst",),
        parties=(("Leksand", H), ("Rättvik", P), ("Gagnef", P)),
        term=_open(50, 6),
        purpose=(
            "Leksand handlägger familjerättsliga ärenden – faderskap, vårdnad, boende och "
            "umgänge samt adoptionsutredningar – åt Rättvik och Gagnef."
        ),
        goals=(
            "– Samarbetssamtal erbjuds inom fyra veckor.\n"
            "– Utredningar till tingsrätten lämnas inom den tid rätten begär."
        ),
        motive="Få ärenden i varje kommun, och arbetet kräver specialistkompetens.",
        cost_basis=CostBasis.USAGE,
        annual_cost=1_900_000,
    ),
    _Spec(
        key="energi-borlange",
        title="Energi- och klimatrådgivning i södra Dalarna",
        form=AVTAL,
        areas=("energi-klimatradgivning",),
        parties=(("Borlänge", H), ("Gagnef", P), ("Säter", P), ("Smedjebacken", P)),
        term=_then_open(30, end_in=14),
        purpose=(
            "Borlänges energi- och klimatrådgivare ger opartiska råd till hushåll, föreningar "
            "och små företag i alla fyra kommunerna."
        ),
        goals=(
            "– Minst 400 rådgivningar per år sammanlagt.\n"
            "– Rådgivning på plats i varje kommun minst fyra gånger per år."
        ),
        motive="Verksamheten blir stabil först med en viss volym; gemensam rådgivning ger den.",
        cost_basis=CostBasis.FIXED_SHARES,
        annual_cost=1_100_000,
        shares=(40, 20, 20, 20),
        is_public=True,
    ),
    _Spec(
        key="raddning-bergslagen",
        title="Räddningstjänstförbundet Bergslagen",
        form=FORBUND,
        areas=("raddningstjanst",),
        parties=(
            ("Ludvika", M),
            ("Smedjebacken", M),
            ("Lindesberg", M),
            ("Nora", M),
            ("Hällefors", M),
            ("Ljusnarsberg", M),
        ),
        term=_open(190, 24),
        purpose=(
            "Förbundet ansvarar för räddningstjänst och olycksförebyggande arbete i sex kommuner "
            "i två län och driver en gemensam ledningscentral."
        ),
        goals=(
            "– Samma förmåga att göra räddningsinsatser i hela förbundets område.\n"
            "– Tillsynsplanen genomförs helt.\n"
            "– Rekryteringen av deltidsbrandpersonal följs upp varje år."
        ),
        motive="Kommunerna i Bergslagen delar arbetsmarknad och riskbild, oavsett länsgränsen.",
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=120_000_000,
        is_public=True,
        internal_lead_days=120,
    ),
    _Spec(
        key="dataskydd-leksand",
        title="Gemensamt dataskyddsombud för Siljan och Västerdalarna",
        form=AVTAL,
        areas=("dataskydd",),
        parties=(
            ("Leksand", H),
            ("Rättvik", P),
            ("Gagnef", P),
            ("Vansbro", P),
            ("Malung-Sälen", P),
        ),
        term=_tacit(48, 24, 12, 6),
        purpose=(
            "Leksand tillhandahåller ett gemensamt dataskyddsombud för kommunerna, deras "
            "nämnder och bolag. Ombudet granskar och ger råd men beslutar inte åt kommunerna."
        ),
        goals=(
            "– Varje nämnd får en granskningsrapport per år.\n"
            "– Personuppgiftsincidenter anmäls i tid till tillsynsmyndigheten."
        ),
        motive="Kravet på dataskyddsombud kom samtidigt i alla kommuner och kompetensen var svår "
        "att hitta.",
        cost_basis=CostBasis.FIXED_SHARES,
        annual_cost=1_250_000,
        shares=(20, 20, 20, 20, 20),
    ),
    # --- Västra Götaland: MTG, Göteborgsregionen, Skaraborg, Dalsland, Bohuslän --------------
    _Spec(
        key="mtg",
        title="MTG-samverkan – övergripande avtal mellan Mariestad, Töreboda och Gullspång",
        form=OVRIG,
        areas=("ekonomi", "hr-personal"),
        parties=(("Mariestad", M), ("Töreboda", M), ("Gullspång", M)),
        term=_open(0, notice=12, start_on=date(2006, 1, 1)),  # tills vidare, 12 months
        phase=Phase.EXITING,
        purpose=(
            "Avtalet samlar kommunernas gemensamma nämnder och förvaltningar, med gemensam "
            "ledning av verksamheter inom teknik, IT, ekonomi, lön och personal."
        ),
        goals=(
            "– Mindre sårbarhet i små specialistfunktioner.\n"
            "– Högre kvalitet och effektivitet genom gemensamma förvaltningar.\n"
            "– Insyn och inflytande för alla tre kommunerna."
        ),
        motive=(
            "Samarbetet startade för att minska sårbarheten och höja effektiviteten i tre "
            "kommuner av olika storlek."
        ),
        cost_note="Kostnaderna fördelas i varje gemensam nämnd.",
        decision_body="Kommunfullmäktige",
        internal_note=(
            "Mariestads kommunfullmäktige har beslutat att lämna samarbetet så snart som möjligt. "
            "Avvecklingen planeras nämnd för nämnd; Töreboda och Gullspång utreder fortsatt "
            "samverkan."
        ),
        is_public=True,
    ),
    _Spec(
        key="mtg-teknik",
        title="Gemensam teknisk nämnd Mariestad, Töreboda och Gullspång",
        form=NAMND,
        areas=("vatten-avlopp", "avfall"),
        parties=(("Mariestad", H), ("Töreboda", M), ("Gullspång", M)),
        term=_open(0, notice=12, start_on=date(2007, 1, 1)),  # tills vidare, 12 months
        phase=Phase.EXITING,
        purpose=(
            "Den gemensamma tekniska nämnden i Mariestad ansvarar för gator, parker, vatten och "
            "avlopp samt avfall i alla tre kommunerna."
        ),
        goals=(
            "– En gemensam VA-plan för de tre kommunerna.\n"
            "– Samordnade upphandlingar av entreprenader och fordon."
        ),
        motive="Få tekniker i varje kommun och stora investeringsbehov inom VA.",
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=96_000_000,
        internal_note=(
            "Följer avvecklingen av MTG-samarbetet. Anläggningsregister och personal ska "
            "överlämnas före slutdatum."
        ),
    ),
    _Spec(
        key="mtg-it",
        title="Gemensam IT-nämnd Mariestad, Töreboda och Gullspång",
        form=NAMND,
        areas=("it-digitalisering", "e-arkiv"),
        parties=(("Mariestad", H), ("Töreboda", M), ("Gullspång", M)),
        term=_tacit(200, 48, 24, 12, deadline_in=2),
        purpose="IT-nämnden i Mariestad sköter IT-drift, telefoni och e-arkiv åt alla tre.",
        goals=(
            "– En gemensam IT-miljö med samma säkerhetsnivå i alla kommunerna.\n"
            "– Ett e-arkiv som tar emot handlingar från alla tre."
        ),
        motive="Gemensam drift gav specialister som ingen kommun kunde anställa själv.",
        cost_basis=CostBasis.FIXED_SHARES,
        annual_cost=24_000_000,
        shares=(62, 22, 16),
        internal_note=(
            "Uppsägningstiden går snart ut. Mariestad har aviserat att IT ingår i avvecklingen."
        ),
    ),
    _Spec(
        key="toreboda-gullspang-miljo-bygg",
        title="Gemensam miljö- och byggnämnd Töreboda och Gullspång",
        form=NAMND,
        areas=("miljo-halsoskydd", "plan-bygg"),
        parties=(("Töreboda", H), ("Gullspång", M)),
        term=_open(-10, 12),
        phase=Phase.PLANNED,
        undecided=("Gullspång",),
        purpose=(
            "Töreboda och Gullspång utreder en gemensam nämnd för miljö- och byggfrågor med "
            "Töreboda som värdkommun, som en del av samverkan efter MTG."
        ),
        goals=(
            "– Lokal närvaro i båda kommunerna.\n"
            "– En organisation som är stor nog att rekrytera och behålla handläggare."
        ),
        motive="Kompetensförsörjning när samverkan med Mariestad upphör.",
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=9_500_000,
        cost_note="Preliminär budget enligt utredningen.",
    ),
    _Spec(
        key="alkohol-goteborg",
        title="Alkohol- och tobakstillsyn genom Göteborgs Stad",
        form=AVTAL,
        areas=("alkohol-tobakstillsyn",),
        parties=(("Göteborg", H),)
        + tuple(
            (name, P)
            for name in (
                "Partille",
                "Härryda",
                "Lerum",
                "Ale",
                "Öckerö",
                "Kungälv",
                "Stenungsund",
                "Tjörn",
            )
        ),
        term=_fixed(0, notice=12, start_on=date(2015, 1, 1), end_on=date(2023, 6, 30)),
        phase=Phase.ENDED,
        purpose=(
            "Göteborgs Stad handlade ansökningar om tillstånd och utförde tillsyn enligt "
            "alkohollagen och tobakslagen åt åtta kommuner i regionen."
        ),
        goals=(
            "– Likvärdig tillsyn av serveringsställen i hela regionen.\n"
            "– Korta handläggningstider för serveringstillstånd."
        ),
        motive="Specialiserad kompetens och samma bedömningar över kommungränserna.",
        cost_basis=CostBasis.USAGE,
        annual_cost=7_400_000,
        internal_note=(
            "Avtalet upphörde 2023-06-30. Sju av kommunerna fortsatte i en ny samverkan med "
            "Partille som utförare."
        ),
        is_public=True,
    ),
    _Spec(
        key="alkohol-partille",
        title="Avtal om alkohol- och tobakstillsyn med Partille som utförare",
        form=AVTAL,
        areas=("alkohol-tobakstillsyn",),
        parties=(("Partille", H),)
        + tuple(
            (name, P) for name in ("Härryda", "Lerum", "Ale", "Öckerö", "Kungälv", "Stenungsund")
        ),
        term=_tacit(0, 36, 24, 12, start_on=date(2023, 7, 1)),
        purpose=(
            "Partille handlägger tillstånd och utför tillsyn enligt alkohollagen, tobakslagen "
            "och lagen om receptfria läkemedel åt sex kommuner. Varje kommuns nämnd beslutar i "
            "sina egna ärenden; handläggarna i Partille har delegation."
        ),
        goals=(
            "– Varje serveringsställe får minst ett tillsynsbesök per år.\n"
            "– Beslut om stadigvarande serveringstillstånd inom åtta veckor från komplett "
            "ansökan.\n"
            "– Gemensamma riktlinjer antagna i alla sju kommunerna."
        ),
        motive=(
            "När det tidigare avtalet upphörde ville kommunerna behålla en gemensam "
            "specialistfunktion, närmare sig själva."
        ),
        cost_basis=CostBasis.USAGE,
        annual_cost=6_900_000,
        cost_note=(
            "Avgifterna från tillståndshavarna täcker en del; resten fördelas efter antal "
            "tillstånd i varje kommun."
        ),
        is_public=True,
    ),
    _Spec(
        key="miljo-ostra-skaraborg",
        title="Miljöförbundet Östra Skaraborg",
        form=FORBUND,
        areas=("miljo-halsoskydd", "livsmedelskontroll"),
        parties=(("Skövde", M), ("Hjo", M), ("Tibro", M), ("Karlsborg", M), ("Tidaholm", M)),
        term=_open(170, 24),
        purpose=(
            "Förbundet utövar tillsyn och kontroll enligt miljöbalken och "
            "livsmedelslagstiftningen åt medlemskommunerna och ger råd till invånare och företag."
        ),
        goals=(
            "– Alla verksamheter med fast avgift besöks enligt tillsynsplanen.\n"
            "– Företagare möter samma bemötande och tolkningar i alla kommunerna."
        ),
        motive="En större tillsynsorganisation med specialister, till exempel på förorenad mark.",
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=38_000_000,
        is_public=True,
    ),
    _Spec(
        key="livsmedel-dalsland",
        title="Livsmedelskontroll i Dalsland",
        form=AVTAL,
        areas=("livsmedelskontroll",),
        parties=(("Bengtsfors", H), ("Dals-Ed", P), ("Färgelanda", P)),
        term=_tacit(70, 24, 12, 6),
        purpose=(
            "Bengtsfors utför livsmedelskontrollen åt Dals-Ed och Färgelanda, med gemensam "
            "kontrollplan och samma taxa i de tre kommunerna."
        ),
        goals=(
            "– Kontrollplanen följs i alla tre kommunerna.\n"
            "– Två inspektörer kan ersätta varandra vid frånvaro."
        ),
        motive="Var och en av kommunerna hade en halv tjänst; tillsammans blir det en hållbar "
        "arbetsplats.",
        cost_basis=CostBasis.USAGE,
        annual_cost=820_000,
    ),
    _Spec(
        key="miljo-lysekil-sotenas",
        title="Avtal om miljö- och hälsoskydd, Lysekil och Sotenäs",
        form=AVTAL,
        areas=("miljo-halsoskydd",),
        parties=(("Lysekil", H), ("Sotenäs", P)),
        term=_tacit(44, 24, 24, 6),
        purpose=(
            "Lysekil utför tillsyn enligt miljöbalken åt Sotenäs, bland annat av enskilda "
            "avlopp, badvatten och verksamheter i hamnarna."
        ),
        goals=(
            "– Alla enskilda avlopp i Sotenäs är inventerade inom avtalsperioden.\n"
            "– Badvattenprover tas enligt plan varje sommar."
        ),
        motive="Sotenäs saknade miljöinspektörer och hade svårt att rekrytera.",
        cost_basis=CostBasis.USAGE,
        annual_cost=1_300_000,
    ),
    # --- Värmland, Norrland, Småland, Halland -------------------------------------------------
    _Spec(
        key="miljo-hagfors-munkfors",
        title="Avtal om miljö- och hälsoskydd, Hagfors och Munkfors",
        form=AVTAL,
        areas=("miljo-halsoskydd", "livsmedelskontroll"),
        parties=(("Hagfors", H), ("Munkfors", P)),
        term=_tacit(90, 36, 12, 6, deadline_in=1),
        purpose=(
            "Hagfors utför tillsyn och kontroll inom miljö, hälsoskydd och livsmedel åt "
            "Munkfors. Munkfors nämnd beslutar i sina ärenden på förslag från Hagfors."
        ),
        goals=(
            "– Tillsynsskulden i Munkfors är avbetad inom två år.\n"
            "– Samma taxa och samma handläggningsrutiner i båda kommunerna."
        ),
        motive="Munkfors kunde inte ha kvar egna inspektörer med rätt bredd.",
        cost_basis=CostBasis.USAGE,
        annual_cost=1_050_000,
        internal_note="Munkfors utreder om avtalet ska sägas upp för ny samverkan i Klarälvdalen.",
    ),
    _Spec(
        key="lon-arvika",
        title="Gemensam lönenämnd Arvika, Eda och Årjäng",
        form=NAMND,
        areas=("lon", "hr-personal"),
        parties=(("Arvika", H), ("Eda", M), ("Årjäng", M)),
        term=_tacit(120, 48, 48, 12),
        purpose=(
            "Lönenämnden i Arvika sköter lön, pensioner och systemstöd för personalfrågor åt "
            "de tre kommunerna."
        ),
        goals=(
            "– En gemensam löneprocess med samma kalender.\n"
            "– Chefer i alla kommuner har samma självservice."
        ),
        motive="Ett gemensamt lönesystem blev för dyrt att förvalta var för sig.",
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=11_800_000,
        is_public=True,
    ),
    _Spec(
        key="upphandling-umea",
        title="Upphandlingsfunktion i Umeåregionen",
        form=ASYM,
        areas=("upphandling",),
        parties=(
            ("Umeå", H),
            ("Vindeln", P),
            ("Vännäs", P),
            ("Bjurholm", P),
            ("Nordmaling", P),
            ("Robertsfors", P),
        ),
        term=_open(130, 12),
        purpose=(
            "Umeå genomför upphandlingar och förvaltar ramavtal även för de mindre kommunerna i "
            "regionen, som avropar från avtalen och deltar i behovsanalysen."
        ),
        goals=(
            "– Ramavtal med lokala leverantörer där det är möjligt.\n"
            "– Inga överprövningar förlorade på grund av brister i underlagen."
        ),
        motive=(
            "Upphandlingsreglerna kräver juridisk kompetens som de mindre kommunerna inte kan "
            "ha själva."
        ),
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=5_600_000,
        cost_note="Umeå står för grundkostnaden; övriga betalar efter invånarantal.",
        is_public=True,
    ),
    _Spec(
        key="miljo-vannas-bjurholm",
        title="Avtal om miljö- och hälsoskydd, Vännäs och Bjurholm",
        form=AVTAL,
        areas=("miljo-halsoskydd", "livsmedelskontroll"),
        parties=(("Vännäs", H), ("Bjurholm", P)),
        term=_open(66, 6),
        purpose=(
            "Vännäs utför tillsyn och kontroll inom miljö, hälsoskydd och livsmedel åt Bjurholm."
        ),
        goals="– Bjurholms tillsynsplan genomförs varje år.\n– Handläggning inom fyra veckor.",
        motive="Bjurholm är för litet för en egen miljöenhet.",
        cost_basis=CostBasis.USAGE,
        annual_cost=640_000,
    ),
    _Spec(
        key="overformyndare-kalix",
        title="Gemensam överförmyndarnämnd Kalix, Haparanda och Överkalix",
        form=NAMND,
        areas=("overformyndare",),
        parties=(("Kalix", H), ("Haparanda", M), ("Överkalix", M)),
        term=_open(84, 12),
        purpose=(
            "Nämnden i Kalix utövar tillsyn över gode män och förvaltare i de tre kommunerna "
            "och rekryterar och utbildar ställföreträdare gemensamt."
        ),
        goals=(
            "– Alla ställföreträdare erbjuds utbildning inom ett år från förordnandet.\n"
            "– Granskningen av årsräkningar är klar före den 1 juli."
        ),
        motive="Sårbarheten med en handläggare i varje kommun.",
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=3_200_000,
    ),
    _Spec(
        key="vux-halsingland",
        title="Utbildningsförbundet Hälsingland",
        form=FORBUND,
        areas=("vuxenutbildning", "gymnasieskola"),
        parties=(
            ("Hudiksvall", M),
            ("Nordanstig", M),
            ("Ljusdal", M),
            ("Bollnäs", M),
            ("Ovanåker", M),
            ("Söderhamn", M),
        ),
        term=_open(140, 24),
        purpose=(
            "Förbundet anordnar vuxenutbildning, yrkeshögskoleutbildningar och "
            "introduktionsprogram åt medlemskommunerna."
        ),
        goals=(
            "– Utbildningarna motsvarar arbetsgivarnas behov i Hälsingland.\n"
            "– Minst 75 procent av de som läst en yrkesutbildning har arbete efter ett år."
        ),
        motive="Ett gemensamt utbud ger fler utbildningar än varje kommun kan starta själv.",
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=92_000_000,
        is_public=True,
    ),
    _Spec(
        key="alkohol-gavle",
        title="Avtal om alkohol- och tobakstillsyn åt Ockelbo och Hofors",
        form=AVTAL,
        areas=("alkohol-tobakstillsyn",),
        parties=(("Gävle", H), ("Ockelbo", P), ("Hofors", P)),
        term=_tacit(58, 24, 12, 6),
        purpose=(
            "Gävle handlägger serveringstillstånd och utför tillsyn av servering och "
            "tobaksförsäljning åt Ockelbo och Hofors."
        ),
        goals="– Minst ett tillsynsbesök per serveringsställe och år.",
        motive="Få tillstånd i varje kommun men krav på kunnig handläggning.",
        cost_basis=CostBasis.USAGE,
        annual_cost=540_000,
    ),
    _Spec(
        key="miljo-lessebo-uppvidinge",
        title="Samverkansavtal om miljötillsyn, Lessebo och Uppvidinge",
        form=AVTAL,
        areas=("miljo-halsoskydd",),
        parties=(("Lessebo", H), ("Uppvidinge", P)),
        term=_tacit(36, 36, 12, 6),
        purpose="Lessebo utför tillsyn enligt miljöbalken åt Uppvidinge.",
        goals="– Gemensam tillsynsplan och samma taxa i båda kommunerna.",
        motive="Båda kommunerna hade vakanser som inte gick att tillsätta.",
        cost_basis=CostBasis.USAGE,
        annual_cost=780_000,
    ),
    _Spec(
        key="livsmedel-kalmar",
        title="Avtal om livsmedelskontroll i södra Kalmar län",
        form=AVTAL,
        areas=("livsmedelskontroll",),
        parties=(("Kalmar", H), ("Torsås", P), ("Mörbylånga", P), ("Emmaboda", P)),
        term=_tacit(80, 24, 12, 6),
        purpose=(
            "Kalmar utför livsmedelskontroll åt Torsås, Mörbylånga och Emmaboda, med extra "
            "resurser på Öland under sommarsäsongen."
        ),
        goals=(
            "– Kontroll av alla sommaröppna verksamheter under säsongen.\n"
            "– Samma riskklassning i alla fyra kommunerna."
        ),
        motive="Säsongstoppar som de mindre kommunerna inte kan bemanna själva.",
        cost_basis=CostBasis.USAGE,
        annual_cost=2_400_000,
        is_public=True,
    ),
    _Spec(
        key="raddning-jamtland",
        title="Räddningstjänstförbundet Jämtland",
        form=FORBUND,
        areas=("raddningstjanst", "krisberedskap-civilt-forsvar"),
        parties=tuple(
            (name, M)
            for name in (
                "Östersund",
                "Krokom",
                "Åre",
                "Berg",
                "Bräcke",
                "Ragunda",
                "Strömsund",
                "Härjedalen",
            )
        ),
        term=_open(-12, 24),
        phase=Phase.PLANNED,
        undecided=("Åre", "Strömsund", "Härjedalen"),
        purpose=(
            "Kommunerna i Jämtlands län utreder ett gemensamt förbund för räddningstjänst och "
            "beredskap som ska ersätta de nuvarande avtalen."
        ),
        goals=(
            "– En gemensam ledning med räddningschef i beredskap för hela länet.\n"
            "– Bättre förmåga vid stora skogsbränder och höjd beredskap."
        ),
        motive="Långa avstånd och få heltidsanställda; en gemensam ledning gör systemet robust.",
        cost_basis=CostBasis.PER_CAPITA,
        annual_cost=210_000_000,
        cost_note="Preliminär budget; förbundsordningen är ute på remiss.",
        internal_note="Åre, Strömsund och Härjedalen väntar med beslut till efter remissen.",
    ),
    _Spec(
        key="it-halmstad-hylte",
        title="IT-drift åt Hylte kommun",
        form=AVTAL,
        areas=("it-digitalisering",),
        parties=(("Halmstad", H), ("Hylte", P)),
        term=_tacit(36, 36, 12, 6),
        purpose="Halmstad driver servrar, nätverk och användarstöd åt Hylte.",
        goals=(
            "– Hylte får samma säkerhetsnivå som Halmstad.\n"
            "– Ärenden till servicedesk löses inom avtalad tid i 95 procent av fallen."
        ),
        motive="Hylte kunde inte själv möta kraven på informationssäkerhet.",
        cost_basis=CostBasis.USAGE,
        annual_cost=4_900_000,
    ),
    # --- parties that are not kommuner (regioner, förbund, Finsam, companies) ------------------
    _Spec(
        key="hjalpmedel-dalarna",
        title="Gemensam hjälpmedelsnämnd i Dalarna",
        form=NAMND,
        areas=("kommunal-halso-sjukvard", "funktionsstod-lss"),
        parties=(
            ("Region Dalarna", H),
            ("Falun", M),
            ("Borlänge", M),
            ("Mora", M),
            ("Leksand", M),
            ("Vansbro", M),
            ("Malung-Sälen", M),
        ),
        term=_open(130, 12),
        purpose=(
            "Nämnden ingår i Region Dalarnas organisation och ansvarar för förskrivning, "
            "inköp, utlåning och underhåll av hjälpmedel åt regionen och kommunerna, så att "
            "den som behöver ett hjälpmedel möter samma regler var hen bor."
        ),
        goals=(
            "– Hjälpmedel levereras inom fem arbetsdagar.\n"
            "– Återanvändningen av hjälpmedel ökar varje år.\n"
            "– Förskrivarna i kommunerna får utbildning minst en gång per år."
        ),
        motive="Gemensamt sortiment och lager ger kvalitet och lägre kostnad per hjälpmedel.",
        cost_basis=CostBasis.USAGE,
        annual_cost=42_000_000,
        cost_note="Varje part betalar efter sina förskrivningar; regionen står för kansliet.",
        is_public=True,
    ),
    _Spec(
        key="raddning-hedemora",
        title="Räddningstjänst för Hedemora genom Räddningstjänstförbundet Mitt i Dalarna",
        form=AVTAL,
        areas=("raddningstjanst",),
        parties=(("Räddningstjänstförbundet Mitt i Dalarna", H), ("Hedemora", P)),
        term=_tacit(40, 24, 36, 12),
        purpose=(
            "Förbundet utför räddningstjänst och tillsyn enligt lagen om skydd mot olyckor i "
            "Hedemora, som inte är medlem i förbundet. Hedemoras nämnd behåller ansvaret "
            "och beslutar om handlingsprogrammet."
        ),
        goals=(
            "– Samma insatstider i Hedemora som i medlemskommunerna.\n"
            "– Tillsynsplanen för Hedemora genomförs till minst 90 procent."
        ),
        motive="Hedemora fick inte tag på en räddningschef och ville inte bli medlem direkt.",
        cost_basis=CostBasis.OTHER,
        annual_cost=31_500_000,
        cost_note="Fast ersättning per år, indexeras med PKV.",
        is_public=True,
    ),
    _Spec(
        key="finsam-mitt-dalarna",
        title="Samordningsförbundet Mitt i Dalarna",
        form="samordningsforbund",
        areas=("socialtjanst", "vuxenutbildning"),
        parties=(
            ("Försäkringskassan", M),
            ("Arbetsförmedlingen", M),
            ("Region Dalarna", M),
            ("Falun", M),
            ("Borlänge", M),
            ("Säter", M),
        ),
        body="Samordningsförbundet Mitt i Dalarna",
        term=_open(110, 12, alignment="year_end"),
        purpose=(
            "Förbundet finansierar samordnade insatser för personer som behöver stöd från "
            "flera myndigheter för att kunna arbeta, till exempel efter lång sjukskrivning."
        ),
        goals=(
            "– Hälften av deltagarna går till arbete eller studier inom ett år.\n"
            "– Medlemmarna har gemensamma rutiner för samordnad rehabilitering."
        ),
        motive="Ingen enskild myndighet kunde ge det samlade stöd som målgruppen behöver.",
        cost_basis=CostBasis.FIXED_SHARES,
        annual_cost=8_000_000,
        shares=(25, 25, 25, 12.5, 9, 3.5),
        cost_note="Försäkringskassan bidrar med hälften (även för Arbetsförmedlingen), "
        "regionen en fjärdedel och kommunerna en fjärdedel efter folkmängd.",
        is_public=True,
    ),
    _Spec(
        key="vatten-vasterdalarna",
        title="Västerdalarnas Vatten och Avfall AB",
        form="bolag",
        areas=("vatten-avlopp", "avfall"),
        parties=(("Malung-Sälen", M), ("Vansbro", M)),
        body="Västerdalarnas Vatten och Avfall AB",
        term=_open(96, 24),
        purpose=(
            "Bolaget driver vattenverk, reningsverk och avfallshantering åt de två ägarna. "
            "Kommunerna är fortfarande huvudmän för VA; bolaget utför uppdraget."
        ),
        goals=(
            "– Taxorna höjs inte mer än kostnadsutvecklingen.\n"
            "– Förnyelsetakten i ledningsnätet når 1 procent per år."
        ),
        motive="Två små kommuner kunde inte var för sig rekrytera VA-ingenjörer.",
        cost_basis=CostBasis.FIXED_SHARES,
        annual_cost=58_000_000,
        shares=(60, 40),
        is_public=True,
    ),
)


def _small_dates(
    term: _Term, rng: random.Random, today: date
) -> tuple[date, date | None, str, int | None]:
    """(start_on, end_on, term, renewal_months) for one hand-written term."""
    jitter = rng.randint(0, 4) if term.months_ago > 0 else 0
    start = term.start_on or _month_start(today, -(term.months_ago + jitter))
    if term.kind == "open":
        return start, None, Term.INDEFINITE, None
    if term.kind in ("fixed", "then_open"):
        assert term.end_on is not None or term.end_in is not None
        end = term.end_on or _month_end(today, cast(int, term.end_in))
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
    term_end = _month_end(today, deadline_in + notice)
    renewals = max(0, round((deadline_in + notice - term.first + term.months_ago) / term.renewal))
    while True:
        end = add_months(term_end, -renewals * term.renewal)
        start = add_months(end, -term.first) + timedelta(days=1)
        if start <= today:
            return start, end, Term.RENEWING, term.renewal
        renewals += 1


def _load_small(session: Session, rng: random.Random, today: date, actor: Actor) -> _Loaded:
    """Register the hand-written agreements through the services, as the command line."""
    loaded: list[DemoAgreement] = []
    contacts = parties = 0
    refs = {**KOMMUNER, **ORGANISATION_KEYS, **_demo_bodies(session, today, actor)}
    _demo_nämnder(session, actor)
    for spec in SMALL_CATALOGUE:
        start, end, term, renewal_months = _small_dates(spec.term, rng, today)
        codes = [refs[name] for name, _ in spec.parties]
        shares: dict[str, Decimal] = {}
        if spec.cost_basis == CostBasis.FIXED_SHARES:
            weights = spec.shares or tuple(1.0 for _ in codes)
            shares = _shares(codes, weights)
        elif spec.cost_basis == CostBasis.PER_CAPITA:
            current = [name for name, _ in spec.parties if name not in dict(spec.left)]
            shares = _shares(
                [refs[name] for name in current], [_ROUGH_SIZE.get(n, 10) for n in current]
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
                cost = _money(spec.annual_cost * float(share) / 100)
            elif spec.cost_basis == CostBasis.USAGE and role == P and spec.annual_cost:
                cost = _money(spec.annual_cost / len(payers))
            decided = name not in spec.undecided
            decision_on = _decision_on(rng, start, today) if decided else None
            left_months = dict(spec.left).get(name)
            party_inputs.append(
                PartyInput(
                    municipality_code=code if is_kommun else None,
                    organisation=None if is_kommun else code,
                    ownership_percent=owner_share,
                    responsible_body=_responsible_body(spec) if is_kommun else "",
                    role=role,
                    decision_body=(
                        (spec.decision_body or _decision_body(rng, spec.form)) if decided else ""
                    ),
                    decision_on=decision_on,
                    decision_paragraph=f"§ {rng.randint(4, 190)}" if decided else "",
                    decision_ref=(
                        _diarienummer(code if is_kommun else "2000", decision_on.year, rng)
                        if decision_on
                        else ""
                    ),
                    joined_on=start,
                    left_on=_month_end(today, -left_months) if left_months else None,
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
            record(
                session,
                actor,
                action="update",
                object_type="agreement",
                object_id=agreement.id,
                label=agreement.title,
                agreement_id=agreement.id,
                changes={"phase": [Phase.PLANNED.value, spec.phase]},
            )
        contacts += _small_contacts(session, agreement, spec, rng, actor)
        parties += len(agreement.parties)
        loaded.append(_demo_agreement(agreement))
    return _Loaded(loaded, parties, contacts)


def _demo_bodies(session: Session, today: date, actor: Actor) -> dict[str, str]:
    """Register the demo's förbund, Finsam and company; name → key for the party lists."""
    found: dict[str, str] = {}
    for kind, name, description, articles_months, directive_months in DEMO_BODIES:
        existing = session.scalar(select(Organisation).where(Organisation.name == name))
        org = existing or create_organisation(
            session,
            OrganisationInput(
                kind=kind,
                name=name,
                description=description,
                articles_adopted_on=(
                    _month_start(today, -articles_months) if articles_months else None
                ),
                owner_directive_on=(
                    _month_start(today, -directive_months) if directive_months else None
                ),
            ),
            actor=actor,
        )
        found[name] = f"org-{org.id}"
    return found


def _demo_nämnder(session: Session, actor: Actor) -> None:
    """Each demo kommun's list of nämnder: those the demo names as responsible (kommunfullmäktige
    and kommunstyrelsen are in every list)."""
    names = sorted({n for n in RESPONSIBLE_BODIES.values() if n not in FIXED_BODIES})
    for code in sorted(set(KOMMUNER.values())):
        kommun = session.get(Municipality, code)
        if kommun is None:
            continue
        have = set(body_names(session, code))
        for name in names:
            if name not in have:
                add_body(session, kommun, name, actor=actor)


def _responsible_body(spec: _Spec) -> str:
    """The nämnd that answers for the agreement in a kommun, by the agreement's first area."""
    return RESPONSIBLE_BODIES.get(spec.areas[0], "Kommunstyrelsen")


RESPONSIBLE_BODIES: dict[str, str] = {
    "raddningstjanst": "Kommunstyrelsen",
    "miljo-halsoskydd": "Miljö- och byggnämnden",
    "livsmedelskontroll": "Miljö- och byggnämnden",
    "alkohol-tobakstillsyn": "Socialnämnden",
    "plan-bygg": "Miljö- och byggnämnden",
    "overformyndare": "Överförmyndarnämnden",
    "socialtjanst": "Socialnämnden",
    "aldreomsorg": "Socialnämnden",
    "kommunal-halso-sjukvard": "Socialnämnden",
    "funktionsstod-lss": "Socialnämnden",
    "gymnasieskola": "Barn- och utbildningsnämnden",
    "vuxenutbildning": "Barn- och utbildningsnämnden",
    "vatten-avlopp": "Tekniska nämnden",
    "avfall": "Tekniska nämnden",
}


def _small_contacts(
    session: Session, agreement: Agreement, spec: _Spec, rng: random.Random, actor: Actor
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
        name, email = _person(rng, party.name, taken)
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
            name, email = _person(rng, party.name, taken)
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
        # Extensions plan per kommun (meeting calendars, reminders): kommun parties only.
        parties=tuple(
            (p.municipality_code, p.role)
            for p in agreement.parties
            if p.is_current and p.municipality_code
        ),
    )


# --------------------------------------------------------------------------------------------
# national: the whole country, generated and inserted in bulk
# --------------------------------------------------------------------------------------------

# Counties sharing a border (or, for Gotland, the nearest ferry ports).
COUNTY_NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "01": ("03", "04", "09"),
    "03": ("01", "04", "19", "21"),
    "04": ("01", "03", "05", "18", "19"),
    "05": ("04", "06", "08", "18"),
    "06": ("05", "07", "08", "13", "14"),
    "07": ("06", "08", "10", "12", "13"),
    "08": ("05", "06", "07", "09", "10"),
    "09": ("01", "08"),
    "10": ("07", "08", "12"),
    "12": ("07", "10", "13"),
    "13": ("06", "07", "12", "14"),
    "14": ("06", "13", "17", "18"),
    "17": ("14", "18", "20"),
    "18": ("04", "05", "14", "17", "19", "20"),
    "19": ("03", "04", "18", "20"),
    "20": ("17", "18", "19", "21", "23"),
    "21": ("03", "20", "22", "23"),
    "22": ("21", "23", "24"),
    "23": ("20", "21", "22", "24"),
    "24": ("22", "23", "25"),
    "25": ("24",),
}
REGION_NAMES: dict[str, str] = {
    "01": "Stockholms län", "03": "Uppland", "04": "Sörmland", "05": "Östergötland",
    "06": "Jönköpings län", "07": "Kronoberg", "08": "Kalmar län", "09": "Gotland",
    "10": "Blekinge", "12": "Skåne", "13": "Halland", "14": "Västra Götaland", "17": "Värmland",
    "18": "Örebro län", "19": "Västmanland", "20": "Dalarna", "21": "Gävleborg",
    "22": "Västernorrland", "23": "Jämtland", "24": "Västerbotten", "25": "Norrbotten",
}  # fmt: skip

# Which forms each kind of task tends to use (weights).
FORM_MIX: dict[str, dict[str, int]] = {
    "tillsyn": {AVTAL: 62, NAMND: 22, FORBUND: 8, ASYM: 5, OVRIG: 3},
    "rescue": {FORBUND: 55, AVTAL: 25, NAMND: 12, ASYM: 5, OVRIG: 3},
    "guardian": {NAMND: 65, AVTAL: 28, ASYM: 7},
    "support": {AVTAL: 45, NAMND: 30, ASYM: 10, FORBUND: 5, OVRIG: 10},
    "infra": {OVRIG: 35, FORBUND: 25, AVTAL: 30, NAMND: 10},
    "education": {AVTAL: 50, FORBUND: 25, ASYM: 15, NAMND: 10},
    "welfare": {AVTAL: 60, NAMND: 20, ASYM: 10, FORBUND: 5, OVRIG: 5},
    "development": {OVRIG: 55, AVTAL: 35, NAMND: 10},
    "audit": {AVTAL: 70, OVRIG: 30},
}
# How many parties each form tends to have (count, weight): many two-party agreements,
# some large förbund.
PARTY_COUNTS: dict[str, tuple[tuple[int, int], ...]] = {
    AVTAL: ((2, 68), (3, 17), (4, 7), (5, 4), (6, 2), (7, 1), (8, 1)),
    NAMND: ((2, 24), (3, 34), (4, 20), (5, 11), (6, 7), (7, 4)),
    FORBUND: (
        (2, 10),
        (3, 18),
        (4, 17),
        (5, 15),
        (6, 12),
        (7, 9),
        (8, 7),
        (9, 5),
        (10, 3),
        (11, 2),
        (12, 2),
    ),
    ASYM: ((3, 30), (4, 26), (5, 20), (6, 14), (7, 7), (8, 3)),
    OVRIG: ((2, 28), (3, 24), (4, 15), (5, 11), (6, 8), (8, 7), (10, 4), (12, 3)),
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
    "miljo-halsoskydd": AreaProfile(
        16, "tillsyn", "miljö- och hälsoskydd", "miljönämnd", "Miljöförbundet", (400, 2500),
        "Tillsynsplanen genomförs helt i varje kommun.", "livsmedelskontroll", 0.5,
    ),
    "livsmedelskontroll": AreaProfile(
        13, "tillsyn", "livsmedelskontroll", "miljö- och livsmedelsnämnd",
        "Miljö- och livsmedelsförbundet", (200, 1200),
        "Alla anläggningar i de högsta riskklasserna kontrolleras varje år.",
        "miljo-halsoskydd", 0.35,
    ),
    "alkohol-tobakstillsyn": AreaProfile(
        9, "tillsyn", "alkohol- och tobakstillsyn", "tillståndsnämnd", "Tillståndsförbundet",
        (150, 900), "Varje serveringsställe får minst ett tillsynsbesök per år.",
        "livsmedelskontroll", 0.1,
    ),
    "plan-bygg": AreaProfile(
        7, "tillsyn", "plan- och byggfrågor", "byggnadsnämnd", "Samhällsbyggnadsförbundet",
        (500, 3000), "Inga bygglov överskrider lagens handläggningstid.", "kart-mat-gis", 0.25,
    ),
    "raddningstjanst": AreaProfile(
        6, "rescue", "räddningstjänst", "räddningsnämnd", "Räddningstjänstförbundet",
        (6000, 40000), "Insatstiderna blir inte längre och tillsynsplanen genomförs.",
        "krisberedskap-civilt-forsvar", 0.35,
    ),
    "krisberedskap-civilt-forsvar": AreaProfile(
        3, "support", "krisberedskap och civilt försvar", "krisberedskapsnämnd",
        "Beredskapsförbundet", (200, 900), "Krisledningen i varje kommun övar minst en gång "
        "per år.",
    ),
    "overformyndare": AreaProfile(
        6, "guardian", "överförmyndarverksamhet", "överförmyndarnämnd", "Överförmyndarförbundet",
        (600, 2500), "Alla årsräkningar är granskade före den 30 juni.",
    ),
    "it-digitalisering": AreaProfile(
        6, "support", "IT och digitalisering", "IT-nämnd", "IT-förbundet", (2000, 15000),
        "Gemensamma system med samma säkerhetsnivå i alla kommuner.", "e-arkiv", 0.15,
    ),
    "e-arkiv": AreaProfile(
        4, "support", "e-arkiv", "arkivnämnd", "Arkivförbundet", (150, 800),
        "Alla system med bevarandekrav har en plan för leverans till e-arkivet.",
    ),
    "lon": AreaProfile(
        4, "support", "lönehantering", "lönenämnd", "Löneförbundet", (800, 4000),
        "Minst 99,8 procent av lönespecifikationerna är rätt från början.", "hr-personal", 0.3,
    ),
    "hr-personal": AreaProfile(
        2, "support", "HR och personalfrågor", "personalnämnd", "Personalförbundet",
        (400, 2000), "Samma stöd till chefer i alla kommuner.",
    ),
    "ekonomi": AreaProfile(
        2, "support", "ekonomiadministration", "servicenämnd", "Serviceförbundet", (500, 3000),
        "Gemensam redovisningsprocess och samma bokslutskalender.",
    ),
    "upphandling": AreaProfile(
        4, "support", "upphandling", "upphandlingsnämnd", "Upphandlingsförbundet", (300, 2000),
        "Ramavtal som alla parter kan avropa från.",
    ),
    "dataskydd": AreaProfile(
        3, "support", "dataskydd och dataskyddsombud", "nämnd för dataskydd",
        "Dataskyddsförbundet", (100, 500), "Varje nämnd får en granskningsrapport per år.",
    ),
    "revision": AreaProfile(
        1, "audit", "revision", "revisionsnämnd", "Revisionsförbundet", (200, 800),
        "Revisorerna får sakkunnigt biträde av samma kvalitet i alla kommuner.",
    ),
    "kart-mat-gis": AreaProfile(
        2, "support", "kart och mät", "lantmäterinämnd", "Lantmäteriförbundet", (300, 1500),
        "En gemensam och aktuell grundkarta.",
    ),
    "energi-klimatradgivning": AreaProfile(
        3, "development", "energi- och klimatrådgivning", "energinämnd", "Energiförbundet",
        (100, 400), "Minst 100 rådgivningar per kommun och år.",
    ),
    "vatten-avlopp": AreaProfile(
        4, "infra", "vatten och avlopp", "VA-nämnd", "VA-förbundet", (8000, 60000),
        "En gemensam VA-plan och samordnade investeringar.", "avfall", 0.3,
    ),
    "avfall": AreaProfile(
        4, "infra", "avfallshantering", "avfallsnämnd", "Avfallsförbundet", (5000, 40000),
        "Mer material går till återvinning och mindre till förbränning.",
    ),
    "gymnasieskola": AreaProfile(
        4, "education", "gymnasieutbildning", "gymnasienämnd", "Gymnasieförbundet",
        (10000, 80000), "Fler elever tar gymnasieexamen inom fyra år.", "vuxenutbildning", 0.2,
    ),
    "vuxenutbildning": AreaProfile(
        4, "education", "vuxenutbildning", "nämnd för vuxenutbildning", "Utbildningsförbundet",
        (1500, 9000), "Fler elever i yrkesutbildning har arbete ett år efter utbildningen.",
    ),
    "socialtjanst": AreaProfile(
        4, "welfare", "socialtjänst", "socialnämnd", "Välfärdsförbundet", (1000, 8000),
        "Akuta ärenden tas om hand inom en timme, dygnet runt.", "funktionsstod-lss", 0.1,
    ),
    "aldreomsorg": AreaProfile(
        1, "welfare", "äldreomsorg", "omsorgsnämnd", "Omsorgsförbundet", (2000, 12000),
        "Samma kvalitet i omsorgen oavsett hemkommun.",
    ),
    "funktionsstod-lss": AreaProfile(
        2, "welfare", "stöd enligt LSS", "LSS-nämnd", "Omsorgsförbundet", (1500, 9000),
        "Fler boendeplatser nära hemorten.",
    ),
    "kommunal-halso-sjukvard": AreaProfile(
        1, "welfare", "kommunal hälso- och sjukvård", "vårdnämnd", "Vårdförbundet",
        (1000, 6000), "Sjuksköterska tillgänglig dygnet runt i alla kommuner.",
    ),
    "bostadsanpassning": AreaProfile(
        1, "welfare", "bostadsanpassning", "nämnd för bostadsanpassning",
        "Bostadsanpassningsförbundet", (100, 600), "Beslut om bidrag inom sex veckor.",
    ),
    "fardtjanst": AreaProfile(
        2, "welfare", "färdtjänst", "färdtjänstnämnd", "Färdtjänstförbundet", (500, 3000),
        "Samma regler och samma beställningscentral för alla resenärer.",
    ),
    "kollektivtrafik": AreaProfile(
        1, "infra", "kollektivtrafik", "trafiknämnd", "Trafikförbundet", (3000, 20000),
        "Fler resor med kollektivtrafik mellan kommunerna.", "fardtjanst", 0.3,
    ),
    "naringsliv-turism": AreaProfile(
        3, "development", "näringsliv och turism", "näringslivsnämnd", "Destinationsförbundet",
        (300, 2000), "Fler gästnätter och fler nya företag i regionen.", "kultur", 0.1,
    ),
    "kultur": AreaProfile(
        2, "development", "kultur", "kulturnämnd", "Kulturförbundet", (200, 1500),
        "Ett gemensamt kulturutbud som når alla kommunerna.",
    ),
}  # fmt: skip
GENERAL_GOALS = (
    "Minska sårbarheten vid vakanser och sjukfrånvaro.",
    "Samma kvalitet och bemötande i alla deltagande kommuner.",
    "Kostnaden per invånare ökar inte mer än index.",
    "Kunna rekrytera och behålla specialister.",
    "En årlig uppföljning redovisas för varje kommunstyrelse.",
)
MOTIVES = (
    "Kompetensförsörjning: kommunerna kunde inte rekrytera specialister var för sig.",
    "Sårbarhet: verksamheten hängde på en eller två personer i varje kommun.",
    "Högre kvalitet och likvärdig service för invånarna i hela området.",
    "Nya lagkrav som var svåra att möta för en liten organisation.",
    "Lägre kostnad per ärende genom större volymer.",
)
PHASE_WEIGHTS: dict[str, int] = {
    Phase.ACTIVE.value: 80,
    Phase.PLANNED.value: 6,
    Phase.ENDED.value: 9,
    Phase.EXITING.value: 3,
    Phase.ABANDONED.value: 2,
}
COST_BASIS_WEIGHTS: dict[str, int] = {
    CostBasis.PER_CAPITA.value: 40,
    CostBasis.FIXED_SHARES.value: 25,
    CostBasis.USAGE.value: 25,
    CostBasis.OTHER.value: 10,
}
INSERT_CHUNK = 5000


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


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
        start = _month_start(today, rng.randint(1, 12))
        if rng.random() < 0.5:
            first = rng.choice((24, 36, 48))
            return start, add_months(start - timedelta(days=1), first), 6, Renewal.TACIT, 12
        return start, None, notice_open, Renewal.NONE, None
    if phase == Phase.ABANDONED:
        return _month_start(today, -rng.randint(1, 30)), None, notice_open, Renewal.NONE, None
    # More cooperation has been formed in recent years than in 2005.
    year = rng.choices(years, weights=[4 + (y - years[0]) for y in years])[0]
    months_ago = max((today.year - year) * 12 + today.month - rng.randint(1, 12), 0)
    if phase == Phase.ENDED:
        months_ago = max(months_ago, 14)
        start = _month_start(today, -months_ago)
        end = _month_end(today, -rng.randint(1, months_ago - 12))
        return start, end, rng.choice((6, 12)), Renewal.NONE, None
    if phase == Phase.EXITING:
        start = _month_start(today, -max(months_ago, 12))
        return start, _month_end(today, rng.randint(1, 18)), notice_open, Renewal.NONE, None
    start = _month_start(today, -months_ago)
    kind = rng.random()
    if kind < 0.45 and form != FORBUND:
        first = rng.choice((24, 36, 36, 48))
        renewal = rng.choice((12, 12, 24, 24, 36, 48))
        notice = min(rng.choice((3, 6, 6, 12, 12)), renewal)
        return start, add_months(start - timedelta(days=1), first), notice, Renewal.TACIT, renewal
    if kind < 0.87 or form == FORBUND:
        return start, None, notice_open, Renewal.NONE, None
    return start, _month_end(today, rng.randint(2, 60)), None, Renewal.NONE, None


def _national_title(
    geo: _Geography, rng: random.Random, form: str, profile: AreaProfile, roles: dict[str, str]
) -> str:
    codes = list(roles)
    host_code = next((c for c, r in roles.items() if r == H), codes[0])
    host = geo.names[host_code]
    names = [host, *(geo.names[c] for c in codes if c != host_code)]
    purchasers = [geo.names[c] for c, r in roles.items() if r == P]
    few = _names(names)
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
            return f"{phrase} genom {host} för {_names(purchasers)}"
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
            f"{host} utför uppgifter inom {profile.phrase} åt {_names(purchasers)} enligt avtal. "
            "Varje beställande kommun behåller ansvaret och beslutar i sina egna ärenden."
        )
    if form == NAMND:
        return (
            f"Den gemensamma nämnden ingår i {_genitive(host)} organisation och "
            f"fullgör uppgifter inom {profile.phrase} för {_names(names)}."
        )
    if form == FORBUND:
        return f"Förbundet sköter {profile.phrase} för medlemskommunerna {_names(names)}."
    if form == ASYM:
        return (
            f"{host} ansvarar för {profile.phrase} även för {_names(purchasers)}, som har för "
            "litet underlag för en egen verksamhet."
        )
    return (
        f"{_names(names)} samarbetar om {profile.phrase} i en gemensam organisation utanför de "
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


def _load_national(session: Session, rng: random.Random, today: date, count: int) -> _Loaded:
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
            slug = _weighted(rng, area_weights)
            profile = profiles[slug]
            slugs = [slug]
            if profile.companion in profiles and rng.random() < profile.companion_share:
                slugs.append(cast(str, profile.companion))
            form = _weighted(rng, FORM_MIX[profile.mix])
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
        phase = _weighted(rng, PHASE_WEIGHTS)
        start, end, notice, renewal, renewal_months = _national_dates(rng, today, phase, form)
        title = _national_title(geo, rng, form, profile, roles)
        cost_basis = _weighted(rng, COST_BASIS_WEIGHTS)
        low, high = profile.cost_per_party
        annual = rng.randint(low, high) * 1000 * len(roles)
        shares: dict[str, Decimal] = {}
        if cost_basis in (CostBasis.PER_CAPITA, CostBasis.FIXED_SHARES):
            shares = _shares(list(roles), [rng.uniform(0.5, 3.0) for _ in roles])
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
                "annual_cost": _money(annual),
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
            decision_on = _decision_on(rng, start, today) if decided and start else None
            share = shares.get(code)
            party_rows.append(
                {
                    "organisation_id": geo.organisation_ids[code],
                    "municipality_code": code,
                    "role": role,
                    "decision_body": _decision_body(rng, form) if decision_on else "",
                    "decision_on": decision_on,
                    "decision_paragraph": f"§ {rng.randint(4, 260)}" if decision_on else "",
                    "decision_ref": (
                        _diarienummer(code, decision_on.year, rng) if decision_on else ""
                    ),
                    "joined_on": start,
                    "left_on": None,
                    "cost_share_percent": share,
                    "annual_cost": _money(annual * float(share) / 100) if share else None,
                    "ownership_percent": None,
                    "responsible_body": "",
                    "responsible_user_id": None,
                    "version": 1,
                }
            )
            people: list[dict[str, Any]] = []
            if rng.random() < (0.6 if code == lead else 0.15):
                name, email = _person(rng, geo.names[code], taken)
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

    agreement_ids = _insert_with_ids(session, _table(Agreement), rows.agreements)
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
    party_ids = _insert_with_ids(session, _table(Party), flat_parties)
    flat_contacts = [
        {**contact, "party_id": party_id}
        for party_id, people in zip(
            party_ids,
            (people for per_party in rows.contacts for people in per_party),
            strict=True,
        )
        for contact in people
    ]
    for chunk in _chunks(flat_contacts, INSERT_CHUNK):
        session.execute(insert(_table(Contact)), chunk)

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
    return _Loaded(loaded, len(flat_parties), len(flat_contacts))


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert_with_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert many rows with Core ``executemany`` and return their ids in the order of ``rows``.

    The ids are assigned here, after the current maximum: ``INSERT … RETURNING`` with a
    guaranteed order falls back to one statement per row on SQLite, which is ten times slower.
    Like the rest of the demo load this assumes no one else writes the table meanwhile.
    """
    first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    for row, id_ in zip(rows, ids, strict=True):
        row["id"] = id_
    for chunk in _chunks(rows, INSERT_CHUNK):
        session.execute(insert(table), chunk)
    if ids and session.get_bind().dialect.name == "postgresql":
        # Explicit ids do not move a serial column's sequence; later inserts would collide.
        session.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), ids[-1])))
    return ids
