"""The reference data page: where population and SKR groups come from and when they were last
refreshed, and a refresh from Kolada by the same code as ``flask municipalities sync``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from coop_tracker.audit import labels as audit_labels
from coop_tracker.audit.models import AuditEvent
from coop_tracker.audit.services import record_refusal
from coop_tracker.core.clock import today
from coop_tracker.core.forms import ConfirmForm
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.web import save, web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities import cli, kolada
from coop_tracker.municipalities.models import Municipality

bp = Blueprint("reference", __name__)


@bp.record_once
def _labels(state: Any) -> None:
    audit_labels.ACTION_LABELS.setdefault("sync", _l("Hämtad från Kolada"))
    fields = audit_labels.FIELD_LABELS.setdefault("reference_data", {})
    for name, label in {
        "population_year": _l("Folkmängd avser år"),
        "unchanged": _l("Oförändrade"),
        "groups_found": _l("Kommuner med SKR-grupp"),
        "missing": _l("Kommuner utan folkmängd"),
    }.items():
        fields.setdefault(name, label)


def _require() -> None:
    if not can(current_user, "reference.manage"):
        abort(403)


@bp.get("/admin/referensdata")
@login_required
def index() -> Any:
    """Population and SKR groups: how many kommuner have them, for which year, from where."""
    _require()
    population = db.session.execute(
        select(Municipality.population_year, Municipality.population_source, func.count())
        .group_by(Municipality.population_year, Municipality.population_source)
        .order_by(Municipality.population_year.desc())
    ).all()
    groups = db.session.execute(
        select(Municipality.skr_group_year, func.count())
        .where(Municipality.skr_group.is_not(None))
        .group_by(Municipality.skr_group_year)
        .order_by(Municipality.skr_group_year.desc())
    ).all()
    last = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.object_type == "reference_data", AuditEvent.action == "sync")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return render_template(
        "municipalities/reference.html",
        population=population,
        groups=groups,
        total=db.session.scalar(select(func.count()).select_from(Municipality)),
        without_group=db.session.scalar(
            select(func.count()).where(Municipality.skr_group.is_(None))
        ),
        last=last,
        base_url=current_app.config["KOLADA_BASE_URL"],
        confirm=ConfirmForm(),
    )


@bp.post("/admin/referensdata")
@login_required
def refresh() -> Any:
    """Fetch population and SKR groups from Kolada now (what ``flask municipalities sync``
    does), all or nothing, and say what came of it."""
    _require()
    if not ConfirmForm().validate():
        abort(400)
    actor = web_actor()
    saved = save(
        lambda: kolada.sync_from_kolada(
            db.session,
            fetch=cli.default_fetcher(),
            base_url=current_app.config["KOLADA_BASE_URL"],
            today=today(),
            actor=actor,
        ),
        catch=(kolada.KoladaUnavailable,),
        log_refusal=lambda error: record_refusal(
            db.session,
            actor,
            attempted=_("Hämta folkmängd och kommungrupper från Kolada"),
            reason=error.message,
            object_type="reference_data",
            object_id="kolada",
            label="Folkmängd och kommungrupper",
        ),
    )
    if saved.refused is not None:
        flash(saved.refused.message, "warning")
        return redirect(url_for("reference.index"))
    flash(saved.result.summary(), "success")
    return redirect(url_for("reference.index"))
