"""A kommun's decision-body meetings and the last day for cases to reach each of them."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coop_tracker.core.models import Base, TimestampMixin


class Body(enum.StrEnum):
    """The decision body that meets."""

    KF = "kf"
    KS = "ks"
    NAMND = "namnd"


class Meeting(TimestampMixin, Base):
    """One meeting of a kommun's KF, KS or a nämnd, with its case deadline."""

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("municipality_code", "body", "body_name", "meeting_on"),
        Index("ix_meeting_municipality_code_meeting_on", "municipality_code", "meeting_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    body: Mapped[str] = mapped_column(String(10))
    body_name: Mapped[str] = mapped_column(String(120), default="")
    meeting_on: Mapped[date] = mapped_column(Date)
    case_deadline_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
