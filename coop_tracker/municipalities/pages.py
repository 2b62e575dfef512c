"""What the pages about one kommun share: the kommun named in the address, and the kommun a user
may manage."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_kommun_code
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality


def kommun_or_404(code: str) -> Municipality:
    """The kommun with the kommunkod ``code`` (else 404; a malformed code never reaches the
    database)."""
    kommun = db.session.get(Municipality, code) if is_kommun_code(code) else None
    if kommun is None:
        abort(404)
    return kommun


def managed_kommun(code: str, action: str) -> Municipality:
    """The kommun, if the user may do ``action`` with it (else 404 or 403)."""
    kommun = kommun_or_404(code)
    if not can(current_user, action, kommun):
        abort(403)
    return kommun
