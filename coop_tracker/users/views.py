"""Login and logout, the user's own account (password, API tokens) and user administration."""

from __future__ import annotations

from datetime import timedelta
from math import ceil
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import or_, select

from coop_tracker.core.clock import utcnow
from coop_tracker.core.collation import matches, swedish
from coop_tracker.core.forms import ConfirmForm
from coop_tracker.core.i18n import _, _l, ngettext
from coop_tracker.core.permissions import can, restrict_users
from coop_tracker.core.validation import is_digits, is_row_id, strip_control
from coop_tracker.core.web import local_target, save, submit, web_actor
from coop_tracker.extensions import db, login_manager
from coop_tracker.municipalities.models import Municipality
from coop_tracker.users import people, services
from coop_tracker.users.forms import (
    ChangePasswordForm,
    LoginForm,
    PasswordForm,
    TokenForm,
    UserForm,
)
from coop_tracker.users.models import ApiToken, User
from coop_tracker.users.oidc import providers as oidc_providers
from coop_tracker.users.services import LoginRefused, authenticate, end_sessions
from coop_tracker.users.throttle import LoginThrottle, rules_from, store_for

bp = Blueprint("users", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Sessions carry "id:session_token"; a new token (logout) invalidates old sessions."""
    raw_id, _sep, token = user_id.partition(":")
    if not is_digits(raw_id) or not is_row_id(int(raw_id)):
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not token or token != user.session_token:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    if request.path.startswith("/api/"):
        return {"error": "unauthorized", "message": _("Inloggning krävs."), "fields": {}}, 401
    flash(_("Logga in för att se sidan."), "info")
    return redirect(url_for("users.login", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    return local_target(target) or url_for("start.index")


def _throttle(email: Any) -> LoginThrottle:
    config = current_app.config
    store = store_for(config, db.session)
    return LoginThrottle(store, str(email or ""), request.remote_addr or "", rules_from(config))


def wait_text(wait: timedelta) -> str:
    """A wait in plain Swedish: "45 sekunder", "3 minuter", "1 minut och 5 sekunder"."""
    seconds = max(1, ceil(wait.total_seconds()))
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(ngettext("%(num)s minut", "%(num)s minuter", minutes))
    if rest:
        parts.append(ngettext("%(num)s sekund", "%(num)s sekunder", rest))
    return _(" och ").join(parts)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; failures never tell whether the email exists, and repeated failures
    make the next try wait (``users.throttle``) instead of locking the account."""
    if current_user.is_authenticated:
        return redirect(url_for("start.index"))
    form = LoginForm()
    errors: dict[str, str] = {}
    status = 200
    headers: dict[str, str] = {}
    wait: timedelta | None = None
    local_login = bool(current_app.config.get("LOCAL_PASSWORD_LOGIN", True))
    if request.method == "POST" and not local_login:
        errors["email"] = _(
            "Inloggning med lösenord är avstängd här. Logga in med kommunens konto."
        )
        status = 403
    elif form.validate_on_submit():
        now = utcnow()
        throttle = _throttle(form.email.data)
        wait = throttle.wait(now)
        if wait > timedelta(0):
            status = 429
            headers["Retry-After"] = str(max(1, ceil(wait.total_seconds())))
            errors["email"] = _(
                "För många misslyckade inloggningar. Vänta %(wait)s och försök sedan igen.",
                wait=wait_text(wait),
            )
        else:
            wait = None
            target = _safe_next(request.args.get("next"))
            try:
                user = authenticate(db.session, form.email.data, form.password.data, now=now)
            except LoginRefused as refused:
                throttle.failed(now)
                db.session.commit()  # keep the failure count
                errors["email"] = refused.message
                status = 401
            else:
                throttle.succeeded()
                db.session.commit()
                login_user(user)
                return redirect(target)
    elif request.method == "POST":
        errors["email"] = _("Ange e-post och lösenord.")
        status = 400
    page = render_template(
        "users/login.html",
        form=form,
        errors=errors,
        wait=wait,
        local_login=local_login,
        providers=list(oidc_providers().values()),
    )
    return page, status, headers


@bp.post("/logout")
@login_required
def logout() -> Any:
    """End this and every other session of the user."""
    end_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    flash(_("Du är utloggad."), "success")
    return redirect(url_for("users.login"))


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    return response


# -- The user's own account ---------------------------------------------------------------


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Any:
    """The user's API tokens: create one (shown once), see when each was used, revoke."""
    form = TokenForm()
    created: str | None = None
    saved = submit(
        form,
        lambda: services.create_token(db.session, current_user, form.name.data, actor=web_actor()),
    )
    if saved.ok:
        _token, created = saved.result
        form.name.data = ""
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    response = current_app.make_response(
        (
            render_template(
                "users/tokens.html",
                form=form,
                errors=saved.errors,
                tokens=rows,
                created=created,
                confirm=ConfirmForm(),
            ),
            saved.status,
        )
    )
    return _no_store(response)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Any:
    """Revoke one of the user's own tokens; it stops working at once."""
    token = db.session.get(ApiToken, token_id) if is_row_id(token_id) else None
    if token is None or token.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate():
        abort(400)
    services.revoke_token(db.session, token, actor=web_actor())
    db.session.commit()
    flash(_("API-nyckeln ”%(name)s” är återkallad.", name=token.name), "success")
    return redirect(url_for("users.tokens"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    """Change one's own password; other sessions end, this one continues."""
    form = ChangePasswordForm()
    saved = submit(
        form,
        lambda: services.change_password(
            db.session,
            current_user,
            form.current_password.data,
            form.password.data,
            actor=web_actor(),
        ),
    )
    if saved.ok:
        login_user(current_user)  # the new session token keeps this session only
        flash(_("Lösenordet är bytt. Andra inloggningar har avslutats."), "success")
        return redirect(url_for("users.tokens"))
    return render_template("users/password.html", form=form, errors=saved.errors), saved.status


# -- Administration ------------------------------------------------------------------------


def _require_admin() -> None:
    if not can(current_user, "users.manage"):
        abort(403)


def _municipality_pairs() -> list[tuple[str, str]]:
    """The kommuner the current administrator may give as home kommun."""
    query = select(Municipality.code, Municipality.name).order_by(swedish(Municipality.name))
    if not current_user.is_admin:  # a kommun administrator: its own kommun only
        query = query.where(Municipality.code == current_user.municipality_code)
    return [(code, f"{name} ({code})") for code, name in db.session.execute(query)]


def _prepare(form: UserForm) -> None:
    form.set_municipalities(_municipality_pairs())
    if not current_user.is_admin:
        form.limit_to_kommun_roles()


def _get_user(user_id: int) -> User:
    """The account, or 404 when it does not exist or is outside the administrator's kommun."""
    user = db.session.get(User, user_id) if is_row_id(user_id) else None
    if user is None or not can(current_user, "user.manage", user):
        abort(404)
    return user


@bp.get("/admin/users")
@login_required
def admin_users() -> Any:
    """Every account with role, home kommun and status."""
    _require_admin()
    q = request.args.get("q", "").strip()[:100]
    query = select(User).order_by(User.is_active_account.desc(), swedish(User.name), User.id)
    query = restrict_users(query, current_user)
    if q:
        term = strip_control(q)  # PostgreSQL cannot compare NUL
        query = query.where(or_(matches(User.name, term), matches(User.email, term)))
    kommun = request.args.get("kommun", "").strip()[:4]
    role = request.args.get("roll", "").strip()[:20]
    status = request.args.get("status", "").strip()[:20]
    if is_digits(kommun, 4):
        query = query.where(User.municipality_code == kommun)
    if role in services.ROLE_LABELS:
        query = query.where(User.role == role)
    if status in ("active", "locked"):
        query = query.where(User.is_active_account.is_(True), User.anonymised_at.is_(None))
    elif status == "inactive":
        query = query.where(User.is_active_account.is_(False), User.anonymised_at.is_(None))
    elif status == "anonymised":
        query = query.where(User.anonymised_at.is_not(None))
    elif status == "service":
        query = query.where(User.is_service_account.is_(True))
    users = list(db.session.scalars(query).all())
    failures = people.failures_by_user(
        store_for(current_app.config, db.session), users, utcnow(), rules_from(current_app.config)
    )
    if status == "locked":
        users = [u for u in users if failures.get(u.id)]
    return render_template(
        "users/admin_list.html",
        users=users,
        q=q,
        role_labels=services.ROLE_LABELS,
        locked=failures,
        kommun=kommun,
        role=role,
        status=status,
        statuses=USER_STATUSES,
        municipalities=_municipality_pairs(),
    )


USER_STATUSES = {
    "active": _l("Aktiva"),
    "locked": _l("Spärrad inloggning"),
    "inactive": _l("Inaktiverade"),
    "anonymised": _l("Anonymiserade"),
    "service": _l("Tjänstekonton"),
}


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def admin_user_new() -> Any:
    """Create an account with a first password."""
    _require_admin()
    form = UserForm()
    _prepare(form)
    if request.method == "GET" and not current_user.is_admin:
        form.municipality_code.data = current_user.municipality_code
    saved = submit(
        form,
        lambda: services.create_user(
            db.session,
            services.UserInput(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                municipality_code=form.municipality_code.data or None,
                password=form.password.data,
            ),
            actor=web_actor(),
        ),
    )
    if saved.ok:
        flash(_("Kontot för %(name)s är skapat.", name=saved.result.name), "success")
        return redirect(url_for("users.admin_users"))
    return render_template(
        "users/admin_form.html", form=form, errors=saved.errors, user=None, conflict=None
    ), saved.status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def admin_user_edit(user_id: int) -> Any:
    """Change name, role and home kommun; deactivate, reactivate, reset password."""
    _require_admin()
    user = _get_user(user_id)
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    _prepare(form)
    if request.method == "GET":
        form.version.data = user.version
    saved = submit(
        form,
        lambda: services.update_user(
            db.session,
            user,
            services.UserChange(
                name=form.name.data,
                role=form.role.data,
                municipality_code=form.municipality_code.data or None,
            ),
            expected_version=form.version.data,
            actor=web_actor(),
        ),
    )
    if saved.ok:
        flash(_("Ändringarna är sparade."), "success")
        return redirect(url_for("users.admin_users"))
    return render_template(
        "users/admin_form.html",
        form=form,
        errors=saved.errors,
        user=user,
        conflict=saved.conflict,
        confirm=ConfirmForm(),
        role_labels=services.ROLE_LABELS,
        login_state=people.login_state(
            store_for(current_app.config, db.session),
            user,
            utcnow(),
            rules_from(current_app.config),
        ),
    ), saved.status


@bp.post("/admin/users/<int:user_id>/active")
@login_required
def admin_user_active(user_id: int) -> Any:
    """Deactivate or reactivate an account (``active`` = 1 or 0)."""
    _require_admin()
    user = _get_user(user_id)
    if not ConfirmForm().validate():
        abort(400)
    active = request.form.get("active") == "1"
    saved = save(lambda: services.set_active(db.session, user, active, actor=web_actor()))
    if saved.errors:
        flash(" ".join(saved.errors.values()), "warning")
        return redirect(url_for("users.admin_user_edit", user_id=user.id))
    flash(
        _("Kontot för %(name)s är aktiverat.", name=user.name)
        if active
        else _("Kontot för %(name)s är inaktiverat.", name=user.name),
        "success",
    )
    return redirect(url_for("users.admin_user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@login_required
def admin_user_password(user_id: int) -> Any:
    """Set a new password for an account; the user's sessions end."""
    _require_admin()
    user = _get_user(user_id)
    form = PasswordForm()
    saved = submit(
        form,
        lambda: services.reset_password(db.session, user, form.password.data, actor=web_actor()),
    )
    if saved.ok:
        if user.id == current_user.id:
            login_user(user)
        flash(_("Nytt lösenord är satt för %(name)s.", name=user.name), "success")
        return redirect(url_for("users.admin_user_edit", user_id=user.id))
    return render_template(
        "users/admin_password.html", form=form, errors=saved.errors, user=user
    ), saved.status
