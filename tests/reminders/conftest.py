"""A real SMTP server in-process (aiosmtpd on a free port) and a scenario with due deadlines."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from coop_tracker.agreements.services import ContactInput, add_contact


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the SMTP server received, parsed back into e-mail messages."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(e.original_content or e.content, policy=policy.default)
            for e in self.envelopes
        ]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Inbox
    controller: Controller

    def stop(self) -> None:
        self.controller.stop()


def start_smtp(port: int | None = None) -> SmtpServer:
    inbox = Inbox()
    port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer("127.0.0.1", port, inbox, controller)


@pytest.fixture
def smtp(app: Any) -> Iterator[SmtpServer]:
    server = start_smtp()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_USE_TLS=False)
    yield server
    server.stop()


TODAY = date(2026, 4, 15)


@dataclass
class Scenario:
    agreement: Any
    vansbro_editor: Any
    malung_editor: Any
    reader: Any
    outsider: Any
    contact: Any


@pytest.fixture
def scenario(session: Any, factory: Any) -> Scenario:
    """Vansbro (host) and Malung-Sälen (purchaser), as of 2026-04-15:

    * review due 2025-01-01 (start + 12 months, never reviewed): overdue;
    * notice deadline 2026-06-30 (term ends 2026-12-31, 6 months' notice): 76 days ahead;
    * decide-by 2026-05-16 (no meeting calendar: the deadline less the 14-day buffer and the
      31 days' internal lead): 31 days ahead.
    """
    agreement = factory.agreement(
        [("2021", "host"), ("2023", "purchaser")],
        phase="active",
        title="Miljö- och hälsoskydd Vansbro–Malung-Sälen",
        start_on="2024-01-01",
        end_on="2026-12-31",
        renewal="tacit",
        renewal_months=12,
        notice_months=6,
        internal_lead_days=31,
    )
    vansbro = factory.user("editor", "2021", email="anna@vansbro.se", name="Anna Åberg")
    malung = factory.user("editor", "2023", email="bo@malung.se", name="Bo Öst")
    malung.reminder_lead_days = "7,0"
    reader = factory.user("reader", "2021", email="politiker@vansbro.se")
    outsider = factory.user("editor", "0180", email="someone@stockholm.se")
    from coop_tracker.core.actor import Actor

    contact = add_contact(
        session,
        agreement.parties[1],
        ContactInput(name="Cecilia Ängström", email="cecilia@malung.se", wants_reminders=True),
        actor=Actor.system(),
    )
    add_contact(
        session,
        agreement.parties[0],
        ContactInput(name="Utan påminnelser", email="tyst@vansbro.se", wants_reminders=False),
        actor=Actor.system(),
    )
    session.commit()
    return Scenario(agreement, vansbro, malung, reader, outsider, contact)
