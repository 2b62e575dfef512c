"""A samverkansområde's names as typed: ``CheckedAreaSchema``, the one check of an area's Swedish
and English names that the admin form, the API and the services (``area_labels``) go through."""

from __future__ import annotations

from coop_tracker.core import schemas as checked
from coop_tracker.core.i18n import _l

AREA_LABEL_MAX = 120
AREA_SLUG_MAX = 60


class CheckedAreaSchema(checked.InputSchema):
    """An area's names; that the Swedish one is free is checked by the service."""

    label_sv = checked.text(_l("Namn på svenska"), max_length=AREA_LABEL_MAX, required=True)
    label_en = checked.text(_l("Namn på engelska"), max_length=AREA_LABEL_MAX, required=True)
