"""A review of an agreement and its structured answers to the recurring "during" questions."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.core.models import Base, TimestampMixin

if TYPE_CHECKING:
    from coop_tracker.agreements.models import Party


class Rating(enum.StrEnum):
    """The traffic light: how the cooperation is going."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class GoalAttainment(enum.StrEnum):
    """How far the agreement's stated goals are met."""

    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    NOT_ASSESSED = "not_assessed"


class Answer(enum.StrEnum):
    """An answer to one of the recurring questions."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class Review(TimestampMixin, Base):
    """One follow-up of an agreement (uppföljning), recorded on ``reviewed_on``."""

    __tablename__ = "review"
    __table_args__ = (Index("ix_review_agreement_id_reviewed_on", "agreement_id", "reviewed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    # One party's own review; empty for the parties' joint review.
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="CASCADE"), index=True
    )
    reviewed_on: Mapped[date] = mapped_column(Date)
    rating: Mapped[str] = mapped_column(String(10))
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    goal_attainment: Mapped[str] = mapped_column(String(20))
    goal_comment: Mapped[str] = mapped_column(Text, default="")
    cost_budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    cost_outcome: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    cost_comment: Mapped[str] = mapped_column(Text, default="")
    reported_to: Mapped[str] = mapped_column(String(200), default="")
    reported_on: Mapped[date | None] = mapped_column(Date)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    party: Mapped[Party | None] = relationship("Party", lazy="joined")
    answers: Mapped[list[ReviewAnswer]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        order_by="ReviewAnswer.id",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}

    def answer_to(self, question: str) -> ReviewAnswer | None:
        """The answer to one question, if it was answered."""
        return next((a for a in self.answers if a.question == question), None)

    @property
    def cost_deviation(self) -> Decimal | None:
        """Outcome minus budget (positive = over budget)."""
        if self.cost_budget is None or self.cost_outcome is None:
            return None
        return self.cost_outcome - self.cost_budget


class ReviewAnswer(Base):
    """The answer (yes / partly / no, with a comment) to one recurring question."""

    __tablename__ = "review_answer"
    __table_args__ = (UniqueConstraint("review_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="answers")
