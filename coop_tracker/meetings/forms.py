"""Meeting forms: one meeting, a CSV file, and the CSRF-only confirm form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField

from coop_tracker.core.forms import choices
from coop_tracker.meetings.rules import BODY_LABELS
from coop_tracker.meetings.services import MeetingInput


class MeetingForm(FlaskForm):
    """Enter one meeting."""

    body = SelectField("Organ", choices=choices(BODY_LABELS), validate_choice=False)
    body_name = StringField("Nämndens namn")
    meeting_on = StringField("Sammanträdesdag")
    case_deadline_on = StringField("Sista dag för ärenden")

    def to_input(self) -> MeetingInput:
        return MeetingInput(
            body=self.body.data,
            body_name=self.body_name.data,
            meeting_on=self.meeting_on.data,
            case_deadline_on=self.case_deadline_on.data,
        )


class ImportForm(FlaskForm):
    """Upload a CSV file of meetings."""

    file = FileField("CSV-fil med sammanträden")


class ConfirmForm(FlaskForm):
    """A bare form carrying the CSRF token."""
