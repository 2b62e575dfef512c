"""Agreements (samverkan), their parties with roles and decisions, and contacts per party."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from sqlalchemy.orm.util import identity_key

from coop_tracker.core.models import Base, TimestampMixin
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.organisations.models import Organisation, OrgKind

if TYPE_CHECKING:
    from coop_tracker.users.models import User


class Form(enum.StrEnum):
    """The legal form of a cooperation."""

    AVTALSSAMVERKAN = "avtalssamverkan"
    GEMENSAM_NAMND = "gemensam_namnd"
    KOMMUNALFORBUND = "kommunalforbund"
    SAMORDNINGSFORBUND = "samordningsforbund"
    BOLAG = "bolag"
    OVRIG = "ovrig"
    # No longer a form: asymmetry is the ``is_asymmetric`` flag on an avtalssamverkan or a
    # gemensam nämnd. The old value is still read from files and the API and mapped there.
    ASYMMETRISK = "asymmetrisk"


# The forms whose agreement creates an organisation of its own (its ``body_organisation``).
BODY_FORMS: dict[str, str] = {
    "kommunalforbund": "forbund",
    "samordningsforbund": "finsam",
    "bolag": "company",
}
# Asymmetry (one large kommun serving smaller ones) is a property of these forms.
ASYMMETRIC_FORMS = ("avtalssamverkan", "gemensam_namnd")


class Role(enum.StrEnum):
    """A party's role in an agreement."""

    HOST = "host"
    PURCHASER = "purchaser"
    MEMBER = "member"


class Phase(enum.StrEnum):
    """Where an agreement is in its life."""

    PLANNED = "planned"
    ACTIVE = "active"
    EXITING = "exiting"
    ENDED = "ended"
    ABANDONED = "abandoned"


class Renewal(enum.StrEnum):
    """The old description of a term's end (kept as an alias of ``term`` in API and files)."""

    NONE = "none"
    TACIT = "tacit"


class Term(enum.StrEnum):
    """How long an agreement runs (see ``agreements/dates.py`` and ``docs/dates.md``)."""

    FIXED = "fixed"
    FIXED_THEN_INDEFINITE = "fixed_then_indefinite"
    INDEFINITE = "indefinite"
    RENEWING = "renewing"


class EndAlignment(enum.StrEnum):
    """Where a notice period ends: where it runs out, or at the next month or year end."""

    NONE = "none"
    MONTH_END = "month_end"
    YEAR_END = "year_end"


class DecidingBody(enum.StrEnum):
    """The body that decides a party's notice; empty means the form's default."""

    DEFAULT = ""
    KF = "kf"
    KS = "ks"
    NAMND = "namnd"


class CostBasis(enum.StrEnum):
    """How the parties share the cost."""

    PER_CAPITA = "per_capita"
    FIXED_SHARES = "fixed_shares"
    USAGE = "usage"
    OTHER = "other"


agreement_area = Table(
    "agreement_area",
    Base.metadata,
    Column("agreement_id", ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id"), primary_key=True, index=True),
)


class Agreement(TimestampMixin, Base):
    """A cooperation between two or more kommuner."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(20), index=True)
    phase: Mapped[str] = mapped_column(String(20), default=Phase.PLANNED, index=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    motive: Mapped[str] = mapped_column(Text, default="")
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    notice_months: Mapped[int | None] = mapped_column(Integer)
    term: Mapped[str] = mapped_column(String(30), default=Term.FIXED)
    end_alignment: Mapped[str] = mapped_column(String(10), default=EndAlignment.NONE)
    renewal_months: Mapped[int | None] = mapped_column(Integer)
    internal_lead_days: Mapped[int] = mapped_column(Integer, default=60)
    review_interval_months: Mapped[int | None] = mapped_column(Integer, default=12)
    first_review_on: Mapped[date | None] = mapped_column(Date)
    cost_basis: Mapped[str | None] = mapped_column(String(20))
    annual_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    cost_note: Mapped[str] = mapped_column(Text, default="")
    document_ref: Mapped[str] = mapped_column(String(100), default="")
    document_url: Mapped[str] = mapped_column(String(500), default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Every agreement has an external id: the importing kommun's own (``external_id_owner`` =
    # its kommunkod, so kommuner may number 1…N each) or, for agreements made here, a generated
    # one with an empty owner that travels with every export.
    external_id: Mapped[str] = mapped_column(String(100), default=lambda: new_external_id())
    external_id_owner: Mapped[str] = mapped_column(String(4), default="")
    # Set when the agreement was registered by an import: earlier dates are its history, not
    # overdue work (the next review is planned from here and nothing before it is reminded).
    imported_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # One large party serving smaller ones; the legal form's own rules still apply.
    is_asymmetric: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the form was changed for the user (the old "asymmetrisk" form): an admin
    # confirms or corrects it.
    form_needs_confirmation: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The kommunalförbund, samordningsförbund or company this agreement establishes.
    body_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    body_organisation: Mapped[Organisation | None] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=agreement_area, order_by=Area.sort_order)
    parties: Mapped[list[Party]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="Party.id",
    )

    __table_args__ = (
        UniqueConstraint("external_id_owner", "external_id", name="uq_agreement_external_id_owner"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def renewal(self) -> str:
        """The old ``renewal`` field: ``tacit`` for a renewing term, else ``none``."""
        return Renewal.TACIT if self.term == Term.RENEWING else Renewal.NONE

    @property
    def current_parties(self) -> list[Party]:
        """Parties that have not left."""
        return [p for p in self.parties if p.left_on is None]

    def party_for(self, municipality_code: str | None) -> Party | None:
        """The party row of the given kommun, if it is (or was) a party."""
        if municipality_code is None:
            return None
        return next((p for p in self.parties if p.municipality_code == municipality_code), None)

    def __repr__(self) -> str:
        return f"<Agreement {self.id} {self.title!r}>"


GENERATED_ID_PREFIX = "SK-"


def new_external_id() -> str:
    """A stable id for an agreement made in Samverkanskollen, unique across installations."""
    return GENERATED_ID_PREFIX + secrets.token_hex(6).upper()


class Party(Base):
    """An organisation's participation in an agreement, with its role and its own decision.

    ``municipality_code`` is set when the organisation is a kommun (most parties) and kept in
    step with ``organisation_id`` on every flush, so code that asks for kommuner keeps working;
    it is empty for regioner, förbund, Finsam, companies and agencies.
    """

    __tablename__ = "party"
    __table_args__ = (
        UniqueConstraint("agreement_id", "municipality_code"),
        UniqueConstraint("agreement_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipality.code"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    decision_body: Mapped[str] = mapped_column(String(120), default="")
    # Who decides this party's notice (KF, KS or a named nämnd); empty: the form's default.
    deciding_body: Mapped[str] = mapped_column(String(10), default=DecidingBody.DEFAULT)
    deciding_body_name: Mapped[str] = mapped_column(String(120), default="")
    decision_on: Mapped[date | None] = mapped_column(Date)
    decision_paragraph: Mapped[str] = mapped_column(String(40), default="")
    decision_ref: Mapped[str] = mapped_column(String(60), default="")
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    cost_share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    annual_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # An owner's share of a jointly owned company (ägarandel), in per cent.
    ownership_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # Who answers for the agreement in this party: a nämnd and an official (a user here, or
    # the contact marked ``is_responsible``).
    responsible_body: Mapped[str] = mapped_column(String(120), default="")
    responsible_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    responsible_user: Mapped[User | None] = relationship(lazy="select")
    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="Contact.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def has_decision(self) -> bool:
        return bool(self.decision_body and self.decision_on)

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def name(self) -> str:
        """The party's name as shown: the kommun's name, else the organisation's."""
        if self.municipality is not None:
            return self.municipality.name
        return self.organisation.name if self.organisation is not None else ""

    @property
    def kind(self) -> str:
        return self.organisation.kind if self.organisation is not None else OrgKind.KOMMUN

    @property
    def key(self) -> str:
        """The kommunkod for a kommun, else the organisation's key (code, org.nr or id)."""
        if self.municipality_code:
            return self.municipality_code
        return self.organisation.key if self.organisation is not None else ""

    @property
    def responsible_contact(self) -> Contact | None:
        return next((c for c in self.contacts if c.is_responsible), None)


class Contact(Base):
    """A person for one party. Personal data: kept minimal, editable and deletable."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    is_carrier: Mapped[bool] = mapped_column(Boolean, default=False)
    wants_reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    # The party's responsible official (at most one per party).
    is_responsible: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    party: Mapped[Party] = relationship(back_populates="contacts")

    __mapper_args__ = {"version_id_col": version}


@event.listens_for(Party, "before_insert")
def _fill_kommun_on_insert(mapper: Any, connection: Connection, party: Party) -> None:
    """A kommun party names its kommun both ways: fill whichever side is missing."""
    if party.organisation_id is None and party.municipality_code:
        party.organisation_id = _organisation_of(connection, party.municipality_code)
    elif party.organisation_id is not None:
        party.municipality_code = _kommun_of(connection, party)


@event.listens_for(Party, "before_update")
def _fill_kommun_on_update(mapper: Any, connection: Connection, party: Party) -> None:
    state = inspect(party)
    if state.attrs.organisation_id.history.has_changes():
        party.municipality_code = _kommun_of(connection, party)
    elif state.attrs.municipality_code.history.has_changes() and party.municipality_code:
        party.organisation_id = _organisation_of(connection, party.municipality_code)


def _organisation_of(connection: Connection, municipality_code: str) -> Any:
    return connection.scalar(
        select(Organisation.id).where(Organisation.municipality_code == municipality_code)
    )


def _kommun_of(connection: Connection, party: Party) -> Any:
    """The kommunkod of the party's organisation: from the session when it has the
    organisation loaded (registering an agreement has just looked its parties up), else read."""
    session = object_session(party)
    if session is not None:
        org = session.identity_map.get(identity_key(Organisation, party.organisation_id))
        if org is not None and "municipality_code" in inspect(org).dict:
            return org.municipality_code
    return connection.scalar(
        select(Organisation.municipality_code).where(Organisation.id == party.organisation_id)
    )
