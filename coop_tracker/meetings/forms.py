"""Meeting forms: one meeting, a CSV file, and the CSRF-only confirm form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField

from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _l
from coop_tracker.meetings.rules import BODY_LABELS
from coop_tracker.meetings.services import MeetingInput


class MeetingForm(FlaskForm):
    """Enter one meeting."""

    body = SelectField(_l("Organ"), choices=choices(BODY_LABELS), validate_choice=False)
    body_name = StringField(_l("Nämndens namn"))
    meeting_on = StringField(_l("Sammanträdesdag"))
    case_deadline_on = StringField(_l("Sista dag för ärenden"))

    def to_input(self) -> MeetingInput:
        return MeetingInput(
            body=self.body.data,
            body_name=self.body_name.data,
            meeting_on=self.meeting_on.data,
            case_deadline_on=self.case_deadline_on.data,
        )


class ImportForm(FlaskForm):
    """Upload a CSV file of meetings."""

    file = FileField(_l("CSV-fil med sammanträden"))


class ConfirmForm(FlaskForm):
    """A bare form carrying the CSRF token."""
