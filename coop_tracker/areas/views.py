"""Administration of the area vocabulary in the browser: add, rename, merge, retire."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from coop_tracker.areas import services as areas
from coop_tracker.audit import labels as audit_labels
from coop_tracker.audit.services import record_refusal
from coop_tracker.core.errors import DomainError
from coop_tracker.core.forms import ConfirmForm
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.web import Saved, save, web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area

bp = Blueprint("areas", __name__)


@bp.record_once
def _labels(state: Any) -> None:
    for action, label in {
        "retire": _l("Avvecklat"),
        "merge": _l("Sammanslaget"),
    }.items():
        audit_labels.ACTION_LABELS.setdefault(action, label)
    fields = audit_labels.FIELD_LABELS.setdefault("area", {})
    fields.setdefault("is_active", _l("Erbjuds för ny samverkan"))
    fields.setdefault("merged_into", _l("Sammanslaget med"))
    fields.setdefault("agreements", _l("Samverkan som flyttades"))


def _require() -> None:
    if not can(current_user, "areas.manage"):
        abort(403)


def _fields(error: DomainError) -> dict[str, str]:
    return dict(error.fields) or {"_": error.message}


def _save(area: Area | None, attempted: str, call: Callable[[], Any]) -> Saved:
    """Run one change to an area; a refusal is logged with what was tried."""

    def log(error: DomainError) -> None:
        record_refusal(
            db.session,
            web_actor(),
            attempted=attempted,
            reason=" ".join(_fields(error).values()),
            object_type="area",
            object_id=area.id if area else "",
            label=area.label_sv if area else str(request.form.get("label_sv", ""))[:120],
        )

    return save(call, catch=(DomainError,), log_refusal=log)


def _list(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    rows = list(db.session.scalars(select(Area).order_by(Area.is_active.desc(), Area.label_sv)))
    return render_template(
        "municipalities/areas.html",
        areas=rows,
        counts=areas.agreement_counts(db.session),
        by_id={a.id: a for a in rows},
        errors=errors or {},
        confirm=ConfirmForm(),
        values=request.form if request.method == "POST" else {},
    ), status


@bp.route("/admin/omraden", methods=["GET", "POST"])
@login_required
def index() -> Any:
    """Every area with how many agreements have it; add a new one."""
    _require()
    if request.method == "GET":
        return _list()
    if not ConfirmForm().validate():
        abort(400)
    data = areas.AreaInput(
        label_sv=request.form.get("label_sv", ""), label_en=request.form.get("label_en", "")
    )
    saved = _save(
        None,
        _("Lägga till ett område"),
        lambda: areas.add_area(db.session, data, actor=web_actor()),
    )
    if saved.refused is not None:
        fields = _fields(saved.refused)
        if "slug" in fields:
            fields["label_sv"] = fields.pop("slug")
        return _list(fields, 422)
    area = saved.result
    flash(_("Området ”%(label)s” är tillagt.", label=area.label_sv), "success")
    return redirect(url_for("areas.index"))


@bp.route("/admin/omraden/<slug>", methods=["GET", "POST"])
@login_required
def detail(slug: str) -> Any:
    """Rename, merge, retire or restore one area."""
    _require()
    try:
        area = areas.get_area(db.session, slug)
    except DomainError:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not ConfirmForm().validate():
            abort(400)
        action = request.form.get("action", "rename")
        actor = web_actor()
        attempts = {
            "rename": (
                _("Byta namn på området"),
                lambda: areas.rename_area(
                    db.session,
                    area,
                    areas.AreaInput(
                        request.form.get("label_sv", ""), request.form.get("label_en", "")
                    ),
                    actor=actor,
                ),
            ),
            "retire": (
                _("Avveckla området"),
                lambda: areas.retire_area(db.session, area, actor=actor),
            ),
            "restore": (
                _("Ta området i bruk igen"),
                lambda: areas.restore_area(db.session, area, actor=actor),
            ),
            "merge": (
                _("Slå ihop området med ett annat"),
                lambda: areas.merge_area(
                    db.session, area, request.form.get("target", ""), actor=actor
                ),
            ),
        }
        if action not in attempts:
            abort(400)
        attempted, call = attempts[action]
        saved = _save(area, attempted, call)
        if saved.refused is not None:
            errors = _fields(saved.refused)
        else:
            flash(_message(action, area, saved.result), "success")
            return redirect(url_for("areas.detail", slug=area.slug))
    others = [
        a
        for a in db.session.scalars(
            select(Area).where(Area.is_active.is_(True)).order_by(Area.label_sv)
        )
        if a.id != area.id
    ]
    return render_template(
        "municipalities/area.html",
        area=area,
        count=areas.agreement_counts(db.session).get(area.id, 0),
        merged_into=db.session.get(Area, area.merged_into_id) if area.merged_into_id else None,
        others=others,
        errors=errors,
        confirm=ConfirmForm(),
        values=request.form if request.method == "POST" else {},
    ), (422 if errors else 200)


def _message(action: str, area: Area, result: Any) -> str:
    if action == "retire":
        return _(
            "Området ”%(label)s” är avvecklat: det erbjuds inte för ny samverkan men finns kvar på "
            "samverkan som har det.",
            label=area.label_sv,
        )
    if action == "restore":
        return _("Området ”%(label)s” erbjuds åter för ny samverkan.", label=area.label_sv)
    if action == "merge":
        return _(
            "Området ”%(label)s” är sammanslaget; %(n)s samverkan flyttades.",
            label=area.label_sv,
            n=result,
        )
    return _("Området heter nu ”%(label)s”.", label=area.label_sv)
