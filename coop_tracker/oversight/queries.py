"""The oversight of one kommun: every agreement it is a current party of, with what needs
attention, the kommun's own cost, totals per area and form, and what has changed since a date.

Everything is loaded in a fixed number of queries (agreements with parties and areas, the latest
reviews, checklist progress, the audit log) and then filtered and sorted in Python: one kommun
is party to at most a few hundred agreements.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from coop_tracker.agreements import dates
from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.agreements.queries import DerivedDates, derived_dates_for, with_children
from coop_tracker.agreements.rules import FORM_LABELS, PHASE_LABELS, ROLE_LABELS
from coop_tracker.audit.models import AuditEvent
from coop_tracker.audit.queries import names_for
from coop_tracker.core.clock import STOCKHOLM
from coop_tracker.core.i18n import _, current_language
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.oversight import sources
from coop_tracker.oversight.changes import Change, describe

LIVE_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.EXITING)
SORTS = (
    "title",
    "form",
    "role",
    "phase",
    "status",
    "rating",
    "next_review",
    "notice",
    "decide_by",
    "cost",
)
LEVELS = {"green": 0, "yellow": 1, "red": 2}
RATING_ORDER = {"red": 0, "yellow": 1, "green": 2}
MAX_CHANGES = 200


@dataclass
class OversightFilters:
    """What the oversight list is filtered and sorted by."""

    form: str | None = None
    area: str | None = None
    role: str | None = None
    phase: str | None = None  # None: planned, active and exiting; "all": every phase
    q: str | None = None
    attention_only: bool = False
    months: int = 6
    since: date | None = None
    sort: str = "status"
    descending: bool = False


@dataclass
class Row:
    """One agreement as the kommun sees it."""

    agreement: Agreement
    party: Party
    partners: list[Party]
    derived: DerivedDates
    next_review_on: date | None
    review_overdue: bool
    review: sources.ReviewInfo | None
    checklist: sources.ChecklistInfo | None
    cost: Decimal | None
    cost_from_share: bool
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (level, Swedish text)

    @property
    def level(self) -> str:
        worst = max((LEVELS[level] for level, _ in self.reasons), default=0)
        return {v: k for k, v in LEVELS.items()}[worst]

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)


@dataclass
class Total:
    label: str
    count: int = 0
    cost: Decimal = Decimal(0)
    without_cost: int = 0


@dataclass
class Overview:
    """Everything the oversight page and the report show."""

    rows: list[Row]
    all_rows: list[Row]
    by_area: list[Total]
    by_form: list[Total]
    total: Total
    changes: list[Change]
    changes_truncated: bool
    since: date
    has_reviews: bool
    has_checklists: bool

    @property
    def attention(self) -> list[Row]:
        return [r for r in self.rows if r.needs_attention]


def kommun_cost(agreement: Agreement, party: Party) -> tuple[Decimal | None, bool]:
    """The kommun's annual cost: its own amount, else its share of the total (and whether the
    share was used)."""
    if party.annual_cost is not None:
        return Decimal(party.annual_cost), False
    if party.cost_share_percent is not None and agreement.annual_cost is not None:
        share = Decimal(agreement.annual_cost) * Decimal(party.cost_share_percent) / 100
        return share.quantize(Decimal("0.01")), True
    return None, False


def _reasons(row: Row, today: date, horizon: date) -> list[tuple[str, str]]:
    agreement = row.agreement
    if agreement.phase not in LIVE_PHASES:
        return []
    reasons: list[tuple[str, str]] = []
    if row.review is not None and row.review.rating in ("red", "yellow"):
        text = (
            _("Senaste uppföljningen (%(date)s) är röd.", date=row.review.reviewed_on)
            if row.review.rating == "red"
            else _("Senaste uppföljningen (%(date)s) är gul.", date=row.review.reviewed_on)
        )
        reasons.append((row.review.rating, text))
    if row.review_overdue and row.next_review_on is not None:
        days = (today - row.next_review_on).days
        reasons.append(
            (
                "red",
                _(
                    "Uppföljningen är försenad: den skulle ha gjorts %(date)s "
                    "(%(days)s dagar sedan).",
                    date=row.next_review_on,
                    days=days,
                ),
            )
        )
    deadline, decide_by = row.derived.notice_deadline_on, row.derived.decide_by_on
    if deadline is not None and agreement.phase == Phase.ACTIVE:
        if decide_by is not None and decide_by < today <= deadline:
            reasons.append(
                (
                    "red",
                    _(
                        "Beslut om uppsägning skulle ha förberetts senast %(decide_by)s; "
                        "sista dag att säga upp är %(deadline)s.",
                        decide_by=decide_by,
                        deadline=deadline,
                    ),
                )
            )
        elif decide_by is not None and decide_by <= horizon:
            reasons.append(
                (
                    "yellow",
                    _(
                        "Beslut om avtalet ska fortsätta behöver tas senast %(decide_by)s "
                        "(uppsägning senast %(deadline)s).",
                        decide_by=decide_by,
                        deadline=deadline,
                    ),
                )
            )
        elif deadline <= horizon:
            reasons.append(
                ("yellow", _("Sista dag att säga upp avtalet är %(date)s.", date=deadline))
            )
    end_on = agreement.end_on
    if (
        deadline is None
        and end_on is not None
        and today <= end_on <= horizon
        and agreement.phase != Phase.PLANNED
    ):
        reasons.append(("yellow", _("Avtalet upphör %(date)s.", date=end_on)))
    if agreement.phase == Phase.PLANNED:
        missing = [p.municipality.name for p in agreement.current_parties if not p.has_decision]
        if missing:
            reasons.append(
                (
                    "yellow",
                    _(
                        "Planerad samverkan där beslut saknas för %(names)s.",
                        names=", ".join(missing),
                    ),
                )
            )
    return reasons


def _kommun_agreements(session: Session, code: str, user: Any) -> list[Agreement]:
    query = select(Agreement).where(
        exists(
            select(Party.id).where(
                Party.agreement_id == Agreement.id,
                Party.municipality_code == code,
                Party.left_on.is_(None),
            )
        )
    )
    query = with_children(restrict_agreements(query, user).order_by(Agreement.title, Agreement.id))
    return list(session.scalars(query).unique())


def _matches(row: Row, filters: OversightFilters) -> bool:
    agreement = row.agreement
    if filters.phase is None and agreement.phase not in LIVE_PHASES:
        return False
    if filters.phase not in (None, "all") and agreement.phase != filters.phase:
        return False
    if filters.form and agreement.form != filters.form:
        return False
    if filters.role and row.party.role != filters.role:
        return False
    if filters.area and filters.area not in {a.slug for a in agreement.areas}:
        return False
    if filters.attention_only and not row.needs_attention:
        return False
    if filters.q:
        needle = filters.q.casefold()
        haystack = " ".join(
            [agreement.title, agreement.document_ref or ""]
            + [p.municipality.name for p in row.partners]
        ).casefold()
        if needle not in haystack:
            return False
    return True


def _sort_key(sort: str) -> Any:
    far = date.max

    def key(row: Row) -> Any:
        agreement = row.agreement
        value: Any
        if sort == "form":
            value = str(FORM_LABELS.get(agreement.form, agreement.form))
        elif sort == "role":
            value = str(ROLE_LABELS.get(row.party.role, row.party.role))
        elif sort == "phase":
            value = list(PHASE_LABELS).index(agreement.phase)
        elif sort == "status":
            value = -LEVELS[row.level]
        elif sort == "rating":
            value = RATING_ORDER.get(row.review.rating, 3) if row.review else 4
        elif sort == "next_review":
            value = row.next_review_on or far
        elif sort == "notice":
            value = row.derived.notice_deadline_on or far
        elif sort == "decide_by":
            value = row.derived.decide_by_on or far
        elif sort == "cost":
            value = -(row.cost if row.cost is not None else Decimal(-1))
        else:
            value = ""
        return (value, agreement.title.casefold(), agreement.id)

    return key


def _totals(rows: list[Row]) -> tuple[list[Total], list[Total], Total]:
    by_area: dict[str, Total] = {}
    by_form: dict[str, Total] = defaultdict(lambda: Total(""))
    total = Total(_("Totalt"))
    for row in rows:
        buckets = [by_form[row.agreement.form], total]
        for area in row.agreement.areas:
            buckets.append(by_area.setdefault(area.slug, Total(area.label(current_language()))))
        for bucket in buckets:
            bucket.count += 1
            if row.cost is None:
                bucket.without_cost += 1
            else:
                bucket.cost += row.cost
    forms = []
    for code, label in FORM_LABELS.items():
        if code in by_form:
            by_form[code].label = label
            forms.append(by_form[code])
    areas = sorted(by_area.values(), key=lambda t: (-t.count, t.label))
    return areas, forms, total


def changes_since(
    session: Session, agreements: list[Agreement], since: date
) -> tuple[list[Change], bool]:
    """Audit events on these agreements since the start of ``since`` (Swedish time), newest
    first, described in plain Swedish."""
    ids = [a.id for a in agreements]
    if not ids:
        return [], False
    start = datetime.combine(since, time.min, tzinfo=STOCKHOLM)
    events = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.agreement_id.in_(ids), AuditEvent.created_at >= start)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(MAX_CHANGES + 1)
        )
    )
    titles = {a.id: a.title for a in agreements}
    shown = events[:MAX_CHANGES]
    names = names_for(session, shown)
    changes = [describe(e, titles.get(e.agreement_id or 0, ""), names) for e in shown]
    return changes, len(events) > MAX_CHANGES


def oversight(
    session: Session, code: str, user: Any, filters: OversightFilters, today: date
) -> Overview:
    """The oversight of kommun ``code`` as ``user`` may see it, on ``today``."""
    agreements = _kommun_agreements(session, code, user)
    reviews = sources.latest_reviews(session, [a.id for a in agreements])
    checklists = sources.checklist_progress(session, agreements)
    horizon = dates.add_months(today, filters.months)
    all_derived = derived_dates_for(session, agreements, today, calendars=(code,))
    rows: list[Row] = []
    for agreement in agreements:
        party = agreement.party_for(code)
        if party is None:  # pragma: no cover - the query guarantees a current party
            continue
        # The kommun's own decide-by (its meeting calendar), as the detail page shows it.
        derived = all_derived[agreement.id]
        derived = replace(derived, decide_by_on=derived.decide_by_for(code))
        review = reviews.get(agreement.id) if reviews is not None else None
        next_review = derived.next_review_on
        if review is not None and agreement.start_on is not None:
            next_review = dates.next_review_on(
                agreement.start_on,
                agreement.review_interval_months,
                review.reviewed_on,
                review.next_review_on,
            )
        cost, from_share = kommun_cost(agreement, party)
        row = Row(
            agreement=agreement,
            party=party,
            partners=[p for p in agreement.current_parties if p.municipality_code != code],
            derived=derived,
            next_review_on=next_review,
            review_overdue=(
                agreement.phase in (Phase.ACTIVE, Phase.EXITING)
                and next_review is not None
                and next_review < today
            ),
            review=review,
            checklist=checklists.get(agreement.id) if checklists is not None else None,
            cost=cost,
            cost_from_share=from_share,
        )
        row.reasons = _reasons(row, today, horizon)
        rows.append(row)
    shown = [r for r in rows if _matches(r, filters)]
    shown.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    by_area, by_form, total = _totals(shown)
    since = filters.since or today - timedelta(days=30)
    changes, truncated = changes_since(session, agreements, since)
    return Overview(
        rows=shown,
        all_rows=rows,
        by_area=by_area,
        by_form=by_form,
        total=total,
        changes=changes,
        changes_truncated=truncated,
        since=since,
        has_reviews=reviews is not None,
        has_checklists=checklists is not None,
    )
