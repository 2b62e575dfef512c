"""The test suite. Like the application (see coop_tracker/__init__), it runs SQLAlchemy without
its compiled extensions; set here because conftest imports SQLAlchemy before the app."""

import os

os.environ.setdefault("DISABLE_SQLALCHEMY_CEXT_RUNTIME", "1")
