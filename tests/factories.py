"""Test data builders that go through the services (so audit and validation apply)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.services import AgreementInput, PartyInput, create_agreement
from coop_tracker.core.actor import Actor
from coop_tracker.core.clock import utcnow
from coop_tracker.meetings.models import Meeting
from coop_tracker.meetings.services import MeetingInput, add_meeting
from coop_tracker.reminders.models import Reminder
from coop_tracker.reviews.models import Review
from coop_tracker.reviews.services import ReviewInput, create_review
from coop_tracker.users.models import User
from coop_tracker.users.services import UserInput, create_token, create_user

PASSWORD = "ett-langt-losenord-123"
_counter = itertools.count(1)


class Factory:
    """Creates users, tokens and agreements in the test database."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.actor = Actor.system("cli")

    def user(self, role: str = "editor", municipality: str | None = "2021", **extra: Any) -> User:
        n = next(_counter)
        data = UserInput(
            email=extra.pop("email", f"user{n}@example.se"),
            name=extra.pop("name", f"Testperson {n}"),
            role=role,
            municipality_code=municipality if role != "admin" or municipality else None,
            password=PASSWORD,
        )
        user = create_user(self.session, data, actor=self.actor)
        self.session.commit()
        return user

    def token(self, user: User) -> str:
        _token, plain = create_token(self.session, user, "test", actor=self.actor)
        self.session.commit()
        return plain

    def agreement(
        self,
        parties: list[tuple[str, str] | PartyInput] | None = None,
        *,
        form: str = "avtalssamverkan",
        phase: str | None = None,
        areas: list[str] | None = None,
        **fields: Any,
    ) -> Agreement:
        n = next(_counter)
        data = AgreementInput(
            title=fields.pop("title", f"Samverkan nummer {n}"),
            form=form,
            area_slugs=areas or ["miljo-halsoskydd"],
            parties=[
                party
                if isinstance(party, PartyInput)
                else PartyInput(municipality_code=party[0], role=party[1])
                for party in (parties or [("2021", "host"), ("2023", "purchaser")])
            ],
            **{"start_on": "2024-01-01", **fields},
        )
        agreement = create_agreement(self.session, data, actor=self.actor).agreement
        if phase:
            agreement.phase = phase  # tests of visibility only; real changes go via lifecycle
        self.session.commit()
        return agreement


def green_review(session: Session, agreement: Agreement, reviewed_on: str) -> Review:
    """A green review of ``agreement`` (goals met) held on ``reviewed_on``, recorded on
    2026-04-15 by the system; not committed."""
    return create_review(
        session,
        agreement,
        ReviewInput(reviewed_on=reviewed_on, rating="green", goal_attainment="met"),
        actor=Actor.system(),
        today=date(2026, 4, 15),
    )


def follow_up_records(
    session: Session, agreement: Agreement, user: User, *, code: str, due_on: date
) -> tuple[Meeting, Review, Reminder]:
    """What the follow-up routes act on: a KF meeting of kommun ``code`` (2026-06-15), a green
    review of ``agreement``, and a review reminder to ``user`` due on ``due_on`` (30 days' lead),
    all flushed."""
    meeting = add_meeting(
        session, code, MeetingInput("kf", "", "2026-06-15", "2026-05-25"), actor=Actor.system()
    )
    review = green_review(session, agreement, "2026-03-01")
    reminder = Reminder(
        kind="review_due",
        subject_type="agreement",
        subject_id=agreement.id,
        agreement_id=agreement.id,
        due_on=due_on,
        lead_days=30,
        remind_on=due_on - timedelta(days=30),
        recipient_key=f"u:{user.id}",
        recipient_user_id=user.id,
        recipient_email=user.email,
        title="Uppföljning",
        created_at=utcnow(),
    )
    session.add(reminder)
    session.flush()
    return meeting, review, reminder


def forbund_without_an_early_meeting(factory: Factory, session: Session) -> Agreement:
    """A förbund of Vansbro and Malung-Sälen, fixed to 2027-07-31 with six months' notice:
    notice must reach the other by 2027-01-31, so Vansbro must decide by 2027-01-17. Vansbro's
    2027 calendar exists, but its first meetings are in February (KS 2027-02-02, case deadline
    2027-01-19; KF 2027-02-22, case deadline 2027-02-01)."""
    agreement = factory.agreement(
        [("2021", "member"), ("2023", "member")],
        form="kommunalforbund",
        phase="active",
        start_on="2020-01-01",
        end_on="2027-07-31",
        term="fixed_then_indefinite",
        notice_months=6,
    )
    for body, meeting_on, case_deadline_on in (
        ("kf", "2027-02-22", "2027-02-01"),
        ("ks", "2027-02-02", "2027-01-19"),
    ):
        add_meeting(
            session,
            "2021",
            MeetingInput(body=body, meeting_on=meeting_on, case_deadline_on=case_deadline_on),
            actor=Actor.system(),
        )
    session.commit()
    return agreement
