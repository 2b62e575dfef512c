"""The scheduler's report job: each kommun's default meeting report made in advance.

Laying out a long report takes seconds; the scheduler process does it when a kommun's data has
changed, so the reader who downloads the PDF gets the stored file. Which report is made: the
*default selection* (no filters: planned, active and exiting agreements; dates within 6 months;
changes of the last 30 days without routine edits; in Swedish) as a reader or editor whose home
kommun it is sees it. The download finds a stored file by the report's content
(``report.stored_or_rendered``), so it serves this one exactly when the reader would get the
same report: any filter, another language, an administrator (who also sees archived
agreements) or a user of another kommun (who does not see the kommun's planned agreements)
gets a report made on demand, and then stored for the next such reader.

When to make it again: a cheap fingerprint per kommun (the day, the latest audit event of its
agreements, the latest audit event outside every agreement, the layout) is compared with the
one noted beside the stored file. The fingerprint only decides when to look; whether a file
may be served is decided by its content.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Party
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.clock import today as clock_today
from coop_tracker.core.clock import utcnow
from coop_tracker.core.i18n import DEFAULT_LANGUAGE
from coop_tracker.core.jobs import add_app_job
from coop_tracker.core.permissions import key_scope
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.oversight.queries import OversightFilters
from coop_tracker.oversight.report import (
    layout_fingerprint,
    report_html,
    report_layout,
    report_store,
    stored_or_rendered,
)
from coop_tracker.users.models import User

log = logging.getLogger(__name__)

RENDER_JOB_ID = "reports-render"


@dataclass(frozen=True)
class KommunReader:
    """Whom a report made in advance is for: a reader of the kommun. Readers and editors of a
    kommun see the same agreements of it (``restrict_agreements``: not archived ones; planned
    ones, as the kommun is a party)."""

    municipality_code: str
    role: str = "reader"
    is_authenticated: bool = True
    name: str = "Samverkanskollen"
    municipality: Any = None


@dataclass
class RenderResult:
    """What one run of the job did."""

    checked: int = 0
    made: int = 0
    stored_already: int = 0  # content unchanged (or made for a reader meanwhile)
    unchanged: int = 0  # fingerprint unchanged: not looked at
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        text = (
            f"Mötesrapporter: {self.checked} kommuner, {self.made} nya PDF, "
            f"{self.stored_already} fanns redan, {self.unchanged} oförändrade "
            f"({self.seconds:.1f} s)"
        )
        if self.failed:
            text += f"; misslyckades för {', '.join(self.failed)}"
        return text + "."


def kommuner_with_users(session: Session) -> list[str]:
    """Kommuner with someone to read their report: a person (not an API-only service account)
    whose home kommun it is."""
    return list(
        session.scalars(
            select(User.municipality_code)
            .where(
                User.municipality_code.is_not(None),
                User.is_active_account.is_(True),
                User.is_service_account.is_(False),
                User.anonymised_at.is_(None),
            )
            .distinct()
            .order_by(User.municipality_code)
        )
    )


def report_fingerprint(session: Session, code: str, today: date, code_version: str) -> str:
    """When the kommun's report may have changed: the day; the latest change, and the number
    of changes, in agreements the kommun is or was party to and outside every agreement
    (reference data, kommuner's names, population figures, meeting calendars, people); the
    version of what makes the report (templates, translations, style sheet, renderer).

    Every change writes an audit event, so the same fingerprint means the same report. The
    count catches a change that commits after a later one (PostgreSQL may commit ids out of
    order). Broad on purpose: a change that leaves the report as it was costs one look."""
    kommun_agreements = select(Party.agreement_id).where(Party.municipality_code == code)
    own = session.execute(
        select(func.max(AuditEvent.id), func.count(AuditEvent.id)).where(
            AuditEvent.agreement_id.in_(kommun_agreements)
        )
    ).one()
    outside = session.execute(
        select(func.max(AuditEvent.id), func.count(AuditEvent.id)).where(
            AuditEvent.agreement_id.is_(None)
        )
    ).one()
    return (
        f"{today.isoformat()}:{own[0] or 0}/{own[1]}:{outside[0] or 0}/{outside[1]}:{code_version}"
    )


def sees_the_default_report(user: Any, code: str) -> bool:
    """Whether ``user`` sees exactly the agreements the report made in advance shows: a person
    of the kommun who is not an administrator (those also see archived agreements), signed in
    on the web (an API key may narrow what its owner sees)."""
    return (
        getattr(user, "municipality_code", None) == code
        and getattr(user, "role", None) != "admin"
        and key_scope(user) is None
    )


def code_version(app: Flask) -> str:
    """What makes the report besides the data: its templates, the translations, the style
    sheet and WeasyPrint's version."""
    templates = Path(app.template_folder or "")
    return layout_fingerprint(
        report_layout(app),
        str(templates / "oversight" / "report.html"),
        str(templates / "oversight" / "_macros.html"),
        str(templates / "costs" / "_oversight.html"),
        str(Path(app.root_path).parent / "translations" / "en" / "LC_MESSAGES" / "messages.mo"),
    )


def render_default_reports(
    app: Flask, *, today: date | None = None, codes: list[str] | None = None
) -> RenderResult:
    """Make the default report of each kommun whose data changed (of ``codes``, else of every
    kommun with users) and store it. Call within an app context."""
    started = time.perf_counter()
    result = RenderResult()
    day = today or clock_today()
    store = report_store(app)
    layout = report_layout(app)
    version = code_version(app)
    session = db.session
    for code in codes if codes is not None else kommuner_with_users(session):
        result.checked += 1
        try:
            fingerprint = report_fingerprint(session, code, day, version)
            if store.default_is_current(code, fingerprint):
                result.unchanged += 1
                continue
            municipality = session.get(Municipality, code)
            if municipality is None:
                raise LookupError(code)
            with (
                app.test_request_context(f"/municipalities/{code}/oversight.pdf"),
                force_locale(DEFAULT_LANGUAGE),
            ):
                html = report_html(
                    session, municipality, KommunReader(code), OversightFilters(), day, for_pdf=True
                )
            _body, key, made = stored_or_rendered(
                store,
                code,
                html,
                layout=layout,
                static_folder=app.static_folder or "",
                now=utcnow(),
            )
            store.mark_default(code, fingerprint, key)
            result.made += made
            result.stored_already += not made
        except Exception:  # one kommun's failure must not stop the others
            log.exception("Could not make the meeting report of %s in advance", code)
            result.failed.append(code)
        finally:
            session.rollback()  # read only; let go of the loaded agreements
            session.expunge_all()
    result.seconds = time.perf_counter() - started
    return result


def run_render(app: Flask) -> None:
    """The scheduler's job."""
    with app.app_context():
        result = render_default_reports(app)
        log.info("%s", result.summary())


def add_report_job(app: Flask, scheduler: Any) -> None:
    """Add the job to the scheduler: at start and every ``REPORT_SWEEP_MINUTES`` (0: never)."""
    minutes = int(app.config.get("REPORT_SWEEP_MINUTES", 5))
    if minutes <= 0:
        return
    add_app_job(
        scheduler, run_render, app, "interval", job_id=RENDER_JOB_ID,
        name="Gör mötesrapporterna i förväg", grace_seconds=minutes * 60, minutes=minutes,
        next_run_time=datetime.now(tz=utcnow().tzinfo),
    )  # fmt: skip
