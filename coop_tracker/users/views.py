"""Login and logout."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from coop_tracker.core.clock import utcnow
from coop_tracker.extensions import db, login_manager
from coop_tracker.users.forms import LoginForm
from coop_tracker.users.models import User
from coop_tracker.users.services import LoginRefused, authenticate, end_sessions

bp = Blueprint("users", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Sessions carry "id:session_token"; a new token (logout) invalidates old sessions."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not token or token != user.session_token:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    if request.path.startswith("/api/"):
        return {"error": "unauthorized", "message": "Inloggning krävs.", "fields": {}}, 401
    flash("Logga in för att se sidan.", "info")
    return redirect(url_for("users.login", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("core.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; failures never tell whether the email exists."""
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    errors: dict[str, str] = {}
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(
                db.session,
                form.email.data,
                form.password.data,
                now=utcnow(),
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lockout_minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"],
            )
        except LoginRefused as refused:
            db.session.commit()  # keep the failure count
            errors["email"] = refused.message
            status = 401
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        errors["email"] = "Ange e-post och lösenord."
        status = 400
    return render_template("users/login.html", form=form, errors=errors), status


@bp.post("/logout")
@login_required
def logout() -> Any:
    """End this and every other session of the user."""
    end_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    flash("Du är utloggad.", "success")
    return redirect(url_for("users.login"))
