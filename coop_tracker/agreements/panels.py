"""What an agreement's pages and API show that the domains above agreements compute."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement

if TYPE_CHECKING:
    from coop_tracker.schedule.queries import WhatIf
    from coop_tracker.schedule.rules import DerivedDates

# A part of a page, by the name the template knows it by: (session, the agreement or the
# page's agreements, today) -> what the template shows.
DetailPanel = Callable[[Session, Agreement, date], Any]
ListPanel = Callable[[Session, list[Agreement], date], Any]


class DerivedDatesFor(Protocol):
    """``schedule.queries.derived_dates_for``: the derived dates of a page of agreements."""

    def __call__(
        self,
        session: Session,
        agreements: list[Agreement],
        today: date,
        *,
        calendars: Iterable[str] | None = None,
    ) -> Mapping[int, DerivedDates]: ...


@dataclass(frozen=True)
class AgreementPanels:
    """The derived dates (notice, decide-by, review), what needs attention, and the other
    domains' parts of the agreement pages (checklists, documents).

    They read reviews, meeting calendars, exit plans, checklists and documents, all above
    agreements: ``routes.register_panels`` sets them on the app, so that agreements (and the
    review and exit pages below those domains) import none of them.
    """

    derived_dates_for: DerivedDatesFor
    what_if: Callable[[Session, Agreement, date, date], WhatIf]
    if_nobody_acts: Callable[[Agreement, DerivedDates, date], str]
    attention: Callable[[Agreement, DerivedDates, date], list[Any]]
    list_panels: tuple[tuple[str, ListPanel], ...] = ()
    detail_panels: tuple[tuple[str, DetailPanel], ...] = ()


def install_panels(app: Flask, panels: AgreementPanels) -> None:
    """Give the app its agreement panels (``routes.register_panels``, at app creation)."""
    app.extensions["agreement_panels"] = panels


def agreement_panels() -> AgreementPanels:
    """The current app's agreement panels."""
    panels: AgreementPanels = current_app.extensions["agreement_panels"]
    return panels
