"""The area vocabulary kept in the browser: add, rename, merge, retire — audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coop_tracker.areas import services as areas
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError, PermissionDenied, ValidationFailed
from coop_tracker.municipalities.models import Area
from coop_tracker.municipalities.services import seed_reference_data


@pytest.fixture
def admin(factory):
    return Actor(user=factory.user("admin", None), source="web")


def _area(session, slug: str) -> Area:
    return session.scalar(select(Area).where(Area.slug == slug))


def test_add_rename_and_a_seed_keeps_the_administrators_names(session, admin):
    area = areas.add_area(
        session, areas.AreaInput(label_sv="Bredband och fiber", label_en="Broadband"), actor=admin
    )
    assert area.slug == "bredband-och-fiber"
    with pytest.raises(ValidationFailed) as failure:
        areas.add_area(session, areas.AreaInput(label_sv="", label_en=""), actor=admin)
    assert {"label_sv", "label_en"} <= set(failure.value.fields)
    lon = _area(session, "lon")
    areas.rename_area(
        session, lon, areas.AreaInput(label_sv="Lön och HR", label_en="Payroll and HR"), actor=admin
    )
    session.commit()
    seed_reference_data(session, actor=Actor.system())
    session.commit()
    assert _area(session, "lon").label_sv == "Lön och HR"


def test_merge_moves_agreements_and_retire_keeps_old_ones(factory, session, admin):
    one = factory.agreement(areas=["lon"])
    both = factory.agreement(areas=["lon", "ekonomi"])
    moved = areas.merge_area(session, _area(session, "lon"), "ekonomi", actor=admin)
    session.commit()
    assert moved == 2
    session.refresh(one)
    session.refresh(both)
    assert [a.slug for a in one.areas] == ["ekonomi"]
    assert [a.slug for a in both.areas] == ["ekonomi"]
    assert _area(session, "lon").is_active is False
    with pytest.raises(DomainError):
        areas.restore_area(session, _area(session, "lon"), actor=admin)

    kept = factory.agreement(areas=["kultur"])
    areas.retire_area(session, _area(session, "kultur"), actor=admin)
    session.commit()
    session.refresh(kept)
    assert [a.slug for a in kept.areas] == ["kultur"]  # kept on old agreements
    with pytest.raises(DomainError, match="redan avvecklat"):
        areas.retire_area(session, _area(session, "kultur"), actor=admin)
    actions = {
        e.action
        for e in session.scalars(select(AuditEvent).where(AuditEvent.object_type == "area"))
    }
    assert {"merge", "retire"} <= actions


def test_only_admins_and_pages(client, factory, auth, session):
    editor = Actor(user=factory.user("editor", "2021"), source="web")
    with pytest.raises(PermissionDenied):
        areas.add_area(session, areas.AreaInput(label_sv="X", label_en="X"), actor=editor)
    factory.user("admin", None, email="a@x.se")
    auth.login("a@x.se")
    refused = client.post("/admin/omraden", data={"label_sv": "", "label_en": "Broadband"})
    assert refused.status_code == 422
    assert "Namn på svenska" in refused.get_data(as_text=True)
    response = client.post(
        "/admin/omraden",
        data={"label_sv": "Bredband", "label_en": "Broadband"},
        follow_redirects=True,
    )
    assert "Området ”Bredband” är tillagt." in response.get_data(as_text=True)
    response = client.post(
        "/admin/omraden/bredband", data={"action": "retire"}, follow_redirects=True
    )
    assert "är avvecklat" in response.get_data(as_text=True)
    form = client.get("/agreements/new").get_data(as_text=True)
    assert "Bredband" not in form  # not offered for new agreements
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Avvecklat" in log and "Nekad" in log


def test_the_api_adds_renames_merges_and_retires(client, factory, session):
    admin = factory.user("admin", None)
    reader = factory.user("reader", "2021")
    headers = {"Authorization": f"Bearer {factory.token(admin)}"}
    refused = client.post(
        "/api/v1/areas",
        json={"label_sv": "Bredband", "label_en": "Broadband"},
        headers={"Authorization": f"Bearer {factory.token(reader)}"},
    )
    assert refused.status_code == 403
    created = client.post(
        "/api/v1/areas", json={"label_sv": "Bredband", "label_en": "Broadband"}, headers=headers
    )
    assert created.status_code == 201 and created.get_json()["slug"] == "bredband"
    bad = client.patch("/api/v1/areas/bredband", json={"label_sv": ""}, headers=headers)
    assert bad.status_code == 422 and "label_sv" in bad.get_json()["fields"]
    renamed = client.patch(
        "/api/v1/areas/bredband", json={"label_sv": "Bredband och fiber"}, headers=headers
    )
    assert renamed.get_json()["label_sv"] == "Bredband och fiber"
    agreement = factory.agreement(areas=["lon"])
    merged = client.post("/api/v1/areas/lon/merge", json={"into": "ekonomi"}, headers=headers)
    assert merged.status_code == 200 and merged.get_json()["slug"] == "ekonomi"
    session.refresh(agreement)
    assert [a.slug for a in agreement.areas] == ["ekonomi"]
    retired = client.patch("/api/v1/areas/bredband", json={"is_active": False}, headers=headers)
    assert retired.get_json()["is_active"] is False
    again = client.patch("/api/v1/areas/lon", json={"is_active": True}, headers=headers)
    assert again.status_code == 422 and "sammanslaget" in again.get_json()["message"]
