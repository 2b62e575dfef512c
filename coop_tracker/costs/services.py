"""Changing cost models, outcomes, index values and population figures (audited, no commit)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.audit.services import diff, record_saved
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.locking import stored_or_new
from coop_tracker.costs.models import (
    CostModel,
    CostOutcome,
    CostParty,
    IndexValue,
    Method,
    PopulationFigure,
)
from coop_tracker.municipalities.models import Municipality

METHOD_LABELS: dict[str, str] = {
    Method.KEY: _l("Totalbelopp som fördelas med en fördelningsnyckel"),
    Method.AMOUNTS: _l("Belopp per part"),
}
LAG_LABELS: dict[str, str] = {
    "0": _l("Kostnadsårets index (till exempel PKV-prognosen för året)"),
    "1": _l("Föregående års index (till exempel KPI året före)"),
}
OFFSET_LABELS: dict[str, str] = {"-1": _l("året före kostnadsåret"), "0": _l("kostnadsåret")}
SERIES = re.compile(r"^[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9 ._-]{0,19}$")
MAX_AMOUNT = Decimal("99999999999.99")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class PartyFigures:
    fixed_percent: Any = ""
    amount: Any = ""
    usage: Any = ""


@dataclass(frozen=True)
class CostModelInput:
    """A cost model as typed (text from the form, plain values from the API)."""

    method: Any
    base_year: Any
    total_amount: Any = ""
    weight_population: Any = ""
    weight_usage: Any = ""
    weight_fixed: Any = ""
    usage_label: Any = ""
    population_on: Any = "12-31"
    population_year_offset: Any = "-1"
    index_series: Any = ""
    index_lag: Any = "0"
    note: Any = ""
    parties: dict[str, PartyFigures] = field(default_factory=dict)
    version: Any = None


def plain_number(value: Decimal) -> str:
    """A share as a person types it: 90, 33,3333 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f").replace(".", ",")


def model_snapshot(row: CostModel) -> dict[str, Any]:
    return {
        "method": row.method,
        "base_year": row.base_year,
        "total_amount": row.total_amount,
        "weight_population": row.weight_population,
        "weight_usage": row.weight_usage,
        "weight_fixed": row.weight_fixed,
        "usage_label": row.usage_label,
        "population_on": f"{row.population_month:02d}-{row.population_day:02d}",
        "population_year_offset": row.population_year_offset,
        "index_series": row.index_series,
        "index_lag": row.index_lag,
        "note": row.note,
    }


def _month_day(raw: Any, field_name: str, label: str, errors: v.Errors) -> tuple[int, int]:
    text = v.text(raw, field_name, label, errors, max_length=5, required=True)
    parts = text.split("-")
    if len(parts) == 2 and all(v.is_digits(p, 2) for p in parts):
        try:
            date(2024, int(parts[0]), int(parts[1]))
            return int(parts[0]), int(parts[1])
        except ValueError:
            pass
    if text:
        errors.add(field_name, _("%(label)s: skriv MM-DD, till exempel 12-31.", label=label))
    return 12, 31


def _weight(raw: Any, name: str, label: str, errors: v.Errors) -> Decimal:
    value = v.decimal(raw, name, label, errors, minimum=Decimal(0), maximum=Decimal(100))
    return value if value is not None else Decimal(0)


def save_model(
    session: Session, agreement: Agreement, data: CostModelInput, *, actor: Actor
) -> CostModel:
    """Create or change the agreement's cost model and its parties' figures."""
    errors = v.Errors()
    method = v.choice(data.method, "method", _("Kostnadsmodell"), errors, METHOD_LABELS,
                      required=True)  # fmt: skip
    base_year = v.integer(data.base_year, "base_year", _("Basår (prisnivå)"), errors,
                          minimum=MIN_YEAR, maximum=MAX_YEAR, required=True)  # fmt: skip
    total = v.decimal(data.total_amount, "total_amount", _("Totalbelopp per år (kr)"), errors,
                      minimum=Decimal(0), maximum=MAX_AMOUNT)  # fmt: skip
    weights = {
        "population": _weight(data.weight_population, "weight_population",
                              _("Andel efter folkmängd (%)"), errors),
        "usage": _weight(data.weight_usage, "weight_usage", _("Andel efter nyttjande (%)"),
                         errors),
        "fixed": _weight(data.weight_fixed, "weight_fixed", _("Andel efter fasta andelar (%)"),
                         errors),
    }  # fmt: skip
    usage_label = v.text(data.usage_label, "usage_label", _("Vad nyttjandet mäts i"), errors,
                         max_length=80)  # fmt: skip
    month, day = _month_day(data.population_on, "population_on",
                            _("Folkmängd per dag (MM-DD)"), errors)  # fmt: skip
    offset = v.choice(str(data.population_year_offset), "population_year_offset",
                      _("Folkmängd från"), errors, OFFSET_LABELS, required=True)  # fmt: skip
    series = v.text(data.index_series, "index_series", _("Indexserie"), errors, max_length=20)
    series = series.upper()
    if series and not SERIES.match(series):
        errors.add("index_series", _("Indexserie: bokstäver och siffror, till exempel KPI."))
    lag = v.choice(str(data.index_lag), "index_lag", _("Vilket års index"), errors, LAG_LABELS,
                   required=True)  # fmt: skip
    note = v.text(data.note, "note", _("Anteckning"), errors, max_length=2000, multiline=True)
    figures: dict[str, tuple[Decimal | None, Decimal | None, Decimal | None]] = {}
    names = {p.municipality_code: p.name for p in agreement.parties if p.municipality_code}
    # Cost figures are kept per kommun; parties that are not kommuner have none here.
    for party in agreement.current_parties:
        code = party.municipality_code
        if code is None:
            continue
        given = data.parties.get(code, PartyFigures())
        prefix = f"party-{code}"
        figures[code] = (
            v.decimal(given.fixed_percent, f"{prefix}-fixed_percent",
                      _("%(name)s: fast andel (%%)", name=names[code]), errors,
                      minimum=Decimal(0), maximum=Decimal(100), places=4),
            v.decimal(given.amount, f"{prefix}-amount",
                      _("%(name)s: belopp per år (kr)", name=names[code]), errors,
                      minimum=Decimal(0), maximum=MAX_AMOUNT),
            v.decimal(given.usage, f"{prefix}-usage",
                      _("%(name)s: nyttjande", name=names[code]), errors,
                      minimum=Decimal(0), maximum=MAX_AMOUNT),
        )  # fmt: skip
    if method == Method.KEY and not errors:
        if total is None:
            errors.add("total_amount", _("Ange totalbelopp per år (kr)."))
        weight_sum = sum(weights.values(), Decimal(0))
        if weight_sum != 100:
            errors.add(
                "weight_population",
                _(
                    "Fördelningsnyckeln: andelarna efter folkmängd, nyttjande och fasta andelar "
                    "ska tillsammans bli 100 %% (nu %(sum)s %%).",
                    sum=plain_number(weight_sum),
                ),
            )
        if weights["fixed"]:
            fixed = [f[0] for f in figures.values() if f[0] is not None]
            for code, (share, _amount, _usage) in figures.items():
                if share is None:
                    errors.add(
                        f"party-{code}-fixed_percent",
                        _("%(name)s: ange fast andel (%%).", name=names[code]),
                    )
            # Parties that are not kommuner have their share on the party itself.
            for party in agreement.current_parties:
                if party.municipality_code is not None:
                    continue
                if party.cost_share_percent is None:
                    errors.add(
                        "weight_fixed",
                        _(
                            "%(name)s: ange kostnadsandel (%%) på parten under Ändra uppgifter.",
                            name=party.name,
                        ),
                    )
                else:
                    fixed.append(Decimal(party.cost_share_percent))
            everyone = len(figures) + sum(
                1 for p in agreement.current_parties if p.municipality_code is None
            )
            if len(fixed) == everyone and sum(fixed, Decimal(0)) != 100:
                errors.add(
                    "weight_fixed",
                    _(
                        "De fasta andelarna ska tillsammans bli 100 %% (nu %(sum)s %%).",
                        sum=plain_number(sum(fixed, Decimal(0))),
                    ),
                )
        if weights["usage"]:
            for code, (_share, _amount, usage) in figures.items():
                if usage is None:
                    errors.add(
                        f"party-{code}-usage", _("%(name)s: ange nyttjande.", name=names[code])
                    )
    if method == Method.AMOUNTS and not errors:
        for code, (_share, amount, _usage) in figures.items():
            if amount is None:
                errors.add(
                    f"party-{code}-amount",
                    _("%(name)s: ange belopp per år (kr).", name=names[code]),
                )
    if errors:
        raise ValidationFailed(errors)
    assert method is not None and base_year is not None and offset is not None and lag is not None
    row, before = stored_or_new(
        session,
        session.get(CostModel, agreement.id),
        lambda: CostModel(agreement_id=agreement.id),
        model_snapshot,
        expected_version=data.version,
    )
    row.method = method
    row.base_year = base_year
    row.total_amount = total
    row.weight_population = weights["population"]
    row.weight_usage = weights["usage"]
    row.weight_fixed = weights["fixed"]
    row.usage_label = usage_label
    row.population_month, row.population_day = month, day
    row.population_year_offset = int(offset)
    row.index_series = series
    row.index_lag = int(lag)
    row.note = note
    existing = {
        f.municipality_code: f
        for f in session.scalars(select(CostParty).where(CostParty.agreement_id == agreement.id))
    }
    party_changes: dict[str, Any] = {}
    for code, (share, amount, usage) in figures.items():
        figure = existing.get(code)
        if figure is None:
            figure = CostParty(agreement_id=agreement.id, municipality_code=code)
            session.add(figure)
        old = (figure.fixed_percent, figure.amount, figure.usage)
        figure.fixed_percent, figure.amount, figure.usage = share, amount, usage
        for name, old_value, new_value in zip(
            ("fixed_percent", "amount", "usage"), old, (share, amount, usage), strict=True
        ):
            if (None if old_value is None else Decimal(old_value)) != new_value:
                party_changes[f"{names[code]}: {name}"] = [old_value, new_value]
    session.flush()
    record_saved(
        session,
        actor,
        before,
        model_snapshot(row),
        object_type="cost_model",
        object_id=agreement.id,
        label=_("Kostnadsmodell: %(title)s", title=agreement.title),
        agreement_id=agreement.id,
        also=diff(
            {k: v[0] for k, v in party_changes.items()}, {k: v[1] for k, v in party_changes.items()}
        ),
    )
    return row


def save_outcome(
    session: Session,
    agreement: Agreement,
    year: Any,
    total: Any,
    reference: Any,
    *,
    actor: Actor,
    today: date,
) -> CostOutcome:
    """Record (or correct) a year's actual cost, reconciled against the budget per party."""
    errors = v.Errors()
    the_year = v.integer(year, "outcome_year", _("År för utfallet"), errors, minimum=MIN_YEAR,
                         maximum=today.year, required=True)  # fmt: skip
    amount = v.decimal(total, "outcome_total", _("Verklig kostnad för året (kr)"), errors,
                       minimum=Decimal(0), maximum=MAX_AMOUNT)  # fmt: skip
    if amount is None and "outcome_total" not in errors:
        errors.add("outcome_total", _("Ange verklig kostnad för året (kr)."))
    ref = v.text(reference, "outcome_reference", _("Underlag (till exempel årsredovisning)"),
                 errors, max_length=120)  # fmt: skip
    if session.get(CostModel, agreement.id) is None:
        errors.add("outcome_year", _("Ange kostnadsmodellen först."))
    if errors:
        raise ValidationFailed(errors)
    assert the_year is not None and amount is not None
    row, before = stored_or_new(
        session,
        session.scalar(
            select(CostOutcome).where(
                CostOutcome.agreement_id == agreement.id, CostOutcome.year == the_year
            )
        ),
        lambda: CostOutcome(agreement_id=agreement.id, year=the_year),
        lambda r: {"total_outcome": r.total_outcome, "reference": r.reference},
    )
    row.total_outcome, row.reference = amount, ref
    session.flush()
    record_saved(
        session,
        actor,
        before,
        {"total_outcome": amount, "reference": ref},
        object_type="cost_outcome",
        object_id=row.id,
        label=_("Kostnadsutfall %(year)s: %(title)s", year=the_year, title=agreement.title),
        agreement_id=agreement.id,
    )
    return row


def save_index_value(
    session: Session, series: Any, year: Any, level: Any, change: Any, source: Any, *,
    actor: Actor,
) -> IndexValue:  # fmt: skip
    """Enter (or correct) one year of an index series: its level or its change in percent."""
    errors = v.Errors()
    name = v.text(series, "series", _("Indexserie"), errors, max_length=20, required=True).upper()
    if name and not SERIES.match(name):
        errors.add("series", _("Indexserie: bokstäver och siffror, till exempel KPI."))
    the_year = v.integer(year, "year", _("År"), errors, minimum=MIN_YEAR, maximum=MAX_YEAR,
                         required=True)  # fmt: skip
    the_level = v.decimal(level, "level", _("Indexnivå"), errors, minimum=Decimal("0.0001"),
                          maximum=Decimal("99999999"), places=4)  # fmt: skip
    the_change = _signed_percent(change, errors)
    if the_level is None and the_change is None and not errors:
        errors.add("level", _("Ange indexnivå eller förändring i procent (eller båda)."))
    text = v.text(source, "source", _("Källa"), errors, max_length=120, required=True)
    if errors:
        raise ValidationFailed(errors)
    assert the_year is not None
    row, before = stored_or_new(
        session,
        session.scalar(
            select(IndexValue).where(IndexValue.series == name, IndexValue.year == the_year)
        ),
        lambda: IndexValue(series=name, year=the_year),
        lambda r: {"level": r.level, "change_percent": r.change_percent, "source": r.source},
    )
    row.level, row.change_percent, row.source = the_level, the_change, text
    session.flush()
    after = {"level": the_level, "change_percent": the_change, "source": text}
    record_saved(
        session,
        actor,
        before,
        after,
        object_type="index_value",
        object_id=row.id,
        label=f"{name} {the_year}",
    )
    return row


def _signed_percent(raw: Any, errors: v.Errors) -> Decimal | None:
    """A yearly change such as "2,5" or "-0,4" (percent)."""
    if raw is None or raw == "":
        return None
    text = v.number_text(raw).replace("−", "-")
    negative = text.startswith("-")
    value = v.decimal(text.lstrip("-+"), "change_percent", _("Förändring (%)"), errors,
                      minimum=Decimal(0), maximum=Decimal(100), places=3)  # fmt: skip
    if value is None:
        return None
    return -value if negative else value


def save_population(
    session: Session, code: Any, on_date: Any, population: Any, source: Any, *, actor: Actor
) -> PopulationFigure:
    """Enter a kommun's population on a day (for a key that counts another day than the
    register's 31 December)."""
    errors = v.Errors()
    kommun = session.get(Municipality, code) if v.is_digits(code, 4) else None
    if kommun is None:
        errors.add("municipality_code", _("Kommunkod: ange en kommunkod med fyra siffror."))
    day = v.a_date(on_date, "on_date", _("Datum"), errors, required=True)
    count = v.integer(population, "population", _("Folkmängd"), errors, minimum=1,
                      maximum=2_000_000, required=True)  # fmt: skip
    text = v.text(source, "population_source", _("Källa"), errors, max_length=120, required=True)
    if errors:
        raise ValidationFailed(errors)
    assert kommun is not None and day is not None and count is not None
    row, before = stored_or_new(
        session,
        session.scalar(
            select(PopulationFigure).where(
                PopulationFigure.municipality_code == kommun.code, PopulationFigure.on_date == day
            )
        ),
        lambda: PopulationFigure(municipality_code=kommun.code, on_date=day),
        lambda r: {"population": r.population, "source": r.source},
    )
    row.population, row.source = count, text
    session.flush()
    record_saved(
        session,
        actor,
        before,
        {"population": count, "source": text},
        object_type="population_figure",
        object_id=row.id,
        label=f"{kommun.name} {day.isoformat()}",
        municipality_code=kommun.code,
    )
    return row
