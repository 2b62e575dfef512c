"""Users with a role and a home kommun, and their API tokens."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.core.models import Base, TimestampMixin
from coop_tracker.municipalities.models import Municipality


class UserRole(enum.StrEnum):
    """What a user may do."""

    ADMIN = "admin"
    # An administrator limited to one kommun: its users, meeting calendars and settings,
    # and everything an editor of that kommun may do. Nothing of other kommuner.
    KOMMUN_ADMIN = "kommun_admin"
    EDITOR = "editor"
    READER = "reader"


class User(UserMixin, TimestampMixin, Base):
    """A person who logs in."""

    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=UserRole.READER)
    municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipality.code"), index=True
    )
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    session_token: Mapped[str] = mapped_column(String(64), default="")
    # Sign-in through an OpenID Connect provider: its issuer and the person's subject there.
    oidc_issuer: Mapped[str | None] = mapped_column(String(300))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    # Reminders: lead times in days ("90,30,7,0") and the secret of the private calendar feed.
    reminder_lead_days: Mapped[str] = mapped_column(String(60), default="90,30,7,0")
    calendar_secret: Mapped[str | None] = mapped_column(String(64), unique=True)
    # An integration (a diarium, a BI tool): signs in only with its API keys, never with a password.
    is_service_account: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Set when a former user's name and e-mail were replaced (the audit log keeps that it happened).
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="ApiToken.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def get_id(self) -> str:  # Flask-Login: a new session token logs out every old session
        return f"{self.id}:{self.session_token}"

    @property
    def is_admin(self) -> bool:
        """A global administrator (not a kommun administrator)."""
        return self.role == UserRole.ADMIN

    @property
    def is_kommun_admin(self) -> bool:
        return self.role == UserRole.KOMMUN_ADMIN

    @property
    def is_kommun_bound(self) -> bool:
        """Editors and kommun administrators act for their home kommun only."""
        return self.role in (UserRole.EDITOR, UserRole.KOMMUN_ADMIN)


class ApiToken(Base):
    """A bearer token for the API; only its hash is stored, the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "read": GET only; "write": what the owner may do. A key for one kommun sees and changes only
    # agreements that kommun is party to; None: everything its owner may.
    scope: Mapped[str] = mapped_column(String(10), default="write", server_default="write")
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    expires_on: Mapped[date | None] = mapped_column(Date)
    created_by_name: Mapped[str] = mapped_column(String(120), default="", server_default="")

    user: Mapped[User] = relationship(back_populates="tokens")
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")


class LoginFailure(Base):
    """A counter of failed logins (per account, address, or both; the key is a hash)."""

    __tablename__ = "login_failure"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
