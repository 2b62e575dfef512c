"""The agreement register in the API: list, filters, create, read, PATCH, visibility, refusals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import ContactInput, add_contact
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from tests.api.conftest import agreement_body
from tests.sql_support import counted_statements

VALIDATION_MESSAGE = "Uppgifterna innehåller fel. Rätta fälten som anges."


@pytest.fixture
def frozen_today(frozen_clock):
    return frozen_clock.set(date(2026, 3, 1))


def _refusal(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert {"error", "message", "fields"} <= set(body)
    return body


# --- list -------------------------------------------------------------------------------------


def test_list_is_an_envelope_of_agreements_with_parties_and_derived_dates(
    api, factory, frozen_today
):
    agreement = factory.agreement(
        phase="active",
        title="Räddningstjänst Dala Mitt",
        start_on="2024-01-01",
        end_on="2026-12-31",
        notice_months=6,
        renewal="tacit",
        renewal_months=12,
        internal_lead_days=30,
    )
    body = api.get("/api/v1/agreements").get_json()
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 50)
    item = body["items"][0]
    assert item["id"] == agreement.id
    assert item["title"] == "Räddningstjänst Dala Mitt"
    assert item["form"] == "avtalssamverkan" and item["phase"] == "active"
    assert item["areas"] == ["miljo-halsoskydd"]
    assert [(p["municipality"], p["municipality_name"], p["role"]) for p in item["parties"]] == [
        ("2021", "Vansbro", "host"),
        ("2023", "Malung-Sälen", "purchaser"),
    ]
    assert item["current_term_end_on"] == "2026-12-31"
    assert item["notice_deadline_on"] == "2026-06-30"
    # No meeting calendar: the deadline minus the 14-day buffer and the 30 days' lead time.
    assert item["decide_by_on"] == "2026-05-17"
    assert item["term"] == "renewing" and item["renewal"] == "tacit"
    assert item["end_alignment"] == "none"
    assert item["next_review_on"] is not None
    assert item["version"] == agreement.version
    assert item["created_at"].endswith("+00:00")


def test_list_filters(api, factory):
    host_vansbro = factory.agreement(
        [("2021", "host"), ("2023", "purchaser")], phase="active", title="Lön Vansbro"
    )
    forbund = factory.agreement(
        [("2080", "member"), ("2081", "member")],
        form="kommunalforbund",
        areas=["raddningstjanst"],
        phase="active",
        title="Räddningstjänstförbund",
        purpose="Gemensam utryckning",
    )
    ended = factory.agreement(
        [("2023", "host"), ("2021", "purchaser")], phase="ended", title="Gammal IT-samverkan"
    )

    def ids(query):
        response = api.get(f"/api/v1/agreements?{query}")
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("municipality=2021") == [ended.id, host_vansbro.id]
    assert ids("municipality=2021&role=host") == [host_vansbro.id]
    assert ids("municipality=2021&role=purchaser") == [ended.id]
    # A role alone: agreements where some party has it (the schema states no other rule).
    assert set(ids("role=host")) == {ended.id, host_vansbro.id}
    assert ids("role=member") == [forbund.id]
    assert ids("form=kommunalforbund") == [forbund.id]
    assert ids("area=raddningstjanst") == [forbund.id]
    assert ids("phase=ended") == [ended.id]
    assert ids("q=utryckning") == [forbund.id]
    assert ids("q=falun") == [forbund.id]  # a party's name
    assert ids("sort=-title") == [forbund.id, host_vansbro.id, ended.id]
    assert ids("area=no-such-area") == []


def test_list_pagination(api, factory):
    for n in range(5):
        factory.agreement(phase="active", title=f"Samverkan {n}")
    first = api.get("/api/v1/agreements?per_page=2").get_json()
    third = api.get("/api/v1/agreements?per_page=2&page=3").get_json()
    assert (first["total"], first["per_page"], len(first["items"])) == (5, 2, 2)
    assert [i["title"] for i in first["items"]] == ["Samverkan 0", "Samverkan 1"]
    assert [i["title"] for i in third["items"]] == ["Samverkan 4"]
    assert third["page"] == 3


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("per_page=100000", {"per_page": "Måste vara minst 1 och högst 200."}),
        ("per_page=0", {"per_page": "Måste vara minst 1 och högst 200."}),
        ("page=x", {"page": "Måste vara ett heltal."}),
        ("municipality=Vansbro", {"municipality": "Kommunkod ska vara fyra siffror, t.ex. 0180."}),
        ("sort=password", None),
        ("phase=sleeping", None),
        ("q=" + "x" * 101, {"q": "Får ha högst 100 tecken."}),
    ],
)
def test_bad_list_filters_are_422_naming_the_field(api, query, fields):
    body = _refusal(api.get(f"/api/v1/agreements?{query}"), 422)
    assert body["message"] == VALIDATION_MESSAGE
    if fields is None:
        name = query.split("=")[0]
        assert body["fields"][name].startswith("Måste vara ett av:")
    else:
        assert body["fields"] == fields


def test_list_query_count_does_not_grow_with_the_data(api, factory, session):
    def add(n):
        for _ in range(n):
            agreement = factory.agreement(phase="active")
            add_contact(
                session,
                agreement.parties[0],
                ContactInput(name="Anna Andersson", email="anna@vansbro.se", is_carrier=True),
                actor=Actor.system(),
            )
        session.commit()

    def measure():
        session.expire_all()
        with counted_statements() as statements:
            response = api.get("/api/v1/agreements?per_page=200")
        assert response.status_code == 200
        return len(statements), response.get_json()

    add(5)
    api.get("/api/v1/me")  # the token's first use writes last_used_at; leave that out
    few, body = measure()
    assert body["total"] == 5
    assert body["items"][0]["parties"][0]["contacts"][0]["name"] == "Anna Andersson"
    add(45)
    many, body = measure()
    assert body["total"] == 50
    assert few == many
    assert many <= 11  # includes the kommuner's own deadline settings (one query)


# --- visibility -------------------------------------------------------------------------------


def test_planned_agreement_of_other_kommuner_is_hidden_from_a_third_kommun(api_as, factory):
    planned = factory.agreement([("2080", "host"), ("2081", "purchaser")])  # Falun, Borlänge
    outsider = api_as("editor", "2021")
    body = _refusal(outsider.get(f"/api/v1/agreements/{planned.id}"), 404)
    assert body["message"] == "Samverkan hittades inte."
    assert outsider.get("/api/v1/agreements").get_json()["total"] == 0
    _refusal(outsider.patch(f"/api/v1/agreements/{planned.id}", json={"version": 1}), 404)
    party = api_as("reader", "2080")
    assert party.get(f"/api/v1/agreements/{planned.id}").status_code == 200
    assert party.get("/api/v1/agreements").get_json()["total"] == 1


def test_archived_agreements_are_for_admins_only(api_as, factory, session):
    agreement = factory.agreement(phase="active")
    from coop_tracker.agreements.services import archive_agreement

    archive_agreement(session, agreement, "Dubblett", actor=Actor.system())
    session.commit()
    editor = api_as("editor", "2021")
    _refusal(editor.get(f"/api/v1/agreements/{agreement.id}"), 404)
    admin = api_as("admin", None)
    body = admin.get(f"/api/v1/agreements/{agreement.id}").get_json()
    assert body["archived_at"] is not None
    assert admin.get("/api/v1/agreements").get_json()["total"] == 1


def test_reader_cannot_create_or_change(api_as, factory):
    agreement = factory.agreement(phase="active")
    reader = api_as("reader", "2021")
    body = _refusal(reader.post("/api/v1/agreements", json=agreement_body()), 403)
    assert body["error"] == "forbidden"
    assert body["message"] == "Du har inte behörighet att göra detta."
    # refused before the body is read: an empty body is still a 403, not a 422
    _refusal(reader.post("/api/v1/agreements", json={}), 403)
    _refusal(
        reader.patch(f"/api/v1/agreements/{agreement.id}", json={"version": 1, "title": "Nytt"}),
        403,
    )


def test_editor_of_a_non_party_kommun_cannot_patch(api_as, factory):
    agreement = factory.agreement(phase="active")
    outsider = api_as("editor", "2080")
    assert outsider.get(f"/api/v1/agreements/{agreement.id}").status_code == 200
    _refusal(outsider.patch(f"/api/v1/agreements/{agreement.id}", json={"version": 1}), 403)


def test_internal_note_only_for_those_who_may_edit(api_as, factory):
    agreement = factory.agreement(phase="active", internal_note="Förhandla om priset 2027.")
    editor = api_as("editor", "2021").get(f"/api/v1/agreements/{agreement.id}").get_json()
    reader = api_as("reader", "2021").get(f"/api/v1/agreements/{agreement.id}").get_json()
    assert editor["internal_note"] == "Förhandla om priset 2027."
    assert "internal_note" not in reader
    assert "contacts" in reader["parties"][0]


# --- create -----------------------------------------------------------------------------------


def test_create_returns_201_with_location_and_writes_audit(api, session):
    response = api.post("/api/v1/agreements", json=agreement_body())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/agreements/{body['id']}"
    assert body["phase"] == "planned"
    assert body["annual_cost"] == "250000.00"
    assert body["parties"][0]["decision_body"] == "Kommunfullmäktige"
    assert body["parties"][1]["cost_share_percent"] == "40.00"
    assert body["warnings"] == []
    assert api.get(response.headers["Location"]).get_json()["title"] == body["title"]
    event_ = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "agreement"))
    assert (event_.action, event_.source, event_.actor_id) == ("create", "api", api.user.id)


def test_amount_may_be_sent_as_a_number(api):
    response = api.post("/api/v1/agreements", json=agreement_body(annual_cost=1234.5))
    assert response.status_code == 201
    assert response.get_json()["annual_cost"] == "1234.50"


def test_script_text_is_stored_and_returned_verbatim_as_data(api, auth, session):
    title = 'Avtal <script>alert("x")</script>'
    created = api.post("/api/v1/agreements", json=agreement_body(title=title)).get_json()
    assert session.get(Agreement, created["id"]).title == title  # stored as typed
    response = api.get(f"/api/v1/agreements/{created['id']}")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json()["title"] == title
    auth.login(api.user.email)
    page = api.client.get(f"/agreements/{created['id']}")
    assert page.status_code == 200
    assert b"<script>alert" not in page.data
    assert b"&lt;script&gt;alert" in page.data


def test_editor_must_register_with_own_kommun_as_party(api):
    body = agreement_body(
        parties=[
            {"municipality": "2080", "role": "host"},
            {"municipality": "2081", "role": "purchaser"},
        ]
    )
    refusal = _refusal(api.post("/api/v1/agreements", json=body), 422)
    assert "Din egen kommun" in refusal["fields"]["parties"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"title": 5, "notice_months": "sex", "is_public": "kanske", "start_on": "31/12/2025"},
            {
                "title": "Måste vara en textsträng.",
                "notice_months": "Måste vara ett heltal.",
                "is_public": "Måste vara true eller false.",
                "start_on": "Måste vara ett datum i formen ÅÅÅÅ-MM-DD.",
            },
        ),
        ({"title": "x" * 201}, {"title": "Måste ha mellan 3 och 200 tecken."}),
        ({"areas": []}, {"areas": "Måste ha mellan 1 och 50 element."}),
        ({"notice_months": 61}, {"notice_months": "Måste vara minst 0 och högst 60."}),
        ({"form": "aktiebolag"}, None),
        ({"annual_cost": "-1"}, {"annual_cost": "Måste vara minst 0 och högst 100000000000."}),
        ({"annual_cost": "mycket"}, {"annual_cost": 'Måste vara ett tal, t.ex. "1234.50".'}),
        ({"hemligt": True}, {"hemligt": "Okänt fält."}),
        ({"title": None}, {"title": "Fältet får inte vara tomt (null)."}),
        (
            {"parties": [{"municipality": "2021"}, {"municipality": "21", "role": "host"}]},
            {
                "parties.0.role": "Fältet saknas.",
                "parties.1.municipality": "Kommunkod ska vara fyra siffror, t.ex. 0180.",
            },
        ),
    ],
)
def test_schema_refusals_name_each_field_in_swedish(api, changes, fields):
    body = _refusal(api.post("/api/v1/agreements", json=agreement_body(**changes)), 422)
    assert body["error"] == "invalid"
    assert body["message"] == VALIDATION_MESSAGE
    if fields is None:
        assert body["fields"]["form"].startswith("Måste vara ett av: avtalssamverkan")
    else:
        assert body["fields"] == fields


def test_missing_fields_are_named(api):
    body = _refusal(api.post("/api/v1/agreements", json={}), 422)
    assert body["fields"] == {
        "title": "Fältet saknas.",
        "form": "Fältet saknas.",
        "areas": "Fältet saknas.",
        "parties": "Fältet saknas.",
    }


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        (
            {
                "parties": [
                    {"municipality": "2021", "role": "host"},
                    {"municipality": "9999", "role": "purchaser"},
                ]
            },
            "parties.1.municipality",
            "okänd kommunkod '9999'",
        ),
        (
            {
                "parties": [
                    {"municipality": "2021", "role": "host"},
                    {"municipality": "2021", "role": "purchaser"},
                ]
            },
            "parties.1.municipality",
            "finns redan med som part",
        ),
        (
            {
                "parties": [
                    {"municipality": "2021", "role": "host"},
                    {"municipality": "2023", "role": "member"},
                ]
            },
            "parties",
            "medlem",
        ),
        ({"start_on": "1800-01-01"}, "start_on", "mellan 1850-01-01 och 2100-12-31"),
        ({"end_on": "2200-01-01"}, "end_on", "mellan 1850-01-01 och 2100-12-31"),
        ({"end_on": "2024-01-01"}, "end_on", "efter startdatum"),
        ({"areas": ["no-such-area"]}, "areas", "Okänt samverkansområde"),
        ({"document_url": "javascript:alert(1)"}, "document_url", "https://"),
        (
            {
                "parties": [
                    {
                        "municipality": "2021",
                        "role": "host",
                        "left_on": "2020-01-01",
                        "joined_on": "2021-01-01",
                    },
                    {"municipality": "2023", "role": "purchaser"},
                ]
            },
            "parties.0.left_on",
            "före anslutning",
        ),
    ],
)
def test_service_refusals_use_the_api_field_names(api, changes, field, text):
    body = _refusal(api.post("/api/v1/agreements", json=agreement_body(**changes)), 422)
    assert body["error"] == "validation_failed"
    assert field in body["fields"], body["fields"]
    assert text.lower() in body["fields"][field].lower()
    assert not any("-" in name or "municipality_code" in name for name in body["fields"])


def test_malformed_json_is_400_in_swedish(api):
    for data in ("{bad", '{"title": "x",}', "[" * 100_000, b"\xff\xfe{"):
        body = _refusal(
            api.post("/api/v1/agreements", data=data, headers={"Content-Type": "application/json"}),
            400,
        )
        assert body["error"] == "bad_request"
        assert "ogiltig JSON" in body["message"]


def test_body_that_is_not_json_is_400(api):
    body = _refusal(api.post("/api/v1/agreements", data={"title": "x"}), 400)
    assert "JSON" in body["message"]


def test_json_that_is_not_an_object_is_422(api):
    body = _refusal(api.post("/api/v1/agreements", json=["title"]), 422)
    assert body["fields"] == {"_schema": "Fel typ av indata: ett JSON-objekt väntades."}


# --- PATCH ------------------------------------------------------------------------------------


def _create(api, **changes):
    response = api.post("/api/v1/agreements", json=agreement_body(**changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_patch_changes_only_what_is_sent_and_writes_audit(api, session):
    created = _create(api)
    response = api.patch(
        f"/api/v1/agreements/{created['id']}",
        json={"version": created["version"], "title": "Ny titel", "notice_months": 3},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "Ny titel" and body["notice_months"] == 3
    assert body["version"] == created["version"] + 1
    assert body["purpose"] == created["purpose"]

    # The parties are unchanged; only their derived decide-by moved with the notice period.
    def stored(parties):
        return [{k: v for k, v in p.items() if k != "decide_by"} for p in parties]

    assert stored(body["parties"]) == stored(created["parties"])
    assert body["parties"][0]["decide_by"] != created["parties"][0]["decide_by"]
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "update", AuditEvent.object_type == "agreement"
        )
    ).all()
    assert len(events) == 1
    assert events[0].source == "api" and events[0].actor_id == api.user.id
    assert events[0].changes["title"] == [created["title"], "Ny titel"]


def test_patch_parties_replaces_the_list_matching_by_kommunkod(api):
    created = _create(api)
    response = api.patch(
        f"/api/v1/agreements/{created['id']}",
        json={
            "version": created["version"],
            "parties": [
                {"municipality": "2021", "role": "host"},
                {"municipality": "2023", "role": "purchaser", "decision_ref": "KS 2025/12"},
                {"municipality": "2039", "role": "purchaser"},
            ],
        },
    )
    assert response.status_code == 200, response.get_json()
    parties = {p["municipality"]: p for p in response.get_json()["parties"]}
    assert set(parties) == {"2021", "2023", "2039"}
    vansbro = next(p for p in created["parties"] if p["municipality"] == "2021")
    assert parties["2021"]["id"] == vansbro["id"]
    assert parties["2021"]["decision_body"] == "Kommunfullmäktige"  # kept: not sent
    assert parties["2023"]["decision_ref"] == "KS 2025/12"
    assert parties["2023"]["cost_share_percent"] == "40.00"

    removed = api.patch(
        f"/api/v1/agreements/{created['id']}",
        json={
            "version": response.get_json()["version"],
            "parties": [
                {"municipality": "2021", "role": "host"},
                {"municipality": "2039", "role": "purchaser"},
            ],
        },
    ).get_json()
    assert [p["municipality"] for p in removed["parties"]] == ["2021", "2039"]


def test_patch_without_version_is_422(api):
    created = _create(api)
    body = _refusal(api.patch(f"/api/v1/agreements/{created['id']}", json={"title": "Nytt"}), 422)
    assert body["fields"] == {"version": "Fältet saknas."}


def test_patch_refusal_names_api_fields_and_changes_nothing(api):
    created = _create(api)
    body = _refusal(
        api.patch(
            f"/api/v1/agreements/{created['id']}",
            json={
                "version": created["version"],
                "title": "Ändrad",
                "parties": [
                    {"municipality": "2021", "role": "host"},
                    {"municipality": "2021", "role": "purchaser"},
                ],
            },
        ),
        422,
    )
    assert "parties.1.municipality" in body["fields"]
    assert api.get(f"/api/v1/agreements/{created['id']}").get_json()["title"] == created["title"]


def test_stale_version_is_409_with_the_current_values(api_as):
    anna = api_as("editor", "2021")
    bo = api_as("editor", "2023")
    created = _create(anna)
    url = f"/api/v1/agreements/{created['id']}"
    first = bo.patch(url, json={"version": created["version"], "title": "Bos titel"})
    assert first.status_code == 200
    body = _refusal(anna.patch(url, json={"version": created["version"], "title": "Annas"}), 409)
    assert body["error"] == "conflict"
    assert body["current_version"] == created["version"] + 1
    assert body["current"]["title"] == "Bos titel"
    assert body["current"]["version"] == created["version"] + 1
    assert body["current"]["parties"][0]["municipality"] == "2021"
    assert "current_version" in body["message"]
    assert anna.get(url).get_json()["title"] == "Bos titel"


def test_stale_party_version_is_409_and_nothing_is_saved(api):
    created = _create(api)
    url = f"/api/v1/agreements/{created['id']}"
    body = _refusal(
        api.patch(
            url,
            json={
                "version": created["version"],
                "title": "Borde inte sparas",
                "parties": [
                    {"municipality": "2021", "role": "host", "version": 99},
                    {"municipality": "2023", "role": "purchaser"},
                ],
            },
        ),
        409,
    )
    assert body["current"]["title"] == created["title"]
    assert api.get(url).get_json()["title"] == created["title"]


def test_patch_of_unknown_agreement_is_404(api):
    _refusal(api.patch("/api/v1/agreements/999999", json={"version": 1}), 404)
    _refusal(api.get("/api/v1/agreements/999999"), 404)
