"""Changing the annual cycle: a duty marked done (or reopened), an agreement's settings.

Services take an explicit actor, write the audit log, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.annual.models import CycleSettings, DutyDone
from coop_tracker.annual.queries import completions, party_duties, settings_for
from coop_tracker.annual.rules import DUTY_LABELS
from coop_tracker.audit.services import diff, record, record_saved
from coop_tracker.core import validation as v
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import NotFound, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.locking import stored_or_new

MAX_YEAR = 2100
MIN_YEAR = 2000


@dataclass(frozen=True)
class DoneInput:
    """A duty marked done: which one, when, and the reference (diarienummer, § in a protocol)."""

    kind: Any
    year: Any
    done_on: Any
    reference: Any
    note: Any = ""


def _snapshot(row: DutyDone) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "year": row.year,
        "done_on": row.done_on,
        "reference": row.reference,
        "note": row.note,
    }


def mark_done(
    session: Session,
    agreement: Agreement,
    municipality_code: str,
    data: DoneInput,
    *,
    actor: Actor,
    today: date,
) -> DutyDone:
    """Record that the kommun has done one of its duties in the agreement; refuses a duty the
    kommun does not have that year, a missing reference and a date in the future."""
    errors = v.Errors()
    kind = v.choice(data.kind, "kind", _("Uppgift"), errors, DUTY_LABELS, required=True)
    year = v.integer(
        data.year, "year", _("År"), errors, minimum=MIN_YEAR, maximum=MAX_YEAR, required=True
    )
    done_on = v.a_date(data.done_on, "done_on", _("Klart den"), errors, required=True)
    if done_on is not None and done_on > today:
        errors.add("done_on", _("Klart den kan inte ligga efter idag (%(today)s).", today=today))
    reference = v.text(
        data.reference,
        "reference",
        _("Referens (diarienummer eller paragraf)"),
        errors,
        max_length=120,
        required=True,
    )
    note = v.text(data.note, "note", _("Anteckning"), errors, max_length=2000, multiline=True)
    party = agreement.party_for(municipality_code)
    if party is None:
        raise NotFound(_("Kommunen är inte part i samverkan."))
    if errors:
        raise ValidationFailed(errors)
    assert kind is not None and year is not None and done_on is not None
    done = completions(session, [agreement.id], code=municipality_code)
    settings = settings_for(session, [agreement.id])[agreement.id]
    duties = {d.kind for d in party_duties(agreement, party, year, settings, done)}
    if kind not in duties:
        raise ValidationFailed(
            {
                "kind": _(
                    "Uppgift: %(label)s finns inte för kommunen i den här samverkan år %(year)s.",
                    label=DUTY_LABELS[kind],
                    year=year,
                )
            }
        )
    row, before = stored_or_new(
        session,
        done.get((agreement.id, municipality_code, kind, year)),
        lambda: DutyDone(
            agreement_id=agreement.id, municipality_code=municipality_code, kind=kind, year=year
        ),
        _snapshot,
    )
    row.done_on = done_on
    row.reference = reference
    row.note = note
    row.done_by_id = actor.user_id
    row.done_by_name = actor.name
    session.flush()
    record_saved(
        session,
        actor,
        before,
        _snapshot(row),
        object_type="annual_duty",
        object_id=row.id,
        label=f"{DUTY_LABELS[kind]} {year}: {agreement.title}",
        agreement_id=agreement.id,
        municipality_code=municipality_code,
    )
    return row


def reopen(
    session: Session, agreement: Agreement, municipality_code: str, kind: str, year: int, *,
    actor: Actor,
) -> None:  # fmt: skip
    """Undo a "done": the duty is open again (and reminded again)."""
    row = session.scalar(
        select(DutyDone).where(
            DutyDone.agreement_id == agreement.id,
            DutyDone.municipality_code == municipality_code,
            DutyDone.kind == kind,
            DutyDone.year == year,
        )
    )
    if row is None:
        raise NotFound(_("Uppgiften är inte markerad som klar."))
    before = _snapshot(row)
    session.delete(row)
    session.flush()
    record(
        session,
        actor,
        action="delete",
        object_type="annual_duty",
        object_id=row.id,
        label=f"{DUTY_LABELS.get(kind, kind)} {year}: {agreement.title}",
        agreement_id=agreement.id,
        municipality_code=municipality_code,
        changes=diff(before, {}),
    )


@dataclass(frozen=True)
class SettingsInput:
    """An agreement's annual-cycle settings as typed."""

    budget_consultation_on: Any  # "MM-DD" or empty
    document_review_years: Any
    version: Any = None


def save_settings(
    session: Session, agreement: Agreement, data: SettingsInput, *, actor: Actor
) -> CycleSettings:
    """Store the budget consultation day and the documents' review interval."""
    errors = v.Errors()
    label = _("Budgetsamråd (månad och dag)")
    raw = v.text(data.budget_consultation_on, "budget_consultation_on", label, errors,
                 max_length=5)  # fmt: skip
    month = day = None
    if raw:
        parts = raw.split("-")
        valid = len(parts) == 2 and all(v.is_digits(p, 2) for p in parts)
        if valid:
            try:
                date(2024, int(parts[0]), int(parts[1]))  # a leap year: 02-29 is allowed
            except ValueError:
                valid = False
        if valid:
            month, day = int(parts[0]), int(parts[1])
        else:
            errors.add(
                "budget_consultation_on",
                _("%(label)s: skriv MM-DD, till exempel 05-31.", label=label),
            )
    years = v.integer(
        data.document_review_years,
        "document_review_years",
        _("Översyn av styrdokument (år)"),
        errors,
        minimum=1,
        maximum=10,
        required=True,
    )
    if errors:
        raise ValidationFailed(errors)
    row, before = stored_or_new(
        session,
        session.get(CycleSettings, agreement.id),
        lambda: CycleSettings(agreement_id=agreement.id),
        settings_snapshot,
        expected_version=data.version,
    )
    row.budget_consultation_month = month
    row.budget_consultation_day = day
    row.document_review_years = years or 4
    session.flush()
    record_saved(
        session,
        actor,
        before,
        settings_snapshot(row),
        object_type="annual_settings",
        object_id=agreement.id,
        label=_("Årshjul: %(title)s", title=agreement.title),
        agreement_id=agreement.id,
    )
    return row


def settings_snapshot(row: CycleSettings) -> dict[str, Any]:
    budget = (
        f"{row.budget_consultation_month:02d}-{row.budget_consultation_day:02d}"
        if row.budget_consultation_month and row.budget_consultation_day
        else ""
    )
    return {"budget_consultation_on": budget, "document_review_years": row.document_review_years}
