"""Administration of API keys: service accounts, every key with its scope and last use, and
revoking any key."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from types import SimpleNamespace
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.clock import today
from coop_tracker.core.errors import DomainError
from coop_tracker.core.forms import ConfirmForm
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_row_id
from coop_tracker.core.web import save, web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.users import keys
from coop_tracker.users.models import ApiToken, User
from coop_tracker.users.services import ROLE_LABELS, revoke_token

bp = Blueprint("keys", __name__)


@bp.record_once
def _labels(state: Any) -> None:
    audit_labels.OBJECT_LABELS.setdefault("service_account", _l("Tjänstekonto"))
    audit_labels.register_fields(
        "service_account",
        _l("Tjänstekonto"),
        {"name": _l("Namn"), "role": _l("Roll"), "municipality_code": _l("Hemkommun")},
        {"role": keys.SERVICE_ROLES},
        references={"municipality_code": "municipality"},
    )
    audit_labels.register_fields(
        "api_token",
        _l("API-nyckel"),
        {
            "prefix": _l("Början av nyckeln"),
            "name": _l("Namn"),
            "revoked": _l("Återkallad"),
            "scope": _l("Behörighet"),
            "municipality_code": _l("Gäller kommun"),
            "expires_on": _l("Giltig till och med"),
        },
        {"scope": keys.KEY_SCOPES},
        references={"municipality_code": "municipality"},
    )


@dataclass
class PlainField:
    """A form field for the shared form macros, without a WTForms form (the service validates)."""

    name: str
    label_text: str
    data: Any = ""
    choices: list[SimpleNamespace] = dc_field(default_factory=list)

    @property
    def id(self) -> str:
        return self.name

    @property
    def label(self) -> SimpleNamespace:
        return SimpleNamespace(text=self.label_text)


def plain_field(
    name: str, label: str, choices: list[tuple[str, str]] | None = None, default: str = ""
) -> PlainField:
    """The field with what was typed (on a refused POST) or its default."""
    typed = request.method == "POST" and not g.get("key_form_saved")
    data = request.form.get(name, default) if typed else default
    return PlainField(
        name, label, data, [SimpleNamespace(value=v, label=t) for v, t in choices or []]
    )


def _require() -> None:
    if not can(current_user, "keys.manage"):
        abort(403)


def _page(
    *,
    account_errors: dict[str, str] | None = None,
    key_errors: dict[str, str] | None = None,
    created: str | None = None,
    created_key: ApiToken | None = None,
    status: int = 200,
) -> Any:
    municipalities = db.session.query(Municipality).order_by(Municipality.name).all()
    response = current_app.make_response(
        (
            render_template(
                "users/keys.html",
                accounts=keys.service_accounts(db.session),
                tokens=keys.all_keys(db.session),
                municipalities=municipalities,
                scopes=keys.KEY_SCOPES,
                roles=keys.SERVICE_ROLES,
                role_labels=ROLE_LABELS,
                key_status=keys.key_status,
                account_errors=account_errors or {},
                key_errors=key_errors or {},
                errors={**(account_errors or {}), **(key_errors or {})},
                created=created,
                created_key=created_key,
                today=today(),
                confirm=ConfirmForm(),
                field=plain_field,
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # a new key is on the page once
    return response


@bp.get("/admin/nycklar")
@login_required
def index() -> Any:
    """Service accounts, every API key with scope, kommun, expiry and last use."""
    _require()
    return _page()


@bp.post("/admin/nycklar/tjanstekonton")
@login_required
def create_account() -> Any:
    _require()
    if not ConfirmForm().validate():
        abort(400)
    data = keys.ServiceAccountInput(
        name=request.form.get("account_name", ""),
        role=request.form.get("account_role", ""),
        municipality_code=request.form.get("account_municipality", ""),
    )
    saved = save(
        lambda: keys.create_service_account(db.session, data, actor=web_actor()),
        catch=(DomainError,),
    )
    if (error := saved.refused) is not None:
        fields = {f"account_{k}": m for k, m in (error.fields or {"name": error.message}).items()}
        return _page(account_errors=_account_fields(fields), status=422)
    account = saved.result
    flash(_("Tjänstekontot ”%(name)s” är skapat. Skapa nu en nyckel åt det.", name=account.name))
    return redirect(url_for("keys.index") + "#new-key")


def _account_fields(fields: dict[str, str]) -> dict[str, str]:
    rename = {"account_municipality_code": "account_municipality"}
    return {rename.get(k, k): m for k, m in fields.items()}


@bp.post("/admin/nycklar")
@login_required
def create_key() -> Any:
    _require()
    if not ConfirmForm().validate():
        abort(400)
    raw = request.form.get("account", "")
    account = db.session.get(User, int(raw)) if raw.isdigit() and is_row_id(int(raw)) else None
    if account is None or not account.is_service_account:
        return _page(key_errors={"account": _("Tjänstekonto: välj ett tjänstekonto.")}, status=422)
    data = keys.KeyInput(
        name=request.form.get("name", ""),
        scope=request.form.get("scope", ""),
        municipality_code=request.form.get("municipality", ""),
        expires_on=request.form.get("expires_on", ""),
    )
    saved = save(
        lambda: keys.create_key(db.session, account, data, actor=web_actor(), today=today()),
        catch=(DomainError,),
    )
    if (error := saved.refused) is not None:
        fields = dict(error.fields or {"name": error.message})
        if "municipality_code" in fields:
            fields["municipality"] = fields.pop("municipality_code")
        return _page(key_errors=fields, status=422)
    token, plain = saved.result
    g.key_form_saved = True  # the form starts empty again under the new key
    return _page(created=plain, created_key=token)


@bp.post("/admin/nycklar/<int:token_id>/aterkalla")
@login_required
def revoke(token_id: int) -> Any:
    """Revoke any key (a person's or a service account's); it stops working at once."""
    _require()
    token = db.session.get(ApiToken, token_id) if is_row_id(token_id) else None
    if token is None:
        abort(404)
    if not ConfirmForm().validate():
        abort(400)
    revoke_token(db.session, token, actor=web_actor())
    db.session.commit()
    flash(
        _(
            "API-nyckeln ”%(name)s” (%(owner)s) är återkallad och fungerar inte längre.",
            name=token.name,
            owner=token.user.name,
        ),
        "success",
    )
    return redirect(url_for("keys.index"))
