"""Upload, column-mapping and confirmation forms for the import (CSRF comes from FlaskForm)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class UploadForm(FlaskForm):
    """The file to import; its type and size are checked by the parser, not by the browser."""

    file = FileField("Fil att importera")


class ConfirmForm(FlaskForm):
    """A form with only a CSRF token: the mapping selects are read from the request."""
