"""The base API schema speaks Swedish for every field type and validator, without patching
marshmallow globally."""

from __future__ import annotations

import marshmallow as ma
import pytest
from marshmallow import fields, validate

from coop_tracker.agreements.schemas import AgreementCreateSchema
from coop_tracker.api.schemas import PaginationQuerySchema, Schema, page_schema
from coop_tracker.routes import api_blueprints

api_blueprints()  # imports every API schema


class Everything(Schema):
    """One field of each kind, with stock marshmallow validators."""

    text = fields.String(required=True)
    short = fields.String(validate=validate.Length(max=3))
    number = fields.Integer(validate=validate.Range(min=1, max=10))
    ratio = fields.Float()
    amount = fields.Decimal()
    day = fields.Date()
    moment = fields.DateTime()
    flag = fields.Boolean()
    names = fields.List(fields.Integer())
    email = fields.Email()
    url = fields.Url()
    choice = fields.String(validate=validate.OneOf(["a", "b"]))
    mapping = fields.Dict()
    nested = fields.Nested(PaginationQuerySchema)
    not_null = fields.String(allow_none=False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "text", "Fältet saknas."),
        ({"not_null": None}, "not_null", "Fältet får inte vara tomt (null)."),
        ({"text": 5}, "text", "Måste vara en textsträng."),
        ({"short": "abcd"}, "short", "Får ha högst 3 tecken."),
        ({"number": "x"}, "number", "Måste vara ett heltal."),
        ({"number": 11}, "number", "Måste vara minst 1 och högst 10."),
        ({"ratio": "x"}, "ratio", "Måste vara ett tal."),
        ({"amount": "x"}, "amount", 'Måste vara ett tal, t.ex. "1234.50".'),
        ({"day": "2025-02-30"}, "day", "Måste vara ett datum i formen ÅÅÅÅ-MM-DD."),
        ({"moment": "igår"}, "moment", None),
        ({"flag": "kanske"}, "flag", "Måste vara true eller false."),
        ({"names": "x"}, "names", "Måste vara en lista."),
        ({"email": "inte-en-adress"}, "email", "Måste vara en e-postadress, t.ex. namn@kommun.se."),
        ({"url": "ftp//x"}, "url", "Måste vara en webbadress som börjar med https://."),
        ({"choice": "c"}, "choice", "Måste vara ett av: a, b."),
        ({"mapping": []}, "mapping", "Måste vara ett objekt."),
        ({"nested": 3}, "nested", {"_schema": ["Fel typ av indata: ett JSON-objekt väntades."]}),
        ({"okänt": 1}, "okänt", "Okänt fält."),
    ],
)
def test_messages_are_swedish(data, field, message):
    with pytest.raises(ma.ValidationError) as caught:
        Everything().load(data if field == "text" else {"text": "x", **data})
    errors = caught.value.messages
    assert field in errors
    got = errors[field][0] if isinstance(errors[field], list) else errors[field]
    if message is None:
        assert got.startswith("Måste vara en tidpunkt")
    else:
        assert got == message


def test_inner_list_fields_are_swedish_too():
    with pytest.raises(ma.ValidationError) as caught:
        Everything().load({"text": "x", "names": [1, "två"]})
    assert caught.value.messages["names"] == {1: ["Måste vara ett heltal."]}


def test_a_message_written_by_the_schema_author_is_kept():
    class Custom(Schema):
        code = fields.String(required=True, error_messages={"required": "Ange kod."})

    with pytest.raises(ma.ValidationError) as caught:
        Custom().load({})
    assert caught.value.messages == {"code": ["Ange kod."]}


def test_marshmallow_itself_is_left_in_english():
    class Plain(ma.Schema):
        number = fields.Integer(required=True)

    with pytest.raises(ma.ValidationError) as caught:
        Plain().load({})
    assert caught.value.messages == {"number": ["Missing data for required field."]}
    assert fields.Integer.default_error_messages["invalid"] == "Not a valid integer."


def _all_fields(field):
    yield field
    inner = getattr(field, "inner", None)
    if inner is not None:
        yield from _all_fields(inner)
    for sub in (getattr(field, "key_field", None), getattr(field, "value_field", None)):
        if sub is not None:
            yield from _all_fields(sub)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_api_schema_keeps_an_english_message():
    """Every schema in the API (including later domains') gets only Swedish messages."""
    english = set()
    for cls in vars(fields).values():
        if isinstance(cls, type) and issubclass(cls, fields.Field):
            english.update(getattr(cls, "default_error_messages", {}).values())
    schemas = [cls for cls in _subclasses(Schema) if cls.__module__.startswith("coop_tracker")]
    assert AgreementCreateSchema in schemas
    for cls in schemas:
        for name, field in cls().fields.items():
            for each in _all_fields(field):
                leftover = english & set(each.error_messages.values())
                assert not leftover, f"{cls.__name__}.{name}: {leftover}"
                for validator in each.validators:
                    assert type(validator).__module__ != validate.__name__, (
                        f"{cls.__name__}.{name}: English {type(validator).__name__}"
                    )


def test_pagination_defaults_and_bounds():
    assert PaginationQuerySchema().load({}) == {"page": 1, "per_page": 50}
    with pytest.raises(ma.ValidationError) as caught:
        PaginationQuerySchema().load({"page": 0, "per_page": 201})
    assert caught.value.messages == {
        "page": ["Måste vara minst 1 och högst 1000000."],
        "per_page": ["Måste vara minst 1 och högst 200."],
    }


def test_page_schema_is_one_class_per_item_schema():
    assert page_schema(Everything) is page_schema(Everything)
    assert page_schema(Everything).__name__ == "EverythingPageSchema"
    dumped = page_schema(Everything)().dump(
        {"items": [{"text": "a"}], "total": 1, "page": 1, "per_page": 50}
    )
    assert dumped == {"items": [{"text": "a"}], "total": 1, "page": 1, "per_page": 50}
