"""The form for registering a kommunalförbund, samordningsförbund or company."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField

from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _l
from coop_tracker.organisations.models import REGISTERED_KINDS
from coop_tracker.organisations.rules import KIND_LABELS
from coop_tracker.organisations.services import OrganisationInput


class OrganisationForm(FlaskForm):
    """A förbund, Finsam or company: the parts its members do not carry."""

    version = HiddenField()
    kind = RadioField(
        _l("Typ av organisation"),
        choices=choices({str(k): KIND_LABELS[k] for k in REGISTERED_KINDS}),
        validate_choice=False,
    )
    name = StringField(_l("Namn"))
    org_number = StringField(_l("Organisationsnummer"))
    description = TextAreaField(_l("Beskrivning"))
    articles_adopted_on = StringField(_l("Bolagsordningen antagen"))
    owner_directive_on = StringField(_l("Senaste ägardirektiv antaget"))

    def to_input(self) -> OrganisationInput:
        return OrganisationInput(
            kind=self.kind.data,
            name=self.name.data,
            org_number=self.org_number.data,
            description=self.description.data,
            articles_adopted_on=self.articles_adopted_on.data or None,
            owner_directive_on=self.owner_directive_on.data or None,
        )
