"""One attention service: the start page, the agreement page, Uppsikt (and its report) and the
reminder planner agree on what needs attention, and each party follows its own phase."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop_tracker.agreements.models import Agreement, Party
from coop_tracker.lifecycle.services import ExitInput
from coop_tracker.municipalities.models import Municipality
from coop_tracker.reminders.deadlines import deadlines_for, deadlines_of
from coop_tracker.reminders.models import Kind
from coop_tracker.schedule.attention import TERM_EXPIRED, attention_for
from coop_tracker.schedule.rules import PartyNotice, derived_dates
from tests.lifecycle_support import adopted_exit

TODAY = date(2026, 12, 7)


def _pages(client, auth, agreement_id):
    auth.login("las@vansbro.se")
    start = client.get("/").get_data(as_text=True)
    detail = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    oversight = client.get("/municipalities/2021/oversight").get_data(as_text=True)
    report = client.get("/municipalities/2021/oversight/report").get_data(as_text=True)
    return start, detail, oversight, report


def test_an_active_agreement_past_its_end_date_is_flagged_everywhere(
    client, auth, factory, session, frozen_clock
):
    frozen_clock.set(TODAY)
    factory.user("reader", "2021", email="las@vansbro.se")
    agreement = factory.agreement(
        phase="active", start_on="2024-01-01", end_on="2026-06-30", term="fixed"
    )
    text = "Avtalstiden gick ut 2026-06-30 – förläng, avsluta eller rätta uppgifterna"
    for page in _pages(client, auth, agreement.id):
        assert text in page
    items = attention_for(session, [agreement], TODAY, municipality="2021")[agreement.id]
    assert [i.reason for i in items if i.level == "red"][:1] == [TERM_EXPIRED]
    _, deadlines = deadlines_for(session, TODAY, agreement_ids=[agreement.id])
    assert [d.due_on for d in deadlines if d.kind == Kind.TERM_EXPIRED] == [date(2026, 6, 30)]


def test_a_fixed_term_gets_a_continuation_decision_in_time(session, factory, frozen_clock):
    frozen_clock.set(TODAY)
    agreement = factory.agreement(
        phase="active",
        start_on="2024-01-01",
        end_on="2027-09-30",
        term="fixed",
        internal_lead_days=30,
    )
    _, deadlines = deadlines_for(session, TODAY, agreement_ids=[agreement.id])
    continuation = sorted(
        (d.municipality_code, d.due_on) for d in deadlines if d.kind == Kind.CONTINUATION
    )
    # Six months before the end is 2027-03-31; less 14 days' buffer and 30 days' lead time.
    assert continuation == [("2021", date(2027, 2, 15)), ("2023", date(2027, 2, 15))]
    # Not the old 90-days-before-the-end: the first reminder comes months earlier.
    assert all(d.due_on < date(2027, 7, 2) for d in deadlines if d.kind == Kind.CONTINUATION)


def test_an_adopted_exit_shows_everywhere_and_stops_that_partys_notice_reminders(
    client, auth, factory, session, frozen_clock
):
    frozen_clock.set(TODAY)
    factory.user("reader", "2021", email="las@vansbro.se")
    agreement = factory.agreement(
        [("2021", "purchaser"), ("2023", "host"), ("2026", "purchaser")],
        phase="active",
        start_on="2024-01-01",
        end_on="2027-06-30",
        term="renewing",
        renewal_months=12,
        notice_months=6,
    )
    vansbro = agreement.parties[0]
    adopted_exit(
        session,
        agreement,
        ExitInput(
            scope="party",
            leaving_party_id=vansbro.id,
            notice_party_id=vansbro.id,
            notice_given_on="2026-11-20",
            notice_received_on="2026-11-23",
            effective_on="2027-06-30",
        ),
        "2026-11-19",
        today=TODAY,
    )
    session.commit()
    text = "Vansbro har sagt upp – utträder 2027-06-30"
    start, detail, oversight, report = _pages(client, auth, agreement.id)
    for page in (start, detail, oversight, report):
        assert text in page
    assert "utträder 2027-06-30" in detail.split('id="parter"')[1]  # the parties table
    assert "Grön: inget att åtgärda" not in oversight.split(agreement.title)[1].split("</tr>")[0]
    _, deadlines = deadlines_for(session, TODAY, agreement_ids=[agreement.id])
    notice_kinds = {Kind.NOTICE_DEADLINE, Kind.DECIDE_BY}
    assert not [d for d in deadlines if d.kind in notice_kinds and d.municipality_code == "2021"]
    assert {d.municipality_code for d in deadlines if d.kind == Kind.DECIDE_BY} == {"2023", "2026"}
    assert [d.title for d in deadlines if d.kind == Kind.EXIT_MILESTONE] == [
        f"Vansbro lämnar {agreement.title}"
    ]


@st.composite
def _agreement_with_notices(draw: st.DrawFn) -> tuple[Agreement, list[PartyNotice], date]:
    codes = ["2021", "2023", "2026", "2029"][: draw(st.integers(2, 4))]
    agreement = Agreement(
        id=1,
        title="Egenskapstest",
        form="avtalssamverkan",
        phase="active",
        start_on=date(2020, 1, 1),
        end_on=draw(st.dates(date(2021, 1, 1), date(2030, 12, 31))),
        term=draw(st.sampled_from(["renewing", "fixed_then_indefinite", "fixed"])),
        end_alignment="none",
        notice_months=draw(st.integers(0, 24)),
        renewal_months=12,
        internal_lead_days=draw(st.integers(0, 120)),
        review_interval_months=12,
    )
    agreement.parties = [
        Party(
            id=n,
            municipality_code=code,
            role="host" if n == 0 else "purchaser",
            decision_body="",
            deciding_body="",
            deciding_body_name="",
            municipality=Municipality(code=code, name=f"Kommun {code}"),
        )
        for n, code in enumerate(codes)
    ]
    noticed = draw(st.lists(st.sampled_from(codes), unique=True))
    notices = [
        PartyNotice(
            code, f"Kommun {code}", date(2026, 1, 5), date(2026, 1, 7), None, "party", "adopted", n
        )
        for n, code in enumerate(noticed)
    ]
    return agreement, notices, draw(st.dates(date(2020, 1, 1), date(2031, 12, 31)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_agreement_with_notices())
def test_property_no_notice_reminder_for_a_party_that_has_given_notice(case) -> None:
    agreement, notices, today = case
    derived = derived_dates(agreement, today, notices=notices)
    noticed = {n.municipality_code for n in notices}
    assert not noticed & set(derived.parties)
    assert not noticed & set(derived.continuation)
    for deadline in deadlines_of(agreement, derived, TODAY):
        if deadline.kind in (Kind.NOTICE_DEADLINE, Kind.DECIDE_BY, Kind.CONTINUATION):
            assert deadline.municipality_code not in noticed
