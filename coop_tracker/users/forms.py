"""Login, account and user-administration forms. Fields hold raw text; the services validate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField

from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _l
from coop_tracker.users.services import ROLE_LABELS


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("E-post"))
    password = PasswordField(_l("Lösenord"))


class UserForm(FlaskForm):
    """An account as an administrator creates or changes it."""

    version = HiddenField()
    email = EmailField(_l("E-post"))
    name = StringField(_l("Namn"))
    role = SelectField(
        _l("Roll"),
        choices=choices([("", _l("Välj roll")), *ROLE_LABELS.items()]),
        validate_choice=False,
    )
    municipality_code = SelectField(_l("Hemkommun"), choices=[], validate_choice=False)
    password = PasswordField(_l("Lösenord"))

    def set_municipalities(self, pairs: list[tuple[str, str]]) -> None:
        self.municipality_code.choices = choices([("", _l("Ingen hemkommun")), *pairs])

    def limit_to_kommun_roles(self) -> None:
        """A kommun administrator gives every role but the global administrator's."""
        self.role.choices = choices(
            [("", _l("Välj roll")), *((k, v) for k, v in ROLE_LABELS.items() if k != "admin")]
        )


class PasswordForm(FlaskForm):
    """A new password (set by an administrator)."""

    password = PasswordField(_l("Nytt lösenord"))


class ChangePasswordForm(FlaskForm):
    """A user's own password change."""

    current_password = PasswordField(_l("Nuvarande lösenord"))
    password = PasswordField(_l("Nytt lösenord"))


class TokenForm(FlaskForm):
    """A new API token with a name the user recognises."""

    name = StringField(_l("Namn på nyckeln"))
