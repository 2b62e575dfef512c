"""Flask extensions, created unbound and initialised in ``register_extensions``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from coop_tracker.core.i18n import install_template_gettext, select_locale
from coop_tracker.core.models import Base


class _SQLAlchemy(SQLAlchemy):
    if TYPE_CHECKING:
        # ``db.session`` is a scoped_session, a proxy with every method of the request's
        # Session; services take a Session, so the type checker is told it is one.
        session: Session  # type: ignore[assignment]


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class CoopApi(Api):
    """flask-smorest's Api, documenting our error body ``{"error", "message", "fields"}``.

    The default responses refer to the schema component "Error" by name; ``routes.register_api``
    registers ``coop_tracker.api.schemas.ErrorSchema`` under that name, so this module need not
    import the API package.
    """

    ERROR_SCHEMA = "Error"


api = CoopApi()
# The open data's request limit. Storage: RATELIMIT_STORAGE_URI (memory:// by default).
# Failed logins are slowed by coop_tracker/users/throttle.py, not here.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def register_extensions(app: Flask) -> None:
    """Bind every extension to ``app``."""
    from coop_tracker import resource_path
    from coop_tracker.core.db import configure_engine_options, install_sqlite_pragmas

    configure_engine_options(app)
    db.init_app(app)
    with app.app_context():
        install_sqlite_pragmas(
            db.engine,
            statement_timeout=float(app.config.get("DATABASE_STATEMENT_TIMEOUT") or 0),
        )
    migrate.init_app(app, db, directory=str(resource_path("migrations")))
    login_manager.init_app(app)
    login_manager.login_view = "users.login"
    login_manager.login_message = None
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(resource_path("translations")),
    )
    install_template_gettext(app)
    api.init_app(app, spec_kwargs=_spec_kwargs())


def _spec_kwargs() -> dict[str, Any]:
    return {
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    }
