"""Form helpers shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


def choices(pairs: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs or a value → label mapping."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]


def amount_text(value: Decimal | None) -> str:
    """An amount as a Swedish form shows it: "1 450 000", or "1 450 000,50" when there are öre.

    Plain spaces group the thousands (the services accept them back, as they do no-break spaces).
    """
    if value is None:
        return ""
    number = Decimal(value)
    decimals = 0 if number == number.to_integral_value() else 2
    return f"{number:,.{decimals}f}".replace(",", " ").replace(".", ",")


def field_text(value: Any) -> str:
    """A saved value as the text an edit form starts with."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return amount_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class ConfirmForm(FlaskForm):
    """An empty form: CSRF for a single-button action."""


def form_errors(form: Any, only: Iterable[str] | None = None) -> dict[str, str]:
    """A form's errors as the templates show them: one text per field (``only``: those fields)."""
    wanted = None if only is None else set(only)
    return {k: " ".join(v) for k, v in form.errors.items() if wanted is None or k in wanted}
