"""Input schemas whose refusals name the field: a marshmallow field read by one of
``core.validation``'s checks, so that a form, an import row and the services read an input once,
with the same limits and the same Swedish messages ("Namn får vara högst 200 tecken (nu 201).").

A schema of these fields is loaded from the input as typed (every field present, ``None`` for
empty) and gives the clean values, or ``ValidationFailed`` with one message per field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

import marshmallow as ma

from coop_tracker.core import validation as v
from coop_tracker.core.errors import ValidationFailed


class Checked(ma.fields.Field):
    """A field read by a ``core.validation`` check (``v.text``, ``v.integer``, ``v.decimal``,
    ``v.a_date``, ``v.url``, ``v.choice``) with the field's label and limits."""

    def __init__(self, check: Callable[..., Any], label: Any, *args: Any, **limits: Any) -> None:
        super().__init__(allow_none=True)
        self.check, self.label, self.args, self.limits = check, label, args, limits

    def deserialize(
        self,
        value: Any,
        attr: str | None = None,
        data: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        errors = v.Errors()
        given = None if value is ma.missing else value
        name = attr or self.name or ""
        # The schema being loaded, not ``self.parent``: an ``InputSchema``'s fields are bound
        # once per class and shared by its instances (see ``InputSchema.__init__``).
        schema = _loading.get(None) or self.parent
        label = getattr(schema, "label_prefix", "") + str(self.label)
        result = self.check(given, name, label, errors, *self.args, **self.limits)
        if errors:
            raise ma.ValidationError(next(iter(errors.values())))
        return result


def text(label: Any, **limits: Any) -> Checked:
    return Checked(v.text, label, **limits)


def integer(label: Any, **limits: Any) -> Checked:
    return Checked(v.integer, label, **limits)


def decimal(label: Any, **limits: Any) -> Checked:
    return Checked(v.decimal, label, **limits)


def a_date(label: Any, **limits: Any) -> Checked:
    return Checked(v.a_date, label, **limits)


def url(label: Any, **limits: Any) -> Checked:
    return Checked(v.url, label, **limits)


def ticked(value: Any, field: str, label: str, errors: v.Errors) -> bool:
    """A checkbox's check: any value is ticked or not, so no refusal names it."""
    return bool(value)


def boolean() -> Checked:
    """A checkbox: ticked or not."""
    return Checked(ticked, "")


def choice(label: Any, allowed: Mapping[Any, Any], *, required: bool) -> Checked:
    return Checked(v.choice, label, allowed, required=required)


# The ``InputSchema`` whose ``load`` is running (its fields read their label prefix from it).
_loading: ContextVar[InputSchema | None] = ContextVar("coop_tracker.input_schema", default=None)

# Per ``InputSchema`` class, what marshmallow's ``Schema.__init__`` set up for its first
# instance (its bound fields, options and messages), given as is to every later instance.
_BOUND: dict[type[InputSchema], dict[str, Any]] = {}


class InputSchema(ma.Schema):
    """A schema of ``Checked`` fields. Cross-field rules go in ``@ma.validates_schema(
    skip_on_field_errors=False)`` methods that call ``refuse``; a field keeps its first
    message."""

    class Meta:
        unknown = ma.EXCLUDE

    def __init__(self, *, label_prefix: str = "", field_prefix: str = "") -> None:
        """``label_prefix`` goes before each label ("Part 2: " + "roll"), ``field_prefix``
        before each field's name in the refusals ("parties-1-" + "role").

        A schema is made for every input checked (a party per row of an import), and
        marshmallow's own ``__init__`` deep-copies and binds every declared field each time:
        that is done once per class, and its result shared (nothing changes it after ``__init__``;
        the prefixes, the only per-instance state, are read from the schema being loaded)."""
        bound = _BOUND.get(type(self))
        if bound is None:
            before = set(vars(self))  # what a subclass set before calling this
            super().__init__()
            bound = {k: v for k, v in vars(self).items() if k not in before}
            _BOUND[type(self)] = bound
        else:
            vars(self).update(bound)
        self.label_prefix, self.field_prefix = label_prefix, field_prefix

    def load(self, data: Any, **kwargs: Any) -> Any:
        token = _loading.set(self)
        try:
            return super().load(data, **kwargs)
        finally:
            _loading.reset(token)

    def check(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The clean values of ``data`` and field → message for each wrong field. With errors,
        the values are those of the fields that were right (for the rules that need them)."""
        given = {name: data.get(name) for name in self.fields}
        try:
            return dict(self.load(given)), {}
        except ma.ValidationError as error:
            valid = error.valid_data if isinstance(error.valid_data, dict) else {}
            messages = first_messages(error.normalized_messages())
            return dict(valid), {self.field_prefix + k: m for k, m in messages.items()}

    def clean(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The clean values of ``data``, or ``ValidationFailed`` naming every wrong field."""
        values, errors = self.check(data)
        if errors:
            raise ValidationFailed(errors)
        return values


def refuse(errors: dict[str, str], field: str, message: str) -> None:
    """Collect a cross-field refusal (the first per field counts)."""
    errors.setdefault(field, message)


def first_messages(messages: Mapping[str, Any]) -> dict[str, str]:
    """marshmallow's field → [messages] as field → its first message."""
    flat: dict[str, str] = {}
    for name, value in messages.items():
        while isinstance(value, list | tuple) and value:
            value = value[0]
        flat[str(name)] = str(value)
    return flat
