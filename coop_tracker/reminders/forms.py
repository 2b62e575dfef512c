"""Forms: reminder settings, snooze, and confirming a new calendar address."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

from coop_tracker.core.i18n import _l


class SettingsForm(FlaskForm):
    """The days before a deadline on which the user is reminded."""

    lead_days = StringField(_l("Påminnelsedagar"))


class SnoozeForm(FlaskForm):
    """Hide a deadline until a date."""

    until = StringField(_l("Påminn igen"))


class ConfirmForm(FlaskForm):
    """A bare form carrying the CSRF token."""
