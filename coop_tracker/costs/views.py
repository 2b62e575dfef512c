"""Cost pages: an agreement's tab "Kostnader" (shares by year, reconciliation, the model's form)
and the reference figures it reads (index values, population on a day)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.clock import today
from coop_tracker.core.forms import amount_text
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.web import format_money, save, submit, web_actor
from coop_tracker.costs import services
from coop_tracker.costs.forms import CostModelForm, IndexValueForm, OutcomeForm, PopulationForm
from coop_tracker.costs.models import CostModel, CostParty, IndexValue, PopulationFigure
from coop_tracker.costs.queries import agreement_costs, kommun_agreements, kommun_costs
from coop_tracker.extensions import db
from coop_tracker.municipalities.pages import kommun_or_404

bp = Blueprint("costs", __name__)


@bp.record_once
def _labels(_state: Any) -> None:
    audit_labels.register_fields(
        "cost_model",
        _l("Kostnadsmodell"),
        {
            "method": _l("Kostnadsmodell"),
            "base_year": _l("Basår (prisnivå)"),
            "total_amount": _l("Totalbelopp per år (kr)"),
            "weight_population": _l("Andel efter folkmängd (%)"),
            "weight_usage": _l("Andel efter nyttjande (%)"),
            "weight_fixed": _l("Andel efter fasta andelar (%)"),
            "usage_label": _l("Vad nyttjandet mäts i"),
            "population_on": _l("Folkmängd per dag (MM-DD)"),
            "population_year_offset": _l("Folkmängd från"),
            "index_series": _l("Indexserie"),
            "index_lag": _l("Vilket års index"),
            "note": _l("Anteckning"),
            # A party's figures, stored as "<party name>: fixed_percent" and so on.
            "fixed_percent": _l("fast andel (%)"),
            "amount": _l("belopp per år (kr)"),
            "usage": _l("nyttjande"),
        },
        {"method": services.METHOD_LABELS},
    )
    audit_labels.register_fields(
        "cost_outcome",
        _l("Kostnadsutfall"),
        {"total_outcome": _l("Verklig kostnad (kr)"), "reference": _l("Underlag")},
    )
    audit_labels.register_fields(
        "index_value",
        _l("Indexvärde"),
        {"level": _l("Indexnivå"), "change_percent": _l("Förändring (%)"), "source": _l("Källa")},
    )
    audit_labels.register_fields(
        "population_figure",
        _l("Folkmängd per dag"),
        {"population": _l("Folkmängd"), "source": _l("Källa")},
    )


def _fill(form: CostModelForm, row: CostModel | None, now_year: int) -> None:
    if row is None:
        form.method.data = "key"
        form.base_year.data = str(now_year)
        form.weight_population.data = "100"
        form.population_on.data = "12-31"
        form.population_year_offset.data = "-1"
        form.index_lag.data = "0"
        return
    snapshot = services.model_snapshot(row)
    form.version.data = str(row.version)
    for name, value in snapshot.items():
        field = getattr(form, name)
        if isinstance(value, Decimal):
            field.data = amount_text(value) if name == "total_amount" else _plain(value)
        else:
            field.data = "" if value is None else str(value)


def _plain(value: Decimal) -> str:
    """A weight or share as typed: 50, 33,3333 (no trailing zeros, decimal comma)."""
    return services.plain_number(value)


def _party_values(agreement: Any) -> dict[str, dict[str, str]]:
    """Each party's stored figures as the form shows them (or what was just typed)."""
    if request.method == "POST":
        return {
            p.municipality_code: {
                key: request.form.get(f"party-{p.municipality_code}-{key}", "")
                for key in ("fixed_percent", "amount", "usage")
            }
            for p in agreement.current_parties
        }
    stored = {
        f.municipality_code: f
        for f in db.session.scalars(select(CostParty).where(CostParty.agreement_id == agreement.id))
    }
    values: dict[str, dict[str, str]] = {}
    for party in agreement.current_parties:
        own = stored.get(party.municipality_code)
        values[party.municipality_code] = {
            "fixed_percent": "" if own is None or own.fixed_percent is None
            else _plain(Decimal(own.fixed_percent)),
            "amount": "" if own is None or own.amount is None else amount_text(own.amount),
            "usage": "" if own is None or own.usage is None else _plain(Decimal(own.usage)),
        }  # fmt: skip
    return values


@bp.route("/agreements/<int:agreement_id>/costs", methods=["GET", "POST"])
@login_required
def agreement(agreement_id: int) -> Any:
    """What each party pays, last year to next, the reconciliation, and the model's form."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    may_edit = can(current_user, "cost.edit", agreement)
    if request.method == "POST" and not may_edit:
        abort(403)
    now = today()
    row = db.session.get(CostModel, agreement.id)
    form = CostModelForm()
    outcome_form = OutcomeForm()
    if request.method == "GET":
        _fill(form, row, now.year)
        outcome_form.outcome_year.data = str(now.year - 1)
    saved = submit(
        form,
        lambda: services.save_model(
            db.session, agreement, _model_input(form, agreement), actor=web_actor()
        ),
    )
    if saved.ok:
        flash(_("Kostnadsmodellen är sparad."), "success")
        return redirect(url_for("costs.agreement", agreement_id=agreement.id), 303)
    return _page(agreement, form, outcome_form, saved.errors, {}, saved.conflict, may_edit, now)


def _model_input(form: CostModelForm, agreement: Any) -> services.CostModelInput:
    """The model as typed, with each party's figures."""
    return services.CostModelInput(
        method=form.method.data,
        base_year=form.base_year.data,
        total_amount=form.total_amount.data,
        weight_population=form.weight_population.data,
        weight_usage=form.weight_usage.data,
        weight_fixed=form.weight_fixed.data,
        usage_label=form.usage_label.data,
        population_on=form.population_on.data,
        population_year_offset=form.population_year_offset.data,
        index_series=form.index_series.data,
        index_lag=form.index_lag.data,
        note=form.note.data,
        parties={
            code: services.PartyFigures(**values)
            for code, values in _party_values(agreement).items()
        },
        version=form.version.data,
    )


def describe(row: CostModel | None) -> str:
    """The model in one Swedish sentence or two, as the tab and the report show it."""
    if row is None:
        return ""
    if row.method == "key":
        parts = []
        day = f"{row.population_month:02d}-{row.population_day:02d}"
        which = services.OFFSET_LABELS[str(row.population_year_offset)]
        if row.weight_population:
            parts.append(
                _("%(w)s %% efter folkmängd den %(day)s %(which)s",
                  w=_plain(Decimal(row.weight_population)), day=day, which=which)
            )  # fmt: skip
        if row.weight_usage:
            usage = _("%(w)s %% efter nyttjande", w=_plain(Decimal(row.weight_usage)))
            parts.append(f"{usage} ({row.usage_label})" if row.usage_label else usage)
        if row.weight_fixed:
            parts.append(_("%(w)s %% efter fasta andelar", w=_plain(Decimal(row.weight_fixed))))
        text = _(
            "Totalbelopp %(total)s i %(year)s års priser, fördelat %(parts)s.",
            total=format_money(row.total_amount),
            year=row.base_year,
            parts=", ".join(parts),
        )
    else:
        text = _("Belopp per part i %(year)s års priser.", year=row.base_year)
    if row.index_series:
        lag = str(services.LAG_LABELS[str(row.index_lag)])
        text += " " + _(
            "Räknas upp med %(series)s från basåret: %(which)s.",
            series=row.index_series,
            which=lag[:1].lower() + lag[1:],
        )
    else:
        text += " " + _("Ingen indexklausul.")
    return text


def _page(
    agreement: Any,
    form: CostModelForm,
    outcome_form: OutcomeForm,
    errors: dict[str, str],
    outcome_errors: dict[str, str],
    conflict: Any,
    may_edit: bool,
    now: Any,
) -> Any:
    years = [now.year - 1, now.year, now.year + 1]
    costs = agreement_costs(db.session, agreement, years)
    status = 422 if errors or outcome_errors else 409 if conflict else 200
    return render_template(
        "costs/agreement.html",
        agreement=agreement,
        description=describe(costs.model),
        costs=costs,
        years=years,
        form=form,
        outcome_form=outcome_form,
        errors=errors,
        outcome_errors=outcome_errors,
        conflict=conflict,
        may_edit=may_edit,
        party_values=_party_values(agreement),
        names={p.municipality_code: p.name for p in agreement.parties if p.municipality_code},
        today=now,
    ), status


@bp.post("/agreements/<int:agreement_id>/costs/outcome")
@login_required
def outcome(agreement_id: int) -> Any:
    """Record a year's actual cost."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    if not can(current_user, "cost.edit", agreement):
        abort(403)
    outcome_form = OutcomeForm()
    now = today()
    saved = save(
        lambda: services.save_outcome(
            db.session,
            agreement,
            outcome_form.outcome_year.data,
            outcome_form.outcome_total.data,
            outcome_form.outcome_reference.data,
            actor=web_actor(),
            today=now,
        )
    )
    if saved.ok:
        flash(_("Utfallet är sparat och avstämt mot budgeten."), "success")
        return redirect(url_for("costs.agreement", agreement_id=agreement.id) + "#avstamning", 303)
    form = CostModelForm(formdata=None)
    _fill(form, db.session.get(CostModel, agreement.id), now.year)
    return _page(agreement, form, outcome_form, {}, saved.errors, None, True, now)


@bp.route("/costs/reference", methods=["GET", "POST"])
@login_required
def reference() -> Any:
    """Index values and population figures that cost models read (administrators)."""
    if not can(current_user, "reference.manage"):
        abort(403)
    index_form = IndexValueForm()
    population_form = PopulationForm()
    index_errors: dict[str, str] = {}
    population_errors: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("what") == "index":
            saved = save(
                lambda: services.save_index_value(
                    db.session,
                    index_form.series.data,
                    index_form.year.data,
                    index_form.level.data,
                    index_form.change_percent.data,
                    index_form.source.data,
                    actor=web_actor(),
                )
            )
            index_errors = saved.errors
        else:
            saved = save(
                lambda: services.save_population(
                    db.session,
                    population_form.municipality_code.data,
                    population_form.on_date.data,
                    population_form.population.data,
                    population_form.population_source.data,
                    actor=web_actor(),
                )
            )
            population_errors = saved.errors
        if saved.ok:
            flash(_("Sparat."), "success")
            return redirect(url_for("costs.reference"), 303)
    values = db.session.scalars(
        select(IndexValue).order_by(IndexValue.series, IndexValue.year.desc())
    ).all()
    figures = db.session.scalars(
        select(PopulationFigure).order_by(
            PopulationFigure.on_date.desc(), PopulationFigure.municipality_code
        )
    ).all()
    errors = {**index_errors, **population_errors}
    return render_template(
        "costs/reference.html",
        index_form=index_form,
        population_form=population_form,
        index_errors=index_errors,
        population_errors=population_errors,
        values=values,
        figures=figures,
    ), (422 if errors else 200)


def _csv_decimal(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


@bp.get("/municipalities/<code>/costs.csv")
@login_required
def kommun_csv(code: str) -> Any:
    """The kommun's computed cost shares as CSV (semicolons, decimal comma, UTF-8 with BOM:
    opens in Swedish Excel as it is)."""
    if not can(current_user, "oversight.view"):
        abort(403)
    kommun_or_404(code)
    now = today()
    rows = kommun_costs(db.session, code, kommun_agreements(db.session, code, current_user), now)
    y = now.year
    lines = [
        [
            "Samverkan",
            f"Kostnad {y - 1} (kr)",
            f"Kostnad {y} (kr)",
            f"Förändring {y - 1}–{y} (kr)",
            f"Förändring {y - 1}–{y} (%)",
            f"Kostnad {y + 1} (kr)",
            f"Andel {y} (%)",
            "Anmärkning",
        ]
    ]
    for row in rows:
        lines.append(
            [
                row.agreement.title,
                _csv_decimal(row.last),
                _csv_decimal(row.this),
                _csv_decimal(row.change),
                _csv_decimal(row.change_percent),
                _csv_decimal(row.next),
                _csv_decimal(row.share_percent),
                " ".join(row.problems),
            ]
        )
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(lines)
    response = Response(("\ufeff" + buffer.getvalue()).encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kostnader-{code}-{now.isoformat()}.csv"'
    )
    return response
