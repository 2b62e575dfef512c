"""Checklist templates (one row per version of a set) and checklist items on agreements."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.core.clock import utcnow
from coop_tracker.core.models import Base, TimestampMixin


class ChecklistPhase(enum.StrEnum):
    """Which part of the life a checklist set belongs to."""

    BEFORE = "before"
    DURING = "during"
    EXIT = "exit"


class ItemStatus(enum.StrEnum):
    """Where a checklist item stands."""

    OPEN = "open"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"


class ChecklistTemplate(Base):
    """One version (``revision``) of a named checklist set; versions are never changed."""

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("key", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(10))
    form: Mapped[str | None] = mapped_column(String(20))  # None: every form
    # Exit sets only: the exit kinds (withdrawal, ending, liquidation) it is for; empty: every kind.
    exit_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    title_sv: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(10))  # file | admin
    file_hash: Mapped[str] = mapped_column(String(64), default="")
    change_note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(120), default="")

    items: Mapped[list[ChecklistTemplateItem]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        order_by="ChecklistTemplateItem.sort_order",
    )

    def __repr__(self) -> str:
        return f"<ChecklistTemplate {self.key} v{self.revision}>"


class ChecklistTemplateItem(Base):
    """A question in one template version; ``key`` is stable across versions."""

    __tablename__ = "checklist_template_item"
    __table_args__ = (UniqueConstraint("template_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_template.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(60))
    text_sv: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))
    guidance_sv: Mapped[str] = mapped_column(Text, default="")
    guidance_en: Mapped[str] = mapped_column(Text, default="")
    is_required: Mapped[bool] = mapped_column(Boolean, default=False)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every role
    per_party: Mapped[bool] = mapped_column(Boolean, default=False)
    # Exit sets only: "leaving" (the parties that leave; everyone when the whole cooperation
    # ends) or "remaining" (the parties that go on after an utträde); empty: both.
    sides: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The law or public guidance the question rests on, as a short citation.
    legal_source: Mapped[str] = mapped_column(String(300), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")


class ChecklistItem(TimestampMixin, Base):
    """A template item on one agreement (once, or once per concerned party)."""

    __tablename__ = "checklist_item"
    __table_args__ = (Index("ix_checklist_item_agreement_phase", "agreement_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    template_item_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_template_item.id"), index=True
    )
    # Copied from the template item so progress and gates need no join.
    phase: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(130))  # "<template key>/<item key>"
    is_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # The party the item is about (per-party items); removing a planned party removes them.
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="CASCADE"), index=True
    )
    # Exit items belong to one exit plan (each utträde has its own list); None before that.
    exit_id: Mapped[int | None] = mapped_column(
        ForeignKey("exit.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.OPEN)
    not_applicable_reason: Mapped[str] = mapped_column(Text, default="")
    responsible_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="SET NULL")
    )
    responsible_person: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    done_by_name: Mapped[str] = mapped_column(String(120), default="")
    # Set when "bring up to date" finds the question gone from the newer template.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    template_item: Mapped[ChecklistTemplateItem] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_resolved(self) -> bool:
        return self.status in (ItemStatus.DONE, ItemStatus.NOT_APPLICABLE)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None
