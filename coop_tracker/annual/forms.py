"""Annual-cycle forms: raw text fields; the services validate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from coop_tracker.core.i18n import _l


class DoneForm(FlaskForm):
    """Mark one duty done."""

    done_on = StringField(_l("Klart den"))
    reference = StringField(_l("Referens (diarienummer eller paragraf)"))
    note = TextAreaField(_l("Anteckning"))


class SettingsForm(FlaskForm):
    """An agreement's annual-cycle settings."""

    version = HiddenField()
    budget_consultation_on = StringField(_l("Budgetsamråd (månad och dag)"))
    document_review_years = StringField(_l("Översyn av styrdokument (år)"))
