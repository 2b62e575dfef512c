"""An organisation that can be a party to an agreement.

Every kommun has one organisation row tied to its ``municipality`` row (``municipality_code``),
so code that speaks of kommuner keeps working; regioner, kommunalförbund, samordningsförbund,
companies and state agencies are organisations without a kommun.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop_tracker.core.models import Base, TimestampMixin
from coop_tracker.municipalities.models import County, Municipality


class OrgKind(enum.StrEnum):
    """What kind of organisation a party is."""

    KOMMUN = "kommun"
    REGION = "region"
    FORBUND = "forbund"  # kommunalförbund (KL 9 kap.)
    FINSAM = "finsam"  # samordningsförbund (lag 2003:1210)
    COMPANY = "company"  # jointly owned company (aktiebolag)
    AGENCY = "agency"  # a state agency: Försäkringskassan, Arbetsförmedlingen


# The kinds an installation keeps as seeded reference data (never created by users).
SEEDED_KINDS = (OrgKind.KOMMUN, OrgKind.REGION, OrgKind.AGENCY)
# The kinds users register, each usually with its own founding agreement.
REGISTERED_KINDS = (OrgKind.FORBUND, OrgKind.FINSAM, OrgKind.COMPANY)


class Organisation(TimestampMixin, Base):
    """A kommun, region, förbund, samordningsförbund, company or state agency."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # kommunkod (4 digits) for a kommun, länskod (2 digits) for a region; none for the others.
    code: Mapped[str | None] = mapped_column(String(4), unique=True)
    # Organisationsnummer, NNNNNN-NNNN.
    org_number: Mapped[str | None] = mapped_column(String(11), unique=True)
    municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipality.code"), unique=True
    )
    county_code: Mapped[str | None] = mapped_column(ForeignKey("county.code"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # A company's bolagsordning and its latest ägardirektiv (dates adopted).
    articles_adopted_on: Mapped[date | None] = mapped_column(Date)
    owner_directive_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    county: Mapped[County | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_kommun(self) -> bool:
        return self.kind == OrgKind.KOMMUN

    @property
    def key(self) -> str:
        """How files and the API name it: its code, else its organisationsnummer, else its id."""
        return self.code or self.org_number or str(self.id)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.name!r}>"
