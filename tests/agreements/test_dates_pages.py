"""Deadlines as a kommunjurist reads them: what happens if nobody acts, a calendar year with no
meeting early enough, and "Att göra" saying what the start page says about a notice."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from coop_tracker.core.actor import Actor
from coop_tracker.lifecycle import services as lifecycle
from coop_tracker.lifecycle.services import ExitInput
from tests.factories import forbund_without_an_early_meeting
from tests.lifecycle_support import adopted_exit, plan_exit

TODAY = date(2026, 12, 7)


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags gone, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            # Tacit renewal: nobody acts, and it runs another period.
            dict(term="renewing", end_on="2027-06-30", renewal_months=12, notice_months=6),
            "Om ingen uppsägning har nått de andra parterna senast 2026-12-31 förlängs avtalet "
            "automatiskt (automatisk förlängning) med 12 månader och kan då tidigast upphöra "
            "2028-06-30.",
        ),
        (
            # "Avtalet gäller 2024-01-01–2026-12-31 och därefter tills vidare med 12 månaders
            # uppsägningstid": the fixed term is over, it runs tills vidare.
            dict(term="fixed_then_indefinite", end_on="2026-12-31", notice_months=12),
            "Avtalet löper tills vidare tills någon part säger upp det. En uppsägning som når "
            "de andra parterna i dag ger slut tidigast 2027-12-07.",
        ),
        (
            # The same clause a year earlier in its life: the first term can still be ended.
            dict(term="fixed_then_indefinite", end_on="2028-12-31", notice_months=12),
            "Om ingen uppsägning har nått de andra parterna senast 2027-12-31 upphör avtalet "
            "inte 2028-12-31 utan löper vidare tills vidare; en uppsägning dagen därpå ger slut "
            "tidigast 2029-01-01.",
        ),
        (
            # A förbundsordning: two years' notice, counted to the year end.
            dict(term="indefinite", notice_months=24, end_alignment="year_end"),
            "Avtalet löper tills vidare tills någon part säger upp det. En uppsägning som når "
            "de andra parterna i dag ger slut tidigast 2028-12-31.",
        ),
        (
            dict(term="fixed", end_on="2027-09-30"),
            "Om ingen gör något upphör avtalet 2027-09-30 utan uppsägning. Ska samverkan "
            "fortsätta behövs beslut om förlängning eller ett nytt avtal före dess.",
        ),
    ],
)
def test_the_agreement_page_says_what_happens_if_nobody_acts(
    client, auth, factory, frozen_clock, fields, expected
):
    frozen_clock.set(TODAY)
    factory.user("reader", "2021", email="las@vansbro.se")
    agreement = factory.agreement(phase="active", start_on="2024-01-01", **fields)
    auth.login("las@vansbro.se")
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert expected in text_of(page)


def test_a_calendar_year_without_a_meeting_early_enough_asks_for_an_extra_meeting(
    client, auth, factory, session, frozen_clock
):
    frozen_clock.set(TODAY)
    factory.user("reader", "2021", email="las@vansbro.se")
    agreement = forbund_without_an_early_meeting(factory, session)
    auth.login("las@vansbro.se")
    page = text_of(client.get(f"/agreements/{agreement.id}").get_data(as_text=True))
    assert (
        "Vansbro KF har inget sammanträde senast 2027-01-17 i sammanträdesplanen: ett extra "
        "sammanträde behövs, eller ett beslut vid ett tidigare sammanträde." in page
    )
    # No February meeting is passed off as in time.
    assert "2027-02-22" not in page


def test_att_gora_says_that_a_member_has_given_notice(client, auth, factory, session, frozen_clock):
    frozen_clock.set(TODAY)
    factory.user("editor", "2029", email="lars@leksand.se")
    agreement = factory.agreement(
        [("2021", "member"), ("2023", "member"), ("2029", "member")],
        form="kommunalforbund",
        phase="active",
        start_on="2020-01-01",
        term="indefinite",
        notice_months=24,
        end_alignment="year_end",
    )
    vansbro = agreement.party_for("2021")
    adopted_exit(
        session,
        agreement,
        ExitInput(
            kind="withdrawal",
            leaving_party_id=vansbro.id,
            notice_party_id=vansbro.id,
            notice_given_on="2026-11-20",
            notice_received_on="2026-11-23",
            effective_on="2028-12-31",
        ),
        "2026-11-19",
        today=TODAY,
    )
    session.commit()
    auth.login("lars@leksand.se")
    page = text_of(client.get("/att-gora").get_data(as_text=True))
    assert "Att känna till" in page
    assert "Vansbro har sagt upp – utträder 2028-12-31." in page
    start = text_of(client.get("/").get_data(as_text=True))
    assert "Vansbro har sagt upp – utträder 2028-12-31." in start


def test_an_agreement_being_wound_up_is_not_offered_for_notice(
    client, auth, factory, session, frozen_clock
):
    frozen_clock.set(TODAY)
    factory.user("reader", "2021", email="las@vansbro.se")
    agreement = factory.agreement(
        phase="active", start_on="2007-01-01", term="indefinite", notice_months=12
    )
    host = agreement.parties[0]
    adopted_exit(
        session,
        agreement,
        ExitInput(
            kind="ending",
            notice_party_id=host.id,
            notice_given_on="2026-11-17",
            effective_on="2027-11-30",
        ),
        "2026-11-16",
        today=TODAY,
    )
    session.commit()
    auth.login("las@vansbro.se")
    page = text_of(client.get(f"/agreements/{agreement.id}").get_data(as_text=True))
    assert "Uppsägning är lämnad: samverkan upphör 2027-11-30" in page
    assert "Kan sägas upp när som helst" not in page
    assert "Om vi säger upp på dag X" not in page


def test_a_draft_exit_plan_says_what_happens_if_notice_is_never_given(
    client, auth, factory, session, frozen_clock
):
    frozen_clock.set(TODAY)
    factory.user("editor", "2021", email="red@vansbro.se")
    agreement = factory.agreement(
        [("2021", "host"), ("2023", "purchaser"), ("2026", "purchaser")],
        phase="active",
        start_on="2024-01-01",
        end_on="2027-06-30",
        term="renewing",
        renewal_months=24,
        notice_months=6,
    )
    leaving = agreement.party_for("2026")
    plan = plan_exit(
        session, agreement, ExitInput(kind="withdrawal", leaving_party_id=leaving.id), today=TODAY
    )
    session.commit()
    auth.login("red@vansbro.se")
    url = f"/agreements/{agreement.id}/avveckling/{plan.id}"
    page = text_of(client.get(url).get_data(as_text=True))
    assert (
        "Om ingen uppsägning har nått de andra parterna senast 2026-12-31 förlängs avtalet "
        "automatiskt (automatisk förlängning) med 24 månader och kan då tidigast upphöra "
        "2029-06-30." in page
    )
    # Once the notice is given the sentence has done its work.
    data = ExitInput.from_exit(plan)
    data.notice_party_id, data.notice_given_on = leaving.id, "2026-12-01"
    data.effective_on = "2027-06-30"
    lifecycle.update_exit(
        session, plan, data, expected_version=plan.version, actor=Actor.system(), today=TODAY
    )
    session.commit()
    page = text_of(client.get(url).get_data(as_text=True))
    assert "automatisk förlängning" not in page


def test_a_decide_by_day_that_has_gone_by_says_so_on_every_page(
    client, auth, factory, frozen_clock
):
    """Notice must reach the others by 2026-12-31, but the day to put the case in has already
    gone by on 2026-12-07: the agreement page, Uppsikt and the meeting report say "passerat"
    beside that day, and not beside one still ahead."""
    frozen_clock.set(TODAY)
    factory.user("reader", "2021", email="las@vansbro.se")
    late = factory.agreement(
        phase="active",
        title="Tolkförmedling",
        term="renewing",
        end_on="2027-06-30",
        renewal_months=12,
        notice_months=6,
        internal_lead_days=30,
    )
    ahead = factory.agreement(
        phase="active",
        title="Lönecenter",
        term="renewing",
        end_on="2028-06-30",
        renewal_months=12,
        notice_months=6,
        internal_lead_days=30,
    )
    auth.login("las@vansbro.se")
    page = text_of(client.get(f"/agreements/{late.id}").get_data(as_text=True))
    assert re.search(r"Vansbro: 2026-1\d-\d\d passerat", page), page
    page = text_of(client.get(f"/agreements/{ahead.id}").get_data(as_text=True))
    assert re.search(r"Vansbro: 2027-\d\d-\d\d \(", page) and "passerat" not in page
    oversight = text_of(client.get("/municipalities/2021/oversight").get_data(as_text=True))
    assert re.search(r"2026-12-31 2026-1\d-\d\d passerat", oversight), oversight
    assert len(re.findall(r"\d passerat", oversight)) == 1  # Lönecenter's day is ahead
    report = text_of(client.get("/municipalities/2021/oversight/report").get_data(as_text=True))
    assert re.search(r"beslut senast 2026-1\d-\d\d \(passerat\)", report), report
