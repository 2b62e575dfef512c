"""Phase history, exits (utträde, avveckling, likvidation), their tasks and per-party decisions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
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


class ExitKind(enum.StrEnum):
    """What kind of exit: one party leaves, the whole cooperation ends, or a förbund is wound up."""

    WITHDRAWAL = "withdrawal"  # utträde: one party leaves, the others go on
    ENDING = "ending"  # avveckling: the whole cooperation ends
    LIQUIDATION = "liquidation"  # likvidation: a kommunalförbund is dissolved


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
    kind: Mapped[str] = mapped_column(String(20), default=ExitKind.ENDING)
    leaving_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(10), default=ExitStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    background: Mapped[str] = mapped_column(Text, default="")
    notice_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    notice_given_on: Mapped[date | None] = mapped_column(Date)
    # The day the notice reached the other parties: the notice period runs from it. Empty
    # when not known; the day it was given counts then.
    notice_received_on: Mapped[date | None] = mapped_column(Date)
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
    # The övergångsavtal created from this plan (the host delivering for a while after the exit).
    transition_agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    leaving_party: Mapped[Party | None] = relationship(foreign_keys=[leaving_party_id])
    notice_party: Mapped[Party | None] = relationship(foreign_keys=[notice_party_id])
    tasks: Mapped[list[ExitTask]] = relationship(
        back_populates="exit",
        cascade="all, delete-orphan",
        order_by="ExitTask.sort_order",
    )
    decisions: Mapped[list[ExitDecision]] = relationship(
        back_populates="exit", cascade="all, delete-orphan", order_by="ExitDecision.party_id"
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
    # The law or source the task rests on, in a short citation.
    legal_source: Mapped[str] = mapped_column(String(300), default="")
    # Required tasks must be done (or not applicable, with a reason) before the plan completes.
    is_required: Mapped[bool] = mapped_column(Boolean, default=True)
    # Added by a planner (not generated from the rules): may be edited and removed.
    is_custom: Mapped[bool] = mapped_column(Boolean, default=False)
    not_applicable_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    exit: Mapped[Exit] = relationship(back_populates="tasks")
    party: Mapped[Party | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_resolved(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)


class ExitDecision(TimestampMixin, Base):
    """One party's own decision on an exit: which body, when, its paragraph and diarienummer."""

    __tablename__ = "exit_decision"
    __table_args__ = (UniqueConstraint("exit_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exit_id: Mapped[int] = mapped_column(ForeignKey("exit.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(String(120), default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    paragraph: Mapped[str] = mapped_column(String(40), default="")
    case_number: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    exit: Mapped[Exit] = relationship(back_populates="decisions")
    party: Mapped[Party] = relationship()

    __mapper_args__ = {"version_id_col": version}
