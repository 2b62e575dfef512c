"""Counties (län), municipalities (kommuner) and the area vocabulary."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.core.models import Base, TimestampMixin


class County(Base):
    """A län; its two-digit code prefixes every kommunkod in it."""

    __tablename__ = "county"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class Municipality(Base):
    """A kommun. Seeded reference data, never deleted."""

    __tablename__ = "municipality"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)
    skr_group: Mapped[str | None] = mapped_column(String(2))
    skr_group_year: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    # Where population and SKR group came from, e.g. "Kolada (N01951)"; shown beside the figures.
    population_source: Mapped[str | None] = mapped_column(String(80))

    county: Mapped[County] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"


class Area(Base):
    """A samverkansområde (räddningstjänst, överförmyndare, …); admins may add more."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    label_sv: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    # False: retired (not offered for new agreements, kept on the agreements that have it).
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when the area was merged into another (its agreements moved there, this one retired).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))

    def label(self, locale: str) -> str:
        """The label in the given locale (Swedish unless English is asked for)."""
        return self.label_en if locale == "en" else self.label_sv

    @classmethod
    def label_column(cls, locale: str) -> Any:
        """The label column for a locale, for queries that list or count areas by name."""
        return cls.label_en if locale == "en" else cls.label_sv


class KommunSetting(TimestampMixin, Base):
    """One kommun's own settings (one row per kommun, made on first save; managed by its
    kommun administrators). An empty deadline value means the installation's default."""

    __tablename__ = "kommun_setting"

    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipality.code"), primary_key=True
    )
    # Deadlines for this kommun's party (docs/dates.md): days after the deciding meeting for
    # justering, anslag and delivery; the kommun's least own preparation time; and how many
    # months before a fixed term ends its continuation is decided.
    notice_buffer_days: Mapped[int | None] = mapped_column(Integer)
    internal_lead_days: Mapped[int | None] = mapped_column(Integer)
    continuation_lead_months: Mapped[int | None] = mapped_column(Integer)
    # Reminders: the lead times ("90,30,7,0") new users and the contact persons start with,
    # and who the reminder e-mails of this kommun come from and go back to.
    reminder_lead_days: Mapped[str] = mapped_column(String(60), default="")
    sender_name: Mapped[str] = mapped_column(String(120), default="")
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    # Whether the agreement form starts with "Visa i det publika registret" ticked for this
    # kommun's editors (chosen on the kommun's publication page).
    new_agreements_public: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class KommunBody(TimestampMixin, Base):
    """One of a kommun's own nämnder (Socialnämnden, Miljö- och byggnadsnämnden…), kept by its
    kommun administrators; a party of the kommun names its responsible nämnd from this list.
    Kommunfullmäktige and kommunstyrelsen are in every kommun's list without a row
    (``agreements.bodies.FIXED_BODIES``)."""

    __tablename__ = "kommun_body"
    __table_args__ = (UniqueConstraint("municipality_code", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
