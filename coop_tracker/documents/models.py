"""A document of an agreement (or of one party, exit plan or review), its versions and the text
the full-text search reads."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
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
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.core.clock import utcnow
from coop_tracker.core.models import Base, TimestampMixin


class DocumentType(enum.StrEnum):
    """What kind of paper a document is."""

    AVTAL = "avtal"
    FORBUNDSORDNING = "forbundsordning"
    REGLEMENTE = "reglemente"
    SAMVERKANSAVTAL = "samverkansavtal"
    AGARDIREKTIV = "agardirektiv"
    BOLAGSORDNING = "bolagsordning"
    PUB_AVTAL = "personuppgiftsbitradesavtal"
    DELEGATIONSORDNING = "delegationsordning"
    PROTOKOLLSUTDRAG = "protokollsutdrag"
    UPPFOLJNINGSRAPPORT = "uppfoljningsrapport"
    AVVECKLINGSPLAN = "avvecklingsplan"
    OVRIGT = "ovrigt"


class Document(TimestampMixin, Base):
    """One document (a förbundsordning, a reglemente, a protokollsutdrag …) through its
    versions. It belongs to an agreement and, where it is about one of them, to a party, an
    exit plan or a review of that agreement."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="SET NULL"), index=True
    )
    exit_id: Mapped[int | None] = mapped_column(ForeignKey("exit.id", ondelete="SET NULL"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id", ondelete="SET NULL"))
    doc_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    # The kommun has decided that the file itself may be shown in the public register (the
    # metadata of a public agreement's documents always is).
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="DocumentVersion.number",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def current(self) -> DocumentVersion:
        """The latest version: the one in force (older ones are kept as history)."""
        return self.versions[-1]


class DocumentVersion(Base):
    """One version of a document: its decision, validity and either a stored file or a link."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(60), default="")  # diarienummer
    decided_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    change_note: Mapped[str] = mapped_column(Text, default="")  # what changed from the last
    link_url: Mapped[str] = mapped_column(String(500), default="")
    storage_key: Mapped[str] = mapped_column(String(200), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text, default="")  # extracted from the file
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    document: Mapped[Document] = relationship(back_populates="versions")

    @property
    def has_file(self) -> bool:
        return bool(self.storage_key)


class DocumentSearch(Base):
    """What the full-text search reads for one document: its title, note, the text of its
    current version and the texts of its earlier versions. On PostgreSQL ``vector`` holds the
    weighted 'swedish' tsvector (GIN index); on SQLite the FTS5 table ``document_fts`` (made by
    the migration) holds the stemmed words under the same rowid, and ``vector`` stays empty."""

    __tablename__ = "document_search"
    __table_args__ = (Index("ix_document_search_vector", "vector", postgresql_using="gin"),)

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # The text of the earlier versions, newest first: found too, ranked below the current.
    older: Mapped[str] = mapped_column(Text, default="", server_default="")
    vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
