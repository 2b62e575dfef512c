"""The reminders' scenario (Vansbro and Malung-Sälen with reminders due) and SMTP server."""

from tests.reminders.conftest import scenario, smtp  # noqa: F401 - fixtures
