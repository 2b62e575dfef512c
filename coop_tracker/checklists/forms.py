"""Checklist item and template item forms. Fields hold raw text; the services validate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from coop_tracker.agreements.rules import ROLE_LABELS
from coop_tracker.checklists.items import ItemInput
from coop_tracker.checklists.rules import ITEM_STATUS_LABELS
from coop_tracker.checklists.templates import TemplateItemInput
from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _l


class ItemForm(FlaskForm):
    """Everything about one checklist item."""

    version = HiddenField()
    status = RadioField(_l("Status"), choices=choices(ITEM_STATUS_LABELS), validate_choice=False)
    not_applicable_reason = TextAreaField(_l("Skäl till att punkten inte är tillämplig"))
    responsible_party_id = SelectField(_l("Ansvarig part"), choices=[], validate_choice=False)
    responsible_person = StringField(_l("Ansvarig person"))
    due_on = StringField(_l("Klart senast"))
    note = TextAreaField(_l("Anteckning"))
    evidence_url = StringField(_l("Länk till underlag"))

    def to_input(self) -> ItemInput:
        return ItemInput(
            status=self.status.data,
            not_applicable_reason=self.not_applicable_reason.data,
            responsible_party_id=self.responsible_party_id.data or None,
            responsible_person=self.responsible_person.data,
            due_on=self.due_on.data,
            note=self.note.data,
            evidence_url=self.evidence_url.data,
        )


class ToggleForm(FlaskForm):
    """The one-button toggle of an item (the version guards against overwriting)."""

    version = HiddenField()


class TemplateItemForm(FlaskForm):
    """A question in a checklist template, as an admin edits it."""

    revision = HiddenField()
    text_sv = StringField(_l("Fråga på svenska"))
    text_en = StringField(_l("Fråga på engelska"))
    guidance_sv = TextAreaField(_l("Vägledning på svenska"))
    guidance_en = TextAreaField(_l("Vägledning på engelska"))
    is_required = BooleanField(
        _l("Obligatorisk: måste vara klar eller inte tillämplig vid fasbyte")
    )
    roles = SelectMultipleField(
        _l("Gäller roller"), choices=choices(ROLE_LABELS), validate_choice=False
    )
    per_party = BooleanField(_l("En punkt per berörd part"))

    def to_input(self) -> TemplateItemInput:
        return TemplateItemInput(
            text_sv=self.text_sv.data,
            text_en=self.text_en.data,
            guidance_sv=self.guidance_sv.data,
            guidance_en=self.guidance_en.data,
            is_required=bool(self.is_required.data),
            roles=list(self.roles.data or []),
            per_party=bool(self.per_party.data),
        )
