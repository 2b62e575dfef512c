"""Cost forms: raw text fields; the services validate. Each party's figures are read from
fields named ``party-<kommunkod>-fixed_percent|amount|usage`` (one row per party)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _l
from coop_tracker.costs.services import LAG_LABELS, METHOD_LABELS, OFFSET_LABELS


class CostModelForm(FlaskForm):
    version = HiddenField()
    method = RadioField(_l("Kostnadsmodell"), choices=choices(METHOD_LABELS), validate_choice=False)
    base_year = StringField(_l("Basår (prisnivå)"))
    total_amount = StringField(_l("Totalbelopp per år (kr)"))
    weight_population = StringField(_l("Andel efter folkmängd (%)"))
    weight_usage = StringField(_l("Andel efter nyttjande (%)"))
    weight_fixed = StringField(_l("Andel efter fasta andelar (%)"))
    usage_label = StringField(_l("Vad nyttjandet mäts i"))
    population_on = StringField(_l("Folkmängd per dag (MM-DD)"))
    population_year_offset = SelectField(
        _l("Folkmängd från"), choices=choices(OFFSET_LABELS), validate_choice=False
    )
    index_series = StringField(_l("Indexserie"))
    index_lag = RadioField(
        _l("Vilket års index"), choices=choices(LAG_LABELS), validate_choice=False
    )
    note = TextAreaField(_l("Anteckning"))


class OutcomeForm(FlaskForm):
    outcome_year = StringField(_l("År för utfallet"))
    outcome_total = StringField(_l("Verklig kostnad för året (kr)"))
    outcome_reference = StringField(_l("Underlag (till exempel årsredovisning)"))


class IndexValueForm(FlaskForm):
    series = StringField(_l("Indexserie"))
    year = StringField(_l("År"))
    level = StringField(_l("Indexnivå"))
    change_percent = StringField(_l("Förändring (%)"))
    source = StringField(_l("Källa"))


class PopulationForm(FlaskForm):
    municipality_code = StringField(_l("Kommunkod"))
    on_date = StringField(_l("Datum"))
    population = StringField(_l("Folkmängd"))
    population_source = StringField(_l("Källa"))
