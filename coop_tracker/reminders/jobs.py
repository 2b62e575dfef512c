"""Scheduler jobs: plan reminder rows, and sweep due rows into one digest per recipient.

Exactly once: each row is claimed with a conditional UPDATE (only an unsent row whose claim
is free or stale) and committed before anything is sent; a sweep sends only the rows it
claimed. A crash after claiming leaves the claim to go stale, and a later sweep retries the
row. A mail failure releases the claim and sets a back-off. Each job owns its transactions.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any, cast

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import Session

from coop_tracker.audit.services import record
from coop_tracker.config import DEFAULT_BASE_URL
from coop_tracker.core.actor import Actor
from coop_tracker.core.mail import Mailer
from coop_tracker.municipalities.models import KommunSetting
from coop_tracker.reminders.identity import mail_permission
from coop_tracker.reminders.mail import build_digest, items_from_rows
from coop_tracker.reminders.models import Reminder
from coop_tracker.reminders.planner import PlanResult, plan_reminders
from coop_tracker.users.models import User

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
    lost_claims: int = 0  # recipients whose rows another run holds
    digests: list[Digest] = field(default_factory=list)
    # Why nothing was sent when the database belongs to another installation (a restore).
    blocked: str | None = None

    def summary(self, dry_run: bool = False) -> str:
        if self.blocked:
            return f"Inga e-brev skickades. {self.blocked}"
        if dry_run:
            rows = sum(len(d.rows) for d in self.digests)
            return f"Torrkörning: {len(self.digests)} e-brev med {rows} påminnelser skulle skickas."
        return (
            f"Skickade {self.sent_emails} e-brev ({self.sent_rows} påminnelser); "
            f"{self.failed_emails} misslyckades och försöks igen senare; "
            f"{self.lost_claims} mottagares påminnelser skickas av en annan körning."
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
    if not dry_run:
        with Session(engine) as session:
            permission = mail_permission(session, config, actor=Actor.system("scheduler"))
            session.commit()
        if not permission.allowed:
            log.warning("Reminders not sent: %s", permission.reason)
            result.blocked = permission.reason
            return result
    if not dry_run:
        _replan_due(engine, today, now, cutoff)
    with Session(engine) as session:
        if dry_run:
            rows = list(session.scalars(select(Reminder).where(_due_filter(today, now, cutoff))))
            result.digests = _group(rows)
            for digest in result.digests:
                items = items_from_rows(digest.rows, today)
                digest.items = len(items)
                digest.subject = _subject(items)
            return result
        recipients = list(
            session.scalars(
                select(func.lower(Reminder.recipient_email))
                .where(_due_filter(today, now, cutoff))
                .group_by(func.lower(Reminder.recipient_email))
                .order_by(func.lower(Reminder.recipient_email))
            )
        )

    token = uuid.uuid4().hex
    claimed: list[int] = []
    for email in recipients:
        ids = _claim_recipient(engine, email, token, today, now, cutoff)
        if not ids:
            result.lost_claims += 1
            continue
        claimed.extend(ids)
        if after_claim is not None:
            for reminder_id in ids:
                after_claim(reminder_id)
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
        senders = kommun_senders(session)
        user_ids = {r.recipient_user_id for r in rows if r.recipient_user_id}
        homes = {
            user_id: code
            for user_id, code in session.execute(
                select(User.id, User.municipality_code).where(User.id.in_(user_ids))
            ).tuples()
        }
        session.expunge_all()
    own_mailer = mailer is None
    mailer = mailer or Mailer(config)
    result.digests = _group(rows)
    try:
        for digest in result.digests:
            sender = sender_for(digest, senders, homes)
            _send_one(engine, config, mailer, digest, token, today, now, result, sender)
    finally:
        if own_mailer:
            mailer.close()
    return result


def _replan_due(engine: Engine, today: date, now: datetime, cutoff: datetime) -> None:
    """Plan again the agreements that have a reminder due, just before sending: a notice given,
    a term or a calendar changed since the nightly planning cancels the reminder instead of
    mailing it (no false alarms)."""
    with Session(engine) as session:
        agreement_ids = sorted(
            set(
                session.scalars(
                    select(Reminder.agreement_id).where(_due_filter(today, now, cutoff)).distinct()
                )
            )
        )
        if agreement_ids:
            plan_reminders(session, today, agreement_ids=agreement_ids, now=now)
            session.commit()


def kommun_senders(session: Session) -> dict[str, tuple[str, str]]:
    """Each kommun's sender name and reply-to address for its reminders (one query)."""
    rows = session.execute(
        select(
            KommunSetting.municipality_code, KommunSetting.sender_name, KommunSetting.reply_to
        ).where((KommunSetting.sender_name != "") | (KommunSetting.reply_to != ""))
    ).tuples()
    return {code: (name, reply_to) for code, name, reply_to in rows}


def sender_for(
    digest: Digest, senders: dict[str, tuple[str, str]], homes: dict[int, str | None]
) -> tuple[str, str]:
    """The kommun's sender name and reply-to when the digest concerns one kommun only: every
    row that names a party names that kommun, and a user recipient has it as home kommun. A
    digest about several kommuner comes from the installation alone."""
    codes = {row.municipality_code for row in digest.rows} - {None}
    codes |= {homes.get(row.recipient_user_id) for row in digest.rows if row.recipient_user_id}
    codes -= {None}
    if len(codes) == 1:
        return senders.get(str(next(iter(codes))), ("", ""))
    return ("", "")


def with_display_name(address: str, name: str) -> str:
    """The configured sender address with the kommun's name shown (the address stays the
    installation's own, so that the mail server's SPF and DKIM still hold)."""
    if not name:
        return address
    return formataddr((name, parseaddr(address)[1] or address))


def _claim_recipient(
    engine: Engine, email: str, token: str, today: date, now: datetime, cutoff: datetime
) -> list[int]:
    """Claim every due row of one recipient at once, or none of them.

    One digest per person per run: a row is claimed only together with all the person's other
    due rows, and not at all while another run holds a fresh claim on any row of the person
    (that run sends them). Claiming row by row let two parallel runs split one person's rows
    between them, and the person got two e-mails. The claim is one conditional UPDATE that is
    the first statement of its transaction: SQLite runs it under the write lock on a fresh
    snapshot; PostgreSQL first takes a transaction-scoped advisory lock on the address, so the
    check for another run's claim sees every claim committed before it.
    """
    same_person = func.lower(Reminder.recipient_email) == email
    held = (
        select(Reminder.id)
        .where(
            same_person,
            Reminder.sent_at.is_(None),
            Reminder.claimed_at.is_not(None),
            Reminder.claimed_at >= cutoff,
        )
        .exists()
    )
    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            key = int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big", signed=True)
            session.execute(select(func.pg_advisory_xact_lock(key)))
        outcome = cast(
            "CursorResult[Any]",
            session.execute(
                update(Reminder)
                .where(same_person, _due_filter(today, now, cutoff), ~held)
                .values(claimed_at=now, claim_token=token)
                .execution_options(synchronize_session=False)
            ),
        )
        ids: list[int] = []
        if outcome.rowcount:
            ids = list(
                session.scalars(
                    select(Reminder.id).where(Reminder.claim_token == token, same_person)
                )
            )
        session.commit()
    return ids


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
    sender: tuple[str, str] = ("", ""),
) -> None:
    items = items_from_rows(digest.rows, today)
    digest.items = len(items)
    ids = [row.id for row in digest.rows]
    name, reply_to = sender
    message = build_digest(
        sender=with_display_name(config.get("MAIL_SENDER", "noreply@localhost"), name),
        reply_to=reply_to,
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
