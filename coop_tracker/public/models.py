"""What a kommun publishes beyond the public register's default: a contact function, its
responsible nämnd, its follow-up results and its budget and outcome."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from coop_tracker.core.models import Base, TimestampMixin

# What a kommun may publish about its own side beyond the default, in the order shown.
EXTRAS: tuple[str, ...] = ("responsible_body", "review_results", "review_costs")


class PublicationSetting(TimestampMixin, Base):
    """One kommun's publication choices (one row per kommun, made on first save).

    By default the public register shows each published agreement's facts, every party's
    decision and cost, phase changes and decided exits. A kommun may add a contact function
    (a unit, a functional mailbox, the switchboard): never a person. It may also publish, for
    its own side of every published agreement, the nämnd that answers for it, the results of
    follow-ups (date, rating, goal attainment, where reported) and the budget and outcome
    recorded with them. A joint follow-up belongs to every party: it is published only when
    every kommun that was a party on its date publishes that kind of data (see
    ``public/queries.py``). Whether new agreements start out public is a ``KommunSetting``
    (the agreement form reads it), edited on the same page.
    """

    __tablename__ = "publication_setting"

    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipality.code"), primary_key=True
    )
    show_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_function: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_url: Mapped[str] = mapped_column(String(500), default="")
    show_responsible_body: Mapped[bool] = mapped_column(Boolean, default=False)
    show_review_results: Mapped[bool] = mapped_column(Boolean, default=False)
    show_review_costs: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def published_extras(self) -> frozenset[str]:
        """The kinds of data beyond the default this kommun publishes (see ``EXTRAS``)."""
        return frozenset(key for key in EXTRAS if getattr(self, f"show_{key}"))

    @property
    def public_contact(self) -> dict[str, str] | None:
        """The contact function as the public sees it, or None when the kommun shows none."""
        if not self.show_contact or not self.contact_function:
            return None
        return {
            "function": self.contact_function,
            "email": self.contact_email,
            "phone": self.contact_phone,
            "url": self.contact_url,
        }
