"""Att göra (a user's deadlines by week), snooze, settings, and the private calendar feed."""

from __future__ import annotations

from datetime import timedelta
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

from coop_tracker.agreements.queries import Filters, all_matching
from coop_tracker.audit import labels as audit_labels
from coop_tracker.checklists.templates import item_texts_en
from coop_tracker.core.clock import today, utcnow
from coop_tracker.core.errors import NotFound, ValidationFailed
from coop_tracker.core.i18n import _, _l, current_language
from coop_tracker.core.web import public_base_url, save, submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle.titles import shown_task_text
from coop_tracker.reminders import services
from coop_tracker.reminders.deadlines import deadlines_for
from coop_tracker.reminders.forms import ConfirmForm, SettingsForm, SnoozeForm
from coop_tracker.reminders.ics import build_calendar, in_feed
from coop_tracker.reminders.models import Kind
from coop_tracker.reminders.planner import plan_reminders
from coop_tracker.reminders.queries import badge_count, by_week, todo_items
from coop_tracker.reminders.rules import KIND_LABELS, lead_days_of, shown_detail, shown_title
from coop_tracker.schedule.attention import WITHOUT_REMINDER, attention_for, sorted_items
from coop_tracker.users.calendar import (
    calendar_url,
    ensure_calendar_secret,
    regenerate_calendar_secret,
)

bp = Blueprint("reminders", __name__)


def _audit_labels() -> None:
    """Swedish names for the reminders' audit events in the history pages."""
    audit_labels.register_fields(
        "reminder",
        _l("Påminnelse"),
        {
            "kind": _l("Slag"),
            "due_on": _l("Datum"),
            "lead_days": _l("Dagar före"),
            "recipient": _l("Mottagare"),
            "subject": _l("Ämne"),
            "snoozed_until": _l("Skjuten upp till"),
        },
        {"kind": KIND_LABELS},
    )
    audit_labels.register_fields(
        "calendar_feed", _l("Kalenderadress"), {"calendar_secret": _l("Hemlig adress")}
    )
    audit_labels.register_fields(
        "user", _l("Användare"), {"reminder_lead_days": _l("Påminnelser, dagar före")}
    )
    for action, label in {
        "send": _l("Skickad"),
        "snooze": _l("Uppskjuten"),
        "regenerate": _l("Ny adress"),
    }.items():
        audit_labels.ACTION_LABELS.setdefault(action, label)


@bp.record_once
def _globals(state: Any) -> None:
    _audit_labels()
    state.app.jinja_env.globals.update({"KIND_LABELS": KIND_LABELS, "todo_count": todo_count})
    state.app.jinja_env.filters["reminder_title"] = reminder_title
    state.app.jinja_env.filters["reminder_detail"] = shown_detail


def reminder_title(title: str, kind: str) -> str:
    """A reminder's stored title as the reader reads it (the planner's words translated; a
    checklist question from the data files in the reader's language)."""
    if kind == Kind.CHECKLIST_ITEM_DUE and current_language() == "en":
        for swedish_text, english in item_texts_en().items():
            if title.startswith(swedish_text + " ("):
                return english + title[len(swedish_text) :]
        return title
    return shown_title(kind, title, shown_task_text)


def todo_count() -> int:
    """The nav badge: computed at most once per request, and only when a page shows it."""
    cache = request.environ  # per request (``g`` may outlive a request in tests)
    if "coop_tracker.todo_count" not in cache:
        cache["coop_tracker.todo_count"] = (
            badge_count(db.session, current_user.id, today())
            if current_user.is_authenticated
            else 0
        )
    return cache["coop_tracker.todo_count"]


def refresh_plan_for(user: Any) -> None:
    """Bring the user's kommun's reminder rows up to date (idempotent, a few queries)."""
    if user.municipality_code:
        plan_reminders(db.session, today(), municipality_codes=[user.municipality_code])
        db.session.commit()


@bp.get("/att-gora")
@login_required
def todo() -> Any:
    """The user's deadlines: overdue, then by ISO week; snoozed ones at the end."""
    refresh_plan_for(current_user)
    now = today()
    items = todo_items(db.session, current_user.id, now)
    code = current_user.municipality_code
    known: list[Any] = []
    if code:
        # From the attention service, as on the start page: what no reminder stands for
        # (a notice given, a red or yellow review, a missing decision).
        agreements = all_matching(db.session, Filters(municipality=code), current_user)
        found = attention_for(db.session, agreements, now, municipality=code)
        known = sorted_items(
            (i for items_ in found.values() for i in items_ if i.reason in WITHOUT_REMINDER), now
        )
    visible = [i for i in items if not i.is_snoozed(now)]
    snoozed = [i for i in items if i.is_snoozed(now)]
    return render_template(
        "reminders/todo.html",
        groups=by_week(visible, now),
        snoozed=snoozed,
        known=known,
        today=now,
        snooze_form=SnoozeForm(),
        default_snooze=(now + timedelta(days=7)).isoformat(),
        errors={},
    )


@bp.post("/att-gora/<int:reminder_id>/snooze")
@login_required
def snooze(reminder_id: int) -> Any:
    """Hide one deadline until a date."""
    form = SnoozeForm()
    if not form.validate():
        abort(400)
    saved = save(
        lambda: services.snooze(
            db.session, current_user, reminder_id, form.until.data, today(), actor=web_actor()
        ),
        catch=(NotFound, ValidationFailed),
    )
    if isinstance(saved.refused, NotFound):
        abort(404)
    if saved.refused is not None:
        flash(saved.refused.fields.get("until", saved.refused.message), "warning")
        return redirect(url_for("reminders.todo") + f"#item-{reminder_id}")
    until = saved.result
    flash(_("Påminnelsen är uppskjuten till %(date)s.", date=until), "success")
    return redirect(url_for("reminders.todo"))


@bp.route("/installningar", methods=["GET", "POST"])
@login_required
def settings() -> Any:
    """Reminder days and the private calendar address."""
    form = SettingsForm()
    if request.method == "GET":
        form.lead_days.data = ", ".join(
            str(d) for d in lead_days_of(current_user.reminder_lead_days)
        )
    saved = submit(
        form,
        lambda: services.set_lead_days(
            db.session, current_user, form.lead_days.data, actor=web_actor()
        ),
    )
    if saved.ok:
        flash(_("Påminnelsedagarna är sparade."), "success")
        return redirect(url_for("reminders.settings"))
    secret = ensure_calendar_secret(db.session, current_user, actor=web_actor())
    db.session.commit()
    return render_template(
        "reminders/settings.html",
        form=form,
        errors=saved.errors,
        feed_url=calendar_url(secret),
        confirm=ConfirmForm(),
    ), saved.status


@bp.post("/installningar/kalender")
@login_required
def regenerate_calendar() -> Any:
    """A new calendar address; the old one stops working at once."""
    if not ConfirmForm().validate():
        abort(400)
    regenerate_calendar_secret(db.session, current_user, actor=web_actor())
    db.session.commit()
    flash(_("Du har fått en ny kalenderadress. Den gamla fungerar inte längre."), "success")
    return redirect(url_for("reminders.settings") + "#kalender")


@bp.get("/calendar/<secret>.ics")
def calendar_feed(secret: str) -> Any:
    """The user's deadlines as iCalendar; the unguessable secret is the only key."""
    user = services.user_for_calendar(db.session, secret)
    if user is None:
        abort(404)
    now = today()
    deadlines = []
    if user.municipality_code:
        _agreements, found = deadlines_for(
            db.session, now, municipality_codes=[user.municipality_code]
        )
        deadlines = [
            d
            for d in found
            if in_feed(d, now) and d.municipality_code in (None, user.municipality_code)
        ]
    name = "Samverkanskollen"
    if user.municipality is not None:
        name = f"Samverkanskollen – {user.municipality.name}"
    body = build_calendar(
        deadlines,
        calendar_name=name,
        base_url=public_base_url(),
        lead_days=lead_days_of(user.reminder_lead_days),
        now=utcnow(),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="samverkanskollen.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
