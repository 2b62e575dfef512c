"""Forms: reminder settings, snooze, and confirming a new calendar address."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField


class SettingsForm(FlaskForm):
    """The days before a deadline on which the user is reminded."""

    lead_days = StringField("Påminnelsedagar")


class SnoozeForm(FlaskForm):
    """Hide a deadline until a date."""

    until = StringField("Påminn igen")


class ConfirmForm(FlaskForm):
    """A bare form carrying the CSRF token."""
