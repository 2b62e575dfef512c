"""A kommun's list of nämnder in the browser: its kommun administrators add, rename and remove.

Part of agreements/ (not municipalities/): the list exists for the parties' responsible nämnd,
and renaming a nämnd renames it in the kommun's parties in the same change.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from coop_tracker.agreements import bodies
from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.forms import ConfirmForm
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.web import save, web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import KommunBody, Municipality
from coop_tracker.municipalities.pages import managed_kommun

bp = Blueprint("bodies", __name__, url_prefix="/municipalities")


@bp.record_once
def _labels(_state: Any) -> None:
    audit_labels.register_fields(
        "kommun_body",
        _l("Nämnd i kommunens lista"),
        {"name": _l("Nämndens namn"), "parties": _l("Parter med nämnden som ansvarig")},
    )


def _kommun(code: str) -> Municipality:
    return managed_kommun(code, "municipality.settings")


def _body(kommun: Municipality, body_id: int) -> KommunBody:
    body = db.session.get(KommunBody, body_id)
    if body is None or body.municipality_code != kommun.code:
        abort(404)
    return body


@bp.route("/<code>/bodies", methods=["GET", "POST"])
@login_required
def index(code: str) -> Any:
    """The kommun's nämnder, with how many of its parties name each; add one."""
    kommun = _kommun(code)
    form = ConfirmForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate():
            abort(400)
        name = request.form.get("name", "")
        saved = save(lambda: bodies.add_body(db.session, kommun, name, actor=web_actor()))
        if saved.ok:
            flash(_("”%(name)s” är tillagd i listan.", name=saved.result.name), "success")
            return redirect(url_for("bodies.index", code=code))
        errors = saved.errors
    rows = bodies.kommun_bodies(db.session, code)
    return render_template(
        "municipalities/bodies.html",
        kommun=kommun,
        fixed=bodies.FIXED_BODIES,
        rows=rows,
        counts=bodies.party_counts(db.session, code),
        unlisted=bodies.unlisted_names(db.session, code),
        errors=errors,
        form=form,
        values=request.form if request.method == "POST" else {},
    ), (422 if errors else 200)


@bp.route("/<code>/bodies/<int:body_id>", methods=["GET", "POST"])
@login_required
def edit(code: str, body_id: int) -> Any:
    """Rename one nämnd (the kommun's parties follow), or go on to remove it."""
    kommun = _kommun(code)
    body = _body(kommun, body_id)
    form = ConfirmForm()
    errors: dict[str, str] = {}
    conflict = None
    if request.method == "POST":
        if not form.validate():
            abort(400)
        old = body.name
        name, version = request.form.get("name", ""), request.form.get("version", "")
        saved = save(
            lambda: bodies.rename_body(
                db.session, kommun, body, name, expected_version=version, actor=web_actor()
            )
        )
        if saved.ok:
            if saved.result.name != old:
                flash(_("”%(old)s” heter nu ”%(new)s”.", old=old, new=saved.result.name), "success")
            return redirect(url_for("bodies.index", code=code))
        errors, conflict = saved.errors, saved.conflict
        body = _body(kommun, body_id)
    return render_template(
        "municipalities/body_edit.html",
        kommun=kommun,
        body=body,
        naming=bodies.parties_naming(db.session, code, body.name),
        errors=errors,
        conflict=conflict,
        form=form,
        values=request.form if request.method == "POST" else {},
    ), (409 if conflict else 422 if errors else 200)


@bp.post("/<code>/bodies/<int:body_id>/remove")
@login_required
def remove(code: str, body_id: int) -> Any:
    """Take a nämnd off the list; parties that name it keep the name, "ej i listan"."""
    kommun = _kommun(code)
    body = _body(kommun, body_id)
    if not ConfirmForm().validate():
        abort(400)
    name = body.name
    saved = save(lambda: bodies.remove_body(db.session, kommun, body, actor=web_actor()))
    if saved.result:
        flash(
            _(
                "”%(name)s” är borttagen ur listan. %(n)s parter har den kvar som ansvarig nämnd "
                "och visar den som ”ej i listan” tills någon väljer en annan.",
                name=name,
                n=saved.result,
            ),
            "warning",
        )
    else:
        flash(_("”%(name)s” är borttagen ur listan.", name=name), "success")
    return redirect(url_for("bodies.index", code=code))
