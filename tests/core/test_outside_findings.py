"""Regressions for what an outside tester found (issue #18): open redirects, 500s on odd
input, an import preview that told hidden agreements from missing ones, 405s without Allow."""

from __future__ import annotations

import io

import pytest

from coop_tracker.core.actor import Actor
from coop_tracker.core.web import local_target
from coop_tracker.exchange.mapping import auto_mapping
from coop_tracker.exchange.parsing import read_upload
from coop_tracker.exchange.services import run_import

PASSWORD = "ett-langt-losenord-123"

# Every way of writing "another site" a tester tried or a browser accepts.
FOREIGN = [
    "/%09/evil.example/phish",  # tab: browsers drop it, leaving //evil.example
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",  # header injection
    "//evil.example",
    "/\\evil.example",
    "/%5Cevil.example",  # decoded by the query parser to a backslash
    "\\\\evil.example",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/%20/evil.example",
    "/%E2%80%8B/evil.example",  # zero-width space
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", FOREIGN)
def test_language_switch_never_leaves_the_site(client, target):
    response = client.get(f"/sprak/en?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_a_page_of_the_site(client):
    response = client.get("/sprak/en?next=/agreements/%3Fq%3Dl%C3%B6n")
    assert response.headers["Location"] == "/agreements/?q=lön".replace("ö", "%C3%B6")


@pytest.mark.parametrize("target", FOREIGN)
def test_login_never_sends_the_user_to_another_site(client, factory, target):
    factory.user("editor", "2021", email="anna@vansbro.se")
    response = client.post(
        f"/login?next={target}", data={"email": "anna@vansbro.se", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(client, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    response = client.post(
        "/login?next=/agreements/%3Fphase%3Dactive",
        data={"email": "anna@vansbro.se", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/agreements/?phase=active"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/a/b?c=d#e", "/a/b?c=d#e"),
        ("/", "/"),
        ("//x", None),
        ("/\tx", None),
        ("/x\n", None),
        ("/\\x", None),
        ("/å", "/å"),
        ("/\u200b/x", None),
        ("http://localhost/", None),
        ("/" + "a" * 3000, None),
    ],
)
def test_local_target(target, expected):
    assert local_target(target) == expected


def _token(factory):
    return factory.token(factory.user("editor", "2021", email="api@vansbro.se"))


AGREEMENT = (
    '{"title": "Milj\\u00f6 \\ud800 Vansbro", "form": "avtalssamverkan", '
    '"areas": ["miljo-halsoskydd"], "start_on": "2026-01-01", '
    '"parties": [{"municipality": "2021", "role": "host"}, '
    '{"municipality": "2023", "role": "purchaser"}]}'
)


def test_lone_surrogate_in_api_json_is_a_400_naming_the_field(client, factory):
    token = _token(factory)
    response = client.post(
        "/api/v1/agreements",
        data=AGREEMENT,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request"
    assert "giltig Unicode" in body["message"]
    assert list(body["fields"]) == ["title"]


def test_lone_surrogate_deep_in_a_list_or_a_key(client, factory):
    token = _token(factory)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    nested = AGREEMENT.replace("\\ud800", "").replace('"2023"', '"20\\udfff23"')
    response = client.post("/api/v1/agreements", data=nested, headers=headers)
    assert response.status_code == 400
    assert list(response.get_json()["fields"]) == ["parties.1.municipality"]
    key = '{"\\ud800": 1}'
    response = client.patch("/api/v1/agreements/1", data=key, headers=headers)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=" + "9" * 5000, "heltal"),  # more digits than int() reads
        ("page=²", "heltal"),  # str.isdigit() says yes, int() says no
        # The agreement filter takes a name or a number: a number no row can have is refused.
        ("agreement=99999999999", "numret finns inte"),  # beyond PostgreSQL's integer
        ("agreement=" + "9" * 5000, "numret finns inte"),
    ],
)
def test_audit_filter_refuses_odd_numbers_clearly(client, auth, factory, query, message):
    factory.user("admin", None, email="admin@vansbro.se")
    auth.login("admin@vansbro.se")
    page = client.get(f"/admin/audit?{query}")
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    csv = client.get(f"/admin/audit.csv?{query}")
    assert csv.status_code == 400  # never a download that breaks off, nor the whole log
    assert csv.mimetype == "text/html"
    assert message in csv.get_data(as_text=True)


def test_audit_filter_reads_an_odd_digit_as_part_of_a_name(client, auth, factory):
    """'²' is no number (int() refuses it): it is searched for in the names, and found nowhere."""
    factory.user("admin", None, email="admin@vansbro.se")
    auth.login("admin@vansbro.se")
    factory.agreement(title="Gemensam lönenämnd")
    page = client.get("/admin/audit?agreement=²")
    assert page.status_code == 200
    assert "Gemensam lönenämnd" not in page.get_data(as_text=True)
    assert "Gemensam lönenämnd" in client.get("/admin/audit?agreement=lönenämnd").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "url",
    [
        "/agreements/?page=²",
        "/agreements/?per_page=" + "9" * 5000,
        "/network?page=²",
        "/municipalities/2021/meetings?year=²",
        "/municipalities/2021/oversight?months=²",
    ],
)
def test_unicode_digits_in_page_parameters_are_no_500(client, auth, factory, url):
    factory.user("editor", "2021", email="anna@vansbro.se")
    auth.login("anna@vansbro.se")
    assert client.get(url).status_code in (200, 422)


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("PUT", "/login", {"GET", "POST"}),
        ("DELETE", "/api/v1/me", {"GET"}),
        ("POST", "/api/v1/openapi.json", {"GET"}),
        ("PUT", "/sprak/sv", {"GET"}),
    ],
)
def test_every_405_says_what_is_allowed(client, factory, method, url, allowed):
    token = _token(factory)
    response = client.open(url, method=method, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_every_route_answers_405_with_allow(app, client, factory):
    token = _token(factory)
    for rule in app.url_map.iter_rules():
        if "PATCH" in rule.methods or rule.arguments:
            continue
        response = client.open(
            rule.rule, method="PATCH", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 405, rule.rule
        assert response.headers.get("Allow"), rule.rule


def _import(session, body: str, user):
    parsed = read_upload(body.encode(), "f.csv")
    return run_import(session, parsed, auto_mapping(parsed.main.headers), actor=Actor(user, "web"))


def test_import_preview_says_the_same_for_hidden_and_missing_agreements(session, factory):
    editor = factory.user("editor", "2021")
    hidden = factory.agreement(
        [("2023", "host"), ("2039", "purchaser")], title="Planerad i Mora", external_id="MO-9"
    )
    assert hidden.phase == "planned"  # visible only to its parties
    missing_id = hidden.id + 1000
    row = "{id};Namn {n};Avtalssamverkan;Lön;2021:värd,2039:beställare\r\n"
    body = (
        "Id;Namn;Samverkansform;Områden;Parter\r\n"
        + row.format(id=hidden.id, n=1)
        + row.format(id=missing_id, n=2)
    )
    result = _import(session, body, editor)
    by_row = {e.row: (e.column, e.message) for e in result.errors}
    assert by_row[2][1].replace(str(hidden.id), "N") == by_row[3][1].replace(str(missing_id), "N")
    assert by_row[2][0] == by_row[3][0]
    assert "Planerad i Mora" not in str(result.errors)
    session.rollback()

    # Matched by external id: refused without a word about the agreement.
    body = (
        "Externt id;Namn;Samverkansform;Områden;Parter\r\n"
        "MO-9;Ny titel;Avtalssamverkan;Lön;2021:värd,2039:beställare\r\n"
    )
    [error] = _import(session, body, editor).errors
    assert error.message == "Externt id ”MO-9” kan inte användas; ange ett annat."
    session.rollback()


def test_import_page_shows_no_trace_of_a_hidden_agreement(client, auth, factory):
    factory.user("editor", "2021", email="red@vansbro.se")
    hidden = factory.agreement([("2023", "host"), ("2039", "purchaser")], title="Hemlig plan")
    auth.login("red@vansbro.se")
    body = (
        "Id;Namn;Samverkansform;Områden;Parter\r\n"
        f"{hidden.id};X y z;Avtalssamverkan;Lön;2021:värd,2039:beställare\r\n"
    ).encode()
    client.post(
        "/exchange/import",
        data={"file": (io.BytesIO(body), "f.csv")},
        content_type="multipart/form-data",
    )
    page = client.get("/exchange/import/preview").get_data(as_text=True)
    assert f"Det finns ingen samverkan med id {hidden.id}." in page
    assert "din kommun" not in page
