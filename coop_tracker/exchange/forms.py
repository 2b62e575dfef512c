"""Upload, column-mapping and confirmation forms for the import (CSRF comes from FlaskForm)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from coop_tracker.core.i18n import _l


class UploadForm(FlaskForm):
    """The file to import; its type and size are checked by the parser, not by the browser."""

    file = FileField(_l("Fil att importera"))


class ConfirmForm(FlaskForm):
    """A form with only a CSRF token: the mapping selects are read from the request."""
