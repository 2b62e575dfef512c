"""Derived dates loaded for a page of agreements (reviews, notices, meeting calendars), and
the "what if notice reaches them on …" answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements import dates
from coop_tracker.agreements.models import Agreement, Party, Term
from coop_tracker.agreements.queries import terms_of
from coop_tracker.core.i18n import _
from coop_tracker.lifecycle.models import Exit, ExitStatus
from coop_tracker.meetings.queries import MeetingIndex, meeting_index
from coop_tracker.municipalities.models import Municipality
from coop_tracker.reviews.queries import latest_reviews
from coop_tracker.schedule.rules import (
    DateSettings,
    DerivedDates,
    PartyDecideBy,
    PartyNotice,
    derived_dates,
    notice_text,
    party_decide_by,
)


def notices_by_agreement(
    session: Session, agreement_ids: Iterable[int], today: date | None = None
) -> dict[int, list[PartyNotice]]:
    """Recorded notices (draft or adopted exits with who, when and effective date), one query.

    A draft whose notice date is still ahead of ``today`` is a plan, not a notice: the party
    has not given notice, so its reminders and decide-by dates stay.
    """
    ids = sorted(set(agreement_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Exit, Party.municipality_code, Municipality.name)
        .join(Party, Party.id == Exit.notice_party_id)
        .join(Municipality, Municipality.code == Party.municipality_code)
        .where(
            Exit.agreement_id.in_(ids),
            Exit.status.in_([ExitStatus.DRAFT, ExitStatus.ADOPTED]),
            Exit.notice_given_on.is_not(None),
        )
        .order_by(Exit.id)
    )
    found: dict[int, list[PartyNotice]] = {}
    for plan, code, name in rows.tuples():
        if plan.notice_given_on is None or (
            plan.status == ExitStatus.DRAFT
            and (not plan.has_notice or (today is not None and plan.notice_given_on > today))
        ):
            continue
        leaving = code
        if plan.scope == "party" and plan.leaving_party is not None:
            leaving = plan.leaving_party.municipality_code
            name = plan.leaving_party.name
        found.setdefault(plan.agreement_id, []).append(
            PartyNotice(
                municipality_code=leaving or "",
                name=name,
                given_on=plan.notice_given_on,
                received_on=plan.notice_received_on or plan.notice_given_on,
                effective_on=plan.effective_on,
                scope=plan.scope,
                status=plan.status,
                exit_id=plan.id,
                transition_starts_on=plan.transition_starts_on,
                transition_ends_on=plan.transition_ends_on,
            )
        )
    return found


def derived_dates_for(
    session: Session,
    agreements: list[Agreement],
    today: date,
    *,
    calendars: Iterable[str] | None = None,
) -> dict[int, DerivedDates]:
    """Derived dates for a page of agreements in a constant number of queries.

    One grouped query for the latest reviews, one for the recorded notices and one for the
    meeting calendars of every party's kommun (parties must already be loaded, as
    :func:`with_children` does).

    ``calendars`` narrows which kommuner's meeting calendars are read: a list page that shows
    only notice deadlines passes ``()`` (no calendar query), a page about one kommun passes
    its code. Parties whose calendar was not read get the fallback decide-by (with a warning
    that the calendar is missing), so a caller must only show the decide-by of the kommuner
    it asked for.
    """
    if not agreements:
        return {}
    settings = DateSettings.current(session)
    latest = latest_reviews(session, [a.id for a in agreements])
    notices = notices_by_agreement(session, [a.id for a in agreements], today)
    codes = {
        p.municipality_code
        for a in agreements
        for p in a.parties
        if p.left_on is None and p.municipality_code
    }
    if calendars is not None:
        codes &= set(calendars)
    targets: list[date] = []
    for a in agreements:
        if a.start_on is None:
            continue
        try:
            terms = terms_of(a)
        except ValueError:
            continue
        months = {settings.continuation_lead_months} | {
            settings.continuation_months_for(p.municipality_code or "") for p in a.parties
        }
        for target in (
            dates.notice_deadline_on(terms, today),
            *(dates.continuation_target_on(terms, today, m) for m in months),
        ):
            if target is not None:
                targets.append(target)
    meetings: MeetingIndex = {}
    if targets and codes:
        # Whole calendar years: whether a year's calendar exists is part of the answer.
        meetings = meeting_index(
            session,
            codes,
            date(min(targets).year - 1, 1, 1),
            date(max(targets).year, 12, 31),
        )
    return {
        a.id: derived_dates(
            a,
            today,
            latest_review=latest.get(a.id),
            meetings=meetings,
            notices=notices.get(a.id),
            settings=settings,
        )
        for a in agreements
    }


@dataclass
class WhatIf:
    """ "If notice reaches the other parties on ``notice_on``": the answer for one agreement.

    ``decide_by`` has, per current party that has not given notice, when its case must be in
    for its deciding body to decide in time for a notice received that day.
    """

    notice_on: date
    notice_deadline_on: date | None
    earliest_end_on: date | None
    current_term_ends_on: date | None
    decide_by: list[tuple[Party, PartyDecideBy]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def what_if(session: Session, agreement: Agreement, notice_on: date, today: date) -> WhatIf:
    """The dates that follow if notice of ``agreement`` reaches the other parties on
    ``notice_on`` (three queries: the calendars, the notices and the review)."""
    derived = derived_dates_for(session, [agreement], today)[agreement.id]
    if agreement.start_on is None:
        return WhatIf(
            notice_on,
            None,
            None,
            None,
            warnings=[_("Samverkan har inget startdatum, så inga datum kan räknas fram.")],
        )
    try:
        terms = terms_of(agreement)
    except ValueError:
        return WhatIf(
            notice_on,
            None,
            None,
            None,
            warnings=[_("Avtalstiden är ofullständig: rätta uppgifterna om samverkan.")],
        )
    settings = DateSettings.current(session)
    warnings: list[str] = []
    end = dates.earliest_end_on(terms, notice_on)
    deadline = dates.notice_deadline_on(terms, today)
    if notice_on < today:
        warnings.append(
            _("%(date)s har redan passerat: svaret visar vad som hade gällt.", date=notice_on)
        )
    if agreement.term == Term.FIXED:
        assert agreement.end_on is not None
        if agreement.end_on < notice_on:
            warnings.append(
                _(
                    "Avtalstiden gick ut %(end)s – förläng, avsluta eller rätta uppgifterna.",
                    end=agreement.end_on.isoformat(),
                )
            )
        else:
            warnings.append(
                _(
                    "Avtalet är tidsbegränsat och upphör %(end)s utan uppsägning. Beslut om "
                    "förlängning eller nytt avtal behövs i stället.",
                    end=agreement.end_on.isoformat(),
                )
            )
    elif deadline is not None and notice_on > deadline:
        warnings.append(
            _(
                "Uppsägningen kommer för sent för perioden som slutar %(term_end)s (sista dag "
                "%(deadline)s). Avtalet löper då till %(end)s.",
                term_end=(dates.term_end_for_deadline(terms, today) or end).isoformat(),
                deadline=deadline.isoformat(),
                end=end.isoformat(),
            )
        )
    if notice_on < agreement.start_on:
        warnings.append(_("Dagen ligger före avtalets start."))
    for notice in derived.notices.values():
        warnings.append(notice_text(notice))
    codes = [
        p.municipality_code
        for p in agreement.parties
        if p.left_on is None and p.municipality_code and p.municipality_code not in derived.notices
    ]
    meetings = meeting_index(
        session, codes, date(notice_on.year - 1, 1, 1), date(notice_on.year, 12, 31)
    )
    decide_by = [
        (party, party_decide_by(agreement, party, notice_on, meetings, settings))
        for party in agreement.parties
        if party.municipality_code in codes and not derived.ends_by_notice_on
    ]
    return WhatIf(
        notice_on=notice_on,
        notice_deadline_on=deadline,
        earliest_end_on=None if agreement.term == Term.FIXED and end < notice_on else end,
        current_term_ends_on=derived.current_term_end_on,
        decide_by=decide_by,
        warnings=warnings,
    )
