"""Bad input in every form, generated with hypothesis: never a server error, every refusal a
422 with a Swedish message at the field it concerns, and no injected markup comes back
unescaped. (The API gets the same treatment from schemathesis: tests/api/test_fuzz.py.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from coop_tracker.extensions import db
from coop_tracker.users.models import LoginFailure
from tests.factories import PASSWORD

SCRIPT = "<script>alert(1)</script>"
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),  # control characters
    st.text(min_size=1, max_size=5).map(lambda t: t * 2000),  # over-long
    st.just(SCRIPT),
    st.text(max_size=10).map(lambda t: f"{t}{SCRIPT}{t}"),
    st.just('"><img src=x onerror=alert(1)>'),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "∞", "null", "[]", "{}", "true"]),
)
dates = st.one_of(
    st.dates().map(str),
    st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-30", "2024-13-01", "31/12/2024", ""]),
    nasty_text,
)
# Amounts as people in Sweden type them: grouped with plain, no-break or thin spaces, with a
# decimal comma, a stray "kr" or an English thousands comma.
swedish_amounts = st.builds(
    lambda number, space, tail: f"{number:,.2f}".replace(",", space).replace(".", ",") + tail,
    st.decimals(min_value=-(10**12), max_value=10**13, places=2, allow_nan=False),
    st.sampled_from([" ", "\u00a0", "\u202f", "\u2009", "", ",", "."]),
    st.sampled_from(["", " kr", ",5", " "]),
)
numbers = st.one_of(st.integers(-(10**20), 10**20).map(str), swedish_amounts, nasty_text)
codes = st.one_of(
    st.sampled_from(["2021", "2023", "0180", "2021", "9999", "0000", "", "20211", "abcd"]),
    nasty_text,
)
roles = st.one_of(st.sampled_from(["host", "purchaser", "member", "", "admin"]), nasty_text)
forms_ = st.one_of(
    st.sampled_from(
        ["avtalssamverkan", "gemensam_namnd", "kommunalforbund", "asymmetrisk", "ovrig"]
    ),
    nasty_text,
)
areas = st.lists(
    st.one_of(st.sampled_from(["lon", "miljo-halsoskydd", "okand"]), nasty_text), max_size=3
)

AGREEMENT_LABELS = {
    "title": "Namn",
    "form": "Samverkansform",
    "purpose": "Syfte",
    "goals": "Mål",
    "motive": "Motiv",
    "start_on": "Startdatum",
    "end_on": "Slutdatum",
    "notice_months": "Uppsägningstid",
    "renewal": "Förlängning",
    "renewal_months": "Förlängning",
    "internal_lead_days": "förberedelsetid",
    "review_interval_months": "Uppföljningsintervall",
    "cost_basis": "Kostnadsfördelning",
    "annual_cost": "kostnad",
    "cost_note": "kostnader",
    "document_ref": "Diarienummer",
    "document_url": "Länk",
    "internal_note": "anteckning",
    "areas": "område",
    "parties": "",
    "is_public": "publikt",
}


def _errors(html: str) -> dict[str, str]:
    """Anchor → message of every entry in the error summary."""
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    if not summary:
        return {}
    return {
        anchor: re.sub(r"<[^>]+>", "", text).strip()
        for anchor, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(0), re.S)
    }


def assert_safe(response: Any) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code < 500, html[:500]
    assert SCRIPT not in html and "<img src=x" not in html
    return html


def assert_refusal_names_fields(html: str, labels: dict[str, str] | None = None) -> None:
    """A 422 page: an error summary whose every entry has its message at the field."""
    errors = _errors(html)
    assert errors, "a refusal must list what to fix"
    for anchor, message in errors.items():
        field = {"parter": "parties"}.get(anchor, anchor)
        assert message and not re.search(r"\b(field|required|invalid|Not a valid)\b", message)
        assert f'id="{field}-error"' in html, f"no error at the field {field}: {message}"
        if labels is not None:
            if field.startswith("parties-"):
                assert message.startswith("Part "), message
            elif field in labels:
                assert labels[field].lower() in message.lower(), (field, message)


def _login(client: Any, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def _agreement_data(draw: Any) -> dict[str, Any]:
    data = {
        "title": draw(nasty_text),
        "form": draw(forms_),
        "purpose": draw(nasty_text),
        "goals": draw(nasty_text),
        "motive": draw(nasty_text),
        "start_on": draw(dates),
        "end_on": draw(dates),
        "notice_months": draw(numbers),
        "renewal": draw(st.one_of(st.sampled_from(["none", "tacit"]), nasty_text)),
        "renewal_months": draw(numbers),
        "internal_lead_days": draw(numbers),
        "review_interval_months": draw(numbers),
        "cost_basis": draw(st.one_of(st.sampled_from(["", "per_capita", "usage"]), nasty_text)),
        "annual_cost": draw(numbers),
        "cost_note": draw(nasty_text),
        "document_ref": draw(nasty_text),
        "document_url": draw(st.one_of(st.just("https://diarie.example.se/1"), nasty_text)),
        "internal_note": draw(nasty_text),
        "areas": draw(areas),
        "save": "1",
    }
    if draw(st.booleans()):
        data["is_public"] = draw(st.sampled_from(["y", "on", "", SCRIPT]))
    for index in range(draw(st.integers(0, 3))):
        prefix = f"parties-{index}-"
        data.update(
            {
                prefix + "municipality_code": draw(codes),
                prefix + "role": draw(roles),
                prefix + "decision_body": draw(nasty_text),
                prefix + "decision_on": draw(dates),
                prefix + "decision_paragraph": draw(nasty_text),
                prefix + "decision_ref": draw(nasty_text),
                prefix + "joined_on": draw(dates),
                prefix + "left_on": draw(dates),
                prefix + "cost_share_percent": draw(numbers),
                prefix + "annual_cost": draw(numbers),
            }
        )
    return data


agreement_data = st.composite(_agreement_data)


@SETTINGS
@given(data=agreement_data())
def test_agreement_create_form(app, client, factory, data):
    if not hasattr(app, "_fuzz_user"):
        app._fuzz_user = factory.user("editor", "2021", email="fuzz@vansbro.se")
        _login(client, "fuzz@vansbro.se")
    response = client.post("/agreements/new", data=data)
    html = assert_safe(response)
    assert response.status_code in (200, 302, 422)
    if response.status_code == 422:
        assert_refusal_names_fields(html, AGREEMENT_LABELS)


@SETTINGS
@given(data=agreement_data())
def test_agreement_edit_form(app, client, factory, data):
    if not hasattr(app, "_fuzz_agreement"):
        factory.user("editor", "2021", email="fuzz@vansbro.se")
        app._fuzz_agreement = factory.agreement()
        _login(client, "fuzz@vansbro.se")
    agreement = app._fuzz_agreement
    from coop_tracker.extensions import db

    db.session.refresh(agreement)
    data["version"] = str(agreement.version)
    for index, party in enumerate(agreement.parties[:1]):
        data.setdefault(f"parties-{index}-id", str(party.id))
    response = client.post(f"/agreements/{agreement.id}/edit", data=data)
    html = assert_safe(response)
    assert response.status_code in (200, 302, 409, 422)
    if response.status_code == 422:
        assert_refusal_names_fields(html, AGREEMENT_LABELS)


def test_duplicate_parties_and_unknown_codes_are_named(client, factory):
    factory.user("editor", "2021", email="fuzz@vansbro.se")
    _login(client, "fuzz@vansbro.se")
    data = {
        "title": "Dubbel part",
        "form": "avtalssamverkan",
        "areas": ["lon"],
        "save": "1",
        "parties-0-municipality_code": "2021",
        "parties-0-role": "host",
        "parties-1-municipality_code": "2021",
        "parties-1-role": "purchaser",
        "parties-2-municipality_code": "9999",
        "parties-2-role": "purchaser",
    }
    response = client.post("/agreements/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Part 2: kommunen finns redan med som part." in html
    assert "Part 3: okänd kommunkod" in html
    assert_refusal_names_fields(html, AGREEMENT_LABELS)


REVIEW_LABELS = {
    "reviewed_on": "Datum för uppföljningen",
    "rating": "Bedömning",
    "rating_comment": "bedömningen",
    "goal_attainment": "Måluppfyllelse",
    "goal_comment": "måluppfyllelse",
    "cost_budget": "Budget",
    "cost_outcome": "Kostnadsutfall",
    "cost_comment": "kostnader",
    "reported_to": "rapporterad",
    "reported_on": "Datum för rapportering",
    "next_review_on": "Nästa uppföljning",
}


@SETTINGS
@given(
    reviewed_on=dates,
    rating=st.one_of(st.sampled_from(["green", "yellow", "red", ""]), nasty_text),
    rating_comment=nasty_text,
    goal=st.one_of(st.sampled_from(["met", "partly", "not_met", ""]), nasty_text),
    budget=numbers,
    outcome=numbers,
    reported_to=nasty_text,
    reported_on=dates,
    next_review_on=dates,
    answer=st.one_of(st.sampled_from(["yes", "partly", "no", ""]), nasty_text),
)
def test_review_form(
    app,
    client,
    factory,
    reviewed_on,
    rating,
    rating_comment,
    goal,
    budget,
    outcome,
    reported_to,
    reported_on,
    next_review_on,
    answer,
):
    if not hasattr(app, "_fuzz_agreement"):
        factory.user("editor", "2021", email="fuzz@vansbro.se")
        app._fuzz_agreement = factory.agreement(phase="active")
        _login(client, "fuzz@vansbro.se")
    data = {
        "reviewed_on": reviewed_on,
        "rating": rating,
        "rating_comment": rating_comment,
        "goal_attainment": goal,
        "cost_budget": budget,
        "cost_outcome": outcome,
        "reported_to": reported_to,
        "reported_on": reported_on,
        "next_review_on": next_review_on,
        "answers-carrier_left-answer": answer,
    }
    response = client.post(f"/agreements/{app._fuzz_agreement.id}/reviews/new", data=data)
    html = assert_safe(response)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert_refusal_names_fields(html, REVIEW_LABELS)


contact_labels = {"name": "Namn", "title": "Titel", "email": "E-post", "phone": "Telefon"}


@SETTINGS
@given(
    name=nasty_text,
    title=nasty_text,
    email=nasty_text,
    phone=nasty_text,
    carrier=st.sampled_from(["", "y", SCRIPT]),
    reminders=st.sampled_from(["", "y"]),
)
def test_contact_form(app, client, factory, name, title, email, phone, carrier, reminders):
    if not hasattr(app, "_fuzz_agreement"):
        factory.user("editor", "2021", email="fuzz@vansbro.se")
        app._fuzz_agreement = factory.agreement()
        _login(client, "fuzz@vansbro.se")
    agreement = app._fuzz_agreement
    party = agreement.parties[0]
    data = {"name": name, "title": title, "email": email, "phone": phone}
    if carrier:
        data["is_carrier"] = carrier
    if reminders:
        data["wants_reminders"] = reminders
    response = client.post(f"/agreements/{agreement.id}/parties/{party.id}/contacts/new", data=data)
    html = assert_safe(response)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert_refusal_names_fields(html, contact_labels)


@SETTINGS
@given(email=nasty_text, password=nasty_text)
def test_login_form(app, client, email, password):
    db.session.execute(delete(LoginFailure))  # the address would otherwise be slowed (429)
    db.session.commit()
    response = client.post("/login", data={"email": email, "password": password})
    html = assert_safe(response)
    assert response.status_code in (400, 401)
    assert 'id="email-error"' in html
    assert "Fel e-postadress eller lösenord" in html or "Ange e-post och lösenord" in html


user_labels = {
    "email": "E-post",
    "name": "Namn",
    "role": "Roll",
    "municipality_code": "kommun",
    "password": "Lösenord",
}


@SETTINGS
@given(
    email=st.one_of(st.emails().map(str), nasty_text),
    name=nasty_text,
    role=st.one_of(st.sampled_from(["admin", "editor", "reader", ""]), nasty_text),
    code=codes,
    password=st.one_of(st.just("ett-bra-nytt-losenord-1"), nasty_text),
)
# A NUL byte in the kommun code reached PostgreSQL ("text fields cannot contain NUL") as a 500.
@example(email="ny@example.se", name="Ny", role="reader", code="\x00", password="x")
@example(email="ny@example.se", name="Ny", role="reader", code="20\x0021", password="x")
def test_user_admin_forms(app, client, factory, email, name, role, code, password):
    if not hasattr(app, "_fuzz_admin"):
        app._fuzz_admin = factory.user("admin", None, email="fuzzadmin@example.se")
        app._fuzz_target = factory.user("reader", "2021", email="target@example.se")
        _login(client, "fuzzadmin@example.se")
    data = {
        "email": email,
        "name": name,
        "role": role,
        "municipality_code": code,
        "password": password,
    }
    response = client.post("/admin/users/new", data=data)
    html = assert_safe(response)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert_refusal_names_fields(html, user_labels)
    target = app._fuzz_target
    from coop_tracker.extensions import db

    db.session.refresh(target)
    data = {"version": str(target.version), "name": name, "role": role, "municipality_code": code}
    response = client.post(f"/admin/users/{target.id}", data=data)
    html = assert_safe(response)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert_refusal_names_fields(html, user_labels)
    response = client.post(f"/admin/users/{target.id}/password", data={"password": password})
    html = assert_safe(response)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert_refusal_names_fields(html, user_labels)


@pytest.mark.parametrize(
    "url",
    [
        "/agreements/?page=99999999999999999999",
        "/agreements/?page=100000&per_page=200",
        "/agreements/?per_page=-5&sort=<script>",
        "/public/?page=99999999999999999999&q=" + SCRIPT,
        "/public/?page=100000",
        "/admin/audit?page=99999999999999999999",
        "/admin/audit?page=1000000",
        "/agreements/99999999999999999999999",
        "/agreements/99999999999999999999999/history",
        "/public/99999999999999999999999",
        "/admin/users/99999999999999999999999",
        "/municipalities/" + SCRIPT,
    ],
)
def test_huge_pages_and_ids(client, factory, url):
    factory.user("admin", None, email="admin@example.se")
    _login(client, "admin@example.se")
    response = client.get(url)
    assert_safe(response)
    assert response.status_code in (200, 404, 422)
