"""A kommun's remembered column mapping: which of its headings holds which of our fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from coop_tracker.core.models import Base, TimestampMixin


class ImportMapping(TimestampMixin, Base):
    """The last mapping a kommun used: their heading → our field key, offered on the next
    upload of a file with the same headings."""

    __tablename__ = "import_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), unique=True)
    columns: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
