"""Counties (län), municipalities (kommuner) and the area vocabulary."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.core.models import Base


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
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def label(self, locale: str) -> str:
        """The label in the given locale (Swedish unless English is asked for)."""
        return self.label_en if locale == "en" else self.label_sv

    @classmethod
    def label_column(cls, locale: str) -> Any:
        """The label column for a locale, for queries that list or count areas by name."""
        return cls.label_en if locale == "en" else cls.label_sv
