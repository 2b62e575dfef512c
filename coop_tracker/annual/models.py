"""What the annual cycle stores: a duty marked done (with its reference) and an agreement's
own settings (when the förbundsordning puts the budget consultation, how often the governing
documents are looked at). The duties themselves are derived, never stored (``rules.py``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coop_tracker.core.clock import utcnow
from coop_tracker.core.models import Base


class DutyDone(Base):
    """One kommun's duty of one year in one agreement, marked done."""

    __tablename__ = "annual_duty_done"
    __table_args__ = (UniqueConstraint("agreement_id", "municipality_code", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    done_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    done_by_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CycleSettings(Base):
    """An agreement's annual-cycle settings; without a row the defaults of ``rules.py`` apply."""

    __tablename__ = "annual_cycle_settings"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    # The day the förbundsordning (or samverkansavtal) sets for hearing the members on next
    # year's budget; empty: no date is known and the year view says so.
    budget_consultation_month: Mapped[int | None] = mapped_column(Integer)
    budget_consultation_day: Mapped[int | None] = mapped_column(Integer)
    document_review_years: Mapped[int] = mapped_column(Integer, default=4)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
