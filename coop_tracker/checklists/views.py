"""Checklist pages: an agreement's checklist, item toggling and editing, template admin."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.audit import labels as audit_labels
from coop_tracker.audit.services import record_refusal
from coop_tracker.checklists import versions
from coop_tracker.checklists.forms import ItemForm, TemplateItemForm, ToggleForm
from coop_tracker.checklists.items import get_item, toggle_item, update_item
from coop_tracker.checklists.models import ChecklistItem, ChecklistTemplate
from coop_tracker.checklists.queries import Progress, checklist_sections, progress_by_agreement
from coop_tracker.checklists.rules import CHECKLIST_PHASE_LABELS, CLOSED_PHASES, ITEM_STATUS_LABELS
from coop_tracker.checklists.templates import (
    current_template,
    current_templates,
    remove_template_item,
    save_template_item,
    template_titles_en,
)
from coop_tracker.core.errors import DomainError
from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _, _l, current_language, swedish
from coop_tracker.core.permissions import can
from coop_tracker.core.web import flash_refusal, format_date, save, submit, wants_json, web_actor
from coop_tracker.extensions import db

bp = Blueprint("checklists", __name__)


def _audit_labels() -> None:
    """Swedish names for the checklists' audit events in the history pages."""
    audit_labels.register_fields(
        "checklist_item",
        _l("Checklistpunkt"),
        {
            "status": _l("Status"),
            "not_applicable_reason": _l("Skäl till att punkten inte är tillämplig"),
            "responsible_party_id": _l("Ansvarig part"),
            "responsible_person": _l("Ansvarig person"),
            "due_on": _l("Klart senast"),
            "note": _l("Anteckning"),
            "evidence_url": _l("Länk till underlag"),
        },
        {"status": ITEM_STATUS_LABELS},
        references={"responsible_party_id": "party"},
    )
    audit_labels.register_fields(
        "checklist",
        _l("Checklista"),
        {
            "phase": _l("Fas"),
            "items": _l("Punkter"),
            "templates": _l("Mallar"),
            "added": _l("Nya punkter"),
            "retired": _l("Borttagna punkter"),
            "updated": _l("Uppdaterade punkter"),
            "not_added": _l("Nya punkter som inte lades till (fasen är passerad)"),
            "exit_id": _l("Avvecklingsplan"),
        },
        {"phase": CHECKLIST_PHASE_LABELS},
    )
    audit_labels.register_fields(
        "checklist_template",
        _l("Checklistmall"),
        {
            "revision": _l("Version"),
            "items": _l("Punkter"),
            "note": _l("Ändring"),
            "agreements": _l("Samverkan"),
            "added": _l("Nya punkter"),
            "retired": _l("Borttagna punkter"),
            "updated": _l("Uppdaterade punkter"),
            "not_added": _l("Nya punkter som inte lades till (fasen är passerad)"),
        },
    )
    # Labels as the services store them: an agreement's checklist, a template version.
    phases = {swedish(label).lower(): label for label in CHECKLIST_PHASE_LABELS.values()}
    audit_labels.register_labels(
        "checklist",
        [
            _l("Checklista för %(title)s"),
            _l("Checklista %(phase)s för %(title)s"),
            _l("Avvecklingschecklista för %(title)s"),
            _l("Checklistor för %(count)s samverkan till senaste mallversionerna"),
            _l("Checklistor till senaste mallversionerna"),
        ],
        {"phase": lambda phase: str(phases[phase]).lower() if phase in phases else phase},
    )
    audit_labels.register_labels("checklist_template", shower=_template_label)
    for action, label in {
        "instantiate": _l("Checklista skapad"),
        "update_templates": _l("Uppdaterad till senaste mallarna"),
        "new_version": _l("Ny version"),
        "bulk_update_templates": _l("Checklistor uppdaterade i en omgång"),
    }.items():
        audit_labels.ACTION_LABELS.setdefault(action, label)


BULK_LABEL = _l("Checklistor till senaste mallversionerna")


def _template_label(label: str) -> str:
    """A template version's stored label ("Före samverkan v2") in the reader's language, for
    the sets read from the data files (a set an administrator named keeps its name)."""
    if label == BULK_LABEL.source:
        return str(BULK_LABEL)
    title, separator, revision = label.rpartition(" v")
    english = template_titles_en().get(title)
    if separator and revision.isdigit() and english and current_language() == "en":
        return f"{english} v{revision}"
    return label


@bp.record_once
def _labels(state: Any) -> None:
    _audit_labels()
    state.app.jinja_env.globals.update(
        {
            "ITEM_STATUS_LABELS": ITEM_STATUS_LABELS,
            "CHECKLIST_PHASE_LABELS": CHECKLIST_PHASE_LABELS,
        }
    )


def _get(agreement_id: int) -> Agreement:
    return get_visible_agreement(db.session, agreement_id, current_user)


def _item(item_id: int) -> tuple[ChecklistItem, Agreement]:
    item = get_item(db.session, item_id)
    return item, _get(item.agreement_id)


def _item_url(item: ChecklistItem) -> str:
    """Back to where the item is shown: its exit plan's page, or the agreement's checklist."""
    if item.exit_id is not None:
        return (
            url_for("lifecycle.exit_detail", agreement_id=item.agreement_id, exit_id=item.exit_id)
            + f"#item-{item.id}"
        )
    return _checklist_url(item.agreement_id, item.id)


def _checklist_url(agreement_id: int, item_id: int | None = None) -> str:
    url = url_for("checklists.agreement_checklist", agreement_id=agreement_id)
    return url + (f"#item-{item_id}" if item_id else "")


@bp.get("/agreements/<int:agreement_id>/checklista")
@login_required
def agreement_checklist(agreement_id: int) -> Any:
    """The agreement's checklist grouped by phase, with progress and quick toggles."""
    agreement = _get(agreement_id)
    sections = checklist_sections(db.session, agreement)
    return render_template(
        "checklists/agreement.html",
        agreement=agreement,
        sections=sections,
        parties={p.id: p for p in agreement.parties},
        toggle=ToggleForm(formdata=None),
        can_edit=can(current_user, "checklist.edit", agreement)
        and agreement.phase not in CLOSED_PHASES,
        update_available=versions.update_available(db.session, agreement),
        version_changes=versions.version_changes(db.session, agreement),
    )


@bp.post("/agreements/<int:agreement_id>/checklista/uppdatera")
@login_required
def bring_up_to_date(agreement_id: int) -> Any:
    """Adopt the current template versions: add new questions, retire removed ones."""
    agreement = _get(agreement_id)
    if not can(current_user, "checklist.edit", agreement) or not ToggleForm().validate():
        abort(403)
    saved = save(
        lambda: versions.bring_up_to_date(db.session, agreement, actor=web_actor()),
        catch=(DomainError,),
    )
    if saved.refused is not None:
        flash(saved.refused.message, "warning")
        return redirect(_checklist_url(agreement.id))
    result = saved.result
    if result.changed:
        message = _(
            "Checklistan följer nu de senaste mallarna: %(added)s nya punkter, "
            "%(updated)s uppdaterade och %(retired)s borttagna (%(kept)s av de borttagna "
            "var klara och visas kvar som historik).",
            added=result.added,
            updated=result.updated,
            retired=result.retired,
            kept=result.kept_done,
        )
        if result.not_added:
            message += " " + _(
                "%(n)s nya punkter för en fas som samverkan redan har passerat lades inte till.",
                n=result.not_added,
            )
        flash(message, "success")
    else:
        flash(_("Checklistan följde redan de senaste mallarna."), "success")
    return redirect(_checklist_url(agreement.id))


def _item_json(item: ChecklistItem, agreement: Agreement) -> dict[str, Any]:
    progress = progress_by_agreement(db.session, [agreement.id])[agreement.id]
    phase_progress = progress.get(item.phase) or Progress()
    label = CHECKLIST_PHASE_LABELS[item.phase]
    counts = {"done": phase_progress.resolved, "total": phase_progress.total}
    text = _("%(done)s av %(total)s klara", **counts)
    if phase_progress.required_open:
        text += _(", %(n)s obligatoriska kvar", n=phase_progress.required_open)
    state = _("klar") if item.is_resolved else _("att göra")
    question = item.template_item
    question_text = question.text_en if current_language() == "en" else question.text_sv
    return {
        "id": item.id,
        "status": item.status,
        "status_label": ITEM_STATUS_LABELS[item.status],
        "version": item.version,
        "is_resolved": item.is_resolved,
        "done_by_name": item.done_by_name,
        "done_by_text": (
            _(
                "Markerad av %(name)s %(date)s.",
                name=item.done_by_name,
                date=format_date(item.done_at),
            )
            if item.is_resolved and item.done_by_name
            else ""
        ),
        "announcement": _(
            "”%(item)s” är %(state)s. %(label)s: %(text)s.",
            item=question_text,
            state=state,
            label=label,
            text=text,
        ),
        "progress": {
            "phase": item.phase,
            "resolved": phase_progress.resolved,
            "total": phase_progress.total,
            "required_open": phase_progress.required_open,
            "percent": phase_progress.percent,
            "text": text,
            "label": _("%(label)s: %(done)s av %(total)s klara", label=label, **counts),
        },
    }


@bp.post("/checklist-items/<int:item_id>/toggle")
@login_required
def toggle(item_id: int) -> Any:
    """Mark done / open again. JSON for the page's script, else a redirect back (no JS)."""
    item, agreement = _item(item_id)
    if not can(current_user, "checklist.edit", agreement):
        abort(403)
    form = ToggleForm()
    if not form.validate():
        abort(400)
    if wants_json():
        toggle_item(
            db.session, item, expected_version=form.version.data, actor=web_actor()
        )  # errors become JSON via the app's error handlers
        db.session.commit()
        return jsonify(_item_json(item, agreement))
    saved = save(
        lambda: toggle_item(
            db.session, item, expected_version=form.version.data, actor=web_actor()
        ),
        catch=(DomainError,),
    )
    if saved.refused is not None:
        flash_refusal(
            saved.refused,
            _(
                "Någon annan har ändrat punkten sedan du öppnade sidan. Se hur den ser ut nu och "
                "försök igen."
            ),
        )
    else:
        question = item.template_item
        text = question.text_en if current_language() == "en" else question.text_sv
        flash(
            _("”%(item)s” är klar.", item=text)
            if item.is_resolved
            else _("”%(item)s” är att göra igen.", item=text),
            "success",
        )
    return redirect(_item_url(item))


@bp.route("/checklist-items/<int:item_id>", methods=["GET", "POST"])
@login_required
def item_edit(item_id: int) -> Any:
    """Everything about one item: status, reason, responsible, due date, note, evidence."""
    item, agreement = _item(item_id)
    if not can(current_user, "checklist.edit", agreement):
        abort(403)
    if request.method == "GET":
        form = ItemForm(obj=item)
        form.version.data = item.version
        form.responsible_party_id.data = (
            "" if item.responsible_party_id is None else str(item.responsible_party_id)
        )
        form.due_on.data = item.due_on.isoformat() if item.due_on else ""
    else:
        form = ItemForm()
    form.responsible_party_id.choices = choices(
        [
            ("", _("Ingen särskild part")),
            *((str(p.id), p.name) for p in agreement.parties),
        ]
    )
    saved = submit(
        form,
        lambda: update_item(
            db.session, item, form.to_input(), expected_version=form.version.data, actor=web_actor()
        ),
        domain_error_field="status",
    )
    if saved.ok:
        flash(_("Checklistpunkten är sparad."), "success")
        return redirect(_item_url(item))
    return render_template(
        "checklists/item_form.html",
        agreement=agreement,
        item=item,
        party=next((p for p in agreement.parties if p.id == item.party_id), None),
        form=form,
        errors=saved.errors,
        conflict=saved.conflict,
    ), saved.status


# --------------------------------------------------------------------------- admin


def _require_admin() -> None:
    if not can(current_user, "checklist_template.manage"):
        abort(403)


@bp.get("/admin/checklistor")
@login_required
def templates() -> Any:
    """Every checklist set with its current version."""
    _require_admin()
    current = current_templates(db.session)
    versions = dict(
        db.session.execute(
            select(ChecklistTemplate.key, func.count()).group_by(ChecklistTemplate.key)
        )
        .tuples()
        .all()
    )
    return render_template("checklists/templates.html", templates=current, versions=versions)


@bp.get("/admin/checklistor/<key>")
@login_required
def template_detail(key: str) -> Any:
    """A set's current questions and its version history."""
    _require_admin()
    template = current_template(db.session, key)
    history = list(
        db.session.scalars(
            select(ChecklistTemplate)
            .where(ChecklistTemplate.key == key)
            .order_by(ChecklistTemplate.revision.desc())
        )
    )
    return render_template(
        "checklists/template_detail.html",
        template=template,
        history=history,
        confirm=TemplateItemForm(formdata=None),
    )


@bp.route("/admin/checklistor/<key>/punkter/<item_key>", methods=["GET", "POST"])
@bp.route("/admin/checklistor/<key>/ny-punkt", methods=["GET", "POST"])
@login_required
def template_item(key: str, item_key: str | None = None) -> Any:
    """Edit or add a question; saving creates a new version of the set."""
    _require_admin()
    template = current_template(db.session, key)
    existing = next((i for i in template.items if i.key == item_key), None) if item_key else None
    if item_key and existing is None:
        abort(404)
    if request.method == "GET":
        form = TemplateItemForm(obj=existing)
        form.revision.data = template.revision
    else:
        form = TemplateItemForm()

    def change() -> ChecklistTemplate:
        if request.form.get("remove") and item_key:
            return remove_template_item(
                db.session,
                template,
                item_key,
                expected_revision=form.revision.data,
                actor=web_actor(),
            )
        return save_template_item(
            db.session,
            template,
            item_key,
            form.to_input(),
            expected_revision=form.revision.data,
            actor=web_actor(),
        )

    saved = submit(form, change)
    if saved.ok:
        new = saved.result
        if new.id == template.id:
            flash(_("Inget ändrades; mallen har kvar sin version."), "success")
        else:
            flash(
                _(
                    "Mallen ”%(title)s” har fått version %(revision)s. Samverkan som redan har "
                    "checklistan behåller sin version tills någon uppdaterar den.",
                    title=new.title_sv,
                    revision=new.revision,
                ),
                "success",
            )
        return redirect(url_for("checklists.template_detail", key=key))
    return render_template(
        "checklists/template_item_form.html",
        template=template,
        item=existing,
        form=form,
        errors=saved.errors,
        conflict=saved.conflict,
    ), saved.status


@bp.route("/admin/checklistor/versioner", methods=["GET", "POST"])
@login_required
def template_versions() -> Any:
    """How many open agreements use each template version; update a selection at once."""
    _require_admin()
    key = request.values.get("mall", "").strip() or None
    raw_revision = request.values.get("version", "").strip()
    revision = int(raw_revision) if raw_revision.isdigit() else None
    form = ToggleForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate():
            abort(400)
        selected = request.form.getlist("agreement")
        actor = web_actor()

        def fields(error: DomainError) -> dict[str, str]:
            return error.fields or {"agreement": error.message}

        saved = save(
            lambda: versions.bring_many_up_to_date(db.session, selected, actor=actor),
            catch=(DomainError,),
            log_refusal=lambda error: record_refusal(
                db.session,
                actor,
                attempted=_("Uppdatera checklistor i en omgång"),
                reason=" ".join(fields(error).values()),
                object_type="checklist_template",
                object_id="",
                label=BULK_LABEL.source,
            ),
        )
        if saved.refused is not None:
            errors = fields(saved.refused)
        else:
            result = saved.result
            sums = result.total
            flash(
                _(
                    "%(n)s samverkan följer nu de senaste mallarna: %(added)s nya punkter, "
                    "%(updated)s uppdaterade och %(retired)s borttagna. %(not_added)s nya "
                    "punkter för en fas som samverkan redan har passerat lades inte till.",
                    n=len(result.agreements),
                    added=sums.added,
                    updated=sums.updated,
                    retired=sums.retired,
                    not_added=sums.not_added,
                ),
                "success",
            )
            return redirect(url_for("checklists.template_versions", mall=key or None))
    outdated, total = versions.outdated_agreements(db.session, key, revision)
    return render_template(
        "checklists/versions.html",
        uses=versions.version_use(db.session),
        outdated=outdated,
        total=total,
        key=key,
        revision=revision,
        current={t.key: t for t in current_templates(db.session)},
        form=form,
        errors=errors,
        selected={str(v) for v in request.form.getlist("agreement")},
        limit=versions.BULK_LIMIT,
    ), (422 if errors else 200)
