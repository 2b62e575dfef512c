"""The agreement register in the JSON API: list with filters, create, read and PATCH."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from coop_tracker.agreements import services
from coop_tracker.agreements.inputs import AGREEMENT_FIELDS, PARTY_FIELDS
from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.agreements.panels import agreement_panels
from coop_tracker.agreements.payload_schemas import (
    AgreementDatesSchema,
    AgreementListQuerySchema,
    AgreementSchema,
    DatesQuerySchema,
)
from coop_tracker.agreements.queries import Filters, search_agreements
from coop_tracker.agreements.schemas import AgreementCreateSchema, AgreementPatchSchema
from coop_tracker.agreements.services import AgreementInput, PartyInput
from coop_tracker.api.common import (
    api_user,
    error_responses,
    listing,
    permission_required,
    utc,
    with_api_field_names,
)
from coop_tracker.api.schemas import ErrorSchema, envelope
from coop_tracker.core import clock
from coop_tracker.core.errors import StaleVersion, ValidationFailed
from coop_tracker.core.permissions import can
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db
from coop_tracker.organisations.models import Organisation
from coop_tracker.organisations.services import find_organisation
from coop_tracker.users.models import User

if TYPE_CHECKING:
    from coop_tracker.schedule.rules import DerivedDates

blp = Blueprint(
    "api_agreements",
    __name__,
    url_prefix="/api/v1/agreements",
    description="Samverkansavtal med parter, roller, beslut och härledda datum.",
)

# Service field name → API field name (the rest are the same).
FIELD_RENAMES = {
    "municipality_code": "municipality",
    "area_slugs": "areas",
    "is_asymmetric": "asymmetric",
}
# The fields the API shows and takes as they are (the rest are renamed or looked up).
PARTY_API_FIELDS = tuple(
    name for name in PARTY_FIELDS if name not in ("organisation_id", "municipality_code", "role")
)
AGREEMENT_API_FIELDS = (
    *(
        name
        for name in AGREEMENT_FIELDS
        if name not in ("internal_note", "is_asymmetric", "body_organisation_id")
    ),
    "renewal",
    "external_id",
)
_dump = AgreementSchema()


def agreement_payload(
    agreement: Agreement,
    user: User,
    today: date,
    warnings: list[str] | None = None,
    derived: DerivedDates | None = None,
) -> dict[str, Any]:
    """The agreement as the API shows it to ``user`` (before the schema dumps it).

    Lists pass ``derived`` (from one batched :func:`derived_dates_for`); otherwise it is loaded.
    """
    show_contacts = can(user, "contact.view", agreement)
    payload: dict[str, Any] = {name: getattr(agreement, name) for name in AGREEMENT_API_FIELDS}
    payload.update(
        external_id_owner=agreement.external_id_owner or None,
        id=agreement.id,
        phase=agreement.phase,
        areas=[area.slug for area in agreement.areas],
        archived_at=utc(agreement.archived_at),
        version=agreement.version,
        created_at=utc(agreement.created_at),
        updated_at=utc(agreement.updated_at),
        asymmetric=agreement.is_asymmetric,
        form_needs_confirmation=agreement.form_needs_confirmation,
        body_organisation=organisation_brief(agreement.body_organisation),
    )
    if derived is None:
        derived = agreement_panels().derived_dates_for(db.session, [agreement], today)[agreement.id]
    payload["parties"] = [_party_payload(p, show_contacts, derived) for p in agreement.parties]
    latest = derived.latest_review
    payload.update(
        notice_deadline_on=derived.notice_deadline_on,
        current_term_end_on=derived.current_term_end_on,
        decide_by_on=derived.decide_by_on,
        next_review_on=derived.next_review_on,
        latest_review=(
            {"id": latest.id, "reviewed_on": latest.reviewed_on, "rating": latest.rating}
            if latest is not None
            else None
        ),
    )
    if can(user, "agreement.edit", agreement):
        payload["internal_note"] = agreement.internal_note
    if warnings is not None:
        payload["warnings"] = warnings
    return payload


def _party_payload(party: Party, show_contacts: bool, derived: DerivedDates) -> dict[str, Any]:
    payload: dict[str, Any] = {name: getattr(party, name) for name in PARTY_API_FIELDS}
    decide = None
    if party.left_on is None:
        decide = (
            derived.parties.get(party.municipality_code)
            if party.municipality_code
            else derived.others.get(party.key)
        )
    payload.update(
        id=party.id,
        organisation=party.key,
        organisation_id=party.organisation_id,
        organisation_kind=party.kind,
        name=party.name,
        municipality=party.municipality_code,
        municipality_name=party.name if party.municipality else None,
        role=party.role,
        version=party.version,
        decide_by=(
            {
                "decide_by_on": decide.decide_by_on,
                "from_calendar": decide.from_calendar,
                **_decision_case(decide),
            }
            if decide is not None
            else None
        ),
    )
    if show_contacts:
        payload["contacts"] = [
            {
                "id": c.id,
                "name": c.name,
                "title": c.title,
                "email": c.email,
                "phone": c.phone,
                "is_carrier": c.is_carrier,
                "wants_reminders": c.wants_reminders,
                "is_responsible": c.is_responsible,
                "version": c.version,
            }
            for c in party.contacts
        ]
    return payload


# What the API shows of a party's case before the notice: the body, its meeting, the dates.
DECISION_CASE_FIELDS = (
    "body",
    "body_name",
    "meeting_on",
    "case_deadline_on",
    "prepared_on",
    "prepared_case_deadline_on",
    "warnings",
)


def _decision_case(decide: Any) -> dict[str, Any]:
    return {name: getattr(decide, name) for name in DECISION_CASE_FIELDS}


def organisation_brief(org: Organisation | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.id, "key": org.key, "kind": org.kind, "name": org.name}


def _party_input(data: dict[str, Any], base: PartyInput | None) -> PartyInput:
    values = {name: data[name] for name in PARTY_API_FIELDS if name in data}
    # The organisation names the party; ``municipality`` alone still names a kommun.
    values["organisation"] = data.get("organisation")
    values["organisation_id"] = None
    values["municipality_code"] = data.get("municipality")
    values["role"] = data["role"]
    if "version" in data:
        values["version"] = data["version"]
    return replace(base, **values) if base is not None else PartyInput(**values)


def merged_input(base: AgreementInput, data: dict[str, Any]) -> AgreementInput:
    """``base`` with the fields the client sent; ``parties`` (when sent) replaces the list,
    each party matched to an existing one by kommunkod and keeping the fields not sent."""
    values: dict[str, Any] = {
        name: data[name] for name in (*AGREEMENT_API_FIELDS, "internal_note") if name in data
    }
    # The old fields as aliases: a client that sends ``renewal`` (or moves ``end_on`` of a
    # term that the old fields can describe) without ``term`` gets the term they describe.
    old_style = "renewal" in data or ("end_on" in data and base.term != "fixed_then_indefinite")
    if "term" not in data and old_style:
        values["term"] = None
        values.setdefault("renewal", base.renewal or ("tacit" if base.term == "renewing" else None))
    if "areas" in data:
        values["area_slugs"] = data["areas"]
    if "asymmetric" in data:
        values["is_asymmetric"] = data["asymmetric"]
    if "body_organisation" in data:
        values["body_organisation"] = data["body_organisation"]
        values["body_organisation_id"] = None
    if "parties" in data:
        existing = {p.organisation_id: p for p in base.parties}
        values["parties"] = [
            _party_input(party, existing.get(_sent_organisation_id(party)))
            for party in data["parties"]
        ]
    return replace(base, **values)


def _sent_organisation_id(party: dict[str, Any]) -> int | None:
    """The id of the organisation a sent party names (to match it to an existing party)."""
    given = party.get("organisation")
    if given is None:
        code = party.get("municipality")
        org = (
            db.session.scalar(select(Organisation).where(Organisation.municipality_code == code))
            if code
            else None
        )
    else:
        org = find_organisation(db.session, given)
    return org.id if org is not None else None


def _load_visible(agreement_id: int) -> Agreement:
    return services.get_visible_agreement(db.session, agreement_id, api_user())


CONFLICT_MESSAGE = (
    "Någon annan har sparat ändringar sedan du läste samverkan. De sparade värdena finns i "
    "current; jämför, och skicka din ändring igen med version = current_version."
)


def _conflict(agreement_id: int) -> StaleVersion:
    """A 409 carrying the agreement as it is saved now, in the API's own shape."""
    db.session.rollback()
    user = api_user()
    agreement = _load_visible(agreement_id)
    current = _dump.dump(agreement_payload(agreement, user, clock.today()))
    return StaleVersion(current, agreement.version, CONFLICT_MESSAGE)


ERRORS = {
    401: "En giltig API-nyckel saknas.",
    403: "Du får inte göra detta.",
    404: "Samverkan finns inte eller är inte synlig för dig.",
}


def _documented(*statuses: int) -> Any:
    """Document the error responses a view can give, all with the error schema."""
    return error_responses(blp, *statuses, descriptions=ERRORS)


@blp.route("", endpoint="agreements")
class Agreements(MethodView):
    @listing(blp, AgreementListQuerySchema, AgreementSchema, descriptions=ERRORS)
    def get(self, args: dict[str, Any]) -> Any:
        """Lista samverkan

        Filtrerad, sorterad och sidindelad. Planerade samverkan syns bara för parternas
        användare, arkiverade bara för administratörer.
        """
        user = api_user()
        sort = args["sort"]
        organisation = None
        if args.get("organisation"):
            organisation = find_organisation(db.session, args["organisation"])
            if organisation is None:
                raise ValidationFailed(
                    {
                        "organisation": (
                            "Det finns ingen organisation med den koden, det "
                            "organisationsnumret eller det id:t."
                        )
                    }
                )
        filters = Filters(
            municipality=args.get("municipality"),
            organisation=args.get("organisation") or None,
            organisation_id=organisation.id if organisation is not None else None,
            responsible=(args.get("responsible") or "").strip() or None,
            role=args.get("role"),
            form=args.get("form"),
            area=args.get("area") or None,
            phase=args.get("phase"),
            q=(args.get("q") or "").strip() or None,
            sort=sort.lstrip("-"),
            descending=sort.startswith("-"),
            page=args["page"],
            per_page=args["per_page"],
        )
        page = search_agreements(db.session, filters, user, load_contacts=True)
        today = clock.today()
        derived = agreement_panels().derived_dates_for(db.session, page.items, today)
        items = [agreement_payload(a, user, today, derived=derived[a.id]) for a in page.items]
        return envelope(items, page.total, page.page, page.per_page)

    @permission_required("agreement.create")
    @blp.arguments(AgreementCreateSchema)
    @blp.response(
        201,
        AgreementSchema,
        headers={
            "Location": {
                "description": "Adressen till den nya samverkan.",
                "schema": {"type": "string"},
            }
        },
    )
    @_documented(401, 403)
    def post(self, data: dict[str, Any]) -> Any:
        """Registrera en samverkan

        Redaktörer registrerar bara samverkan där den egna kommunen är part. En ny samverkan
        börjar i fasen planned.

        Regler utöver schemat (svar 422 med fältet angivet): varje område i areas ska finnas
        (GET /api/v1/areas), en kommun får bara vara part en gång, parternas roller ska passa
        samverkansformen, end_on ska ligga efter start_on och datum mellan 1950 och 2100.
        """
        user = api_user()
        try:
            outcome = services.create_agreement(
                db.session, merged_input(AgreementInput(), data), actor=web_actor()
            )
        except ValidationFailed as error:
            raise with_api_field_names(error, FIELD_RENAMES) from None
        db.session.commit()
        agreement = outcome.agreement
        location = url_for("api_agreements.agreement", agreement_id=agreement.id)
        payload = agreement_payload(agreement, user, clock.today(), outcome.warnings)
        return payload, 201, {"Location": location}


@blp.route("/<int:agreement_id>", endpoint="agreement")
class AgreementResource(MethodView):
    @blp.response(200, AgreementSchema)
    @_documented(401, 404)
    def get(self, agreement_id: int) -> Any:
        """Hämta en samverkan"""
        agreement = _load_visible(agreement_id)
        return agreement_payload(agreement, api_user(), clock.today())

    @permission_required("agreement.edit", load=_load_visible)
    @blp.arguments(AgreementPatchSchema)
    @blp.response(200, AgreementSchema)
    @_documented(401, 403, 404)
    @blp.alt_response(
        409,
        schema=ErrorSchema,
        description="Versionen är inaktuell: någon annan har sparat. Svaret har de sparade "
        "värdena i current och versionen i current_version.",
    )
    def patch(self, data: dict[str, Any], agreement_id: int) -> Any:
        """Ändra en samverkan

        Bara fälten som skickas ändras. ``version`` måste vara den senast lästa, annars svarar
        API:t 409 med de sparade värdena. Samma regler utöver schemat som när en samverkan
        registreras (422 med fältet angivet).
        """
        agreement = _load_visible(agreement_id)
        version = data.pop("version")
        merged = merged_input(AgreementInput.from_agreement(agreement), data)
        try:
            outcome = services.update_agreement(
                db.session, agreement, merged, expected_version=version, actor=web_actor()
            )
            db.session.commit()
        except ValidationFailed as error:
            db.session.rollback()
            raise with_api_field_names(error, FIELD_RENAMES) from None
        except (StaleVersion, StaleDataError):
            raise _conflict(agreement_id) from None
        return agreement_payload(agreement, api_user(), clock.today(), outcome.warnings)


@blp.route("/<int:agreement_id>/dates", endpoint="dates")
class AgreementDates(MethodView):
    @blp.arguments(DatesQuerySchema, location="query")
    @blp.response(200, AgreementDatesSchema)
    @_documented(401, 404)
    def get(self, args: dict[str, Any], agreement_id: int) -> Any:
        """Om vi säger upp på dag X

        Sista dag för uppsägning av den nuvarande perioden, tidigaste slutdag om uppsägningen
        når de andra parterna ``notice_on``, och för varje part sista dag för ärendet med det
        organ och sammanträde det bygger på och varningar (t.ex. en sammanträdesplan som
        saknas). Datum som ISO, null där inget gäller.
        """
        agreement = _load_visible(agreement_id)
        today = clock.today()
        answer = agreement_panels().what_if(
            db.session, agreement, args.get("notice_on") or today, today
        )
        return {
            "notice_on": answer.notice_on,
            "notice_deadline_on": answer.notice_deadline_on,
            "earliest_end_on": answer.earliest_end_on,
            "current_term_ends_on": answer.current_term_ends_on,
            "decide_by": [
                {
                    "municipality": party.municipality_code,
                    "municipality_name": party.name,
                    "on": decide.decide_by_on,
                    **_decision_case(decide),
                }
                for party, decide in answer.decide_by
            ],
            "warnings": answer.warnings,
        }
