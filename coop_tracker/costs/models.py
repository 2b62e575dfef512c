"""The cost model of an agreement, its parties' figures, yearly outcomes, and the reference
figures it reads: index values (KPI, PKV, …) and population on a date."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coop_tracker.core.models import Base


class Method(enum.StrEnum):
    """How the cost is set: each party's own amount, or a total shared by a key."""

    AMOUNTS = "amounts"
    KEY = "key"


class CostModel(Base):
    """An agreement's cost model (one per agreement)."""

    __tablename__ = "cost_model"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    method: Mapped[str] = mapped_column(String(10), default=Method.KEY)
    base_year: Mapped[int] = mapped_column(Integer)
    total_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # The fördelningsnyckel: weights in percent that sum to 100.
    weight_population: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    weight_usage: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    weight_fixed: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    usage_label: Mapped[str] = mapped_column(String(80), default="")
    # Population counts on this day (month, day) of the cost year plus the offset (-1: the
    # year before, the usual "folkmängd 31 december året före").
    population_month: Mapped[int] = mapped_column(Integer, default=12)
    population_day: Mapped[int] = mapped_column(Integer, default=31)
    population_year_offset: Mapped[int] = mapped_column(Integer, default=-1)
    # The index clause: the series, and whether the cost year's own index or the year
    # before's applies (0 or 1). Amounts and total are in base-year prices.
    index_series: Mapped[str] = mapped_column(String(20), default="")
    index_lag: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    def population_date(self, year: int) -> date:
        """The day the population counts for the cost of ``year``."""
        target = year + self.population_year_offset
        try:
            return date(target, self.population_month, self.population_day)
        except ValueError:  # 29 February in a common year
            return date(target, self.population_month, 28)


class CostParty(Base):
    """One party's figures for the key: fixed share, own amount, use."""

    __tablename__ = "cost_party"
    __table_args__ = (UniqueConstraint("agreement_id", "municipality_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    fixed_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    usage: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))


class CostOutcome(Base):
    """The agreement's actual cost of a year: reconciled against the budget per party."""

    __tablename__ = "cost_outcome"
    __table_args__ = (UniqueConstraint("agreement_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    total_outcome: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reference: Mapped[str] = mapped_column(String(120), default="")


class IndexValue(Base):
    """One year of an index: its level (KPI, 1980=100) or its change in percent (PKV)."""

    __tablename__ = "index_value"
    __table_args__ = (UniqueConstraint("series", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    change_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    source: Mapped[str] = mapped_column(String(120), default="")


class PopulationFigure(Base):
    """A kommun's population on a given day, beside the register's latest figure."""

    __tablename__ = "population_figure"
    __table_args__ = (UniqueConstraint("municipality_code", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    on_date: Mapped[date] = mapped_column(Date)
    population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(120), default="")
