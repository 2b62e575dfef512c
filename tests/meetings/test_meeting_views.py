"""Meeting calendar pages: enter, import a CSV file, copy last year; only the kommun's editors."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from coop_tracker.meetings.models import Meeting


def _count(session):
    return session.scalar(select(func.count()).select_from(Meeting))


def test_enter_import_copy_and_delete(client, auth, factory, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    auth.login("e@vansbro.se")
    assert client.get("/municipalities/2021/meetings?year=2026").status_code == 200
    response = client.post(
        "/municipalities/2021/meetings?year=2026",
        data={"body": "kf", "meeting_on": "2026-06-15", "case_deadline_on": "2026-06-20"},
    )
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)
    response = client.post(
        "/municipalities/2021/meetings?year=2026",
        data={"body": "kf", "meeting_on": "2026-06-15", "case_deadline_on": "2026-05-25"},
    )
    assert response.status_code == 302 and _count(session) == 1

    bad = (
        b"organ;sammantradesdag;sista_dag_for_arenden\n"
        b"KS;2026-09-01;2026-08-18\n"
        b"KF;2026-13-01;2026-08-18\n"
    )
    response = client.post(
        "/municipalities/2021/meetings/import",
        data={"file": (io.BytesIO(bad), "plan.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Rad 3, kolumn sammantradesdag" in page
    assert _count(session) == 1  # nothing from the file

    good = b"organ;sammantradesdag;sista_dag_for_arenden\nKS;2026-09-01;2026-08-18\n"
    response = client.post(
        "/municipalities/2021/meetings/import",
        data={"file": (io.BytesIO(good), "plan.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and _count(session) == 2
    wrong_type = client.post(
        "/municipalities/2021/meetings/import",
        data={"file": (io.BytesIO(good), "plan.xlsx")},
        content_type="multipart/form-data",
    )
    assert wrong_type.status_code == 422

    preview = client.get("/municipalities/2021/meetings/copy?from=2026").get_data(as_text=True)
    assert 'value="2027-06-21"' in preview  # 3rd Monday of June 2026 → of June 2027
    assert 'value="2027-05-31"' in preview  # case deadline 21 days before, as in 2026
    response = client.post(
        "/municipalities/2021/meetings/copy?from=2026",
        data={
            "rows-0-include": "y",
            "rows-0-body": "kf",
            "rows-0-body_name": "",
            "rows-0-meeting_on": "2027-06-14",
            "rows-0-case_deadline_on": "2027-05-24",
            "rows-1-body": "ks",
            "rows-1-body_name": "",
            "rows-1-meeting_on": "2027-08-31",
            "rows-1-case_deadline_on": "2027-08-17",
        },
    )
    assert response.status_code == 302
    assert _count(session) == 3  # the unticked KS row was left out

    meeting = session.scalar(select(Meeting).where(Meeting.body == "ks"))
    assert client.post(f"/municipalities/2021/meetings/{meeting.id}/delete").status_code == 302
    assert _count(session) == 2


def test_other_kommuners_editors_and_readers_only_look(client, auth, factory):
    factory.user("editor", "0180", email="e@stockholm.se")
    auth.login("e@stockholm.se")
    page = client.get("/municipalities/2021/meetings").get_data(as_text=True)
    assert "Lägg till sammanträde" not in page
    assert client.get("/municipalities/2021/meetings/import").status_code == 403
    assert client.get("/municipalities/2021/meetings/copy").status_code == 403
    response = client.post(
        "/municipalities/2021/meetings",
        data={"body": "kf", "meeting_on": "2026-06-15", "case_deadline_on": "2026-05-25"},
    )
    assert response.status_code == 403
    assert client.get("/municipalities/9999/meetings").status_code == 404
