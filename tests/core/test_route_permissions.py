"""Every route × role × (own kommun / other kommun / anonymous) answers as the table says.

The routes come from ``app.url_map``: a new route without a row in ``EXPECTED`` fails
``test_every_route_has_an_expectation``, so nothing is left unchecked by accident.

Scenarios: ``anon`` (not logged in), and ``admin``, ``kommun_admin``, ``editor``, ``reader``
with home kommun Vansbro (2021), each on an object of their own kommun (``own``: a running
agreement where Vansbro is host, Vansbro, a Vansbro user, their own API token) or of another
kommun (``other``: a running agreement between Stockholm and Upplands Väsby, Stockholm, a
Stockholm user, someone else's token). API routes (/api/) authenticate with the user's bearer token
instead of the session. Routes with GET are requested with GET; POST-only routes are posted
with an empty form (CSRF is off here; tests/core/test_csrf.py covers it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from coop_tracker.agreements.bodies import add_body
from coop_tracker.agreements.services import ContactInput, add_contact
from coop_tracker.checklists.models import ChecklistItem
from coop_tracker.core.actor import Actor
from coop_tracker.extensions import db
from coop_tracker.lifecycle.services import ExitInput, create_exit
from coop_tracker.municipalities.models import Municipality
from coop_tracker.organisations.models import Organisation
from coop_tracker.users.models import User
from tests.app_support import introspection_app
from tests.factories import PASSWORD, Factory

SCENARIOS = [
    "anon",
    "admin-own",
    "admin-other",
    "editor-own",
    "editor-other",
    "reader-own",
    "reader-other",
    "kommun_admin-own",
    "kommun_admin-other",
]


def row(anon: int, admin: int, editor_own: int, editor_other: int, reader: int) -> dict[str, int]:
    """Expected statuses; admins are the same on own and other, readers too unless noted.

    A kommun administrator answers as an editor unless ``kommun_admin`` overrides it."""
    return {
        "anon": anon,
        "admin-own": admin,
        "admin-other": admin,
        "editor-own": editor_own,
        "editor-other": editor_other,
        "reader-own": reader,
        "reader-other": reader,
    }


def kommun_admin(own: int, other: int) -> dict[str, int]:
    """A kommun administrator's statuses where they differ from an editor's."""
    return {"kommun_admin-own": own, "kommun_admin-other": other}


LOGIN = 302  # anonymous users are sent to the login page
API_ANON = 401  # the API answers JSON 401 instead of redirecting

EXPECTED: dict[str, dict[str, int]] = {
    # endpoint: row(anon, admin, editor own, editor other, reader)
    "static": row(200, 200, 200, 200, 200),
    "core.healthz": row(200, 200, 200, 200, 200),
    "core.readyz": row(200, 200, 200, 200, 200),
    "core.favicon": row(301, 301, 301, 301, 301),
    "start.index": row(LOGIN, 200, 200, 200, 200),
    "core.accessibility": row(200, 200, 200, 200, 200),
    "core.personal_data": row(200, 200, 200, 200, 200),
    "core.set_language": row(302, 302, 302, 302, 302),
    "users.login": row(200, 302, 302, 302, 302),  # logged-in users go to the start page
    # OpenID Connect sign-in: no provider is configured here (tests/users/test_oidc.py has one).
    "oidc.start": row(404, 404, 404, 404, 404),
    "oidc.callback": row(404, 404, 404, 404, 404),
    "users.logout": row(LOGIN, 302, 302, 302, 302),
    "users.tokens": row(LOGIN, 200, 200, 200, 200),
    "users.revoke_token": {
        **row(LOGIN, 302, 302, 302, 302),
        **{k: 404 for k in SCENARIOS if k.endswith("-other")},
    },
    "users.change_password": row(LOGIN, 200, 200, 200, 200),
    # A kommun administrator administers its own kommun's people; others' are not found.
    "users.admin_users": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 200)},
    "users.admin_user_new": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 200)},
    "users.admin_user_edit": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 404)},
    "users.admin_user_active": {**row(LOGIN, 302, 403, 403, 403), **kommun_admin(302, 404)},
    "users.admin_user_password": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 404)},
    "people.change_email": {**row(LOGIN, 302, 403, 403, 403), **kommun_admin(302, 404)},
    # A forged or stale confirmation link: refused on the login page, for everyone.
    "people.confirm_email": row(302, 302, 302, 302, 302),
    "people.unlock": {**row(LOGIN, 302, 403, 403, 403), **kommun_admin(302, 404)},
    "people.new_password": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 404)},
    "people.anonymise": {**row(LOGIN, 302, 403, 403, 403), **kommun_admin(302, 404)},
    "agreements.index": row(LOGIN, 200, 200, 200, 200),
    "agreements.create": row(LOGIN, 200, 200, 200, 403),
    "agreements.detail": row(LOGIN, 200, 200, 200, 200),
    "agreements.edit": row(LOGIN, 200, 200, 403, 403),
    "agreements.archive": row(LOGIN, 200, 403, 403, 403),
    "agreements.restore": row(LOGIN, 302, 403, 403, 403),
    "agreements.contact_new": row(LOGIN, 200, 200, 403, 403),
    "agreements.contact_edit": row(LOGIN, 200, 200, 403, 403),
    "audit.agreement_history": row(LOGIN, 200, 200, 200, 200),
    "audit.index": row(LOGIN, 200, 403, 403, 403),
    "audit.export_csv": row(LOGIN, 200, 403, 403, 403),
    "municipalities.index": row(LOGIN, 200, 200, 200, 200),
    "municipalities.detail": row(LOGIN, 200, 200, 200, 200),
    # A kommun's own settings: its kommun administrators and the administrators.
    "municipalities.settings": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 403)},
    # A kommun's list of nämnder: its kommun administrators and the admins.
    "bodies.index": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 403)},
    "bodies.edit": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 403)},
    # The kommun administrator removes Vansbro's nämnd first, so the admin then finds it gone.
    "bodies.remove": {
        **row(LOGIN, 302, 403, 403, 403),
        "admin-own": 404,
        **kommun_admin(302, 403),
    },
    "organisations.index": row(LOGIN, 200, 200, 200, 200),
    "organisations.detail": row(LOGIN, 200, 200, 200, 200),
    "organisations.create": row(LOGIN, 200, 200, 200, 403),
    # org_id is Region Dalarna: reference data, changed by nobody here.
    "organisations.edit": row(LOGIN, 403, 403, 403, 403),
    "agreements.form_confirmations": row(LOGIN, 200, 403, 403, 403),
    "agreements.confirm_form": row(LOGIN, 302, 403, 403, 403),
    "public.index": row(200, 200, 200, 200, 200),
    "public.detail": row(200, 200, 200, 200, 200),
    # Open data: the same for everyone, no login and no token.
    "public.municipality": row(200, 200, 200, 200, 200),
    "public.open_data": row(200, 200, 200, 200, 200),
    "public.agreements_csv": row(200, 200, 200, 200, 200),
    "public.agreements_semicolon_csv": row(200, 200, 200, 200, 200),
    "public.parties_csv": row(200, 200, 200, 200, 200),
    "public.parties_semicolon_csv": row(200, 200, 200, 200, 200),
    "public.documents_csv": row(200, 200, 200, 200, 200),
    "public.documents_semicolon_csv": row(200, 200, 200, 200, 200),
    "public.agreements_json": row(200, 200, 200, 200, 200),
    "public.agreements_jsonld": row(200, 200, 200, 200, 200),
    "public.catalog_jsonld": row(200, 200, 200, 200, 200),
    "public.catalog_rdf": row(200, 200, 200, 200, 200),
    "public.network_graphml": row(200, 200, 200, 200, 200),
    "public.network_json": row(200, 200, 200, 200, 200),
    "public.api_agreements": row(200, 200, 200, 200, 200),
    "public.api_agreement": row(200, 200, 200, 200, 200),
    "public.api_municipality": row(200, 200, 200, 200, 200),
    # A kommun's publication settings: its kommun administrators and the administrators.
    "publication.edit": {**row(LOGIN, 200, 403, 403, 403), **kommun_admin(200, 403)},
    "api-docs.openapi_json": row(200, 200, 200, 200, 200),
    "api_page.docs": row(200, 200, 200, 200, 200),
    # Exchange: anyone logged in exports what they may see; only editors and admins import
    # (without an uploaded file the later import steps send back to the upload: 302).
    "exchange.export": row(LOGIN, 200, 200, 200, 200),
    "exchange.template": row(LOGIN, 200, 200, 200, 200),
    "exchange.upload": row(LOGIN, 200, 200, 200, 403),
    "exchange.mapping": row(LOGIN, 302, 302, 302, 403),
    "exchange.preview": row(LOGIN, 302, 302, 302, 403),
    "exchange.apply": row(LOGIN, 302, 302, 302, 403),
    "exchange.links": row(LOGIN, 302, 302, 302, 403),
    # Oversight (uppsikt) of any kommun is open to every logged-in role.
    "oversight.page": row(LOGIN, 200, 200, 200, 200),
    "oversight.report": row(LOGIN, 200, 200, 200, 200),
    "oversight.pdf": row(LOGIN, 200, 200, 200, 200),
    # The network is open to every logged-in role; starting a planned agreement from an
    # example only to editors of that kommun. (The walk asks for the export as "csv": 404.)
    "network.index": row(LOGIN, 200, 200, 200, 200),
    "network.graph_json": row(LOGIN, 200, 200, 200, 200),
    "network.panel_json": row(LOGIN, 200, 200, 200, 200),
    "network.export": row(LOGIN, 404, 404, 404, 404),
    "network.similar": row(LOGIN, 200, 200, 200, 200),
    "network.adopt": row(LOGIN, 403, 200, 403, 403),
    # The API: bearer tokens instead of the session; no token is a JSON 401.
    "api_me.me": row(API_ANON, 200, 200, 200, 200),
    "api_municipalities.municipalities": row(API_ANON, 200, 200, 200, 200),
    "api_municipalities.municipality": row(API_ANON, 200, 200, 200, 200),
    "api_organisations.organisations": row(API_ANON, 200, 200, 200, 200),
    "api_organisations.organisation": row(API_ANON, 200, 200, 200, 200),
    "api_areas.areas": row(API_ANON, 200, 200, 200, 200),
    "api_areas.area": row(API_ANON, 200, 200, 200, 200),
    "api_areas.area_merge": row(API_ANON, 422, 403, 403, 403),
    "api_agreements.agreements": row(API_ANON, 200, 200, 200, 200),
    "api_agreements.agreement": row(API_ANON, 200, 200, 200, 200),
    "api_agreements.dates": row(API_ANON, 200, 200, 200, 200),
    "api_history.history": row(API_ANON, 200, 200, 200, 200),
    # Follow-up: reviews are read by all, recorded by editors of a party (and admins).
    "reviews.index": row(LOGIN, 200, 200, 200, 200),
    "reviews.new": row(LOGIN, 200, 200, 403, 403),
    "reviews.edit": row(LOGIN, 200, 200, 403, 403),
    # Meeting calendars: everyone reads; the kommun's own editors (and admins) change them.
    "meetings.index": row(LOGIN, 200, 200, 200, 200),
    "meetings.template_csv": row(LOGIN, 200, 200, 200, 200),
    "meetings.import_file": row(LOGIN, 200, 200, 403, 403),
    "meetings.copy": row(LOGIN, 200, 200, 403, 403),
    # The editor deletes Vansbro's meeting first, so the admins then find it gone (404).
    "meetings.delete": {
        **row(LOGIN, 302, 302, 403, 403),
        "admin-own": 404,
        **kommun_admin(404, 403),
    },
    # A person's own reminders, settings and calendar; someone else's reminder is a 404.
    "reminders.todo": row(LOGIN, 200, 200, 200, 200),
    "reminders.snooze": {
        **row(LOGIN, 404, 404, 404, 404),
        "editor-own": 302,
        **kommun_admin(404, 404),
    },
    "reminders.settings": row(LOGIN, 200, 200, 200, 200),
    "reminders.regenerate_calendar": row(LOGIN, 302, 302, 302, 302),
    "reminders.calendar_feed": row(200, 200, 200, 200, 200),  # the secret is the key
    "api_reviews.reviews": row(API_ANON, 200, 200, 200, 200),
    "api_reminders.upcoming": row(API_ANON, 200, 200, 200, 200),
    "api_graph.graph": row(API_ANON, 200, 200, 200, 200),
    "api_similar.similar": row(API_ANON, 200, 200, 200, 200),
    # Lifecycle: everyone who sees the agreement sees its timeline, checklist and exit plans;
    # the parties' editors (and admins) change them. Empty posts are refused as bad input
    # (409 for a phase change to nothing, 422 for a missing version) or, for one-click
    # toggles, answered with a message and a redirect back.
    "lifecycle.overview": row(LOGIN, 200, 200, 200, 200),
    "lifecycle.change_phase": row(LOGIN, 409, 409, 403, 403),
    "lifecycle.exits": row(LOGIN, 200, 200, 200, 200),
    "lifecycle.exit_new": row(LOGIN, 200, 200, 403, 403),
    "lifecycle.exit_edit": row(LOGIN, 200, 200, 403, 403),
    "lifecycle.exit_detail": row(LOGIN, 200, 200, 200, 200),
    "lifecycle.exit_print": row(LOGIN, 200, 200, 200, 200),
    "lifecycle.exit_adopt": row(LOGIN, 422, 422, 403, 403),
    "lifecycle.exit_complete": row(LOGIN, 422, 422, 403, 403),
    "lifecycle.exit_withdraw": row(LOGIN, 422, 422, 403, 403),
    "lifecycle.task_edit": row(LOGIN, 200, 200, 403, 403),
    "lifecycle.task_done": row(LOGIN, 302, 302, 403, 403),
    "lifecycle.task_new": row(LOGIN, 200, 200, 403, 403),
    "lifecycle.task_remove": row(LOGIN, 302, 302, 403, 403),
    "lifecycle.exit_delete": row(LOGIN, 302, 302, 403, 403),
    "lifecycle.decision_edit": row(LOGIN, 200, 200, 403, 403),
    "lifecycle.transition_agreement": row(LOGIN, 302, 302, 403, 403),
    "checklists.agreement_checklist": row(LOGIN, 200, 200, 200, 200),
    "checklists.bring_up_to_date": row(LOGIN, 302, 302, 403, 403),
    "checklists.toggle": row(LOGIN, 302, 302, 403, 403),
    "checklists.item_edit": row(LOGIN, 200, 200, 403, 403),
    "checklists.templates": row(LOGIN, 200, 403, 403, 403),
    "checklists.template_detail": row(LOGIN, 200, 403, 403, 403),
    "checklists.template_item": row(LOGIN, 200, 403, 403, 403),
    "checklists.template_versions": row(LOGIN, 200, 403, 403, 403),
    "keys.index": row(LOGIN, 200, 403, 403, 403),
    "areas.index": row(LOGIN, 200, 403, 403, 403),
    "reference.index": row(LOGIN, 200, 403, 403, 403),
    "reference.refresh": row(LOGIN, 302, 403, 403, 403),
    "areas.detail": row(LOGIN, 200, 403, 403, 403),
    "keys.create_account": row(LOGIN, 422, 403, 403, 403),
    "keys.create_key": row(LOGIN, 422, 403, 403, 403),
    "keys.revoke": row(LOGIN, 302, 403, 403, 403),
    "lifecycle_api.list_transitions": row(API_ANON, 200, 200, 200, 200),
    "lifecycle_api.post_transition": row(API_ANON, 422, 422, 403, 403),  # no to_phase sent
    "lifecycle_api.list_exits": row(API_ANON, 200, 200, 200, 200),
    "lifecycle_api.post_exit": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.adopt": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.complete": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.withdraw": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.get_exit": row(API_ANON, 200, 200, 200, 200),
    "lifecycle_api.patch_exit": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.delete_exit": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.post_task": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.patch_task": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.delete_task": row(API_ANON, 422, 422, 403, 403),
    "lifecycle_api.put_decision": row(API_ANON, 422, 422, 403, 403),
    # editor-own runs first and creates the övergångsavtal; the admin then finds it made.
    "lifecycle_api.post_transition_agreement": {
        **row(API_ANON, 422, 201, 403, 403),
        "admin-other": 201,
        **kommun_admin(422, 403),
    },
    "checklists_api.get_checklist": row(API_ANON, 200, 200, 200, 200),
    "checklists_api.patch_item": row(API_ANON, 422, 422, 403, 403),
    # Documents: seen and downloaded by everyone who sees the agreement, added by its parties'
    # editors; the World's documents are marked public and their agreements are public.
    "documents.agreement_documents": row(LOGIN, 200, 200, 200, 200),
    "documents.new": row(LOGIN, 200, 200, 403, 403),
    "documents.detail": row(LOGIN, 200, 200, 200, 200),
    "documents.new_version": row(LOGIN, 200, 200, 403, 403),
    "documents.edit": row(LOGIN, 200, 200, 403, 403),
    "documents.download": row(LOGIN, 200, 200, 200, 200),
    "documents.download_version": row(LOGIN, 200, 200, 200, 200),
    "documents.public_download": row(200, 200, 200, 200, 200),
    "documents.search": row(LOGIN, 200, 200, 200, 200),
    "api_documents.documents": row(API_ANON, 200, 200, 200, 200),
    "api_documents.document": row(API_ANON, 200, 200, 200, 200),
    "api_documents.file": row(API_ANON, 200, 200, 200, 200),
    "api_documents.version_file": row(API_ANON, 200, 200, 200, 200),
    "api_documents.versions": row(API_ANON, 422, 422, 403, 403),  # nothing sent
    "api_documents.search": row(API_ANON, 422, 422, 422, 422),  # no q sent
    # The årshjul: everyone reads a kommun's year and an agreement's duties; a kommun's own
    # editors (and admins) mark its duties done. The walk's duty is the look at the agreement
    # due in 2027; reopening one that is not done answers with a message and a redirect.
    "annual.year": row(LOGIN, 200, 200, 200, 200),
    "annual.mark_done": row(LOGIN, 200, 200, 403, 403),
    "annual.reopen": row(LOGIN, 303, 303, 403, 403),
    "annual.settings": row(LOGIN, 200, 200, 200, 200),
    "api_year.year": row(API_ANON, 200, 200, 200, 200),
    "api_year.year_done": row(API_ANON, 422, 422, 403, 403),  # nothing sent
    # Costs: everyone who sees the agreement sees its shares; the parties' editors (and
    # admins) change the model and record outcomes (an empty outcome is refused as bad
    # input); index values and population figures are reference data for administrators.
    "costs.agreement": row(LOGIN, 200, 200, 200, 200),
    "costs.outcome": row(LOGIN, 422, 422, 403, 403),
    "costs.reference": row(LOGIN, 200, 403, 403, 403),
    "costs.kommun_csv": row(LOGIN, 200, 200, 200, 200),
    "api_costs.costs": row(API_ANON, 200, 200, 200, 200),
}


for _expected in EXPECTED.values():
    _expected.setdefault("kommun_admin-own", _expected["editor-own"])
    _expected.setdefault("kommun_admin-other", _expected["editor-other"])


def _routes() -> list[tuple[str, str, str]]:
    app = introspection_app()
    found = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        method = "GET" if "GET" in methods else sorted(methods)[0]
        found.append((rule.endpoint, rule.rule, method))
    return sorted(found)


ROUTES = _routes()


def test_every_route_has_an_expectation():
    missing = sorted({endpoint for endpoint, _rule, _m in ROUTES} - set(EXPECTED))
    assert missing == [], f"add these endpoints to EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - {endpoint for endpoint, _rule, _m in ROUTES})
    assert stale == [], f"EXPECTED names endpoints that no longer exist: {stale}"


class World:
    """Users, agreements, a contact and tokens for the walk."""

    def __init__(self, factory: Factory) -> None:
        self.users = {
            "admin": factory.user("admin", "2021", email="admin@vansbro.se"),
            "editor": factory.user("editor", "2021", email="editor@vansbro.se"),
            "reader": factory.user("reader", "2021", email="reader@vansbro.se"),
            "kommun_admin": factory.user("kommun_admin", "2021", email="kommun_admin@vansbro.se"),
        }
        self.vansbro_user = factory.user("reader", "2021", email="kollega@vansbro.se")
        self.stockholm_user = factory.user("editor", "0180", email="editor@stockholm.se")
        self.own = factory.agreement(
            [("2021", "host"), ("2023", "purchaser")], phase="active", is_public=True
        )
        self.other = factory.agreement(
            [("0180", "host"), ("0114", "purchaser")], phase="active", is_public=True
        )
        for agreement in (self.own, self.other):
            add_contact(
                db.session,
                agreement.parties[0],
                ContactInput(name="Kim Kontakt"),
                actor=Actor.system(),
            )
            agreement.archived_at = None
        db.session.commit()
        self.exits = {}
        for scope, agreement in (("own", self.own), ("other", self.other)):
            plan = create_exit(
                db.session, agreement, ExitInput(), actor=Actor.system(), today=date(2026, 3, 2)
            ).exit
            item = db.session.scalars(
                select(ChecklistItem).where(ChecklistItem.agreement_id == agreement.id)
            ).first()
            self.exits[scope] = (plan.id, plan.tasks[0].id, item.id)
        db.session.commit()
        self.documents = {
            scope: _document(agreement)
            for scope, agreement in (("own", self.own), ("other", self.other))
        }
        self.region_id = db.session.scalar(select(Organisation.id).where(Organisation.code == "20"))
        self.bodies = {
            scope: add_body(
                db.session,
                db.session.get(Municipality, code),
                "Socialnämnden",
                actor=Actor.system(),
            ).id
            for scope, code in (("own", "2021"), ("other", "0180"))
        }
        self.tokens = {name: factory.token(user) for name, user in self.users.items()}
        factory.token(self.stockholm_user)
        self.stockholm_token_id = self.stockholm_user.tokens[0].id
        self.follow_up = {
            "own": _follow_up(self.own, "2021", self.users["editor"]),
            "other": _follow_up(self.other, "0180", self.stockholm_user),
        }
        db.session.commit()

    def values(self, role: str | None, scope: str) -> dict[str, Any]:
        agreement = self.own if scope == "own" else self.other
        party = agreement.parties[0]
        user = self.users.get(role or "")
        if scope == "own" and user is not None:
            token_id = user.tokens[0].id
        else:
            token_id = self.stockholm_token_id
        return {
            "agreement_id": agreement.id,
            "party_id": party.id,
            "contact_id": party.contacts[0].id,
            "code": "2021" if scope == "own" else "0180",
            "user_id": (self.vansbro_user if scope == "own" else self.stockholm_user).id,
            "token_id": token_id,
            "lang": "sv",
            "name": "kommun",
            "slug": "lon",
            "fmt": "csv",
            "filename": "css/app.css",
            **self.follow_up["own" if scope == "own" else "other"],
            "exit_id": self.exits[scope][0],
            "task_id": self.exits[scope][1],
            "item_id": self.exits[scope][2],
            "key": "before",
            "item_key": "purpose-goals",
            "document_id": self.documents[scope],
            "number": 1,
            "kind": "annual_documents",
            "year": 2027,
            "org_id": self.region_id,
            "ref": "20",
            "body_id": self.bodies[scope],
        }


def _document(agreement: Any) -> int:
    """A public document with a real ODT file (made with odfpy)."""
    import io

    from odf.opendocument import OpenDocumentText
    from odf.text import P

    from coop_tracker.documents.services import (
        DocumentInput,
        Upload,
        VersionInput,
        create_document,
    )

    odt = OpenDocumentText()
    odt.text.addElement(P(text="Avtalet."))
    out = io.BytesIO()
    odt.write(out)
    document = create_document(
        db.session,
        agreement,
        DocumentInput(
            doc_type="avtal",
            title="Avtalet",
            is_public=True,
            first=VersionInput(file=Upload("avtalet.odt", out.getvalue())),
        ),
        actor=Actor.system(),
    )
    db.session.commit()
    return document.id


def _follow_up(agreement: Any, code: str, user: Any) -> dict[str, Any]:
    """A meeting of the kommun, a review of the agreement, a reminder and calendar of ``user``."""
    from datetime import date

    from coop_tracker.users.calendar import ensure_calendar_secret
    from tests.factories import follow_up_records

    # The reminder is due far ahead: the planner never touches it.
    meeting, review, reminder = follow_up_records(
        db.session, agreement, user, code=code, due_on=date(2099, 6, 1)
    )
    return {
        "meeting_id": meeting.id,
        "review_id": review.id,
        "reminder_id": reminder.id,
        "secret": ensure_calendar_secret(db.session, user, actor=Actor.system()),
        "token": "not-a-signed-token",
    }


# Scenarios that change data (archive, deactivate, revoke) run last, so earlier ones see the
# world as it was built; every scenario starts with a new client, signed in afresh.
ORDER = [
    "anon",
    "reader-own",
    "reader-other",
    "editor-own",
    "editor-other",
    "kommun_admin-own",
    "kommun_admin-other",
    "admin-own",
    "admin-other",
]


def _url(rule: str, values: dict[str, Any]) -> str:
    url = rule
    for name, value in values.items():
        for converter in ("", "int:", "path:"):
            url = url.replace(f"<{converter}{name}>", str(value))
    assert "<" not in url, f"no value for a parameter of {rule}"
    return url


# Session cookies from real sign-ins (POST /login with the password), by (email, session
# token, active): a user's cookie is reused while the database still holds that session token
# and the account is active; a logout (a new token) or a deactivation makes the next scenario
# sign in through /login again. The World is put back in the same state for every test, so
# its users sign in once per session instead of ~1,200 times (a password check each).
_SESSIONS: dict[tuple[str, str, bool], str] = {}


def _sign_in(client: Any, role: str) -> None:
    email = f"{role}@vansbro.se"
    token, active = db.session.execute(
        select(User.session_token, User.is_active_account).where(User.email == email)
    ).one()
    db.session.rollback()  # the next request starts on a session without this read in it
    key = (email, token, active)
    if key in _SESSIONS:
        client.set_cookie("session", _SESSIONS[key])
        return
    login = client.post("/login", data={"email": email, "password": PASSWORD})
    assert login.status_code == 302, f"{role} could not log in"
    cookie = client.get_cookie("session")
    assert cookie is not None, f"{role} got no session cookie"
    _SESSIONS[key] = cookie.value


@pytest.fixture(autouse=True)
def _no_kolada(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference data refresh never reaches the network here: Kolada answers "down"."""
    from coop_tracker.municipalities import cli, kolada

    def down(url: str) -> Any:
        raise kolada.KoladaUnavailable("Kolada kunde inte nås (test).")

    monkeypatch.setattr(cli, "default_fetcher", lambda: down)


class WorldCopy:
    """What the walk reads of a World (tokens, URL values), kept with a saved state of its
    database: the first test builds the World, later ones put that state back instead."""

    def __init__(self, world: World) -> None:
        self.tokens = dict(world.tokens)
        self._values = {
            (role, scope): world.values(role, scope)
            for role in (None, *world.users)
            for scope in ("own", "other")
        }

    def values(self, role: str | None, scope: str) -> dict[str, Any]:
        return dict(self._values[(role, scope)])


@pytest.fixture
def world(app: Any, factory: Factory, saved_world: Any) -> Any:
    """The walk's World in this test's fresh database, built once per session."""
    return saved_world.get(app, "route-matrix", lambda: WorldCopy(World(factory)))


@pytest.mark.parametrize(("endpoint", "rule", "method"), ROUTES, ids=[r[0] for r in ROUTES])
def test_route_status(app, world, endpoint, rule, method):
    """One route, every scenario: the whole row is compared so a failure shows every cell."""
    if endpoint not in EXPECTED:
        pytest.fail(f"no expectation for {endpoint}")
    assert sorted(ORDER) == sorted(SCENARIOS)
    actual: dict[str, int] = {}
    for scenario in ORDER:
        role, _, scope = scenario.partition("-")
        client = app.test_client()
        headers = {}
        if role != "anon" and rule.startswith("/api/"):
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        elif role != "anon":
            _sign_in(client, role)
        url = _url(rule, world.values(None if role == "anon" else role, scope or "other"))
        response = client.open(url, method=method, headers=headers)
        response.close()
        actual[scenario] = response.status_code
        if role == "anon" and response.status_code == 302 and endpoint != "core.set_language":
            assert "/login" in response.headers["Location"], f"{url} must send to the login"
    expected = EXPECTED[endpoint]
    wrong = {s: f"{actual[s]} (expected {expected[s]})" for s in ORDER if actual[s] != expected[s]}
    assert wrong == {}, f"{method} {rule}: {wrong}"
