"""Read-side queries of the public register: what anyone may see, in a fixed number of queries.

The public record of an agreement is its published facts (``is_public_record``): the
agreement, its parties with their decisions and costs, its phase changes (from, to, date) and
its decided exits. Drafts of exit plans, reasons, names of officials, contacts and internal
notes never leave this module.

Beyond that default, each kommun chooses what it publishes about its own side (its
publication settings): the responsible nämnd, the results of follow-ups, their budget and
outcome. A kommun's own follow-up follows its own choice. A joint follow-up is every party's:
it is published only as far as every kommun that was a party on the day of the follow-up has
chosen to publish that kind of data, so that one party's choice never publishes what another
party chose to keep to the default. Organisations that are not kommuner (regioner, förbund,
agencies) have no publication settings here and do not count in that rule; their own
follow-ups are never published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session, noload

from coop_tracker.agreements.models import Agreement, Party, Phase
from coop_tracker.agreements.queries import Filters, all_matching
from coop_tracker.core.db import tables_fingerprint
from coop_tracker.documents.models import Document
from coop_tracker.lifecycle.models import Exit, ExitDecision, ExitStatus, PhaseChange
from coop_tracker.public.models import PublicationSetting
from coop_tracker.reviews.models import Review

RUNNING_PHASES: tuple[str, ...] = (Phase.ACTIVE, Phase.EXITING)
# An exit plan is public once it is decided: a draft is a "what if" a kommun works on.
DECIDED_EXIT_STATUSES: tuple[str, ...] = (ExitStatus.ADOPTED, ExitStatus.COMPLETED)


@dataclass(frozen=True)
class PublicPhaseChange:
    """A phase change as the public sees it: no person, no reason."""

    from_phase: str
    to_phase: str
    changed_on: date


@dataclass(frozen=True)
class PublicExitDecision:
    """One party's own decision on an exit (body, date, paragraph and diarienummer)."""

    municipality: str
    decision_body: str
    decision_on: date | None
    decision_paragraph: str
    decision_ref: str


@dataclass
class PublicExit:
    """A decided exit: who leaves (or the whole agreement ends), the notice and the decision."""

    id: int
    scope: str
    status: str
    leaving_municipality: str | None
    notice_municipality: str | None
    notice_given_on: date | None
    effective_on: date | None
    decision_ref: str
    adopted_on: date | None
    completed_on: date | None
    withdrawn_on: date | None
    decisions: list[PublicExitDecision] = field(default_factory=list)


@dataclass(frozen=True)
class PublicDocument:
    """A document as the public sees it: what it is and when it was decided; the file (and
    the link to the diarium) only where the kommun has marked the document public."""

    id: int
    doc_type: str
    title: str
    reference: str
    decided_on: date | None
    valid_from: date | None
    valid_to: date | None
    version: int
    has_public_file: bool
    link_url: str


@dataclass(frozen=True)
class PublicReview:
    """A follow-up as far as the parties publish it: ``results`` (rating, goal attainment,
    where it was reported) and ``costs`` (budget and outcome) say which parts may be shown;
    the comments and the answers to the recurring questions never are."""

    scope: str  # "joint" or "party"
    municipality: str | None  # the kommun of a party's own follow-up
    reviewed_on: date
    rating: str
    goal_attainment: str
    reported_to: str
    reported_on: date | None
    cost_budget: Decimal | None
    cost_outcome: Decimal | None
    results: bool
    costs: bool


@dataclass
class PublicExtras:
    """What the public record adds to an agreement's own row."""

    history: list[PublicPhaseChange] = field(default_factory=list)
    exits: list[PublicExit] = field(default_factory=list)
    documents: list[PublicDocument] = field(default_factory=list)
    # Each kommun party's choices beyond the default (``PublicationSetting.published_extras``).
    published: dict[str, frozenset[str]] = field(default_factory=dict)
    reviews: list[PublicReview] = field(default_factory=list)

    def publishes(self, code: str | None, extra: str) -> bool:
        """Whether the kommun publishes this kind of data about its side."""
        return bool(code) and extra in self.published.get(code or "", frozenset())

    @property
    def ended_on(self) -> date | None:
        """The day the agreement was last moved to ``ended``."""
        ended = [c.changed_on for c in self.history if c.to_phase == Phase.ENDED]
        return ended[-1] if ended else None

    @property
    def agreement_exit(self) -> PublicExit | None:
        """The decided exit that ends the whole agreement (the latest), if any."""
        whole = [
            e
            for e in self.exits
            if e.scope == "agreement" and e.withdrawn_on is None and e.effective_on is not None
        ]
        return whole[-1] if whole else None


def public_filters(filters: Filters) -> Filters:
    """The same filters, limited to the public register."""
    filters.public_only = True
    return filters


def public_agreements(session: Session, filters: Filters) -> list[Agreement]:
    """Every public agreement matching the filters, parties and areas loaded (no contacts)."""
    return all_matching(session, public_filters(filters), restrict=False)


def public_extras(session: Session, agreement_ids: Sequence[int]) -> dict[int, PublicExtras]:
    """Phase history, decided exits, documents, the parties' publication choices and the
    follow-ups they publish, in seven queries."""
    extras: dict[int, PublicExtras] = {i: PublicExtras() for i in agreement_ids}
    if not agreement_ids:
        return extras
    ids = list(agreement_ids)
    for agreement_id, from_phase, to_phase, changed_on in session.execute(
        select(
            PhaseChange.agreement_id,
            PhaseChange.from_phase,
            PhaseChange.to_phase,
            PhaseChange.changed_on,
        )
        .where(PhaseChange.agreement_id.in_(ids))
        .order_by(PhaseChange.agreement_id, PhaseChange.changed_on, PhaseChange.id)
    ):
        extras[agreement_id].history.append(PublicPhaseChange(from_phase, to_phase, changed_on))
    leaving = Party.__table__.alias("leaving")
    notifying = Party.__table__.alias("notifying")
    rows = session.execute(
        select(
            Exit.agreement_id,
            Exit.id,
            Exit.scope,
            Exit.status,
            leaving.c.municipality_code,
            notifying.c.municipality_code,
            Exit.notice_given_on,
            Exit.effective_on,
            Exit.decision_ref,
            Exit.adopted_on,
            Exit.completed_on,
            Exit.withdrawn_on,
        )
        .outerjoin(leaving, leaving.c.id == Exit.leaving_party_id)
        .outerjoin(notifying, notifying.c.id == Exit.notice_party_id)
        .where(
            Exit.agreement_id.in_(ids),
            # Decided exits, and withdrawn ones that had been decided (a withdrawn notice is a
            # public fact once the decision to give it was).
            (Exit.status.in_(DECIDED_EXIT_STATUSES))
            | ((Exit.status == ExitStatus.WITHDRAWN) & Exit.adopted_on.is_not(None)),
        )
        .order_by(Exit.agreement_id, Exit.id)
    )
    by_id: dict[int, PublicExit] = {}
    for agreement_id, *values in rows:
        exit_ = PublicExit(*values)
        extras[agreement_id].exits.append(exit_)
        by_id[exit_.id] = exit_
    # Each party's own decision on the exit; its note stays internal. Only decisions that say
    # something (a date or a diarienummer) are published. Asked even when no exit is shown,
    # so that a page sends as many statements for 5 agreements as for 500.
    decisions = session.execute(
        select(
            ExitDecision.exit_id,
            Party.municipality_code,
            ExitDecision.body,
            ExitDecision.decided_on,
            ExitDecision.paragraph,
            ExitDecision.case_number,
        )
        .join(Party, Party.id == ExitDecision.party_id)
        .where(
            ExitDecision.exit_id.in_(sorted(by_id)),
            ExitDecision.decided_on.is_not(None) | (ExitDecision.case_number != ""),
        )
        .order_by(ExitDecision.exit_id, ExitDecision.decided_on, ExitDecision.id)
    )
    for exit_id, code, body, decided_on, paragraph, case_number in decisions.tuples():
        by_id[exit_id].decisions.append(
            PublicExitDecision(code or "", body, decided_on, paragraph, case_number)
        )
    for document in session.scalars(
        select(Document)
        .where(Document.agreement_id.in_(ids))
        .order_by(Document.agreement_id, Document.doc_type, Document.title, Document.id)
    ):
        current = document.current
        extras[document.agreement_id].documents.append(
            PublicDocument(
                id=document.id,
                doc_type=document.doc_type,
                title=document.title,
                reference=current.reference,
                decided_on=current.decided_on,
                valid_from=current.valid_from,
                valid_to=current.valid_to,
                version=current.number,
                has_public_file=document.is_public and current.has_file,
                link_url=current.link_url if document.is_public else "",
            )
        )
    _add_published_reviews(session, ids, extras)
    return extras


def _add_published_reviews(
    session: Session, ids: list[int], extras: dict[int, PublicExtras]
) -> None:
    """Each kommun party's choices, and the follow-ups (or parts of them) they allow."""
    parties = session.execute(
        select(
            Party.id, Party.agreement_id, Party.municipality_code, Party.joined_on, Party.left_on
        ).where(Party.agreement_id.in_(ids), Party.municipality_code.is_not(None))
    ).all()
    codes = sorted({p.municipality_code for p in parties})
    choices: dict[str, frozenset[str]] = {
        setting.municipality_code: setting.published_extras
        for setting in session.scalars(
            select(PublicationSetting).where(PublicationSetting.municipality_code.in_(codes))
        )
    }
    by_party = {p.id: p for p in parties}
    for party in parties:
        extras[party.agreement_id].published[party.municipality_code] = choices.get(
            party.municipality_code, frozenset()
        )
    for review in session.scalars(
        select(Review)
        .where(Review.agreement_id.in_(ids))
        .order_by(Review.agreement_id, Review.reviewed_on, Review.id)
        .options(noload(Review.party), noload(Review.answers))
    ):
        if review.party_id is None:
            deciders = [
                choices.get(p.municipality_code, frozenset())
                for p in parties
                if p.agreement_id == review.agreement_id
                and (p.joined_on is None or p.joined_on <= review.reviewed_on)
                and (p.left_on is None or p.left_on >= review.reviewed_on)
            ]
            code = None
        else:
            own = by_party.get(review.party_id)
            code = own.municipality_code if own is not None else None
            deciders = [choices.get(code, frozenset())] if code else []
        results = bool(deciders) and all("review_results" in d for d in deciders)
        costs = bool(deciders) and all("review_costs" in d for d in deciders)
        if not (results or costs):
            continue
        extras[review.agreement_id].reviews.append(
            PublicReview(
                scope="party" if code else "joint",
                municipality=code,
                reviewed_on=review.reviewed_on,
                rating=review.rating if results else "",
                goal_attainment=review.goal_attainment if results else "",
                reported_to=review.reported_to if results else "",
                reported_on=review.reported_on if results else None,
                cost_budget=review.cost_budget if costs else None,
                cost_outcome=review.cost_outcome if costs else None,
                results=results,
                costs=costs,
            )
        )


def last_modified(session: Session) -> datetime | None:
    """When the public register last changed: the latest save of a public agreement, of a
    phase change, a decided exit or a published follow-up of one, or of a kommun's choice of
    what it publishes (five aggregate queries)."""
    public = (
        select(Agreement.id)
        .where(
            Agreement.is_public.is_(True),
            Agreement.phase.notin_((Phase.PLANNED, Phase.ABANDONED)),
            Agreement.archived_at.is_(None),
        )
        .scalar_subquery()
    )
    candidates = [
        session.scalar(select(func.max(Agreement.updated_at)).where(Agreement.id.in_(public))),
        session.scalar(
            select(func.max(PhaseChange.changed_at)).where(PhaseChange.agreement_id.in_(public))
        ),
        session.scalar(
            select(func.max(Exit.updated_at)).where(
                Exit.agreement_id.in_(public), Exit.status != ExitStatus.DRAFT
            )
        ),
        # A kommun's choice of what it publishes changes the files; so does a follow-up they
        # publish (one that no party publishes moves nothing: its date is not public either).
        session.scalar(select(func.max(PublicationSetting.updated_at))),
        session.scalar(
            select(func.max(Review.updated_at)).where(
                Review.agreement_id.in_(public), _review_is_published()
            )
        ),
    ]
    moments = [_aware(m) for m in candidates if m is not None]
    return max(moments) if moments else None


def _review_is_published() -> Any:
    """SQL twin of the rule in ``_add_published_reviews``: a party's own follow-up when its
    kommun publishes results or costs; a joint one when every kommun that was a party on its
    day does."""
    publishes = func.coalesce(PublicationSetting.show_review_results, False) | func.coalesce(
        PublicationSetting.show_review_costs, False
    )
    own = Party.__table__.alias("own_party")
    own_ok = exists(
        select(own.c.id)
        .join(PublicationSetting, PublicationSetting.municipality_code == own.c.municipality_code)
        .where(own.c.id == Review.party_id, publishes)
    )
    refusing = exists(
        select(Party.id)
        .outerjoin(
            PublicationSetting, PublicationSetting.municipality_code == Party.municipality_code
        )
        .where(
            Party.agreement_id == Review.agreement_id,
            Party.municipality_code.is_not(None),
            Party.joined_on.is_(None) | (Party.joined_on <= Review.reviewed_on),
            Party.left_on.is_(None) | (Party.left_on >= Review.reviewed_on),
            ~publishes,
        )
    )
    return (Review.party_id.is_not(None) & own_ok) | (Review.party_id.is_(None) & ~refusing)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class MunicipalityCounts:
    """How many running agreements a kommun is a current party of, and how many are public."""

    running: int
    public: int

    @property
    def unpublished(self) -> int:
        return self.running - self.public


def municipality_counts(session: Session, code: str) -> MunicipalityCounts:
    """Counts only: the unpublished agreements themselves are never read (one query)."""
    is_public = (
        Agreement.is_public.is_(True)
        & Agreement.archived_at.is_(None)
        & Agreement.phase.in_(RUNNING_PHASES)
    )
    running, public = session.execute(
        select(
            func.count(Agreement.id),
            func.coalesce(func.sum(case((is_public, 1), else_=0)), 0),
        ).where(
            Agreement.archived_at.is_(None),
            Agreement.phase.in_(RUNNING_PHASES),
            Agreement.id.in_(
                select(Party.agreement_id).where(
                    Party.municipality_code == code, Party.left_on.is_(None)
                )
            ),
        )
    ).one()
    return MunicipalityCounts(running=int(running or 0), public=int(public or 0))


def data_version(session: Session) -> tuple[int, ...]:
    """Changes whenever an agreement, party, phase change, exit, document or follow-up is
    added, removed or saved, or a kommun changes what it publishes (two queries)."""
    settings = session.execute(
        select(
            func.count(PublicationSetting.municipality_code),
            func.coalesce(func.sum(PublicationSetting.version), 0),
        )
    ).one()
    return (
        *tables_fingerprint(session, Agreement, Party, PhaseChange, Exit, Document, Review),
        *(int(value or 0) for value in settings),
    )
