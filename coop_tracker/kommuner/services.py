"""A kommun's own deadline and reminder settings: validated, audited, version-checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.audit.services import record_update
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can
from coop_tracker.municipalities.models import KommunSetting, Municipality
from coop_tracker.municipalities.services import kommun_settings_for
from coop_tracker.reminders.rules import parse_lead_days

SETTING_FIELDS = (
    "notice_buffer_days",
    "internal_lead_days",
    "continuation_lead_months",
    "reminder_lead_days",
    "sender_name",
    "reply_to",
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class KommunSettingInput:
    """The settings form as typed (unvalidated); an empty deadline means the default."""

    notice_buffer_days: Any = ""
    internal_lead_days: Any = ""
    continuation_lead_months: Any = ""
    reminder_lead_days: Any = ""
    sender_name: Any = ""
    reply_to: Any = ""


def _setting_snapshot(setting: KommunSetting) -> dict[str, Any]:
    return {name: getattr(setting, name) for name in SETTING_FIELDS}


def update_kommun_settings(
    session: Session,
    municipality: Municipality,
    data: KommunSettingInput,
    *,
    expected_version: Any,
    actor: Actor,
) -> KommunSetting:
    """Save a kommun's deadline and reminder settings (validated, audited, locked)."""
    if actor.user is not None and not can(actor.user, "municipality.settings", municipality):
        raise PermissionDenied()
    setting = kommun_settings_for(session, municipality.code)
    check_version(
        expected_version, setting.version, lambda: _setting_snapshot(setting), strict=False
    )
    errors = v.Errors()
    # The deadlines in whole days or months (name, label, least, most); empty is the default.
    numbers = {
        name: v.integer(_stripped(getattr(data, name)), name, label, errors, minimum=lo, maximum=hi)
        for name, label, lo, hi in (
            ("notice_buffer_days", _("Tid för justering, anslag och delgivning (dagar)"), 0, 90),
            ("internal_lead_days", _("Kommunens minsta interna förberedelsetid (dagar)"), 0, 730),
            ("continuation_lead_months", _("Beslut om förlängning, månader före slutdatum"), 1, 36),
        )
    }
    reminder_days = ""
    if _stripped(data.reminder_lead_days):
        lead_errors = v.Errors()
        reminder_days = parse_lead_days(data.reminder_lead_days, lead_errors)
        for message in dict(lead_errors).values():
            errors.add("reminder_lead_days", message)
    sender_name = v.text(
        data.sender_name, "sender_name", _("Avsändarnamn i påminnelser"), errors, max_length=120
    )
    if '"' in sender_name or "<" in sender_name or ">" in sender_name:
        errors.add("sender_name", _("Avsändarnamn får inte innehålla citattecken eller < >."))
    reply_to = v.text(data.reply_to, "reply_to", _("Svarsadress"), errors, max_length=254)
    if reply_to and not EMAIL.match(reply_to):
        errors.add("reply_to", _("Svarsadress: ange en adress som kommun@example.se."))
    if errors:
        raise ValidationFailed(dict(errors))
    before = _setting_snapshot(setting)
    is_new = setting.version == 0
    for name, number in numbers.items():
        setattr(setting, name, number)
    setting.reminder_lead_days = reminder_days
    setting.sender_name = sender_name
    setting.reply_to = reply_to.lower()
    if is_new:
        session.add(setting)
    record_update(
        session,
        actor,
        before,
        _setting_snapshot(setting),
        object_type="kommun_setting",
        object_id=municipality.code,
        label=_("Inställningar för %(name)s", name=municipality.name),
        municipality_code=municipality.code,
    )
    return setting


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value
