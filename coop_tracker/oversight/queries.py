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

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from coop_tracker.agreements import dates
from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.agreements.queries import responsible_parties, with_children
from coop_tracker.agreements.rules import FORM_LABELS, PHASE_LABELS, ROLE_LABELS
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.clock import STOCKHOLM
from coop_tracker.core.collation import swedish
from coop_tracker.core.i18n import _, current_language
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.history.queries import names_for
from coop_tracker.municipalities.models import Area
from coop_tracker.oversight import sources
from coop_tracker.oversight.changes import (
    ROUTINE_OBJECTS,
    Change,
    ChangeGroup,
    describe,
    importance,
)
from coop_tracker.schedule.attention import (
    CONTINUATION,
    DECIDE_BY_PASSED,
    REVIEW_OVERDUE,
    TERM_EXPIRED,
    Attention,
    attention_items,
)
from coop_tracker.schedule.queries import derived_dates_for
from coop_tracker.schedule.rules import DerivedDates

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
    # Part of the name of the kommun's responsible nämnd or official for the agreement.
    responsible: str | None = None
    attention_only: bool = False
    months: int = 6
    since: date | None = None
    routine: bool = False  # also list routine edits (contacts, checklist ticks) among changes
    sort: str = "status"
    descending: bool = False

    @property
    def narrows(self) -> bool:
        """Whether the selection is less than the kommun's whole (live) cooperation."""
        return bool(
            self.form
            or self.area
            or self.role
            or self.q
            or self.responsible
            or self.attention_only
            or self.phase not in (None, "all")
        )


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
    items: list[Attention] = field(default_factory=list)  # what needs attention, and why

    @property
    def reasons(self) -> list[tuple[str, str]]:
        """(level, Swedish text) per item."""
        return [(item.level, item.text) for item in self.items]

    # The kommun's own latest review (its own KS), and the other parties' own latest ratings.
    own_review: sources.ReviewInfo | None = None
    other_reviews: list[tuple[Party, sources.ReviewInfo]] = field(default_factory=list)

    @property
    def next_review_from_own(self) -> bool:
        """The next review is counted from the kommun's own review, newer than the joint one
        (so it differs from the date on the agreement's page, which follows the joint one)."""
        own, joint = self.own_review, self.review
        return own is not None and (joint is None or own.reviewed_on > joint.reviewed_on)

    @property
    def level(self) -> str:
        worst = max((LEVELS[level] for level, _ in self.reasons), default=0)
        return {v: k for k, v in LEVELS.items()}[worst]

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)

    @property
    def partners_by_role(self) -> list[tuple[str, list[str]]]:
        """The other parties' names per role (host, purchaser, member): the report says each
        role once ("medlemskommuner: Orsa, Älvdalen") instead of after every name."""
        names: dict[str, list[str]] = defaultdict(list)
        for party in self.partners:
            names[party.role].append(party.name)
        return [(role, names[role]) for role in ROLE_LABELS if names[role]]


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
    kommun_total: Total  # every live agreement of the kommun, whatever the filters
    selection: list[str]  # the filters in words, empty when nothing narrows the view
    changes: list[Change]
    change_groups: list[ChangeGroup]
    changes_truncated: bool
    routine_changes: int  # routine edits left out of the changes (0 when they are shown)
    missed_deadlines: int  # deadlines passed since the date with nothing done (in the groups)
    since: date
    has_reviews: bool
    has_checklists: bool

    @property
    def attention(self) -> list[Row]:
        return [r for r in self.rows if r.needs_attention]

    @property
    def quiet(self) -> Quiet:
        """The rows that need no attention, with their total (the report's table)."""
        rows = [r for r in self.rows if not r.needs_attention]
        return Quiet(rows, _totals(rows)[2])


@dataclass
class Quiet:
    rows: list[Row]
    total: Total


def kommun_cost(agreement: Agreement, party: Party) -> tuple[Decimal | None, bool]:
    """The kommun's annual cost: its own amount, else its share of the total (and whether the
    share was used)."""
    if party.annual_cost is not None:
        return Decimal(party.annual_cost), False
    if party.cost_share_percent is not None and agreement.annual_cost is not None:
        share = Decimal(agreement.annual_cost) * Decimal(party.cost_share_percent) / 100
        return share.quantize(Decimal("0.01")), True
    return None, False


def _attention(row: Row, today: date, horizon: date) -> list[Attention]:
    """The row's items from the one attention service (as the start page and the agreement
    page), for the kommun's own party."""
    derived = row.derived
    if row.review is not None:
        # The reviews capability's own latest review (it may differ in what it loads).
        derived = replace(derived, latest_review=row.review, next_review_on=row.next_review_on)
    return attention_items(
        row.agreement, derived, today, horizon=horizon, municipality=row.party.municipality_code
    )


# Deadlines whose passing is news for a kommunstyrelse: the kommun's own decide-by for a
# notice, the decision on continuing a fixed term, the end of the term itself, a review.
MISSED_REASONS = frozenset({DECIDE_BY_PASSED, CONTINUATION, TERM_EXPIRED, REVIEW_OVERDUE})


def missed_deadlines(rows: list[Row], since: date, today: date) -> list[Change]:
    """The deadlines that passed from ``since`` up to yesterday with nothing done, as changes
    (the attention service still lists them as red): "what has changed" includes what did
    not happen in time."""
    changes = []
    for row in rows:
        for item in row.items:
            if item.reason not in MISSED_REASONS or item.level != "red" or item.on is None:
                continue
            if not since <= item.on < today:
                continue
            changes.append(
                Change(
                    at=datetime.combine(item.on, time(23, 59), tzinfo=STOCKHOLM),
                    who="",
                    agreement_id=row.agreement.id,
                    agreement_title=row.agreement.title,
                    text=item.text,
                    missed=True,
                )
            )
    return changes


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
    query = with_children(
        restrict_agreements(query, user).order_by(swedish(Agreement.title), Agreement.id)
    )
    return list(session.scalars(query).unique())


def _matches(row: Row, filters: OversightFilters, responsible: set[int] | None = None) -> bool:
    """Whether the row is in the selection; ``responsible``: the kommun's parties whose
    responsible nämnd or official matches ``filters.responsible``."""
    agreement = row.agreement
    if filters.responsible and row.party.id not in (responsible or set()):
        return False
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
            [agreement.title, agreement.document_ref or ""] + [p.name for p in row.partners]
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


def _change_conditions(code: str, agreement_ids: list[int], left_too: bool) -> Any:
    """The kommun's agreements' events, and its own leaving of agreements it is no longer in."""
    condition: ColumnElement[bool] = AuditEvent.agreement_id.in_(agreement_ids)
    if left_too:
        condition = or_(
            condition,
            and_(
                AuditEvent.object_type == "party",
                AuditEvent.municipality_code == code,
                AuditEvent.action.in_(("leave", "delete")),
            ),
        )
    return condition


def changes_since(
    session: Session,
    code: str,
    agreements: list[Agreement],
    since: date,
    *,
    routine: bool = False,
    left_too: bool = False,
) -> tuple[list[Change], bool, int]:
    """What has changed in these agreements since the start of ``since`` (Swedish time), newest
    first, in plain Swedish: what a kommunstyrelse reads, and routine edits only if asked for.

    Returns the changes, whether there were more than ``MAX_CHANGES``, and how many routine
    edits were left out."""
    ids = [a.id for a in agreements]
    if not ids and not left_too:
        return [], False, 0
    start = datetime.combine(since, time.min, tzinfo=STOCKHOLM)
    scope = and_(_change_conditions(code, ids, left_too), AuditEvent.created_at >= start)
    query = select(AuditEvent).where(scope)
    if not routine:
        query = query.where(AuditEvent.object_type.not_in(ROUTINE_OBJECTS))
    candidates = session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(4 * MAX_CHANGES)
    )
    wanted = {"key", "routine"} if routine else {"key"}
    events, skipped = [], 0
    for event in candidates:
        kind = importance(event, code)
        if kind in wanted:
            events.append(event)
        elif kind == "routine":
            skipped += 1
    hidden = 0
    if not routine:
        hidden = skipped + (
            session.scalar(
                select(func.count(AuditEvent.id)).where(
                    scope,
                    AuditEvent.object_type.in_(ROUTINE_OBJECTS),
                    or_(  # other kommuners' contact persons are never shown
                        AuditEvent.object_type != "contact",
                        AuditEvent.municipality_code.is_(None),
                        AuditEvent.municipality_code == code,
                    ),
                )
            )
            or 0
        )
    titles = {a.id: a.title for a in agreements}
    missing = {e.agreement_id for e in events if e.agreement_id and e.agreement_id not in titles}
    if missing:
        titles.update(
            session.execute(select(Agreement.id, Agreement.title).where(Agreement.id.in_(missing)))
            .tuples()
            .all()
        )
    shown = events[:MAX_CHANGES]
    names = names_for(session, shown)
    changes = [
        describe(e, titles.get(e.agreement_id or 0, ""), names, curated=not routine) for e in shown
    ]
    return changes, len(events) > MAX_CHANGES, hidden


def group_changes(changes: list[Change]) -> list[ChangeGroup]:
    """Changes per agreement, the agreements in title order, each agreement's newest first."""
    groups: dict[int | None, ChangeGroup] = {}
    for change in changes:
        group = groups.get(change.agreement_id)
        if group is None:
            group = groups[change.agreement_id] = ChangeGroup(
                change.agreement_id, change.agreement_title, []
            )
        group.changes.append(change)
    for group in groups.values():  # missed deadlines among the events, by date
        group.changes.sort(key=lambda c: c.at, reverse=True)
    return sorted(groups.values(), key=lambda g: (g.title.casefold(), g.agreement_id or 0))


def describe_selection(filters: OversightFilters, area_labels: dict[str, str]) -> list[str]:
    """The filters in words, for the report's "Urval" line and headings."""
    parts = []
    if filters.phase == "all":
        parts.append(_("alla faser, även avslutade"))
    elif filters.phase:
        parts.append(_("fas: %(phase)s", phase=str(PHASE_LABELS[filters.phase]).lower()))
    if filters.attention_only:
        parts.append(_("bara samverkan som behöver uppmärksamhet"))
    if filters.form:
        parts.append(_("form: %(form)s", form=str(FORM_LABELS[filters.form]).lower()))
    if filters.area:
        parts.append(
            _("område: %(area)s", area=area_labels.get(filters.area, filters.area).lower())
        )
    if filters.role:
        parts.append(_("kommunens roll: %(role)s", role=str(ROLE_LABELS[filters.role]).lower()))
    if filters.q:
        parts.append(_("sökning: ”%(q)s”", q=filters.q))
    if filters.responsible:
        parts.append(
            _("kommunens ansvariga nämnd eller person: ”%(text)s”", text=filters.responsible)
        )
    return parts


def kommun_data_version(
    session: Session, code: str, agreement_ids: list[int]
) -> tuple[int, datetime] | None:
    """The latest change in the kommun's cooperation as a report shows it: in these
    agreements, or about the kommun itself (its parties, meeting calendar, settings). Changes
    elsewhere in the register do not date the kommun's report."""
    candidates = [
        session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.municipality_code == code))
    ]
    if agreement_ids:
        candidates.append(
            session.scalar(
                select(func.max(AuditEvent.id)).where(AuditEvent.agreement_id.in_(agreement_ids))
            )
        )
    latest = max((c for c in candidates if c is not None), default=None)
    if latest is None:
        return None
    created_at = session.scalar(select(AuditEvent.created_at).where(AuditEvent.id == latest))
    return (latest, created_at) if created_at is not None else None


def oversight(
    session: Session, code: str, user: Any, filters: OversightFilters, today: date
) -> Overview:
    """The oversight of kommun ``code`` as ``user`` may see it, on ``today``."""
    agreements = _kommun_agreements(session, code, user)
    reviews = sources.latest_reviews(session, [a.id for a in agreements])
    party_reviews = sources.latest_party_reviews(session, [a.id for a in agreements]) or {}
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
        own_review = party_reviews.get(agreement.id, {}).get(party.id)
        # For the kommun's own oversight its own review counts as much as the joint one.
        latest = max(
            (r for r in (review, own_review) if r is not None),
            key=lambda r: r.reviewed_on,
            default=None,
        )
        next_review = derived.next_review_on
        if latest is not None and agreement.start_on is not None:
            next_review = dates.next_review_on(
                agreement.start_on,
                agreement.review_interval_months,
                latest.reviewed_on,
                latest.next_review_on,
                agreement.imported_on,
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
        own_reviews = party_reviews.get(agreement.id, {})
        row.own_review = own_review
        row.other_reviews = [(p, own_reviews[p.id]) for p in row.partners if p.id in own_reviews]
        row.items = _attention(row, today, horizon)
        rows.append(row)
    responsible = None
    if filters.responsible:
        responsible = set(
            session.scalars(
                responsible_parties(filters.responsible).where(Party.municipality_code == code)
            )
        )
    shown = [r for r in rows if _matches(r, filters, responsible)]
    shown.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    by_area, by_form, total = _totals(shown)
    # The whole that a selection is part of: every live agreement, or every one at all.
    base = [r for r in rows if filters.phase == "all" or r.agreement.phase in LIVE_PHASES]
    _areas, _forms, kommun_total = _totals(base)
    since = filters.since or today - timedelta(days=30)
    # Changes follow the selection, but a default view also tells of agreements that ended
    # (they leave the live list) and of agreements the kommun has left.
    scope_filters = replace(filters, phase="all" if filters.phase is None else filters.phase)
    in_scope = [r.agreement for r in rows if _matches(r, scope_filters, responsible)]
    changes, truncated, hidden = changes_since(
        session,
        code,
        in_scope,
        since,
        routine=filters.routine,
        left_too=not filters.narrows,
    )
    in_scope_ids = {a.id for a in in_scope}
    missed = missed_deadlines([r for r in rows if r.agreement.id in in_scope_ids], since, today)
    area_labels = {
        area.slug: area.label(current_language()) for r in rows for area in r.agreement.areas
    }
    if filters.area and filters.area not in area_labels:
        area = session.scalar(select(Area).where(Area.slug == filters.area))
        area_labels[filters.area] = area.label(current_language()) if area else filters.area
    return Overview(
        rows=shown,
        all_rows=rows,
        by_area=by_area,
        by_form=by_form,
        total=total,
        kommun_total=kommun_total,
        selection=describe_selection(filters, area_labels),
        changes=changes,
        change_groups=group_changes(changes + missed),
        missed_deadlines=len(missed),
        changes_truncated=truncated,
        routine_changes=hidden,
        since=since,
        has_reviews=reviews is not None,
        has_checklists=checklists is not None,
    )
