"""Login form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("E-post")
    password = PasswordField("Lösenord")
