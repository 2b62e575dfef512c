"""The installation's identity, stored in its database (one row)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from coop_tracker.core.models import Base


class InstanceIdentity(Base):
    """Which installation this database belongs to. Reminder e-mails are sent only when it
    matches the ``INSTANCE_ID`` of the process that would send them: a restored or copied
    database on another server keeps quiet until an administrator confirms it."""

    __tablename__ = "instance_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    instance_id: Mapped[str] = mapped_column(String(100))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str] = mapped_column(String(200))
