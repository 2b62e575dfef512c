"""Export what a list shows, download the import template, and import: upload → map → preview →
apply. The uploaded file waits in instance/imports/ (named by a random token kept in the user's
session, with the column mapping) until it is applied or replaced."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from coop_tracker.agreements.forms import filters_from_request
from coop_tracker.agreements.queries import all_matching
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import today
from coop_tracker.core.errors import ValidationFailed
from coop_tracker.core.files import private_dir, write_private
from coop_tracker.core.forms import form_errors
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_kommun_code
from coop_tracker.core.web import request_id, save
from coop_tracker.exchange.columns import AGREEMENT_COLUMNS, DERIVED_COLUMNS
from coop_tracker.exchange.export import (
    DOCUMENT_SHEET,
    XLSX_MIME,
    render,
    template_csv,
    template_xlsx,
)
from coop_tracker.exchange.forms import ConfirmForm, UploadForm
from coop_tracker.exchange.mapping import (
    auto_mapping,
    check_mapping,
    importable_columns,
    remember_mapping,
    remembered_mapping,
)
from coop_tracker.exchange.parsing import FileRejected, ParsedFile, read_upload
from coop_tracker.exchange.report import ImportResult
from coop_tracker.exchange.services import run_import
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Area, Municipality

bp = Blueprint("exchange", __name__, url_prefix="/exchange")
SESSION_KEY = "exchange_import"
FORMATS = ("csv", "xlsx", "json")
STALE_SECONDS = 24 * 3600


@bp.record_once
def _globals(state: Any) -> None:
    state.app.jinja_env.globals["list_export_args"] = list_export_args


def list_export_args(**extra: Any) -> dict[str, Any]:
    """The current list's filters (not its page) for the export links, plus ``extra``."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page") and v}
    args.update({k: v for k, v in extra.items() if v})
    return args


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str) -> Any:
    """Every agreement the list would show with the same query arguments (all pages)."""
    if fmt not in FORMATS:
        abort(404)
    if not can(current_user, "exchange.export"):
        abort(403)
    filters, _problems = filters_from_request(request.args)
    agreements = all_matching(db.session, filters, current_user, contacts=fmt == "json")
    body, mimetype = render(db.session, fmt, agreements, today(), current_user)
    suffix = f"-{filters.municipality}" if filters.municipality else ""
    return _download(body, mimetype, f"samverkan{suffix}-{today().isoformat()}.{fmt}")


@bp.get("/template.<fmt>")
@login_required
def template(fmt: str) -> Any:
    """The import template with Swedish column names and one example row."""
    if fmt == "csv":
        return _download(template_csv(), "text/csv; charset=utf-8", "importmall-samverkan.csv")
    if fmt == "xlsx":
        return _download(template_xlsx(), XLSX_MIME, "importmall-samverkan.xlsx")
    abort(404)


# --- import -----------------------------------------------------------------------------------


def _import_dir() -> Path:
    configured = current_app.config.get("IMPORT_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "imports"
    return private_dir(path)


def _stored_path(token: str) -> Path:
    return _import_dir() / f"{current_user.id}-{token}.upload"


def _remove_stale() -> None:
    cutoff = time.time() - STALE_SECONDS
    for path in _import_dir().glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _pending() -> tuple[dict[str, Any], ParsedFile] | None:
    """The user's uploaded file (parsed again) and its mapping, or None."""
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or not str(state.get("token", "")).isalnum():
        return None
    path = _stored_path(state["token"])
    if not path.exists():
        return None
    try:
        parsed = read_upload(path.read_bytes(), state.get("filename", ""), max_rows=_max_rows())
    except FileRejected:
        return None
    return state, parsed


def _upload_again() -> Any:
    """Back to step 1, when the uploaded file is no longer kept."""
    flash(_("Ladda upp filen igen; den sparade importen finns inte längre."), "warning")
    return redirect(url_for("exchange.upload"))


def _max_rows() -> int:
    return int(current_app.config.get("IMPORT_MAX_ROWS", 2000))


def _require_import() -> None:
    if not can(current_user, "exchange.import"):
        abort(403)


def _importing_kommun(raw: str | None) -> tuple[str | None, str | None]:
    """The kommun whose register the file is: an editor's own; an admin may choose one (or
    none, for a register of the whole installation). Returns (code, error)."""
    if current_user.role != "admin":
        return current_user.municipality_code, None
    code = (raw or "").strip()
    if not code:
        return None, None
    if not is_kommun_code(code) or db.session.get(Municipality, code) is None:
        return None, _("Välj en kommun i listan.")
    return code, None


def _kommun_choices() -> list[tuple[str, str]]:
    if current_user.role != "admin":
        return []
    return [
        (m.code, m.name)
        for m in db.session.scalars(db.select(Municipality).order_by(Municipality.name))
    ]


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload() -> Any:
    """Step 1: choose a CSV or XLSX file (and, for an admin, whose register it is)."""
    _require_import()
    form = UploadForm()
    errors: dict[str, str] = {}
    chosen = request.form.get("municipality", "")
    if form.validate_on_submit():
        storage = form.file.data
        name = Path(getattr(storage, "filename", "") or "").name[:120]
        data = storage.read() if storage else b""
        municipality, kommun_error = _importing_kommun(chosen)
        if kommun_error:
            errors["municipality"] = kommun_error
        try:
            if not name:
                raise FileRejected(_("Välj en fil att importera."))
            if not name.lower().endswith((".csv", ".txt", ".xlsx")):
                raise FileRejected(
                    _("Filen måste vara en CSV-fil (.csv) eller en Excel-fil (.xlsx).")
                )
            parsed = read_upload(data, name, max_rows=_max_rows())
        except FileRejected as rejected:
            errors["file"] = rejected.message
        if not errors:
            _remove_stale()
            old = session.get(SESSION_KEY)
            if isinstance(old, dict) and str(old.get("token", "")).isalnum():
                _stored_path(old["token"]).unlink(missing_ok=True)
            token = secrets.token_hex(16)
            write_private(_stored_path(token), data)
            remembered = remembered_mapping(db.session, municipality)
            mapping = auto_mapping(parsed.main.headers, remembered)
            session[SESSION_KEY] = {
                "token": token,
                "filename": name,
                "mapping": mapping,
                "municipality": municipality,
                "links": {},
            }
            # The mapping step always comes first for a sheet of the kommun's own: it shows
            # what was recognised, and the user confirms it.
            if check_mapping(mapping, parsed.main.headers, parsed, municipality) or not (
                _is_our_format(parsed.main.headers)
            ):
                return redirect(url_for("exchange.mapping"))
            return redirect(url_for("exchange.preview"))
    elif form.is_submitted():
        errors = form_errors(form)
    return render_template(
        "exchange/upload.html",
        form=form,
        errors=errors,
        kommuner=_kommun_choices(),
        chosen=chosen,
        areas=db.session.scalars(db.select(Area).order_by(Area.sort_order)).all(),
    ), (422 if errors else 200)


def _is_our_format(headers: list[str]) -> bool:
    """A file in our own format (our export or template) needs no mapping step (the export's
    Dokument and "Part N: kostnad …" columns are not read)."""
    ours = {c.name for c in (*AGREEMENT_COLUMNS, *DERIVED_COLUMNS)} | {DOCUMENT_SHEET}
    named = [h for h in headers if h]
    return bool(named) and all(h in ours or h.startswith("Part ") for h in named)


@bp.route("/import/mapping", methods=["GET", "POST"])
@login_required
def mapping() -> Any:
    """Step 2: say which of the file's columns holds which of ours (remembered per kommun)."""
    _require_import()
    pending = _pending()
    if pending is None:
        return _upload_again()
    state, parsed = pending
    form = ConfirmForm()
    current = dict(state.get("mapping") or {})
    problems: list[str] = []
    municipality = state.get("municipality")
    if form.validate_on_submit():
        headers = set(parsed.main.headers)
        chosen = {}
        for column in importable_columns():
            value = request.form.get(f"map-{column.key}", "")
            if value and value in headers:
                chosen[column.key] = value
        current = chosen
        problems = check_mapping(chosen, parsed.main.headers, parsed, municipality)
        if not problems:
            session[SESSION_KEY] = {**state, "mapping": chosen}
            return redirect(url_for("exchange.preview"))
    recognised = sum(1 for h in parsed.main.headers if h and h in current.values())
    return render_template(
        "exchange/mapping.html",
        form=form,
        columns=importable_columns(),
        headers=[h for h in parsed.main.headers if h],
        mapping=current,
        problems=problems,
        filename=state.get("filename", ""),
        recognised=recognised,
        kommun=db.session.get(Municipality, municipality) if municipality else None,
        remembered=bool(remembered_mapping(db.session, municipality)),
    ), (422 if problems else 200)


def _actor() -> Actor:
    return Actor(user=current_user._get_current_object(), source="import", request_id=request_id())


def _run(state: dict[str, Any], parsed: ParsedFile) -> ImportResult:
    links = {int(k): int(v) for k, v in (state.get("links") or {}).items()}
    return run_import(
        db.session,
        parsed,
        state.get("mapping") or {},
        actor=_actor(),
        municipality=state.get("municipality"),
        today=today(),
        links=links,
    )


@bp.get("/import/preview")
@login_required
def preview() -> Any:
    """Step 3: what would be created, changed and left alone, how values were read, and every
    error. Nothing is saved."""
    _require_import()
    pending = _pending()
    if pending is None:
        return _upload_again()
    state, parsed = pending
    result = _run(state, parsed)
    # A dry run, not a save: the rows are written in the request's transaction so that every
    # rule (the database's too) is checked, then all of it is undone.
    db.session.rollback()
    municipality = state.get("municipality")
    return render_template(
        "exchange/preview.html",
        result=result,
        filename=state.get("filename", ""),
        form=ConfirmForm(),
        columns={c.key: c.name for c in importable_columns()},
        kommun=db.session.get(Municipality, municipality) if municipality else None,
        links={int(k): int(v) for k, v in (state.get("links") or {}).items()},
    )


@bp.post("/import/links")
@login_required
def links() -> Any:
    """Step 3b: for each likely duplicate, link the row to the existing agreement or create."""
    _require_import()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pending = _pending()
    if pending is None:
        return _upload_again()
    state, _parsed = pending
    chosen: dict[str, int] = {}
    for name, value in request.form.items():
        if name.startswith("link-") and name[5:].isdigit() and value.isdigit():
            chosen[name[5:]] = int(value)
    session[SESSION_KEY] = {**state, "links": chosen}
    return redirect(url_for("exchange.preview"))


@bp.post("/import/apply")
@login_required
def apply() -> Any:
    """Step 4: write everything in one transaction, or nothing if any row is wrong."""
    _require_import()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pending = _pending()
    if pending is None:
        return _upload_again()
    state, parsed = pending

    def apply_file() -> ImportResult:
        result = _run(state, parsed)
        if not result.ok:  # nothing is written unless the whole file is valid
            raise ValidationFailed(
                {"file": _("Inget har sparats: filen innehåller fel. Se listan nedan.")}
            )
        remember_mapping(
            db.session, state.get("municipality"), state.get("mapping") or {}, actor=_actor()
        )
        return result

    saved = save(apply_file)
    if not saved.ok:
        flash(saved.errors["file"], "warning")
        return redirect(url_for("exchange.preview"))
    result = saved.result
    _stored_path(state["token"]).unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    flash(_("Importen är klar: %(summary)s.", summary=result.summary()), "success")
    return redirect(url_for("agreements.index"))
