"""Lifecycle pages: refusals listed on the page, phase changes, exit plans, print, permissions."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop_tracker.lifecycle.models import Exit
from tests.lifecycle_support import activate, record_decisions, resolve_items


def test_refused_start_lists_every_unmet_condition(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    agreement = factory.agreement()
    auth.login("e@vansbro.se")
    page = client.get(f"/agreements/{agreement.id}/livscykel").get_data(as_text=True)
    assert "Starta samverkan" in page and "Avbryt planeringen" in page
    assert "Gå förbi villkoren" not in page  # editors cannot override
    response = client.post(
        f"/agreements/{agreement.id}/livscykel/fasbyte", data={"to_phase": "active"}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Samverkan kan inte bli pågående ännu" in page
    assert "Vansbro saknar registrerat beslut" in page
    assert "Före-checklistan: ”Syfte, mål och önskade effekter" in page
    session.refresh(agreement)
    assert agreement.phase == "planned"


def test_start_after_fixing_and_the_timeline_shows_it(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se", name="Eva Lund")
    agreement = factory.agreement()
    record_decisions(agreement)
    resolve_items(session, agreement, "before")
    session.commit()
    auth.login("e@vansbro.se")
    response = client.post(
        f"/agreements/{agreement.id}/livscykel/fasbyte",
        data={"to_phase": "active", "reason": "Alla beslut fattade"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Samverkan är nu pågående." in page
    assert "Planerad → Pågående" in page
    assert "Eva Lund" in page and "Alla beslut fattade" in page


def test_abandon_without_reason_names_the_field(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    agreement = factory.agreement()
    auth.login("e@vansbro.se")
    response = client.post(
        f"/agreements/{agreement.id}/livscykel/fasbyte", data={"to_phase": "abandoned"}
    )
    assert response.status_code == 409
    assert "Skriv en motivering för ”Avbryt planeringen”." in response.get_data(as_text=True)


def test_admin_override_through_the_page(client, factory, auth, session):
    factory.user("admin", None, email="a@x.se", name="Adam Admin")
    agreement = factory.agreement()
    auth.login("a@x.se")
    page = client.get(f"/agreements/{agreement.id}/livscykel").get_data(as_text=True)
    assert "Gå förbi villkoren" in page
    response = client.post(
        f"/agreements/{agreement.id}/livscykel/fasbyte",
        data={"to_phase": "active", "override": "y", "reason": "Besluten finns på papper"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Villkoren förbigicks" in page
    assert "Villkor förbigångna av administratör" in page


def test_readers_see_the_lifecycle_but_cannot_change_it(client, factory, auth, session):
    factory.user("reader", "2021", email="r@vansbro.se")
    agreement = activate(session, factory.agreement())
    auth.login("r@vansbro.se")
    page = client.get(f"/agreements/{agreement.id}/livscykel").get_data(as_text=True)
    assert "Planerad → Pågående" in page
    assert "Påbörja avveckling" not in page
    response = client.post(
        f"/agreements/{agreement.id}/livscykel/fasbyte", data={"to_phase": "exiting"}
    )
    assert response.status_code == 403
    assert client.get(f"/agreements/{agreement.id}/avveckling/ny").status_code == 403


def test_exit_plan_from_draft_to_completed_through_the_pages(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    agreement = activate(
        session,
        factory.agreement([("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")]),
    )
    gagnef = agreement.party_for("2026")
    auth.login("e@vansbro.se")
    assert client.get(f"/agreements/{agreement.id}/avveckling/ny").status_code == 200
    response = client.post(
        f"/agreements/{agreement.id}/avveckling/ny",
        data={"kind": "withdrawal", "leaving_party_id": ""},
    )
    assert response.status_code == 422
    assert "Välj vilken part som lämnar samverkan." in response.get_data(as_text=True)
    response = client.post(
        f"/agreements/{agreement.id}/avveckling/ny",
        data={"kind": "withdrawal", "leaving_party_id": str(gagnef.id)},
    )
    assert response.status_code == 302
    plan = session.scalars(select(Exit)).one()
    detail = response.headers["Location"]
    page = client.get(detail).get_data(as_text=True)
    assert "Gagnef lämnar" in page
    assert "samverkan fortsätter utan Gagnef" in page
    response = client.post(f"{detail}/anta", data={"version": "1", "adopted_on": "2026-03-02"})
    assert response.status_code == 422
    assert "Ange vilken part som säger upp innan planen antas." in response.get_data(as_text=True)
    response = client.post(
        f"{detail}/andra",
        data={
            "version": "1",
            "kind": "withdrawal",
            "leaving_party_id": str(gagnef.id),
            "notice_party_id": str(gagnef.id),
            "notice_given_on": "2026-03-01",
            "effective_on": "2026-12-31",
        },
    )
    assert response.status_code == 302
    session.refresh(plan)
    response = client.post(
        f"{detail}/anta",
        data={"version": str(plan.version), "adopted_on": "2026-03-02", "decision_ref": "KF § 12"},
        follow_redirects=True,
    )
    assert "Samverkan fortsätter med 2 parter" in response.get_data(as_text=True)
    session.refresh(plan)
    task = plan.tasks[0]
    response = client.post(
        f"{detail}/uppgifter/{task.id}/klar",
        data={"version": str(task.version)},
        follow_redirects=True,
    )
    assert "är klar." in response.get_data(as_text=True)
    response = client.post(f"{detail}/genomford", data={"version": str(plan.version)})
    assert response.status_code == 409
    assert "Avvecklingsplanen kan inte markeras som genomförd." in response.get_data(as_text=True)
    print_page = client.get(f"{detail}/utskrift").get_data(as_text=True)
    assert "print-only" in print_page and "print-memo.css" in print_page, print_page[
        print_page.find("<main") :
    ][:1500]
    assert "Bilaga: avvecklingsplan" in print_page


def test_task_form_saves_owner_and_due_date(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    agreement = activate(session, factory.agreement())
    auth.login("e@vansbro.se")
    client.post(f"/agreements/{agreement.id}/avveckling/ny", data={"kind": "ending"})
    plan = session.scalars(select(Exit)).one()
    task = plan.tasks[0]
    url = f"/agreements/{agreement.id}/avveckling/{plan.id}/uppgifter/{task.id}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        data={
            "version": "1",
            "status": "in_progress",
            "owner_name": "Per Ek",
            "due_on": "2026-09-30",
            "party_id": "",
        },
    )
    assert response.status_code == 302
    session.refresh(task)
    assert (task.owner_name, task.status, str(task.due_on)) == (
        "Per Ek",
        "in_progress",
        "2026-09-30",
    )
    stale = client.post(url, data={"version": "1", "status": "done"})
    assert stale.status_code == 409


def test_planner_owns_the_plan_through_the_pages(client, factory, auth, session):
    factory.user("editor", "2021", email="e@vansbro.se")
    agreement = activate(
        session,
        factory.agreement(
            [("2021", "member"), ("2023", "member"), ("2026", "member")], form="kommunalforbund"
        ),
    )
    auth.login("e@vansbro.se")
    new = client.get(f"/agreements/{agreement.id}/avveckling/ny").get_data(as_text=True)
    assert "Utträde" in new and "Likvidation" in new and 'value="ending"' not in new
    # Three members: the form starts on one of them leaving, not on winding the förbund up.
    assert re.search(r'value="withdrawal"[^>]*checked', new), new
    assert not re.search(r'value="liquidation"[^>]*checked', new)
    response = client.post(
        f"/agreements/{agreement.id}/avveckling/ny",
        data={"kind": "withdrawal", "leaving_party_id": str(agreement.party_for("2021").id)},
    )
    assert response.status_code == 302
    detail = response.headers["Location"]
    plan = session.scalars(select(Exit)).one()
    page = client.get(detail).get_data(as_text=True)
    assert "Beslut hos parterna" in page and "Checklista för avslutet" in page
    assert "Anta den ändrade förbundsordningen i fullmäktige" in page
    assert "Lag (1976:580) om medbestämmande i arbetslivet, 11 §" in page
    assert "Återkalla planen" not in page and "Ta bort utkastet" in page

    # An own task; then not applicable needs a reason.
    bad = client.post(f"{detail}/uppgifter/ny", data={"title": "", "status": "open"})
    assert bad.status_code == 422
    ok = client.post(
        f"{detail}/uppgifter/ny",
        data={"title": "Säg upp hyresavtalet", "status": "open", "is_required": "y"},
    )
    assert ok.status_code == 302
    session.refresh(plan)
    own = next(t for t in plan.tasks if t.is_custom)
    na = client.post(
        f"{detail}/uppgifter/{own.id}",
        data={"version": str(own.version), "title": own.title, "status": "not_applicable"},
    )
    assert na.status_code == 422
    assert "Skriv varför uppgiften inte är tillämplig." in na.get_data(as_text=True)
    removed = client.post(
        f"{detail}/uppgifter/{own.id}/ta-bort",
        data={"version": str(own.version)},
        follow_redirects=True,
    )
    assert "är borttagen" in removed.get_data(as_text=True)

    # A party's decision: a date in the future is refused, naming the field.
    party = agreement.party_for("2023")
    url = f"{detail}/beslut/{party.id}"
    assert "Kommunfullmäktige" in client.get(url).get_data(as_text=True)
    future = client.post(url, data={"body": "Kommunfullmäktige", "decided_on": "2099-01-01"})
    assert future.status_code == 422
    assert "Beslutsdatum kan inte vara i framtiden" in future.get_data(as_text=True)
    saved = client.post(
        url,
        data={"body": "Kommunfullmäktige", "decided_on": "2026-02-23", "paragraph": "§ 7"},
        follow_redirects=True,
    )
    assert "Beslutet för Malung-Sälen är registrerat." in saved.get_data(as_text=True)

    # A draft is deleted, not withdrawn.
    session.refresh(plan)
    deleted = client.post(
        f"{detail}/ta-bort", data={"version": str(plan.version)}, follow_redirects=True
    )
    assert "är borttaget" in deleted.get_data(as_text=True)
    assert session.scalars(select(Exit)).all() == []


def test_ending_says_when_the_plan_ends_the_cooperation(
    client, auth, factory, session, frozen_clock
):
    """Notice given, the plan adopted: the cooperation runs until 2027-12-31. Before that day
    the 'Avsluta samverkan' card says so; from that day it no longer does."""
    from datetime import date

    from tests.lifecycle_support import adopt, plan_exit

    frozen_clock.set(date(2026, 3, 2))
    factory.user("editor", "2021", email="avsluta@vansbro.se")
    agreement = activate(session, factory.agreement())
    adopt(session, plan_exit(session, agreement), "2026-03-02")
    session.commit()
    auth.login("avsluta@vansbro.se")
    page = client.get(f"/agreements/{agreement.id}/livscykel").get_data(as_text=True)
    assert "Avsluta samverkan" in page
    assert re.search(r"Samverkan upphör först 2027-12-31</strong> enligt avvecklingsplanen", page)
    frozen_clock.set(date(2027, 12, 31))
    page = client.get(f"/agreements/{agreement.id}/livscykel").get_data(as_text=True)
    assert "Avsluta samverkan" in page and "upphör först" not in page
