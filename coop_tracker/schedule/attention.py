"""What needs attention: one service that the start page, Uppsikt, the meeting report, the
agreement page, "Att göra" and the reminder planner read, so they agree.

``attention_for(session, agreements, today, municipality=…)`` answers, per agreement, a list of
:class:`Attention` items: a reason code, a level (``red`` must be acted on now, ``yellow`` soon or
worth knowing), the date it concerns and a sentence in the request's language. It rests on the
same derived dates as the reminder planner (:func:`derived_dates_for`), so a reminder and an
item on a page always name the same date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Phase, Term
from coop_tracker.core.i18n import _
from coop_tracker.schedule.queries import derived_dates_for
from coop_tracker.schedule.rules import DerivedDates, PartyDecideBy, notice_text

# Reason codes (stable: the meeting report and the API may key on them).
NOTICE_GIVEN = "notice_given"
TERM_EXPIRED = "term_expired"
DECIDE_BY_PASSED = "decide_by_passed"
DECIDE_BY = "decide_by"
NOTICE_DEADLINE = "notice_deadline"
CONTINUATION = "continuation"
TERM_ENDS = "term_ends"
REVIEW_OVERDUE = "review_overdue"
REVIEW_RATING = "review_rating"
DECISION_MISSING = "decision_missing"

# Reasons that no reminder stands for (every other reason has its reminder kind): "Att göra"
# lists these beside the reminders, so it says what the start page says.
WITHOUT_REMINDER = frozenset({NOTICE_GIVEN, REVIEW_RATING, DECISION_MISSING})

LIVE_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.EXITING)
DEFAULT_HORIZON_DAYS = 183  # about six months
TERM_END_HORIZON_DAYS = 365


@dataclass(frozen=True)
class Attention:
    """One thing about one agreement that someone should act on or know."""

    agreement: Agreement
    reason: str
    level: str  # "red" | "yellow"
    text: str
    on: date | None = None
    municipality_code: str | None = None  # the party it concerns; None: the agreement

    @property
    def overdue(self) -> bool:
        return self.level == "red"


def _chain(party: PartyDecideBy) -> str:
    if party.prepared_on is not None:
        return _(
            "beslut i KF %(kf)s, berett i KS %(ks)s",
            kf=party.meeting_on.isoformat() if party.meeting_on else "",
            ks=party.prepared_on.isoformat(),
        )
    if party.meeting_on is not None:
        return _(
            "beslut i %(body)s %(date)s", body=party.body_label, date=party.meeting_on.isoformat()
        )
    return ""


def attention_items(
    agreement: Agreement,
    derived: DerivedDates,
    today: date,
    *,
    horizon: date | None = None,
    municipality: str | None = None,
    names: dict[str, str] | None = None,
) -> list[Attention]:
    """The items of one agreement as of ``today`` (pure).

    ``municipality``: only what concerns that kommun's own party (its decide-by dates), as the
    start page and Uppsikt show it; ``None`` gives every party's (the agreement page).
    ``horizon``: how far ahead dates count (default about six months).
    """
    if agreement.phase not in LIVE_PHASES or agreement.is_archived:
        return []
    horizon = horizon or today + timedelta(days=DEFAULT_HORIZON_DAYS)
    names = names or {p.municipality_code: p.name for p in agreement.parties if p.municipality_code}
    items: list[Attention] = []

    def add(
        reason: str, level: str, text: str, on: date | None = None, code: str | None = None
    ) -> None:
        items.append(Attention(agreement, reason, level, text, on, code))

    for code, notice in derived.notices.items():
        add(NOTICE_GIVEN, "yellow", notice_text(notice), notice.effective_on, code)
    if derived.expired_on is not None:
        add(
            TERM_EXPIRED,
            "red",
            _(
                "Avtalstiden gick ut %(date)s – förläng, avsluta eller rätta uppgifterna.",
                date=derived.expired_on.isoformat(),
            ),
            derived.expired_on,
        )
    mine = (lambda code: code == municipality) if municipality else (lambda code: True)
    deadline = derived.notice_deadline_on
    if deadline is not None and agreement.phase == Phase.ACTIVE:
        shown_decide_by = False
        for code, party in derived.parties.items():
            if not mine(code) or party.decide_by_on is None:
                continue
            who = names.get(code, code)
            chain = _chain(party)
            warnings = " ".join(party.warnings)
            if party.decide_by_on < today <= deadline:
                text = _(
                    "%(kommun)s: ärendet om uppsägning skulle ha lämnats in senast %(date)s; "
                    "uppsägningen ska ha nått de andra parterna senast %(deadline)s.",
                    kommun=who,
                    date=party.decide_by_on.isoformat(),
                    deadline=deadline.isoformat(),
                )
                level = "red"
            elif party.decide_by_on <= horizon:
                text = _(
                    "%(kommun)s: lämna in ärendet om uppsägning senast %(date)s; uppsägningen ska "
                    "ha nått de andra parterna senast %(deadline)s.",
                    kommun=who,
                    date=party.decide_by_on.isoformat(),
                    deadline=deadline.isoformat(),
                )
                level = "yellow"
            else:
                continue
            shown_decide_by = True
            add(
                DECIDE_BY_PASSED if level == "red" else DECIDE_BY,
                level,
                " ".join(t for t in (text, f"({chain})" if chain else "", warnings) if t),
                party.decide_by_on,
                code,
            )
        deciding = any(mine(code) for code in derived.parties)
        if deciding and not shown_decide_by and deadline <= horizon:
            add(
                NOTICE_DEADLINE,
                "yellow",
                _("Sista dag för uppsägning är %(date)s.", date=deadline.isoformat()),
                deadline,
            )
    if derived.continuation_on is not None and agreement.end_on is not None:
        for code, party in derived.continuation.items():
            if not mine(code) or party.decide_by_on is None or party.decide_by_on > horizon:
                continue
            level = "red" if party.decide_by_on < today else "yellow"
            text = _(
                "%(kommun)s: beslut om förlängning eller nytt avtal senast %(date)s; avtalet "
                "upphör %(end)s.",
                kommun=names.get(code, code),
                date=party.decide_by_on.isoformat(),
                end=agreement.end_on.isoformat(),
            )
            warnings = " ".join(party.warnings)
            add(CONTINUATION, level, f"{text} {warnings}".strip(), party.decide_by_on, code)
    if (
        agreement.term == Term.FIXED
        and agreement.end_on is not None
        and derived.expired_on is None
        and agreement.phase != Phase.PLANNED
        and today <= agreement.end_on <= today + timedelta(days=TERM_END_HORIZON_DAYS)
    ):
        add(
            TERM_ENDS,
            "yellow",
            _("Avtalet upphör %(date)s.", date=agreement.end_on.isoformat()),
            agreement.end_on,
        )
    review = derived.latest_review
    if agreement.phase in (Phase.ACTIVE, Phase.EXITING):
        if derived.next_review_on is not None and derived.next_review_on < today:
            add(
                REVIEW_OVERDUE,
                "red",
                _(
                    "Uppföljningen är försenad: den skulle ha gjorts %(date)s (%(days)s dagar "
                    "sedan).",
                    date=derived.next_review_on.isoformat(),
                    days=(today - derived.next_review_on).days,
                ),
                derived.next_review_on,
            )
        rating = getattr(review, "rating", None)
        if rating in ("red", "yellow"):
            text = (
                _("Senaste uppföljningen (%(date)s) är röd.", date=review.reviewed_on)
                if rating == "red"
                else _("Senaste uppföljningen (%(date)s) är gul.", date=review.reviewed_on)
            )
            add(REVIEW_RATING, rating, text, review.reviewed_on)
    if agreement.phase == Phase.PLANNED:
        missing = [
            p for p in agreement.current_parties if not p.has_decision and mine(p.municipality_code)
        ]
        if missing:
            add(
                DECISION_MISSING,
                "yellow",
                _(
                    "Planerad samverkan där beslut saknas för %(names)s.",
                    names=", ".join(names.get(p.municipality_code or "", p.name) for p in missing),
                ),
            )
    return items


def attention_for(
    session: Session,
    agreements: Iterable[Agreement],
    today: date,
    *,
    municipality: str | None = None,
    horizon: date | None = None,
    derived: dict[int, DerivedDates] | None = None,
) -> dict[int, list[Attention]]:
    """Every agreement's items (a constant number of queries; pass ``derived`` to reuse dates
    already loaded). With ``municipality`` the decide-by dates are that kommun's own, from its
    meeting calendar."""
    agreements = list(agreements)
    if derived is None:
        derived = derived_dates_for(
            session, agreements, today, calendars=(municipality,) if municipality else None
        )
    return {
        a.id: attention_items(a, derived[a.id], today, horizon=horizon, municipality=municipality)
        for a in agreements
    }


def sorted_items(items: Iterable[Attention], today: date) -> list[Attention]:
    """Red first, then by date (undated last)."""
    return sorted(
        items,
        key=lambda i: (i.level != "red", i.on is None, i.on or today, i.agreement.title),
    )


def with_own_decide_by(derived: DerivedDates, code: str | None) -> DerivedDates:
    """``derived`` with ``decide_by_on`` as the kommun's own (Uppsikt's column)."""
    return replace(derived, decide_by_on=derived.decide_by_for(code))


__all__ = [
    "WITHOUT_REMINDER",
    "Attention",
    "attention_for",
    "attention_items",
    "sorted_items",
]
