"""Sending e-mail over SMTP with the app's MAIL_* settings: the reminder digests and an
administrator's confirmation mails go out through the same connection class."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Any


class Mailer:
    """An SMTP connection from the app's MAIL_* settings, opened once per sweep."""

    def __init__(self, config: Any) -> None:
        self.host = config.get("MAIL_SERVER", "localhost")
        self.port = int(config.get("MAIL_PORT", 25))
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.timeout = float(config.get("MAIL_TIMEOUT", 30))
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                if self.use_tls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; raises smtplib.SMTPException or OSError when it fails."""
        try:
            self._connect().send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
