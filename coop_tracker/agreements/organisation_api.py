"""Organisations in the JSON API: every kind of party, by kind; registering förbund, Finsam
and companies."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from coop_tracker.agreements.organisation_queries import founding_agreements, members_of
from coop_tracker.api.common import api_user, error_responses, listing, permission_required
from coop_tracker.api.schemas import paged
from coop_tracker.core.errors import NotFound
from coop_tracker.core.web import web_actor
from coop_tracker.extensions import db
from coop_tracker.organisations import services
from coop_tracker.organisations.models import Organisation
from coop_tracker.organisations.queries import search_organisations
from coop_tracker.organisations.schemas import (
    OrganisationCreateSchema,
    OrganisationListQuerySchema,
    OrganisationSchema,
)
from coop_tracker.organisations.services import OrganisationInput, find_organisation

blp = Blueprint(
    "api_organisations",
    __name__,
    url_prefix="/api/v1/organisations",
    description="Organisationer som kan vara parter: kommuner, regioner, kommunalförbund, "
    "samordningsförbund, bolag och statliga myndigheter.",
)
NOT_FOUND = "Organisationen finns inte. Ange id, kommunkod, länskod eller organisationsnummer."


def organisation_payload(org: Organisation, founding: list[Any] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": org.id,
        "key": org.key,
        "kind": org.kind,
        "name": org.name,
        "code": org.code,
        "org_number": org.org_number,
        "municipality": org.municipality_code,
        "county_code": org.county_code,
        "description": org.description,
        "articles_adopted_on": org.articles_adopted_on,
        "owner_directive_on": org.owner_directive_on,
        "version": org.version,
    }
    if founding is not None:
        payload["founding_agreement"] = founding[0].id if founding else None
    return payload


@blp.route("", endpoint="organisations")
class Organisations(MethodView):
    @listing(blp, OrganisationListQuerySchema, OrganisationSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Lista organisationer

        Filtrera på typ (kind: kommun, region, forbund, finsam, company, agency) och del av
        namn, kod eller organisationsnummer (q). En part anges i en samverkan som
        ``{"organisation": <id eller kod>, "role": …}``.
        """
        rows, total = search_organisations(
            db.session,
            kind=args.get("kind"),
            q=args.get("q"),
            page=args["page"],
            per_page=args["per_page"],
        )
        founding = founding_agreements(db.session, [o.id for o in rows])
        items = [organisation_payload(o, founding.get(o.id, [])) for o in rows]
        return paged(items, total, args)

    @permission_required("organisation.create")
    @blp.arguments(OrganisationCreateSchema)
    @blp.response(201, OrganisationSchema)
    @error_responses(blp, 401, 403, 422)
    def post(self, data: dict[str, Any]) -> Any:
        """Registrera ett kommunalförbund, samordningsförbund eller bolag

        Medlemmarna (ägarna) registreras som parter i den samverkan som bildar organisationen,
        med ``body_organisation`` satt till organisationens id.
        """
        api_user()
        org = services.create_organisation(db.session, OrganisationInput(**data), actor=web_actor())
        db.session.commit()
        location = url_for("api_organisations.organisation", ref=org.id)
        return organisation_payload(org, []), 201, {"Location": location}


@blp.route("/<ref>", endpoint="organisation")
class OrganisationResource(MethodView):
    @blp.response(200, OrganisationSchema)
    @error_responses(blp, 401, 404, descriptions={404: NOT_FOUND})
    def get(self, ref: str) -> Any:
        """Hämta en organisation med id, kommunkod, länskod eller organisationsnummer

        Förbund och bolag har med sina nuvarande medlemmar (ägare).
        """
        org = find_organisation(db.session, ref)
        if org is None and ref.isdigit():
            org = find_organisation(db.session, int(ref))
        if org is None:
            raise NotFound(NOT_FOUND)
        payload = organisation_payload(
            org, founding_agreements(db.session, [org.id]).get(org.id, [])
        )
        payload["members"] = [
            {"id": m.id, "key": m.key, "kind": m.kind, "name": m.name}
            for m, _party in members_of(db.session, org)
        ]
        return payload
