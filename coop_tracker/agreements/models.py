"""Agreements (samverkan), their parties with roles and decisions, and contacts per party."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.core.models import Base, TimestampMixin
from coop_tracker.municipalities.models import Area, Municipality


class Form(enum.StrEnum):
    """The legal form of a cooperation."""

    AVTALSSAMVERKAN = "avtalssamverkan"
    GEMENSAM_NAMND = "gemensam_namnd"
    KOMMUNALFORBUND = "kommunalforbund"
    ASYMMETRISK = "asymmetrisk"
    OVRIG = "ovrig"


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
    """What happens at the end of a term."""

    NONE = "none"
    TACIT = "tacit"


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
    renewal: Mapped[str] = mapped_column(String(10), default=Renewal.NONE)
    renewal_months: Mapped[int | None] = mapped_column(Integer)
    internal_lead_days: Mapped[int] = mapped_column(Integer, default=60)
    review_interval_months: Mapped[int | None] = mapped_column(Integer, default=12)
    cost_basis: Mapped[str | None] = mapped_column(String(20))
    annual_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    cost_note: Mapped[str] = mapped_column(Text, default="")
    document_ref: Mapped[str] = mapped_column(String(100), default="")
    document_url: Mapped[str] = mapped_column(String(500), default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    areas: Mapped[list[Area]] = relationship(secondary=agreement_area, order_by=Area.sort_order)
    parties: Mapped[list[Party]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="Party.id",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def current_parties(self) -> list[Party]:
        """Parties that have not left."""
        return [p for p in self.parties if p.left_on is None]

    def party_for(self, municipality_code: str | None) -> Party | None:
        """The party row of the given kommun, if it is (or was) a party."""
        return next((p for p in self.parties if p.municipality_code == municipality_code), None)

    def __repr__(self) -> str:
        return f"<Agreement {self.id} {self.title!r}>"


class Party(Base):
    """A kommun's participation in an agreement, with its role and its own decision."""

    __tablename__ = "party"
    __table_args__ = (UniqueConstraint("agreement_id", "municipality_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    decision_body: Mapped[str] = mapped_column(String(120), default="")
    decision_on: Mapped[date | None] = mapped_column(Date)
    decision_paragraph: Mapped[str] = mapped_column(String(40), default="")
    decision_ref: Mapped[str] = mapped_column(String(60), default="")
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    cost_share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    annual_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    municipality: Mapped[Municipality] = relationship(lazy="joined", innerjoin=True)
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
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    party: Mapped[Party] = relationship(back_populates="contacts")

    __mapper_args__ = {"version_id_col": version}
