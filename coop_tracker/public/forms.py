"""The form of a kommun's publication settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField

from coop_tracker.core.i18n import _l


class PublicationForm(FlaskForm):
    """What the kommun publishes beyond the default; validated by the service."""

    version = HiddenField()
    show_contact = BooleanField(_l("Visa kontaktfunktionen i det publika registret"))
    contact_function = StringField(_l("Kontaktfunktion"))
    contact_email = StringField(_l("E-post till funktionen"))
    contact_phone = StringField(_l("Telefon"))
    contact_url = StringField(_l("Webbsida"))
    show_responsible_body = BooleanField(_l("Ansvarig nämnd för varje samverkan"))
    show_review_results = BooleanField(
        _l("Uppföljningens resultat: datum, bedömning, måluppfyllelse och vart den rapporterades")
    )
    show_review_costs = BooleanField(_l("Budget och utfall från uppföljningen"))
    new_agreements_public = BooleanField(
        _l("Ny samverkan som kommunens redaktörer registrerar är publik från början")
    )
