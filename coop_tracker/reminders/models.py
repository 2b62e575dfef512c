"""A reminder row: one recipient, one deadline, one lead time; the sweep claims and sends it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coop_tracker.core.models import Base


class Kind(enum.StrEnum):
    """What the deadline is."""

    REVIEW_DUE = "review_due"
    DECIDE_BY = "decide_by"
    NOTICE_DEADLINE = "notice_deadline"
    END_OF_TERM = "end_of_term"
    CHECKLIST_ITEM_DUE = "checklist_item_due"
    EXIT_TASK_DUE = "exit_task_due"
    CONTINUATION = "continuation"  # a fixed term: decide to extend, replace or let it end
    TERM_EXPIRED = "term_expired"  # still active past its end date
    EXIT_MILESTONE = "exit_milestone"  # a party's notice: transition start/end, leaving day


OVERDUE = -1
"""The ``lead_days`` of the reminder sent the day after a deadline that is still open."""


class Reminder(Base):
    """A planned reminder. Unique per (subject, kind, due date, recipient, lead time).

    The planner inserts and cancels rows; the sweep claims a row with a conditional UPDATE
    (``claimed_at``), sends, and sets ``sent_at``. A failed send releases the claim and sets
    ``next_attempt_at`` (back-off).
    """

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint(
            "subject_type", "subject_id", "kind", "due_on", "recipient_key", "lead_days"
        ),
        Index("ix_reminder_sent_at_remind_on", "sent_at", "remind_on"),
        Index("ix_reminder_recipient_user_id_due_on", "recipient_user_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    due_on: Mapped[date] = mapped_column(Date)
    lead_days: Mapped[int] = mapped_column(Integer)
    remind_on: Mapped[date] = mapped_column(Date)
    recipient_key: Mapped[str] = mapped_column(String(30))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    recipient_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_overdue_notice(self) -> bool:
        return self.lead_days == OVERDUE


class InstanceIdentity(Base):
    """Which installation this database belongs to. Reminder e-mails are sent only when it
    matches the ``INSTANCE_ID`` of the process that would send them: a restored or copied
    database on another server keeps quiet until an administrator confirms it."""

    __tablename__ = "instance_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    instance_id: Mapped[str] = mapped_column(String(100))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str] = mapped_column(String(200))
