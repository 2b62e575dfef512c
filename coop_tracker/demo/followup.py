"""Demo data for follow-up: reviews per agreement and KS/KF meeting calendars per kommun.

A step of ``load_demo``. Deterministic: every choice comes from
``context.random("followup")`` and every date from ``context.today``. ``small`` records reviews
through the service (validated, audited); ``national`` bulk-inserts (~40,000 reviews).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coop_tracker.agreements.dates import add_months
from coop_tracker.agreements.models import Agreement
from coop_tracker.audit.services import record
from coop_tracker.core.clock import utcnow
from coop_tracker.demo.common import INSERT_CHUNK, chunks, insert_with_ids, table
from coop_tracker.demo.data import read
from coop_tracker.meetings.models import Body, Meeting
from coop_tracker.meetings.rules import same_weekday_next_year
from coop_tracker.reviews.models import Review, ReviewAnswer
from coop_tracker.reviews.rules import QUESTIONS
from coop_tracker.reviews.services import AnswerInput, ReviewInput, create_review

REVIEWED_PHASES = ("active", "exiting", "ended")
MAX_REVIEWS_PER_AGREEMENT = 6
KF_MONTHS = (2, 3, 4, 6, 9, 10, 11, 12)
KS_MONTHS = (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)
_FOLLOWUP = read("followup")
YELLOW_COMMENTS: tuple[str, ...] = tuple(_FOLLOWUP["yellow_comments"])
RED_COMMENTS: tuple[str, ...] = tuple(_FOLLOWUP["red_comments"])
ANSWER_COMMENTS: dict[str, str] = _FOLLOWUP["answer_comments"]


def _reviews_for(
    rng: random.Random, start_on: date | None, today: date
) -> list[tuple[date, str, str]]:
    """(date, rating, comment) once a year from start + 12 months; some years are skipped."""
    if start_on is None:
        return []
    dates = []
    day = add_months(start_on, 12)
    while day <= today - timedelta(days=30):
        dates.append(day + timedelta(days=rng.randint(-20, 40)))
        day = add_months(day, 12)
    dates = [d for d in dates[-MAX_REVIEWS_PER_AGREEMENT:] if rng.random() < 0.95 and d < today]
    result = []
    for day in dates:
        roll = rng.random()
        if roll < 0.65:
            result.append((day, "green", ""))
        elif roll < 0.9:
            result.append((day, "yellow", rng.choice(YELLOW_COMMENTS)))
        else:
            result.append((day, "red", rng.choice(RED_COMMENTS)))
    return result


def _answers(rng: random.Random) -> dict[str, tuple[str, str]]:
    answers = {}
    for key in QUESTIONS:
        if rng.random() < 0.6:
            answer = rng.choices(("yes", "partly", "no"), (5, 3, 1))[0]
            if key in ANSWER_COMMENTS:
                answer = "yes" if rng.random() < 0.2 else "no"
            comment = ANSWER_COMMENTS.get(key, "") if answer == "yes" else ""
            answers[key] = (answer, comment)
    return answers


def _goal(rng: random.Random, rating: str) -> str:
    if rating == "green":
        return rng.choices(("met", "partly"), (4, 1))[0]
    if rating == "yellow":
        return rng.choices(("partly", "not_assessed"), (3, 1))[0]
    return rng.choices(("not_met", "partly"), (3, 1))[0]


def _meeting_days(rng: random.Random, year: int) -> list[tuple[Body, date, date]]:
    """A kommun's KF and KS meetings of one year: a fixed weekday and week of the month."""
    kf_weekday, ks_weekday = rng.choice((0, 1, 3)), rng.choice((1, 2))
    kf_week, ks_week = rng.choice((1, 2, 3)), rng.choice((0, 1))
    days: list[tuple[Body, date, date]] = []
    for body, months, weekday, week, lead in (
        (Body.KF, KF_MONTHS, kf_weekday, kf_week, 21),
        (Body.KS, KS_MONTHS, ks_weekday, ks_week, 14),
    ):
        for month in months:
            first = date(year, month, 1)
            day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * week)
            days.append((body, day, day - timedelta(days=lead)))
    return days


def demo_followup(session: Session, context: Any) -> None:
    """Reviews for running and ended agreements, and KS/KF calendars for the demo kommuner."""
    rng = context.random("followup")
    today: date = context.today
    national = context.scale == "national"
    review_count = 0
    review_rows: list[dict[str, Any]] = []
    answers_for: list[dict[str, tuple[str, str]]] = []
    now = utcnow()
    for agreement in context.agreements:
        if agreement.phase not in REVIEWED_PHASES:
            continue
        planned = _reviews_for(rng, agreement.start_on, today)
        # Read once for all its reviews (the session keeps only what is referenced).
        reviewed = None if national or not planned else session.get_one(Agreement, agreement.id)
        for index, (day, rating, comment) in enumerate(planned):
            latest = index == len(planned) - 1
            answers = _answers(rng) if latest or rng.random() < 0.1 else {}
            goal = _goal(rng, rating)
            if national:
                review_rows.append(
                    {
                        "agreement_id": agreement.id,
                        "reviewed_on": day,
                        "rating": rating,
                        "rating_comment": comment,
                        "goal_attainment": goal,
                        "goal_comment": "",
                        "cost_comment": "",
                        "reported_to": "Kommunstyrelsen" if rng.random() < 0.7 else "",
                        "reported_on": day + timedelta(days=21) if rng.random() < 0.7 else None,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                answers_for.append(answers)
            else:
                outcome = Decimal(rng.randrange(150, 900) * 1000)
                assert reviewed is not None
                create_review(
                    session,
                    reviewed,
                    ReviewInput(
                        reviewed_on=day,
                        rating=rating,
                        rating_comment=comment,
                        goal_attainment=goal,
                        cost_budget=(outcome * Decimal("0.95")).quantize(Decimal(1)),
                        cost_outcome=outcome,
                        answers={k: AnswerInput(a, c) for k, (a, c) in answers.items()},
                        reported_to="Kommunstyrelsen",
                        reported_on=day + timedelta(days=21),
                    ),
                    actor=context.actor,
                    today=today,
                )
            review_count += 1
    if review_rows:
        ids = insert_with_ids(session, table(Review), review_rows)
        answer_rows = [
            {"review_id": review_id, "question": key, "answer": answer, "comment": comment}
            for review_id, answers in zip(ids, answers_for, strict=True)
            for key, (answer, comment) in answers.items()
        ]
        for chunk in chunks(answer_rows, INSERT_CHUNK):
            session.execute(insert(table(ReviewAnswer)), chunk)
    meeting_count = _demo_meetings(session, context, rng, today, national)
    if national:
        record(
            session,
            context.actor,
            action="demo_followup",
            object_type="review",
            object_id="*",
            label="Demodata: uppföljningar och sammanträdesplaner",
            changes={"reviews": [None, review_count], "meetings": [None, meeting_count]},
        )
    session.flush()
    context.counts["uppföljningar"] = review_count
    context.counts["sammanträden"] = meeting_count


def _demo_meetings(
    session: Session, context: Any, rng: random.Random, today: date, national: bool
) -> int:
    frequency: dict[str, int] = {}
    for agreement in context.agreements:
        for code, _role in agreement.parties:
            frequency[code] = frequency.get(code, 0) + 1
    codes = sorted(frequency)
    if not national:  # the kommuner in most agreements (Vansbro, Mora, …), without clutter
        codes = sorted(sorted(frequency, key=lambda c: (-frequency[c], c))[:12])
    rows = []
    now = utcnow()
    for code in codes:
        days = _meeting_days(rng, today.year - 1)
        # This year and next: the same weekday pattern, as "copy from last year" does.
        this_year = [
            (b, same_weekday_next_year(d), same_weekday_next_year(d) - (d - c)) for b, d, c in days
        ]
        next_year = [
            (b, same_weekday_next_year(d), same_weekday_next_year(d) - (d - c))
            for b, d, c in this_year
        ]
        for body, day, deadline in [*days, *this_year, *next_year]:
            rows.append(
                {
                    "municipality_code": code,
                    "body": body,
                    "body_name": "",
                    "meeting_on": day,
                    "case_deadline_on": deadline,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
    existing = set(
        session.execute(
            select(Meeting.municipality_code, Meeting.body, Meeting.meeting_on).where(
                Meeting.municipality_code.in_(codes)
            )
        ).tuples()
    )  # loading the demo twice adds no meeting twice
    unique = {(r["municipality_code"], r["body"], r["meeting_on"]): r for r in rows}
    new = [r for key, r in unique.items() if key not in existing]
    for chunk in chunks(new, INSERT_CHUNK):
        session.execute(insert(table(Meeting)), chunk)
    return len(new)
