"""Blueprint (web and API), error-handler and request-hook registration, called by
``create_app``."""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Flask,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from coop_tracker.core.clock import today, utcnow
from coop_tracker.core.errors import DomainError, StaleVersion
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.web import (
    add_security_headers,
    register_template_helpers,
    request_id,
    wants_json,
)
from coop_tracker.extensions import api, csrf, db

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: _l("Felaktig begäran."),
    401: _l("Du behöver logga in."),
    403: _l("Du har inte behörighet till den här sidan."),
    404: _l("Sidan eller uppgiften finns inte."),
    405: _l("Metoden är inte tillåten här."),
    409: _l("Konflikt med en annan ändring."),
    413: _l("Filen eller begäran är för stor."),
    422: _l("Uppgifterna kunde inte behandlas."),
    429: _l("För många försök. Vänta en stund och försök igen."),
    500: _l("Ett oväntat fel inträffade. Försök igen; kvarstår felet, kontakta administratören."),
}
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def register_signal_receivers(app: Flask) -> None:
    """Connect each higher domain's receivers to the signals a lower domain sends
    (``core/signals.py``). Connecting the same receiver again (a second app) is a no-op."""
    for signal, receiver in signal_receivers():
        signal.connect(receiver)


def signal_receivers() -> list[tuple[Any, Any]]:
    """(signal, receiver) pairs, listed explicitly like the blueprints."""
    from coop_tracker.checklists.items import on_agreement_created
    from coop_tracker.core.signals import agreement_created, deadlines_changed, exit_plans_wanted
    from coop_tracker.lifecycle.receivers import exit_plans_for_checklists
    from coop_tracker.reminders.receivers import replan_agreement

    return [
        (agreement_created, on_agreement_created),
        (deadlines_changed, replan_agreement),
        (exit_plans_wanted, exit_plans_for_checklists),
    ]


def register_panels(app: Flask) -> None:
    """What the agreement pages, their API and the review and exit pages show that domains
    above agreements compute (derived dates, attention, checklists, documents), listed
    explicitly like the blueprints (``agreements/panels.py``)."""
    from coop_tracker.agreements.panels import AgreementPanels, install_panels
    from coop_tracker.documents.queries import agreement_overview
    from coop_tracker.schedule import panels
    from coop_tracker.schedule.queries import derived_dates_for, what_if
    from coop_tracker.schedule.rules import if_nobody_acts, notice_text

    install_panels(
        app,
        AgreementPanels(
            derived_dates_for=derived_dates_for,
            what_if=what_if,
            if_nobody_acts=if_nobody_acts,
            attention=panels.attention,
            list_panels=(("checklist", panels.current_checklists),),
            detail_panels=(
                ("checklist", panels.checklist_progress),
                ("version_changes", panels.checklist_changes),
                ("overview", agreement_overview),
            ),
        ),
    )
    app.jinja_env.globals["notice_text"] = notice_text


def register_blueprints(app: Flask) -> None:
    """Every blueprint, listed explicitly."""
    from coop_tracker.agreements.body_views import bp as bodies_bp
    from coop_tracker.agreements.organisation_views import bp as organisations_bp
    from coop_tracker.agreements.views import bp as agreements_bp
    from coop_tracker.annual.views import bp as annual_bp
    from coop_tracker.api.views import bp as api_page_bp
    from coop_tracker.areas.views import bp as areas_bp
    from coop_tracker.checklists.views import bp as checklists_bp
    from coop_tracker.core.views import bp as core_bp
    from coop_tracker.costs.views import bp as costs_bp
    from coop_tracker.documents.views import bp as documents_bp
    from coop_tracker.exchange.views import bp as exchange_bp
    from coop_tracker.history.views import bp as audit_bp
    from coop_tracker.kommuner.views import bp as municipalities_bp
    from coop_tracker.lifecycle.views import bp as lifecycle_bp
    from coop_tracker.meetings.views import bp as meetings_bp
    from coop_tracker.municipalities.reference_views import bp as reference_bp
    from coop_tracker.network.views import bp as network_bp
    from coop_tracker.oversight.views import bp as oversight_bp
    from coop_tracker.public.settings import bp as publication_bp
    from coop_tracker.public.views import bp as public_bp
    from coop_tracker.reminders.views import bp as reminders_bp
    from coop_tracker.reviews.views import bp as reviews_bp
    from coop_tracker.start.views import bp as start_bp
    from coop_tracker.users.key_views import bp as keys_bp
    from coop_tracker.users.oidc import bp as oidc_bp
    from coop_tracker.users.oidc import init_oidc
    from coop_tracker.users.people_views import bp as people_bp
    from coop_tracker.users.views import bp as users_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(api_page_bp)
    app.register_blueprint(start_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(keys_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(agreements_bp)
    app.register_blueprint(municipalities_bp)
    app.register_blueprint(areas_bp)
    app.register_blueprint(reference_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(bodies_bp)
    app.register_blueprint(exchange_bp)
    app.register_blueprint(oversight_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(publication_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(network_bp)
    app.register_blueprint(lifecycle_bp)
    app.register_blueprint(checklists_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(annual_bp)
    app.register_blueprint(costs_bp)
    register_api(app)
    app.register_blueprint(oidc_bp)
    init_oidc(app)
    register_template_helpers(app)


def api_blueprints() -> list[Any]:
    """Every domain's flask-smorest blueprint under /api/v1, listed explicitly."""
    from coop_tracker.agreements.api import blp as agreements_blp
    from coop_tracker.agreements.organisation_api import blp as organisations_blp
    from coop_tracker.annual.api import blp as year_blp
    from coop_tracker.areas.api import areas_blp
    from coop_tracker.checklists.api import blp as checklists_blp
    from coop_tracker.costs.api import blp as costs_blp
    from coop_tracker.documents.api import blp as documents_blp
    from coop_tracker.history.api import blp as history_blp
    from coop_tracker.lifecycle.api import blp as lifecycle_blp
    from coop_tracker.municipalities.api import municipalities_blp
    from coop_tracker.network.api import graph_blp, similar_blp
    from coop_tracker.reminders.api import blp as reminders_blp
    from coop_tracker.reviews.api import blp as reviews_blp
    from coop_tracker.users.api import blp as me_blp

    return [
        municipalities_blp,
        areas_blp,
        organisations_blp,
        agreements_blp,
        history_blp,
        me_blp,
        reviews_blp,
        reminders_blp,
        graph_blp,
        similar_blp,
        lifecycle_blp,
        checklists_blp,
        documents_blp,
        year_blp,
        costs_blp,
    ]


def register_api(app: Flask) -> None:
    """Register the API blueprints and the bearer-token check."""
    from coop_tracker.api import OPENAPI_PATH, refuse_non_json_body
    from coop_tracker.api.schemas import ErrorSchema
    from coop_tracker.users.keys import refusal_for, valid_token

    api.spec.components.schema("Error", schema=ErrorSchema)
    for blueprint in api_blueprints():
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)

    @app.before_request
    def _bearer_token() -> Any:
        if not request.path.startswith("/api/v1/") or request.path == OPENAPI_PATH:
            return None
        header = request.headers.get("Authorization", "")
        scheme, _, plain = header.partition(" ")
        key = None
        if scheme.lower() == "bearer" and plain:
            key = valid_token(db.session, plain.strip(), now=utcnow(), today=today())
        if key is None:
            body = {
                "error": "unauthorized",
                "message": "En giltig API-nyckel krävs (Authorization: Bearer …).",
                "fields": {},
            }
            return body, 401, {"WWW-Authenticate": "Bearer"}
        if db.session.dirty:  # the token's last_used_at moved: keep it even on a GET
            db.session.commit()
        refusal = refusal_for(key, request.method)
        if refusal is not None:
            return _refuse_key(key, refusal)
        user = key.user
        # A key for one kommun narrows what its owner may see and change to that kommun's
        # agreements (core.permissions reads this from the request's user object).
        user.api_scope_municipality = key.municipality_code
        g.api_user = user
        return refuse_non_json_body()


def _refuse_key(key: Any, message: str) -> Any:
    """A 403 for a key used beyond its scope, kept in the audit log as a refusal."""
    from coop_tracker.audit.services import record_refusal
    from coop_tracker.core.actor import Actor

    record_refusal(
        db.session,
        Actor(user=key.user, source="api"),
        attempted=f"{request.method} {request.path}"[:200],
        reason=message,
        object_type="api_token",
        object_id=key.id,
        label=f"{key.name} ({key.user.name})",
        municipality_code=key.municipality_code,
    )
    db.session.commit()
    return {"error": "forbidden", "message": message, "fields": {}}, 403


def _error_response(
    status: int,
    message: Any,
    code: str,
    fields: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Any:
    message = str(message)  # a lazy label from HTTP_MESSAGES, in the request's language
    if wants_json():
        body: dict[str, Any] = {"error": code, "message": message, "fields": fields or {}}
        body.update(extra or {})
        return jsonify(body), status
    page = render_template(
        "errors/error.html", status=status, message=message, request_id=request_id()
    )
    return page, status


def register_errorhandlers(app: Flask) -> None:
    """Domain errors and HTTP errors as Swedish pages or JSON; the session is rolled back."""

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> Any:
        db.session.rollback()
        extra: dict[str, Any] = {}
        if isinstance(error, StaleVersion):
            extra = {"current": error.current, "current_version": error.current_version}
        reasons = getattr(error, "reasons", None)
        if reasons:
            extra["reasons"] = reasons
        return _error_response(error.status, error.message, error.code, error.fields, extra)

    @app.errorhandler(StaleDataError)
    def _stale(_error: StaleDataError) -> Any:
        db.session.rollback()
        return _error_response(
            409, _("Någon annan sparade samtidigt. Ladda om och försök igen."), "conflict"
        )

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> Any:
        db.session.rollback()
        if wants_json():
            return _error_response(400, _("CSRF-token saknas eller är ogiltig."), "csrf_failed")
        flash(_("Formuläret hade gått ut eller saknade säkerhetstoken. Försök igen."), "warning")
        return redirect(request.referrer or url_for("start.index")), 303

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        db.session.rollback()
        status = error.code or 500
        fields: dict[str, Any] = {}
        data = getattr(error, "data", None)  # flask-smorest / webargs validation errors
        if status == 400 and isinstance(data, dict) and "messages" in data:
            message = _(
                "Begäran innehåller ogiltig JSON. Kontrollera syntaxen och teckenkodningen."
            )
        elif isinstance(data, dict) and "messages" in data:
            fields = _flatten_messages(data["messages"])
            status = 422
            message = _("Uppgifterna innehåller fel. Rätta fälten som anges.")
        else:
            message = HTTP_MESSAGES.get(status, error.description or "")
        response = _response(
            _error_response(status, message, HTTP_CODES.get(status, "error"), fields)
        )
        # The headers the exception carries: Allow on a 405 (RFC 9110 §15.5.6), Retry-After.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_UNEXPECTED"):
            raise error
        return _error_response(500, HTTP_MESSAGES[500], "server_error")


def _response(result: Any) -> Any:
    body, status = result
    return make_response(body, status)


def _flatten_messages(messages: Any) -> dict[str, str]:
    """webargs nests messages by location (json/query) and by field; flatten to field → text."""
    flat: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                name = str(key) if not prefix else f"{prefix}.{key}"
                walk(name, inner)
        elif isinstance(value, list):
            if all(isinstance(v, str) for v in value):
                flat[prefix or "_schema"] = " ".join(value)
            else:
                for index, inner in enumerate(value):
                    walk(f"{prefix}.{index}", inner)
        else:
            flat[prefix or "_schema"] = str(value)

    for location in ("json", "query", "form", "path", "headers"):
        if isinstance(messages, dict) and location in messages:
            walk("", messages[location])
    if not flat:
        walk("", messages)
    return flat


def register_request_hooks(app: Flask) -> None:
    """Security headers and the request id on every response."""
    app.after_request(add_security_headers)
