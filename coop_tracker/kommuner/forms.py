"""The form of a kommun's own settings. Fields hold raw text; the service validates."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from coop_tracker.core.i18n import _l


class KommunSettingForm(FlaskForm):
    """Deadlines and reminders for one kommun; an empty deadline means the default."""

    version = HiddenField()
    notice_buffer_days = StringField(_l("Tid för justering, anslag och delgivning (dagar)"))
    internal_lead_days = StringField(_l("Kommunens minsta interna förberedelsetid (dagar)"))
    continuation_lead_months = StringField(_l("Beslut om förlängning, månader före slutdatum"))
    reminder_lead_days = StringField(_l("Påminnelsedagar för nya användare och kontaktpersoner"))
    sender_name = StringField(_l("Avsändarnamn i påminnelser"))
    reply_to = StringField(_l("Svarsadress"))
