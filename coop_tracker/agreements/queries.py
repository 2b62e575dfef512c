"""Read-side queries over agreements: filtered, sorted, paginated lists and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from coop_tracker.agreements import dates
from coop_tracker.agreements.models import Agreement, Contact, Party, Phase, agreement_area
from coop_tracker.agreements.rules import FORM_LABELS, PHASE_LABELS, ROLE_LABELS
from coop_tracker.core.collation import matches, swedish
from coop_tracker.core.i18n import _, current_language
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.core.validation import strip_control
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.organisations.models import Organisation
from coop_tracker.users.models import User

SORTS: dict[str, Any] = {
    "title": swedish(Agreement.title),
    "form": Agreement.form,
    "phase": Agreement.phase,
    "start_on": Agreement.start_on,
    "end_on": Agreement.end_on,
    "updated_at": Agreement.updated_at,
}


@dataclass
class Filters:
    """What the list is filtered and sorted by (all optional)."""

    municipality: str | None = None
    form: str | None = None
    area: str | None = None
    phase: str | None = None
    q: str | None = None
    role: str | None = None
    # Any party (a kommun, region, förbund, Finsam, company or agency): the key as asked for
    # (länskod, organisationsnummer, ``org-<id>``…) and the organisation it names.
    organisation: str | None = None
    organisation_id: int | None = None
    # Part of the name of a party's responsible nämnd or official (with ``municipality``: that
    # kommun's party only).
    responsible: str | None = None
    public_only: bool = False
    sort: str = "title"
    descending: bool = False
    page: int = 1
    per_page: int = 50


@dataclass
class Page:
    """One page of results plus the totals for pagination."""

    items: list[Agreement]
    total: int
    page: int
    per_page: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def _filtered(query: Select[Any], filters: Filters) -> Select[Any]:
    if filters.municipality:
        # "id IN (the kommun's parties)" reads the kommun's ~100 party rows by index; an
        # EXISTS per agreement would probe the party table for all 10,000 agreements.
        parties = select(Party.agreement_id).where(Party.municipality_code == filters.municipality)
        if filters.role:
            parties = parties.where(Party.role == filters.role)
        query = query.where(Agreement.id.in_(parties))
    elif filters.role:
        query = query.where(
            Agreement.id.in_(select(Party.agreement_id).where(Party.role == filters.role))
        )
    if filters.organisation_id is not None:
        query = query.where(
            Agreement.id.in_(
                select(Party.agreement_id).where(Party.organisation_id == filters.organisation_id)
            )
        )
    if filters.responsible:
        query = query.where(Agreement.id.in_(_responsible_parties(filters)))
    if filters.form:
        query = query.where(Agreement.form == filters.form)
    if filters.phase:
        query = query.where(Agreement.phase == filters.phase)
    if filters.public_only:
        query = query.where(
            Agreement.is_public.is_(True),
            Agreement.phase != Phase.PLANNED,
            Agreement.phase != Phase.ABANDONED,
            Agreement.archived_at.is_(None),
        )
    if filters.area:
        query = query.where(
            exists(
                select(agreement_area.c.agreement_id)
                .join(Area, Area.id == agreement_area.c.area_id)
                .where(agreement_area.c.agreement_id == Agreement.id, Area.slug == filters.area)
            )
        )
    if filters.q:
        term = strip_control(filters.q).strip()[:100]
        # The kommun names are few: match them once (an uncorrelated subquery the database
        # evaluates a single time), then look for parties of those kommuner.
        named = select(Municipality.code).where(matches(Municipality.name, term))
        by_party = exists(
            select(Party.id).where(
                Party.agreement_id == Agreement.id, Party.municipality_code.in_(named)
            )
        )
        query = query.where(
            or_(
                matches(Agreement.title, term),
                matches(Agreement.purpose, term),
                matches(Agreement.document_ref, term),
                by_party,
            )
        )
    return query


def describe_filters(session: Session, filters: Filters) -> list[str]:
    """The list's filters in words, for the page's "Urval" line (empty when nothing narrows)."""
    parts: list[str] = []
    if filters.q:
        parts.append(_("sökning: ”%(q)s”", q=filters.q))
    if filters.municipality:
        name = session.scalar(
            select(Municipality.name).where(Municipality.code == filters.municipality)
        )
        parts.append(_("kommun: %(name)s", name=name or filters.municipality))
    if filters.organisation_id is not None:
        org = session.get(Organisation, filters.organisation_id)
        if org is not None:
            parts.append(_("part: %(name)s", name=org.name))
    if filters.responsible:
        parts.append(_("ansvarig nämnd eller person: ”%(text)s”", text=filters.responsible))
    if filters.role:
        label = str(ROLE_LABELS[filters.role]).lower()
        if filters.municipality:
            parts.append(_("kommunens roll: %(role)s", role=label))
        else:
            parts.append(_("någon part med rollen: %(role)s", role=label))
    if filters.form:
        parts.append(_("form: %(form)s", form=str(FORM_LABELS[filters.form]).lower()))
    if filters.area:
        area = session.scalar(
            select(Area.label_column(current_language())).where(Area.slug == filters.area)
        )
        parts.append(_("område: %(area)s", area=(area or filters.area).lower()))
    if filters.phase:
        parts.append(_("fas: %(phase)s", phase=str(PHASE_LABELS[filters.phase]).lower()))
    return parts


def responsible_parties(term: str) -> Select[Any]:
    """Parties whose responsible nämnd, responsible user or responsible contact has ``term`` in
    its name. Users and contacts are matched once each (uncorrelated subqueries), as the kommun
    names are for ``q``."""
    term = strip_control(term).strip()[:100]
    users = select(User.id).where(matches(User.name, term))
    contacts = select(Contact.party_id).where(
        Contact.is_responsible.is_(True), matches(Contact.name, term)
    )
    return select(Party.id).where(
        or_(
            matches(Party.responsible_body, term),
            Party.responsible_user_id.in_(users),
            Party.id.in_(contacts),
        )
    )


def _responsible_parties(filters: Filters) -> Select[Any]:
    """Agreements whose party (the filtered kommun's, else any) has a matching responsible."""
    parties = select(Party.agreement_id).where(
        Party.id.in_(responsible_parties(filters.responsible or ""))
    )
    if filters.municipality:
        parties = parties.where(Party.municipality_code == filters.municipality)
    return parties


def with_children(query: Select[Any], *, contacts: bool = False) -> Select[Any]:
    """Load parties (with their kommun) and areas in two extra queries, whatever the page size.

    ``contacts`` loads every party's contacts too (one more query), for the API.
    """
    parties = selectinload(Agreement.parties)
    options = [parties.selectinload(Party.municipality), selectinload(Agreement.areas)]
    if contacts:
        options.append(parties.selectinload(Party.contacts))
    return query.options(*options)


def search_agreements(
    session: Session,
    filters: Filters,
    user: Any = None,
    *,
    restrict: bool = True,
    load_contacts: bool = False,
) -> Page:
    """A page of agreements the user may see, matching the filters.

    A deferred join: the first query walks only ids and the sort column and counts every
    match in the same pass (a window count), the second loads the page's rows and children.
    A page past the end falls back to a plain count so the pagination still knows the total.
    """
    base = select(Agreement.id)
    if restrict:
        base = restrict_agreements(base, user)
    base = _filtered(base, filters)
    column = SORTS.get(filters.sort, SORTS["title"])
    order = column.desc() if filters.descending else column.asc()
    window = (
        base.add_columns(func.count().over().label("total"))
        .order_by(order, Agreement.id)
        .offset((filters.page - 1) * filters.per_page)
        .limit(filters.per_page)
    )
    rows = session.execute(window).all()
    if rows:
        total = rows[0].total
    elif filters.page > 1:
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    else:
        total = 0
    ids = [row.id for row in rows]
    items: list[Agreement] = []
    if ids:
        loaded = session.scalars(
            with_children(select(Agreement).where(Agreement.id.in_(ids)), contacts=load_contacts)
        ).unique()
        by_id = {agreement.id: agreement for agreement in loaded}
        items = [by_id[i] for i in ids]
    return Page(items=items, total=total, page=filters.page, per_page=filters.per_page)


def all_matching(
    session: Session,
    filters: Filters,
    user: Any = None,
    *,
    restrict: bool = True,
    contacts: bool = False,
) -> list[Agreement]:
    """Every agreement matching the filters (for exports), children loaded (``contacts``: the
    parties' contacts too, for the JSON export)."""
    base = select(Agreement)
    if restrict:
        base = restrict_agreements(base, user)
    query = with_children(
        _filtered(base, filters).order_by(swedish(Agreement.title), Agreement.id), contacts=contacts
    )
    return list(session.scalars(query).unique())


def terms_of(agreement: Agreement) -> dates.Terms:
    """The agreement's terms for the date arithmetic."""
    assert agreement.start_on is not None
    return dates.Terms(
        start_on=agreement.start_on,
        end_on=agreement.end_on,
        notice_months=agreement.notice_months,
        renewal_months=agreement.renewal_months,
        term=agreement.term,
        end_alignment=agreement.end_alignment or "none",
    )


def counts_by(session: Session, user: Any, municipality: str | None) -> dict[str, dict[str, int]]:
    """Counts per form, phase and area for a kommun's (or every visible) agreement."""
    base = restrict_agreements(select(Agreement.id), user)
    base = base.where(Agreement.phase.notin_([Phase.ENDED, Phase.ABANDONED]))
    if municipality:
        base = base.where(
            Agreement.id.in_(
                select(Party.agreement_id).where(
                    Party.municipality_code == municipality, Party.left_on.is_(None)
                )
            )
        )
    ids = base.subquery()
    by_form: dict[str, int] = {}
    by_phase: dict[str, int] = {}
    for form, phase, count in session.execute(
        select(Agreement.form, Agreement.phase, func.count())
        .where(Agreement.id.in_(select(ids.c.id)))
        .group_by(Agreement.form, Agreement.phase)
    ):
        by_form[form] = by_form.get(form, 0) + count
        by_phase[phase] = by_phase.get(phase, 0) + count
    area_label = Area.label_column(current_language())
    by_area = dict(
        session.execute(
            select(area_label, func.count())
            .join(agreement_area, agreement_area.c.area_id == Area.id)
            .where(agreement_area.c.agreement_id.in_(select(ids.c.id)))
            .group_by(area_label)
            .order_by(func.count().desc(), area_label)
        )
        .tuples()
        .all()
    )
    return {"form": by_form, "phase": by_phase, "area": by_area}
