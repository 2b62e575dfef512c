"""Phase history, exits (notice, utträde, exit plan) and the tasks of an exit plan."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.agreements.models import Party
from coop_tracker.core.clock import utcnow
from coop_tracker.core.models import Base, TimestampMixin


class PhaseChange(Base):
    """One change of an agreement's phase: from, to, when, who, why, and whether forced."""

    __tablename__ = "phase_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    from_phase: Mapped[str] = mapped_column(String(20))
    to_phase: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_on: Mapped[date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="")
    is_override: Mapped[bool] = mapped_column(Boolean, default=False)
    # The unmet conditions an override went past, as they read at the time.
    overridden_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    exit_id: Mapped[int | None] = mapped_column(ForeignKey("exit.id", ondelete="SET NULL"))


class ExitScope(enum.StrEnum):
    """Does the whole agreement end, or does one party leave while the others go on?"""

    AGREEMENT = "agreement"
    PARTY = "party"


class ExitStatus(enum.StrEnum):
    """An exit plan's state: drafted as a "what if", adopted when decided, then completed."""

    DRAFT = "draft"
    ADOPTED = "adopted"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class TaskStatus(enum.StrEnum):
    """Where an exit task stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"


class Exit(TimestampMixin, Base):
    """An exit: the notice (who, when, effective date), the plan and its transition period."""

    __tablename__ = "exit"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(10), default=ExitScope.AGREEMENT)
    leaving_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(10), default=ExitStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    background: Mapped[str] = mapped_column(Text, default="")
    notice_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    notice_given_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    # Computed from the agreement's terms when the notice is recorded.
    earliest_end_on: Mapped[date | None] = mapped_column(Date)
    is_notice_late: Mapped[bool] = mapped_column(Boolean, default=False)
    transition_starts_on: Mapped[date | None] = mapped_column(Date)
    transition_ends_on: Mapped[date | None] = mapped_column(Date)
    has_joint_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_ref: Mapped[str] = mapped_column(String(100), default="")
    adopted_on: Mapped[date | None] = mapped_column(Date)
    adopted_by_name: Mapped[str] = mapped_column(String(120), default="")
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by_name: Mapped[str] = mapped_column(String(120), default="")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_name: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    leaving_party: Mapped[Party | None] = relationship(foreign_keys=[leaving_party_id])
    notice_party: Mapped[Party | None] = relationship(foreign_keys=[notice_party_id])
    tasks: Mapped[list[ExitTask]] = relationship(
        back_populates="exit",
        cascade="all, delete-orphan",
        order_by="ExitTask.sort_order",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def has_notice(self) -> bool:
        return bool(self.notice_party_id and self.notice_given_on and self.effective_on)

    @property
    def is_open(self) -> bool:
        return self.status in (ExitStatus.DRAFT, ExitStatus.ADOPTED)


class ExitTask(Base):
    """One thing to do in an exit, for one party (or jointly), with owner, due date, status."""

    __tablename__ = "exit_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    exit_id: Mapped[int] = mapped_column(ForeignKey("exit.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str] = mapped_column(Text, default="")
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.OPEN)
    note: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_name: Mapped[str] = mapped_column(String(120), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    exit: Mapped[Exit] = relationship(back_populates="tasks")
    party: Mapped[Party | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_resolved(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
