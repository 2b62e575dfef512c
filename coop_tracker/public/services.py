"""A kommun's publication settings: read them, change them (validated, audited, locked)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from coop_tracker.agreements.models import Contact
from coop_tracker.audit.services import diff, record_update
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import check_version
from coop_tracker.core.permissions import can
from coop_tracker.municipalities.models import KommunSetting, Municipality
from coop_tracker.municipalities.services import kommun_settings_for
from coop_tracker.public.models import PublicationSetting
from coop_tracker.users.models import User

FIELDS = (
    "show_contact",
    "contact_function",
    "contact_email",
    "contact_phone",
    "contact_url",
    "show_responsible_body",
    "show_review_results",
    "show_review_costs",
)
# Kept with the kommun's own settings (the agreement form reads it), chosen on this page.
KOMMUN_FIELDS = ("new_agreements_public",)
TRUE, FALSE = (True, "y", "on", "1", "true"), (False, None, "", "n", "off", "0", "false")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\-\s]{5,40}$")


@dataclass
class PublicationInput:
    """The settings form as typed (unvalidated)."""

    show_contact: Any = False
    contact_function: Any = ""
    contact_email: Any = ""
    contact_phone: Any = ""
    contact_url: Any = ""
    show_responsible_body: Any = False
    show_review_results: Any = False
    show_review_costs: Any = False
    new_agreements_public: Any = False


def settings_for(session: Session, code: str) -> PublicationSetting:
    """The kommun's settings; a new (unsaved) row with the defaults when it has none."""
    found = session.get(PublicationSetting, code)
    if found is not None:
        return found
    return PublicationSetting(
        municipality_code=code,
        show_contact=False,
        contact_function="",
        contact_email="",
        contact_phone="",
        contact_url="",
        show_responsible_body=False,
        show_review_results=False,
        show_review_costs=False,
        version=0,  # not saved yet; the first save inserts it as version 1
    )


def public_contacts(session: Session, codes: list[str]) -> dict[str, dict[str, str]]:
    """The contact function of each kommun that shows one (one query)."""
    if not codes:
        return {}
    rows = session.scalars(
        select(PublicationSetting).where(PublicationSetting.municipality_code.in_(codes))
    )
    return {s.municipality_code: s.public_contact for s in rows if s.public_contact}


def published_extras(session: Session, codes: Iterable[str]) -> dict[str, frozenset[str]]:
    """What each of the kommuner publishes beyond the default (one query); a kommun without
    settings publishes nothing more."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    rows = session.scalars(
        select(PublicationSetting).where(PublicationSetting.municipality_code.in_(wanted))
    )
    return {s.municipality_code: s.published_extras for s in rows}


def new_agreements_public(session: Session, code: str | None) -> bool:
    """Whether the kommun's new agreements start out public (the form's default)."""
    if not code:
        return False
    return bool(kommun_settings_for(session, code).new_agreements_public)


def snapshot(setting: PublicationSetting, kommun: KommunSetting | None = None) -> dict[str, Any]:
    values = {name: getattr(setting, name) for name in FIELDS}
    if kommun is not None:
        values.update({name: getattr(kommun, name) for name in KOMMUN_FIELDS})
    return values


def _choice(value: Any, field: str, label: str, errors: v.Errors) -> bool:
    """A yes/no choice from a form or a client; anything else is refused by name."""
    if value in TRUE:
        return True
    if value not in FALSE:
        errors.add(field, _("%(label)s: välj ja eller nej.", label=label))
    return False


def _is_a_persons_address(session: Session, email: str) -> bool:
    """True when the address is a contact person's or a user's: a person, not a function."""
    lowered = email.lower()
    contact = session.scalar(
        select(func.count(Contact.id)).where(func.lower(Contact.email) == lowered)
    )
    user = session.scalar(select(func.count(User.id)).where(func.lower(User.email) == lowered))
    return bool(contact or user)


def update_settings(
    session: Session,
    municipality: Municipality,
    data: PublicationInput,
    *,
    expected_version: Any,
    actor: Actor,
) -> PublicationSetting:
    """Save what the kommun publishes beyond the default; refuses a person's e-mail address."""
    if not can(actor.user, "publication.manage", municipality):
        raise PermissionDenied()
    setting = settings_for(session, municipality.code)
    kommun_setting = kommun_settings_for(session, municipality.code)
    check_version(
        expected_version,
        setting.version,
        lambda: snapshot(setting, kommun_setting),
        strict=False,
    )
    errors = v.Errors()
    show = _choice(data.show_contact, "show_contact", _("Visa kontaktfunktion"), errors)
    choices = {
        "show_responsible_body": _choice(
            data.show_responsible_body, "show_responsible_body", _("Ansvarig nämnd"), errors
        ),
        "show_review_results": _choice(
            data.show_review_results, "show_review_results", _("Uppföljningens resultat"), errors
        ),
        "show_review_costs": _choice(
            data.show_review_costs, "show_review_costs", _("Budget och utfall"), errors
        ),
    }
    new_public = _choice(
        data.new_agreements_public, "new_agreements_public", _("Nya samverkan publika"), errors
    )
    function = v.text(
        data.contact_function, "contact_function", _("Kontaktfunktion"), errors, max_length=120
    )
    email = v.text(data.contact_email, "contact_email", _("E-post"), errors, max_length=254)
    phone = v.text(data.contact_phone, "contact_phone", _("Telefon"), errors, max_length=40)
    url = v.url(data.contact_url, "contact_url", _("Webbsida"), errors)
    if email and not EMAIL.match(email):
        errors.add("contact_email", _("E-post: ange en adress som kommun@example.se."))
    elif email and _is_a_persons_address(session, email):
        errors.add(
            "contact_email",
            _(
                "E-post: adressen tillhör en person i registret. Ange en funktionsbrevlåda, "
                "t.ex. kommun@example.se."
            ),
        )
    if phone and not PHONE.match(phone):
        errors.add("contact_phone", _("Telefon: ange bara siffror, mellanslag, +, - och ()."))
    if show and not function:
        errors.add("contact_function", v.missing("ange", _("Kontaktfunktion")))
    if show and function and not (email or phone or url):
        errors.add(
            "contact_email",
            _("Ange minst ett sätt att nå funktionen: e-post, telefon eller webbsida."),
        )
    if errors:
        raise ValidationFailed(dict(errors))
    before = snapshot(setting, kommun_setting)
    is_new = setting.version == 0
    setting.show_contact = show
    setting.contact_function = function
    setting.contact_email = email
    setting.contact_phone = phone
    setting.contact_url = url
    for name, value in choices.items():
        setattr(setting, name, value)
    kommun_setting.new_agreements_public = new_public
    after = snapshot(setting, kommun_setting)
    if is_new:
        session.add(setting)
    if kommun_setting.version == 0 and after["new_agreements_public"]:
        session.add(kommun_setting)
    if diff(before, after):
        # The page's version is this row's: a change kept in the kommun's settings alone
        # still moves it, so that a second administrator's stale save is refused.
        flag_modified(setting, "show_contact")
    record_update(
        session,
        actor,
        before,
        after,
        object_type="publication_setting",
        object_id=municipality.code,
        label=_("Publicering för %(name)s", name=municipality.name),
        municipality_code=municipality.code,
    )
    return setting
