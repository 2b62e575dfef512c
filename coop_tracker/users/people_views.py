"""An administrator's care of one account: new e-mail, unlocking, a generated password shown
once, anonymising a former user. Every change and refusal is in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.audit import labels as audit_labels
from coop_tracker.audit.services import record_refusal
from coop_tracker.core.clock import utcnow
from coop_tracker.core.errors import DomainError
from coop_tracker.core.forms import ConfirmForm
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.mail import Mailer
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_row_id
from coop_tracker.core.web import save, web_actor
from coop_tracker.extensions import db
from coop_tracker.users import people, throttle
from coop_tracker.users.models import User
from coop_tracker.users.services import ROLE_LABELS

bp = Blueprint("people", __name__)


@bp.record_once
def _labels(state: Any) -> None:
    for action, label in {
        "change_email": _l("E-post bytt"),
        "unlock": _l("Inloggning upplåst"),
        "anonymise": _l("Anonymiserad"),
        "request_email_change": _l("Byte av e-post väntar på bekräftelse"),
    }.items():
        audit_labels.ACTION_LABELS.setdefault(action, label)
    audit_labels.register_fields("user", _l("Användare"), {}, values={"role": ROLE_LABELS})
    fields = audit_labels.FIELD_LABELS.setdefault("user", {})
    fields.setdefault("failed_logins", _l("Misslyckade inloggningar"))
    fields.setdefault("anonymised", _l("Anonymiserad"))
    fields.setdefault("audit_events", _l("Händelser där namnet ersattes"))


def _user(user_id: int) -> User:
    if not can(current_user, "users.manage"):
        abort(403)
    user = db.session.get(User, user_id) if is_row_id(user_id) else None
    if user is None or not can(current_user, "user.manage", user):
        abort(404)
    if not ConfirmForm().validate():
        abort(400)
    return user


def store() -> Any:
    return throttle.store_for(current_app.config, db.session)


def _run(user: User, attempted: str, call: Callable[[], Any]) -> Any:
    """Run one change as the request's transaction; a refusal is flashed and logged."""
    actor = web_actor()

    def reason(error: DomainError) -> str:
        return " ".join(error.fields.values()) if error.fields else error.message

    def log(error: DomainError) -> None:
        record_refusal(
            db.session,
            actor,
            attempted=attempted,
            reason=reason(error),
            object_type="user",
            object_id=user.id,
            label=f"{user.name} <{user.email}>",
            municipality_code=user.municipality_code,
        )

    saved = save(call, catch=(DomainError,), log_refusal=log)
    if saved.refused is not None:
        flash(reason(saved.refused), "warning")
        return None
    return saved.result if saved.result is not None else True


def _back(user: User) -> Any:
    return redirect(url_for("users.admin_user_edit", user_id=user.id))


def mail_configured() -> bool:
    """A mail server other than the default "localhost" is set: confirmations can be sent."""
    return str(current_app.config.get("MAIL_SERVER") or "") not in ("", "localhost")


def _confirmation(user: User, email: str, token: str) -> EmailMessage:
    link = url_for("people.confirm_email", token=token, _external=True)
    base = current_app.config.get("BASE_URL")
    if base:
        link = base.rstrip("/") + url_for("people.confirm_email", token=token)
    message = EmailMessage()
    message["Subject"] = "Bekräfta din nya e-postadress i Samverkanskollen"
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = email
    message.set_content(
        f"Hej {user.name}!\n\nEn administratör har bytt e-postadressen för ditt konto i "
        f"Samverkanskollen till {email}. Öppna länken inom tre dygn för att bekräfta; först då "
        f"byts adressen:\n\n{link}\n\nVet du inget om detta kan du bortse från mejlet.\n"
    )
    return message


@bp.post("/admin/users/<int:user_id>/e-post")
@login_required
def change_email(user_id: int) -> Any:
    user = _user(user_id)
    new = request.form.get("email", "")
    if mail_configured():
        return _send_confirmation(user, new)
    done = _run(
        user,
        _("Byta e-postadress"),
        lambda: people.change_email(db.session, user, new, actor=web_actor()),
    )
    if done:
        flash(_("E-postadressen för %(name)s är nu %(email)s.", name=user.name, email=user.email))
    return _back(user)


def _send_confirmation(user: User, new: str) -> Any:
    secret = str(current_app.config["SECRET_KEY"])
    pending = _run(
        user,
        _("Byta e-postadress"),
        lambda: people.request_email_change(
            db.session, user, new, actor=web_actor(), secret=secret
        ),
    )
    if not pending:
        return _back(user)
    email, token = pending
    mailer = Mailer(current_app.config)
    try:
        mailer.send(_confirmation(user, email, token))
    except OSError as error:  # smtplib.SMTPException is an OSError
        flash(
            _(
                "Bekräftelsen kunde inte skickas till %(email)s (%(error)s). Adressen är inte "
                "bytt; försök igen.",
                email=email,
                error=type(error).__name__,
            ),
            "warning",
        )
        return _back(user)
    finally:
        mailer.close()
    flash(
        _(
            "Ett mejl med en bekräftelselänk har skickats till %(email)s. Adressen byts när "
            "länken öppnas (inom tre dygn).",
            email=email,
        ),
        "success",
    )
    return _back(user)


@bp.get("/konto/bekrafta-e-post/<token>")
def confirm_email(token: str) -> Any:
    """The link in the confirmation mail: the new address takes effect (no login needed)."""
    saved = save(
        lambda: people.confirm_email_change(
            db.session, token[:500], secret=str(current_app.config["SECRET_KEY"])
        ),
        catch=(DomainError,),
    )
    if (error := saved.refused) is not None:
        flash(" ".join(error.fields.values()) if error.fields else error.message, "warning")
        return redirect(url_for("users.login"))
    user = saved.result
    flash(_("Din e-postadress är nu %(email)s. Logga in med den.", email=user.email), "success")
    return redirect(url_for("users.login"))


@bp.post("/admin/users/<int:user_id>/las-upp")
@login_required
def unlock(user_id: int) -> Any:
    user = _user(user_id)
    failures = throttle.account_failures(store(), user.email, utcnow())
    done = _run(
        user,
        _("Låsa upp inloggningen"),
        lambda: people.unlock(db.session, store(), user, actor=web_actor(), failures=failures),
    )
    if done:
        flash(_("Inloggningen för %(name)s är upplåst.", name=user.name), "success")
    return _back(user)


@bp.post("/admin/users/<int:user_id>/nytt-losenord")
@login_required
def new_password(user_id: int) -> Any:
    user = _user(user_id)
    password = _run(
        user,
        _("Skapa ett nytt lösenord"),
        lambda: people.generate_password(db.session, user, actor=web_actor()),
    )
    if not password:
        return _back(user)
    response = current_app.make_response(
        render_template("users/new_password.html", user=user, password=password)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/admin/users/<int:user_id>/anonymisera")
@login_required
def anonymise(user_id: int) -> Any:
    user = _user(user_id)
    done = _run(
        user,
        _("Anonymisera kontot"),
        lambda: people.anonymise(db.session, user, actor=web_actor()),
    )
    if done:
        flash(
            _(
                "Kontot är anonymiserat: namn och e-post är ersatta överallt, också i "
                "händelseloggen. Att det skedde finns kvar i loggen."
            ),
            "success",
        )
    return _back(user)
