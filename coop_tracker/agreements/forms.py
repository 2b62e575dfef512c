"""Agreement, party and contact forms (fields hold raw text; the services validate), and the
list filters read from a query string."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from coop_tracker.agreements.queries import Filters
from coop_tracker.agreements.rules import (
    ALIGNMENT_LABELS,
    COST_BASIS_LABELS,
    DECIDING_BODY_LABELS,
    FORM_LABELS,
    PHASE_LABELS,
    ROLE_LABELS,
    TERM_LABELS,
)
from coop_tracker.agreements.services import AgreementInput, ContactInput, PartyInput
from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _, _l
from coop_tracker.core.validation import is_digits, strip_control
from coop_tracker.extensions import db
from coop_tracker.organisations.services import find_organisation


class PartyForm(Form):
    """One party row in the agreement form (a sub-form: the outer form carries CSRF)."""

    id = HiddenField()
    version = HiddenField()
    # A kommun by its kommunkod, a region by its länskod, any other organisation as "org-<id>".
    municipality_code = SelectField(
        _l("Kommun eller organisation"), choices=[], validate_choice=False
    )
    organisation_id = HiddenField()
    role = SelectField(
        _l("Roll"),
        choices=choices([("", _l("Välj roll")), *ROLE_LABELS.items()]),
        validate_choice=False,
    )
    decision_body = StringField(_l("Beslutande organ"))
    deciding_body = SelectField(
        _l("Beslutar om uppsägning"),
        choices=choices([("", _l("Standard för samverkansformen")), *DECIDING_BODY_LABELS.items()]),
        validate_choice=False,
    )
    deciding_body_name = StringField(_l("Nämndens namn"))
    decision_on = StringField(_l("Beslutsdatum"))
    decision_paragraph = StringField(_l("Paragraf"))
    decision_ref = StringField(_l("Diarienummer"))
    joined_on = StringField(_l("Anslöt"))
    left_on = StringField(_l("Lämnade"))
    cost_share_percent = StringField(_l("Kostnadsandel (%)"))
    annual_cost = StringField(_l("Årlig kostnad för kommunen (kr)"))
    ownership_percent = StringField(_l("Ägarandel i bolaget (%)"))
    # A kommun party picks from its kommun's list of nämnder (a select); another organisation's
    # nämnd is typed (a text field). The template chooses by ``body_listed``.
    responsible_body = SelectField(_l("Ansvarig nämnd"), choices=[], validate_choice=False)
    responsible_user_id = SelectField(
        _l("Ansvarig tjänsteperson"), choices=[], validate_choice=False
    )
    remove = BooleanField(_l("Ta bort den här parten"))


class AgreementForm(FlaskForm):
    """The whole agreement with any number of parties."""

    version = HiddenField()
    title = StringField(_l("Namn på samverkan"))
    form = RadioField(_l("Samverkansform"), choices=choices(FORM_LABELS), validate_choice=False)
    is_asymmetric = SelectField(
        _l("Asymmetrisk samverkan"),
        choices=choices(
            [
                ("", _l("Avgör utifrån befolkningen")),
                ("y", _l("Ja, en större part utför åt mindre")),
                ("n", _l("Nej")),
            ]
        ),
        validate_choice=False,
    )
    body_organisation = SelectField(
        _l("Förbundet eller bolaget som samverkan bildar"), choices=[], validate_choice=False
    )
    areas = SelectMultipleField(_l("Samverkansområden"), choices=[], validate_choice=False)
    purpose = TextAreaField(_l("Syfte"))
    goals = TextAreaField(_l("Mål och förväntade effekter"))
    motive = TextAreaField(_l("Motiv"))
    start_on = StringField(_l("Startdatum"))
    end_on = StringField(_l("Slutdatum"))
    term = RadioField(
        _l("Avtalstid"), choices=choices(TERM_LABELS), default="fixed", validate_choice=False
    )
    notice_months = StringField(_l("Uppsägningstid (månader)"))
    end_alignment = RadioField(
        _l("Uppsägningen räknas till"),
        choices=choices(ALIGNMENT_LABELS),
        default="none",
        validate_choice=False,
    )
    renewal_months = StringField(_l("Förlängningsperiod (månader)"))
    internal_lead_days = StringField(_l("Intern förberedelsetid (dagar)"))
    review_interval_months = StringField(_l("Uppföljningsintervall (månader)"))
    first_review_on = StringField(_l("Första uppföljning"))
    cost_basis = SelectField(
        _l("Kostnadsfördelning"),
        choices=choices([("", _l("Inte angiven")), *COST_BASIS_LABELS.items()]),
        validate_choice=False,
    )
    annual_cost = StringField(_l("Total årlig kostnad (kr)"))
    cost_note = TextAreaField(_l("Kommentar om kostnader"))
    document_ref = StringField(_l("Diarienummer för avtalet"))
    external_id = StringField(_l("Externt id"))
    document_url = StringField(_l("Länk till avtalet"))
    internal_note = TextAreaField(_l("Intern anteckning"))
    is_public = BooleanField(_l("Visa i det publika registret"))
    parties = FieldList(FormField(PartyForm), min_entries=2, max_entries=300)
    add_party = SubmitField(_l("Lägg till en part"))
    save = SubmitField(_l("Spara"))

    def set_choices(
        self,
        municipalities: list[tuple[str, str]],
        areas: list[tuple[str, str]],
        users: list[tuple[str, str]] | None = None,
        bodies: list[tuple[str, str]] | None = None,
        body_lists: dict[str, list[str]] | None = None,
    ):
        """Fill the party, area and user choices (loaded once per request); ``body_lists``:
        each party kommun's list of nämnder, by kommunkod."""
        self.areas.choices = choices(areas)
        self.body_organisation.choices = choices(
            [("", _l("Inget (eller inte registrerat ännu)")), *(bodies or [])]
        )
        # One list each, shared by every party row (WTForms only reads them): some 300
        # organisations per row were built anew for each party.
        party_choices = choices([("", _l("Välj kommun eller organisation")), *municipalities])
        user_choices = choices([("", _l("Ingen vald")), *(users or [])])
        for entry in self.parties:
            entry.form.municipality_code.choices = party_choices
            entry.form.responsible_user_id.choices = user_choices
            names = (body_lists or {}).get(_kommun(entry.form.municipality_code.data) or "")
            entry.form.body_listed = names is not None
            if names is not None:
                current = entry.form.responsible_body.data or ""
                options: list[tuple[str, str]] = [
                    ("", str(_l("Ingen vald"))),
                    *((n, n) for n in names),
                ]
                if current and current not in names:
                    options.append((current, _("%(name)s (ej i listan)", name=current)))
                entry.form.responsible_body.choices = choices(options)

    def to_input(self) -> AgreementInput:
        """Plain data for the service, leaving out parties marked for removal."""
        parties = [
            PartyInput(
                municipality_code=_kommun(e.form.municipality_code.data),
                organisation=_other(e.form.municipality_code.data),
                role=e.form.role.data or None,
                decision_body=e.form.decision_body.data,
                deciding_body=e.form.deciding_body.data or "",
                deciding_body_name=e.form.deciding_body_name.data,
                decision_on=e.form.decision_on.data,
                decision_paragraph=e.form.decision_paragraph.data,
                decision_ref=e.form.decision_ref.data,
                joined_on=e.form.joined_on.data,
                left_on=e.form.left_on.data,
                cost_share_percent=e.form.cost_share_percent.data,
                annual_cost=e.form.annual_cost.data,
                ownership_percent=e.form.ownership_percent.data,
                responsible_body=e.form.responsible_body.data,
                responsible_user_id=e.form.responsible_user_id.data or None,
                id=_int_or_none(e.form.id.data),
                version=_int_or_none(e.form.version.data),
            )
            for e in self.parties
            if not e.form.remove.data
            and (e.form.municipality_code.data or e.form.role.data or e.form.id.data)
        ]
        return AgreementInput(
            title=self.title.data,
            form=self.form.data,
            area_slugs=list(self.areas.data or []),
            purpose=self.purpose.data,
            goals=self.goals.data,
            motive=self.motive.data,
            start_on=self.start_on.data,
            end_on=self.end_on.data,
            notice_months=self.notice_months.data,
            term=self.term.data,
            end_alignment=self.end_alignment.data,
            renewal_months=self.renewal_months.data,
            internal_lead_days=self.internal_lead_days.data,
            review_interval_months=self.review_interval_months.data,
            first_review_on=self.first_review_on.data,
            cost_basis=self.cost_basis.data or None,
            annual_cost=self.annual_cost.data,
            cost_note=self.cost_note.data,
            document_ref=self.document_ref.data,
            external_id=self.external_id.data,
            document_url=self.document_url.data,
            internal_note=self.internal_note.data,
            is_public=bool(self.is_public.data),
            is_asymmetric=self.is_asymmetric.data or None,
            body_organisation=self.body_organisation.data or None,
            parties=parties,
        )


def _kommun(value: Any) -> str | None:
    """The party select's value unless it names another organisation (then the service
    reports anything that is not a kommunkod)."""
    return value or None if _other(value) is None else None


def _other(value: Any) -> str | None:
    """The party select's value when it names another organisation (länskod or org-<id>)."""
    return value if isinstance(value, str) and OTHER_PARTY.fullmatch(value) else None


OTHER_PARTY = re.compile(r"\d{2}|org-\d{1,9}")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ContactForm(FlaskForm):
    """A contact person for one party."""

    version = HiddenField()
    name = StringField(_l("Namn"))
    title = StringField(_l("Titel eller funktion"))
    email = StringField(_l("E-post"))
    phone = StringField(_l("Telefon"))
    is_carrier = BooleanField(_l("Bär samverkan (nyckelperson)"))
    wants_reminders = BooleanField(_l("Vill få påminnelser via e-post"))
    is_responsible = BooleanField(_l("Ansvarig tjänsteperson för parten"))

    def to_input(self) -> ContactInput:
        return ContactInput(
            name=self.name.data,
            title=self.title.data,
            email=self.email.data,
            phone=self.phone.data,
            is_carrier=bool(self.is_carrier.data),
            wants_reminders=bool(self.wants_reminders.data),
            is_responsible=bool(self.is_responsible.data),
        )


class ArchiveForm(FlaskForm):
    """Confirming an archive: why the agreement is archived (kept in the audit log)."""

    reason = TextAreaField(_l("Skäl till arkiveringen"))


class FormConfirmationForm(FlaskForm):
    """An administrator confirms the legal form of a migrated agreement."""

    form = RadioField(
        _l("Juridisk form"),
        choices=choices(
            [
                ("avtalssamverkan", _l("Avtalssamverkan")),
                ("gemensam_namnd", _l("Gemensam nämnd (beställarna blir samverkande kommuner)")),
            ]
        ),
        validate_choice=False,
    )


def filters_from_request(args: Any) -> tuple[Filters, dict[str, str]]:
    """List filters from the query string; bad values are dropped with a message each."""
    problems: dict[str, str] = {}
    max_page = current_app.config["MAX_PAGE_SIZE"]

    def number(name: str, default: int, upper: int) -> int:
        raw = args.get(name, "")
        if raw == "":
            return default
        if not is_digits(raw) or not 1 <= int(raw) <= upper:
            problems[name] = _(
                "%(name)s måste vara ett heltal mellan 1 och %(upper)s.", name=name, upper=upper
            )
            return default
        return int(raw)

    def pick(name: str, allowed: Any) -> str | None:
        raw = args.get(name, "") or None
        if raw is not None and raw not in allowed:
            problems[name] = _("Okänt värde för %(name)s.", name=name)
            return None
        return raw

    sort = args.get("sort", "title")
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in ("title", "form", "phase", "start_on", "end_on", "updated_at"):
        problems["sort"] = _("Okänd sortering.")
        sort, descending = "title", False
    municipality = args.get("municipality", "") or None
    if municipality is not None and not (len(municipality) == 4 and municipality.isdigit()):
        problems["municipality"] = _("Kommunkod måste vara fyra siffror.")
        municipality = None
    organisation_id = None
    organisation = args.get("organisation", "") or None
    if organisation is not None:
        found = find_organisation(db.session, organisation)
        if found is None:
            problems["organisation"] = _(
                "Det finns ingen organisation med koden eller numret ”%(key)s”.",
                key=strip_control(organisation)[:40],
            )
            organisation = None
        else:
            organisation_id = found.id
    filters = Filters(
        municipality=municipality,
        form=pick("form", FORM_LABELS),
        phase=pick("phase", PHASE_LABELS),
        role=pick("role", ROLE_LABELS),
        organisation=organisation,
        organisation_id=organisation_id,
        responsible=(strip_control(args.get("responsible", "")).strip()[:100] or None),
        area=(args.get("area", "") or None),
        q=(args.get("q", "").strip()[:100] or None),
        sort=sort,
        descending=descending,
        page=number("page", 1, 100000),
        per_page=number("per_page", current_app.config["PAGE_SIZE"], max_page),
    )
    return filters, problems
