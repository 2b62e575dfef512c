"""Review pages: an agreement's reviews (tab "Uppföljning") and the form to record one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coop_tracker.agreements.panels import agreement_panels
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.audit import labels as audit_labels
from coop_tracker.core.clock import today
from coop_tracker.core.forms import amount_text, choices
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.permissions import can
from coop_tracker.core.signals import deadlines_changed
from coop_tracker.core.web import format_signed_money, submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.meetings.rules import BODY_LABELS, BODY_SHORT
from coop_tracker.reviews import services
from coop_tracker.reviews.forms import ReviewForm
from coop_tracker.reviews.models import Review
from coop_tracker.reviews.queries import reviews_for
from coop_tracker.reviews.rules import (
    ANSWER_LABELS,
    GOAL_LABELS,
    QUESTIONS,
    RATING_LABELS,
    RATING_SHORT,
    YES_IS_RISK,
)

bp = Blueprint("reviews", __name__, url_prefix="/agreements")


def answer_text(stored: Any) -> str:
    """An answer as the audit log stores it ("partly: comment"), read as "Delvis: comment"."""
    answer, _sep, comment = str(stored).partition(": ")
    label = str(ANSWER_LABELS.get(answer, answer))
    return f"{label}: {comment}" if comment else label


def _audit_labels() -> None:
    """Swedish names for the reviews' audit events in the history pages."""
    questions = {
        f"answers.{key}": _l("Fråga %(n)s: %(question)s", n=number, question=question)
        for number, (key, question) in enumerate(QUESTIONS.items(), start=1)
    }
    audit_labels.register_fields(
        "review",
        _l("Uppföljning"),
        {
            "reviewed_on": _l("Datum för uppföljningen"),
            "rating": _l("Bedömning"),
            "rating_comment": _l("Kommentar till bedömningen"),
            "goal_attainment": _l("Måluppfyllelse"),
            "goal_comment": _l("Kommentar om måluppfyllelse"),
            "cost_budget": _l("Budget för året (kr)"),
            "cost_outcome": _l("Kostnadsutfall (kr)"),
            "cost_comment": _l("Kommentar om kostnader"),
            "reported_to": _l("Rapporterad till"),
            "reported_on": _l("Datum för rapportering"),
            "next_review_on": _l("Nästa uppföljning"),
            "party": _l("Partens egen uppföljning"),
            **questions,
            # The demo's summary event counts what it loaded.
            "reviews": _l("Uppföljningar"),
            "meetings": _l("Sammanträden"),
        },
        {"rating": RATING_LABELS, "goal_attainment": GOAL_LABELS},
        formatters={key: answer_text for key in questions},
    )
    audit_labels.ACTION_LABELS.setdefault("demo_followup", _l("Demodata inläst"))
    # A review's label as the services store it (a party's own review names the party).
    audit_labels.register_labels(
        "review",
        [
            _l("Uppföljning %(date)s av %(title)s (%(party)s)"),
            _l("Uppföljning %(date)s av %(title)s"),
        ],
    )


@bp.record_once
def _labels(state: Any) -> None:
    """Rating and meeting-body labels as Jinja globals (list pages use them too)."""
    _audit_labels()
    state.app.jinja_env.globals.update(
        {
            "RATING_LABELS": RATING_LABELS,
            "RATING_SHORT": RATING_SHORT,
            "GOAL_LABELS": GOAL_LABELS,
            "ANSWER_LABELS": ANSWER_LABELS,
            "QUESTIONS": QUESTIONS,
            "YES_IS_RISK": YES_IS_RISK,
            "BODY_LABELS": BODY_LABELS,
            "BODY_SHORT": BODY_SHORT,
        }
    )
    state.app.jinja_env.filters["cost_deviation"] = cost_deviation_text


def cost_deviation_text(deviation: Decimal | None) -> str:
    """Outcome minus budget in words: "+12 500 kr över budget", "−3 000 kr under budget"."""
    if deviation is None:
        return ""
    amount = format_signed_money(deviation)
    if deviation > 0:
        return _("%(amount)s över budget", amount=amount)
    if deviation < 0:
        return _("%(amount)s under budget", amount=amount)
    return _("%(amount)s, enligt budget", amount=amount)


@bp.get("/<int:agreement_id>/reviews")
@login_required
def index(agreement_id: int) -> Any:
    """Every review of the agreement, newest first."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    derived = agreement_panels().derived_dates_for(db.session, [agreement], today())[agreement.id]
    return render_template(
        "reviews/index.html",
        agreement=agreement,
        reviews=reviews_for(db.session, agreement.id),
        derived=derived,
    )


def _party_choices(agreement: Any) -> list[tuple[str, str]]:
    """Joint, or one party's own review: an editor records only its own kommun's."""
    own = [
        p
        for p in agreement.current_parties
        if current_user.role == "admin" or p.municipality_code == current_user.municipality_code
    ]
    return [
        ("", _("Parternas gemensamma uppföljning")),
        *((str(p.id), _("Egen uppföljning: %(name)s", name=p.name)) for p in own),
    ]


def _form_page(agreement: Any, review: Review | None) -> Any:
    if not can(current_user, "review.create", agreement):
        abort(403)
    form = ReviewForm()
    form.party.choices = choices(_party_choices(agreement))
    if request.method == "GET" and review is None and request.args.get("party"):
        form.party.data = request.args["party"]
    if request.method == "GET":
        if review is not None:
            form.fill_from(review)
        else:
            form.reviewed_on.data = today().isoformat()
            if agreement.annual_cost is not None:
                form.cost_budget.data = amount_text(agreement.annual_cost)

    def write() -> Review:
        if review is None:
            written = services.create_review(
                db.session, agreement, form.to_input(), actor=web_actor(), today=today()
            )
        else:
            written = services.update_review(
                db.session,
                agreement,
                review,
                form.to_input(),
                expected_version=form.version.data,
                actor=web_actor(),
                today=today(),
            )
        # The next review date moved: the agreement's reminders are planned again now.
        deadlines_changed.send(db.session, agreement=agreement, today=today())
        return written

    saved = submit(form, write, only=["csrf_token"])
    if saved.ok:
        message = _("Uppföljningen den %(date)s är sparad.", date=saved.result.reviewed_on)
        if saved.result.cost_deviation is not None:
            message += " " + _(
                "Kostnadsutfallet: %(deviation)s.",
                deviation=cost_deviation_text(saved.result.cost_deviation),
            )
        flash(message, "success")
        return redirect(url_for("reviews.index", agreement_id=agreement.id))
    return render_template(
        "reviews/form.html",
        agreement=agreement,
        form=form,
        errors=saved.errors,
        review=review,
        conflict=saved.conflict,
    ), saved.status


@bp.route("/<int:agreement_id>/reviews/new", methods=["GET", "POST"])
@login_required
def new(agreement_id: int) -> Any:
    """Record a review."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    return _form_page(agreement, None)


@bp.route("/<int:agreement_id>/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int, review_id: int) -> Any:
    """Change a recorded review."""
    agreement = get_visible_agreement(db.session, agreement_id, current_user)
    review = db.session.get(Review, review_id)
    if review is None or review.agreement_id != agreement.id:
        abort(404)
    return _form_page(agreement, review)
