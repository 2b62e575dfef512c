"""Agreement services without HTTP: validation, role rules, permissions, locking, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coop_tracker.agreements.services import (
    AgreementInput,
    PartyInput,
    archive_agreement,
    create_agreement,
    update_agreement,
)
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import PermissionDenied, StaleVersion, ValidationFailed


def _input(**changes):
    base = dict(
        title="Miljötillsyn Vansbro–Malung-Sälen",
        form="avtalssamverkan",
        area_slugs=["miljo-halsoskydd"],
        start_on="2025-01-01",
        end_on="2027-12-31",
        notice_months=6,
        renewal="tacit",
        renewal_months=12,
        parties=[PartyInput("2021", "host"), PartyInput("2023", "purchaser")],
    )
    base.update(changes)
    return AgreementInput(**base)


def test_create_records_parties_and_audit(session, factory):
    user = factory.user("editor", "2021")
    outcome = create_agreement(session, _input(), actor=Actor(user, "web"))
    session.commit()
    agreement = outcome.agreement
    assert agreement.phase == "planned"
    assert [(p.municipality_code, p.role) for p in agreement.parties] == [
        ("2021", "host"),
        ("2023", "purchaser"),
    ]
    event = session.scalar(select(AuditEvent).where(AuditEvent.agreement_id == agreement.id))
    assert event.action == "create" and event.actor_name == user.name
    assert event.changes["title"] == [None, "Miljötillsyn Vansbro–Malung-Sälen"]


@pytest.mark.parametrize(
    ("form", "roles", "message"),
    [
        ("avtalssamverkan", ["host", "host"], "beställande"),
        ("avtalssamverkan", ["host", "member"], "inga medlemmar"),
        ("gemensam_namnd", ["host", "host", "member"], "exakt en värdkommun"),
        ("gemensam_namnd", ["host", "purchaser"], "minst en samverkande"),
        ("kommunalforbund", ["member", "host"], "minst två medlemskommuner"),
        ("samordningsforbund", ["member", "host"], "alla parter medlemmar"),
        ("bolag", ["member", "purchaser"], "alla parter ägare"),
        # The old form "asymmetrisk" is an avtalssamverkan now: its rules apply.
        ("asymmetrisk", ["host", "member"], "beställande"),
    ],
)
def test_role_rules_per_form_are_refused_in_swedish(session, form, roles, message):
    codes = ["2021", "2023", "2039"]
    data = _input(form=form, parties=[PartyInput(c, r) for c, r in zip(codes, roles, strict=False)])
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, data, actor=Actor.system())
    assert message in refused.value.fields["parties"]


@pytest.mark.parametrize(
    ("form", "roles"),
    [
        ("avtalssamverkan", ["host", "purchaser", "purchaser"]),
        ("gemensam_namnd", ["host", "member", "member"]),
        ("kommunalforbund", ["member", "member", "member"]),
        ("asymmetrisk", ["host", "purchaser", "purchaser"]),
        ("ovrig", ["member", "host", "purchaser"]),
    ],
)
def test_valid_role_combinations_are_accepted(session, form, roles):
    codes = ["2021", "2023", "2039"]
    data = _input(form=form, parties=[PartyInput(c, r) for c, r in zip(codes, roles, strict=True)])
    assert create_agreement(session, data, actor=Actor.system()).agreement.id


def test_every_bad_field_is_named(session):
    data = _input(
        title="",
        form="aktiebolag",
        area_slugs=["finns-inte"],
        start_on="2026-13-01",
        end_on="1800-01-01",
        notice_months="tre",
        renewal_months=0,
        annual_cost="-5",
        document_url="javascript:alert(1)",
        parties=[PartyInput("9999", "host"), PartyInput("2021", "chef")],
    )
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, data, actor=Actor.system())
    fields = refused.value.fields
    for name in (
        "title",
        "form",
        "areas",
        "start_on",
        "end_on",
        "notice_months",
        "renewal_months",
        "annual_cost",
        "document_url",
        "parties-0-municipality_code",
        "parties-1-role",
    ):
        assert name in fields, name
    assert "okänd kommunkod" in fields["parties-0-municipality_code"]


def test_end_before_start_duplicate_party_and_control_characters(session):
    data = _input(
        title="Ok titel\x07",
        start_on="2026-01-01",
        end_on="2025-01-01",
        parties=[PartyInput("2021", "host"), PartyInput("2021", "purchaser")],
    )
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, data, actor=Actor.system())
    fields = refused.value.fields
    assert "styrtecken" in fields["title"]
    assert fields["end_on"] == "Slutdatum måste vara efter startdatum."
    assert "redan" in fields["parties-1-municipality_code"]


def test_editor_must_include_own_municipality(session, factory):
    editor = factory.user("editor", "0180")
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, _input(), actor=Actor(editor, "web"))
    assert "egen kommun" in refused.value.fields["parties"]


def test_reader_cannot_create_and_editor_of_other_kommun_cannot_edit(session, factory):
    reader = factory.user("reader", "2021")
    with pytest.raises(PermissionDenied):
        create_agreement(session, _input(), actor=Actor(reader, "web"))
    agreement = factory.agreement()
    other = factory.user("editor", "0180")
    with pytest.raises(PermissionDenied):
        update_agreement(
            session,
            agreement,
            _input(),
            expected_version=agreement.version,
            actor=Actor(other, "web"),
        )


def test_stale_version_is_refused_with_current_values(session, factory):
    agreement = factory.agreement(title="Ursprunglig titel")
    version = agreement.version
    update_agreement(
        session,
        agreement,
        _input(title="Första ändringen"),
        expected_version=version,
        actor=Actor.system(),
    )
    session.commit()
    with pytest.raises(StaleVersion) as stale:
        update_agreement(
            session,
            agreement,
            _input(title="Andra ändringen"),
            expected_version=version,
            actor=Actor.system(),
        )
    assert stale.value.current["title"] == "Första ändringen"
    assert stale.value.current_version == version + 1


def test_update_writes_field_level_diff(session, factory):
    agreement = factory.agreement(title="Gammal titel", notice_months=3)
    update_agreement(
        session,
        agreement,
        _input(title="Ny titel"),
        expected_version=agreement.version,
        actor=Actor.system(),
    )
    session.commit()
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "agreement", AuditEvent.action == "update"
        )
    ).one()
    assert event.changes["title"] == ["Gammal titel", "Ny titel"]
    assert event.changes["notice_months"] == [3, 6]


def test_asymmetric_host_smaller_than_purchaser_warns_but_saves(session, factory):
    from coop_tracker.municipalities.models import Municipality

    session.get(Municipality, "2021").population = 6000
    session.get(Municipality, "2023").population = 10000
    data = _input(form="asymmetrisk")
    outcome = create_agreement(session, data, actor=Actor.system())
    assert outcome.agreement.id
    assert any("inte större" in w for w in outcome.warnings)


def test_archive_hides_but_keeps(session, factory):
    agreement = factory.agreement()
    admin = factory.user("admin", None)
    archive_agreement(session, agreement, "Registrerad två gånger", actor=Actor(admin, "web"))
    session.commit()
    assert agreement.archived_at is not None
    assert session.get(type(agreement), agreement.id) is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "archive")).one()
    assert event.changes["archive_reason"] == [None, "Registrerad två gånger"]


def test_archive_needs_a_reason(session, factory):
    agreement = factory.agreement()
    admin = factory.user("admin", None)
    for reason in (None, "", "   "):
        with pytest.raises(ValidationFailed) as refused:
            archive_agreement(session, agreement, reason, actor=Actor(admin, "web"))
        assert refused.value.fields == {"reason": "Ange skäl till arkiveringen."}
    assert agreement.archived_at is None
    with pytest.raises(ValidationFailed) as refused:
        archive_agreement(session, agreement, "x" * 2001, actor=Actor(admin, "web"))
    assert "högst 2000 tecken" in refused.value.fields["reason"]
