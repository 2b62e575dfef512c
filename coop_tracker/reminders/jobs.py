"""Scheduler jobs: plan reminder rows, and sweep due rows into one digest per recipient.

Exactly once: each row is claimed with a conditional UPDATE (only an unsent row whose claim
is free or stale) and committed before anything is sent; a sweep sends only the rows it
claimed. A crash after claiming leaves the claim to go stale, and a later sweep retries the
row. A mail failure releases the claim and sets a back-off. Each job owns its transactions.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from coop_tracker.audit.services import record
from coop_tracker.config import DEFAULT_BASE_URL
from coop_tracker.core.actor import Actor
from coop_tracker.reminders.mail import Mailer, build_digest, items_from_rows
from coop_tracker.reminders.models import Reminder
from coop_tracker.reminders.planner import PlanResult, plan_reminders

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=30)
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """5 min, 10, 20, 40 … up to 6 hours after the n-th failed attempt."""
    return min(BACKOFF_BASE * (2 ** max(0, attempts - 1)), BACKOFF_MAX)


@dataclass
class Digest:
    """One e-mail: a recipient and the rows it covers."""

    email: str
    name: str
    rows: list[Any]
    subject: str = ""
    items: int = 0


@dataclass
class SweepResult:
    """What a sweep did (or, dry run, would do)."""

    claimed: int = 0
    sent_rows: int = 0
    sent_emails: int = 0
    failed_emails: int = 0
    lost_claims: int = 0
    digests: list[Digest] = field(default_factory=list)

    def summary(self, dry_run: bool = False) -> str:
        if dry_run:
            rows = sum(len(d.rows) for d in self.digests)
            return f"Torrkörning: {len(self.digests)} e-brev med {rows} påminnelser skulle skickas."
        return (
            f"Skickade {self.sent_emails} e-brev ({self.sent_rows} påminnelser); "
            f"{self.failed_emails} misslyckades och försöks igen senare; "
            f"{self.lost_claims} togs av en annan körning."
        )


def _due_filter(today: date, now: datetime, cutoff: datetime) -> Any:
    return and_(
        Reminder.sent_at.is_(None),
        Reminder.cancelled_at.is_(None),
        Reminder.remind_on <= today,
        or_(Reminder.snoozed_until.is_(None), Reminder.snoozed_until <= today),
        or_(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at <= now),
        or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < cutoff),
    )


def _group(rows: list[Any]) -> list[Digest]:
    by_email: dict[str, Digest] = {}
    for row in rows:
        email = row.recipient_email.strip().lower()
        digest = by_email.setdefault(email, Digest(email=row.recipient_email, name="", rows=[]))
        digest.name = digest.name or row.recipient_name
        digest.rows.append(row)
    return list(by_email.values())


def send_due(
    engine: Engine,
    config: Any,
    *,
    today: date,
    now: datetime,
    dry_run: bool = False,
    mailer: Mailer | None = None,
    stale_after: timedelta = STALE_CLAIM,
    after_claim: Callable[[int], None] | None = None,
) -> SweepResult:
    """Sweep due reminder rows: claim, send one digest per recipient, mark sent.

    ``after_claim`` is called after each committed claim (tests use it to simulate a crash).
    """
    cutoff = now - stale_after
    result = SweepResult()
    with Session(engine) as session:
        candidates = list(
            session.scalars(
                select(Reminder.id)
                .where(_due_filter(today, now, cutoff))
                .order_by(Reminder.recipient_email, Reminder.id)
            )
        )
        if dry_run:
            rows = list(session.scalars(select(Reminder).where(Reminder.id.in_(candidates))))
            result.digests = _group(rows)
            for digest in result.digests:
                items = items_from_rows(digest.rows, today)
                digest.items = len(items)
                digest.subject = _subject(items)
            return result

    token = uuid.uuid4().hex
    claimed: list[int] = []
    for reminder_id in candidates:
        with Session(engine) as session:
            outcome = session.execute(
                update(Reminder)
                .where(
                    Reminder.id == reminder_id,
                    Reminder.sent_at.is_(None),
                    Reminder.cancelled_at.is_(None),
                    or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < cutoff),
                )
                .values(claimed_at=now, claim_token=token)
                .execution_options(synchronize_session=False)
            )
            session.commit()
        if outcome.rowcount == 1:
            claimed.append(reminder_id)
            if after_claim is not None:
                after_claim(reminder_id)
        else:
            result.lost_claims += 1
    result.claimed = len(claimed)
    if not claimed:
        return result

    with Session(engine) as session:
        rows = list(
            session.scalars(
                select(Reminder)
                .where(Reminder.id.in_(claimed), Reminder.claim_token == token)
                .order_by(Reminder.due_on, Reminder.id)
            )
        )
        session.expunge_all()
    own_mailer = mailer is None
    mailer = mailer or Mailer(config)
    result.digests = _group(rows)
    try:
        for digest in result.digests:
            _send_one(engine, config, mailer, digest, token, today, now, result)
    finally:
        if own_mailer:
            mailer.close()
    return result


def _subject(items: list[Any]) -> str:
    from coop_tracker.reminders.mail import subject_for

    return subject_for(items)


def _send_one(
    engine: Engine,
    config: Any,
    mailer: Mailer,
    digest: Digest,
    token: str,
    today: date,
    now: datetime,
    result: SweepResult,
) -> None:
    items = items_from_rows(digest.rows, today)
    digest.items = len(items)
    ids = [row.id for row in digest.rows]
    message = build_digest(
        sender=config.get("MAIL_SENDER", "noreply@localhost"),
        to_email=digest.email,
        to_name=digest.name,
        items=items,
        base_url=config.get("BASE_URL") or DEFAULT_BASE_URL,
        today=today,
        now=now,
    )
    digest.subject = str(message["Subject"])
    try:
        mailer.send(message)
    except OSError as error:  # smtplib.SMTPException is an OSError
        log.warning("Reminder digest to %s failed: %s", digest.email, error)
        with Session(engine) as session:
            for row in digest.rows:
                attempts = (row.attempts or 0) + 1
                session.execute(
                    update(Reminder)
                    .where(Reminder.id == row.id, Reminder.claim_token == token)
                    .values(
                        claimed_at=None,
                        claim_token=None,
                        attempts=attempts,
                        next_attempt_at=now + backoff(attempts),
                        last_error=str(error)[:300],
                    )
                    .execution_options(synchronize_session=False)
                )
            session.commit()
        result.failed_emails += 1
        return
    actor = Actor.system("scheduler")
    with Session(engine) as session:
        session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.claim_token == token)
            .values(sent_at=now, claimed_at=None, claim_token=None, last_error="")
            .execution_options(synchronize_session=False)
        )
        for row in digest.rows:
            record(
                session,
                actor,
                action="send",
                object_type="reminder",
                object_id=row.id,
                label=f"{row.title} → {row.recipient_email}"[:250],
                agreement_id=row.agreement_id,
                municipality_code=row.municipality_code,
                changes={
                    "kind": [None, row.kind],
                    "due_on": [None, row.due_on.isoformat()],
                    "lead_days": [None, row.lead_days],
                    "recipient": [None, row.recipient_email],
                    "subject": [None, digest.subject],
                },
            )
        session.commit()
    result.sent_emails += 1
    result.sent_rows += len(ids)


def plan_job(engine: Engine, today: date, now: datetime | None = None) -> PlanResult:
    """Plan every agreement's reminders in one transaction."""
    with Session(engine) as session:
        result = plan_reminders(session, today, now=now)
        session.commit()
    return result
