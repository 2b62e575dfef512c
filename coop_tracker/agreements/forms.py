"""Agreement, party and contact forms. Fields hold raw text; the services validate."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from coop_tracker.agreements.rules import (
    COST_BASIS_LABELS,
    FORM_LABELS,
    RENEWAL_LABELS,
    ROLE_LABELS,
)
from coop_tracker.agreements.services import AgreementInput, ContactInput, PartyInput
from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _l


class PartyForm(Form):
    """One party row in the agreement form (a sub-form: the outer form carries CSRF)."""

    id = HiddenField()
    version = HiddenField()
    municipality_code = SelectField(_l("Kommun"), choices=[], validate_choice=False)
    role = SelectField(
        _l("Roll"),
        choices=choices([("", _l("Välj roll")), *ROLE_LABELS.items()]),
        validate_choice=False,
    )
    decision_body = StringField(_l("Beslutande organ"))
    decision_on = StringField(_l("Beslutsdatum"))
    decision_paragraph = StringField(_l("Paragraf"))
    decision_ref = StringField(_l("Diarienummer"))
    joined_on = StringField(_l("Anslöt"))
    left_on = StringField(_l("Lämnade"))
    cost_share_percent = StringField(_l("Kostnadsandel (%)"))
    annual_cost = StringField(_l("Årlig kostnad för kommunen (kr)"))
    remove = BooleanField(_l("Ta bort den här parten"))


class AgreementForm(FlaskForm):
    """The whole agreement with any number of parties."""

    version = HiddenField()
    title = StringField(_l("Namn på samverkan"))
    form = RadioField(_l("Samverkansform"), choices=choices(FORM_LABELS), validate_choice=False)
    areas = SelectMultipleField(_l("Samverkansområden"), choices=[], validate_choice=False)
    purpose = TextAreaField(_l("Syfte"))
    goals = TextAreaField(_l("Mål och förväntade effekter"))
    motive = TextAreaField(_l("Motiv"))
    start_on = StringField(_l("Startdatum"))
    end_on = StringField(_l("Slutdatum"))
    notice_months = StringField(_l("Uppsägningstid (månader)"))
    renewal = RadioField(
        _l("Förlängning"),
        choices=choices(RENEWAL_LABELS),
        default="none",
        validate_choice=False,
    )
    renewal_months = StringField(_l("Förlängningsperiod (månader)"))
    internal_lead_days = StringField(_l("Intern förberedelsetid (dagar)"))
    review_interval_months = StringField(_l("Uppföljningsintervall (månader)"))
    cost_basis = SelectField(
        _l("Kostnadsfördelning"),
        choices=choices([("", _l("Inte angiven")), *COST_BASIS_LABELS.items()]),
        validate_choice=False,
    )
    annual_cost = StringField(_l("Total årlig kostnad (kr)"))
    cost_note = TextAreaField(_l("Kommentar om kostnader"))
    document_ref = StringField(_l("Diarienummer för avtalet"))
    document_url = StringField(_l("Länk till avtalet"))
    internal_note = TextAreaField(_l("Intern anteckning"))
    is_public = BooleanField(_l("Visa i det publika registret"))
    parties = FieldList(FormField(PartyForm), min_entries=2, max_entries=300)
    add_party = SubmitField(_l("Lägg till en part"))
    save = SubmitField(_l("Spara"))

    def set_choices(self, municipalities: list[tuple[str, str]], areas: list[tuple[str, str]]):
        """Fill the kommun and area choices (loaded once per request)."""
        self.areas.choices = choices(areas)
        for entry in self.parties:
            entry.form.municipality_code.choices = choices(
                [("", _l("Välj kommun")), *municipalities]
            )

    def to_input(self) -> AgreementInput:
        """Plain data for the service, leaving out parties marked for removal."""
        parties = [
            PartyInput(
                municipality_code=e.form.municipality_code.data or None,
                role=e.form.role.data or None,
                decision_body=e.form.decision_body.data,
                decision_on=e.form.decision_on.data,
                decision_paragraph=e.form.decision_paragraph.data,
                decision_ref=e.form.decision_ref.data,
                joined_on=e.form.joined_on.data,
                left_on=e.form.left_on.data,
                cost_share_percent=e.form.cost_share_percent.data,
                annual_cost=e.form.annual_cost.data,
                id=_int_or_none(e.form.id.data),
                version=_int_or_none(e.form.version.data),
            )
            for e in self.parties
            if not e.form.remove.data
            and (e.form.municipality_code.data or e.form.role.data or e.form.id.data)
        ]
        return AgreementInput(
            title=self.title.data,
            form=self.form.data,
            area_slugs=list(self.areas.data or []),
            purpose=self.purpose.data,
            goals=self.goals.data,
            motive=self.motive.data,
            start_on=self.start_on.data,
            end_on=self.end_on.data,
            notice_months=self.notice_months.data,
            renewal=self.renewal.data,
            renewal_months=self.renewal_months.data,
            internal_lead_days=self.internal_lead_days.data,
            review_interval_months=self.review_interval_months.data,
            cost_basis=self.cost_basis.data or None,
            annual_cost=self.annual_cost.data,
            cost_note=self.cost_note.data,
            document_ref=self.document_ref.data,
            document_url=self.document_url.data,
            internal_note=self.internal_note.data,
            is_public=bool(self.is_public.data),
            parties=parties,
        )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ContactForm(FlaskForm):
    """A contact person for one party."""

    version = HiddenField()
    name = StringField(_l("Namn"))
    title = StringField(_l("Titel eller funktion"))
    email = StringField(_l("E-post"))
    phone = StringField(_l("Telefon"))
    is_carrier = BooleanField(_l("Bär samverkan (nyckelperson)"))
    wants_reminders = BooleanField(_l("Vill få påminnelser via e-post"))

    def to_input(self) -> ContactInput:
        return ContactInput(
            name=self.name.data,
            title=self.title.data,
            email=self.email.data,
            phone=self.phone.data,
            is_carrier=bool(self.is_carrier.data),
            wants_reminders=bool(self.wants_reminders.data),
        )


class ArchiveForm(FlaskForm):
    """Confirming an archive: why the agreement is archived (kept in the audit log)."""

    reason = TextAreaField(_l("Skäl till arkiveringen"))


class ConfirmForm(FlaskForm):
    """An empty form: CSRF for a single-button action."""
