"""The audit log: one row per change, with before/after values and the request that made it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from coop_tracker.core.models import Base


class AuditEvent(Base):
    """A change. The actor's name is copied so it survives the user's removal."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(20))
    request_id: Mapped[str] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    object_label: Mapped[str] = mapped_column(String(250))
    agreement_id: Mapped[int | None] = mapped_column(Integer, index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(4), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
