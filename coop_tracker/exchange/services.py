"""Importing agreements from a parsed file: map columns, check every row, preview, apply.

``run_import`` reads each row (``rows.Converter``) into the same ``AgreementInput`` the forms
and the API use, checks it with the register's own validation even when some cells could not
be read (so every error of every row comes in one pass), matches it to an existing agreement by
the importing kommun's external id (``matching``), and passes it through ``create_agreement`` /
``update_agreement``, so permissions and the audit log are the register's own. It works in the
caller's transaction and never commits; the caller commits only when ``result.ok`` and the user
asked to apply, otherwise it rolls back: nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.audited import record_agreement_event
from coop_tracker.agreements.models import GENERATED_ID_PREFIX, Agreement, Phase
from coop_tracker.agreements.services import (
    AgreementInput,
    add_contact,
    create_agreement,
    pending_changes,
    update_agreement,
    validate_agreement,
)
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError, PermissionDenied, StaleVersion, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.exchange.columns import (
    COLUMN_NAMES,
    PARTY_FIELD_NAME,
    PHASE_LABELS,
    canonical,
    org_key,
    party_key,
)
from coop_tracker.exchange.mapping import check_mapping
from coop_tracker.exchange.matching import (
    check_duplicate_keys,
    existing_agreements,
    find_similar,
    linked_agreement,
    match_row,
)
from coop_tracker.exchange.names import Kommuner
from coop_tracker.exchange.parsing import ParsedFile
from coop_tracker.exchange.report import ImportResult, RowError, RowNote, RowOutcome
from coop_tracker.exchange.rows import Converter, Row
from coop_tracker.exchange.values import fold
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.organisations.models import Organisation, OrgKind


def run_import(
    session: Session,
    parsed: ParsedFile,
    mapping: dict[str, str],
    *,
    actor: Actor,
    municipality: str | None = None,
    today: date | None = None,
    links: dict[int, int] | None = None,
) -> ImportResult:
    """Check and write every row in the caller's transaction; the caller commits or rolls back.

    ``municipality`` is the kommun whose register the file is (an editor's own kommun): its
    external ids are its own numbering, and "Motpart"/"Vår roll" are seen from it. ``links``
    maps a row number to an existing agreement the user chose for a likely duplicate.
    """
    result = ImportResult(municipality=municipality)
    result.mapping_errors = check_mapping(mapping, parsed.main.headers, parsed, municipality)
    if result.mapping_errors:
        return result
    kommuner = Kommuner(
        dict(session.execute(select(Municipality.code, Municipality.name)).tuples().all()),
        {
            org_key(org): org.name
            for org in session.scalars(
                select(Organisation).where(Organisation.kind != OrgKind.KOMMUN)
            )
        },
    )
    converter = Converter(
        parsed,
        mapping,
        areas=list(session.scalars(select(Area))),
        kommuner=kommuner,
        municipality=municipality,
        owner_from_file=bool(mapping.get("external_id_owner")),
    )
    records = []
    for number, record in parsed.main.records():
        total = _total_row(record)
        if total is None:
            records.append((number, record))
        else:
            header, value = total
            result.notes.append(
                RowNote(number, header, value, _("en summeringsrad; den hoppas över"))
            )
    rows = [converter.convert(number, record) for number, record in records]
    result.rows = len(rows)
    for row in rows:
        result.notes.extend(row.notes)
    check_duplicate_keys(rows, converter)
    existing = existing_agreements(session, rows)
    user = actor.user
    for row in rows:
        # A row that is written is validated by create/update; one that is not (a cell could
        # not be read, or it names the wrong agreement) is still checked by every rule.
        checked = bool(row.errors)
        if checked:
            _check_fields(session, row, converter)
        match = match_row(row, existing, converter, actor, municipality)
        if row.errors:
            if not checked:
                _check_fields(session, row, converter)
            result.errors.extend(row.errors)
            continue
        linked = False
        if match is None and links and row.number in links:
            match = linked_agreement(session, links[row.number], user)
            linked = match is not None
        if match is None and today is not None and not converter.mapping.get("phase"):
            _phase_from_dates(row, today, result)
        try:
            outcome = _apply_row(session, row, match, actor, converter, today)
        except ValidationFailed as failure:
            result.errors.extend(_field_errors(row, failure.fields, converter))
        except StaleVersion:
            result.errors.append(
                RowError(row.number, "Id", _("Samverkan ändrades under importen; försök igen."))
            )
        except PermissionDenied:
            result.errors.append(
                RowError(
                    row.number,
                    converter.label("external_id"),
                    _("Du får bara ändra samverkan där din kommun är part."),
                    row.raw.get("external_id", ""),
                )
            )
        except DomainError as error:
            result.errors.append(
                RowError(
                    row.number, converter.label("title"), error.message, row.raw.get("title", "")
                )
            )
        else:
            outcome.linked = linked
            result.outcomes.append(outcome)
    find_similar(session, result, rows, user, links or {})
    result.errors.sort(key=lambda e: (e.row, e.column))
    result.notes.sort(key=lambda n: (n.row, n.column))
    return result


_TOTAL_WORDS = re.compile(r"^(summa|totalt|total|summering|sum)\b")
_AMOUNT = re.compile(r"[\d\s.,:\-−]*\s*(kr|tkr|mkr|kronor|st|%)?\.?")


def _total_row(record: dict[str, Any]) -> tuple[str, str] | None:
    """(heading, text) when the row is a spreadsheet's total line: its first filled cell says
    "Summa" or "Totalt" and no other cell holds text, only numbers (or nothing)."""
    filled = [(h, v) for h, v in record.items() if v is not None and str(v).strip()]
    if not filled or not isinstance(filled[0][1], str):
        return None
    header, first = filled[0]
    if not _TOTAL_WORDS.match(fold(first)):
        return None
    rest = [v for _h, v in filled[1:]]
    if any(isinstance(v, str) and not _AMOUNT.fullmatch(fold(v).strip()) for v in rest):
        return None
    return header, first.strip()


def _phase_from_dates(row: Row, today: date, result: ImportResult) -> None:
    """A new row in a file without a status column: a register lists what is already in
    force, so the phase follows its dates -- ended when a fixed term ended before today,
    running when it started on or before today, planned otherwise (or without a start).
    The preview says so on the row."""
    data = row.data
    start, end = data.start_on, data.end_on
    if not isinstance(start, date) or start > today:
        return
    fixed = data.term == "fixed" or (data.term is None and data.renewal in (None, "", "none"))
    if fixed and isinstance(end, date) and end < today:
        row.phase = Phase.ENDED
        reading = _("avslutad: avtalstiden gick ut %(end)s", end=end.isoformat())
    else:
        row.phase = Phase.ACTIVE
        reading = _("pågående: avtalet gäller sedan %(start)s", start=start.isoformat())
    result.notes.append(
        RowNote(
            row.number,
            _("Status (ingen kolumn i filen)"),
            start.isoformat(),
            _("%(reading)s; lägg till en kolumn Status för att ange fasen själv", reading=reading),
        )
    )


def _check_fields(session: Session, row: Row, converter: Converter) -> None:
    """The register's own validation of the row, for every field; on rows whose cells could
    all be read this happens again when the row is written."""
    try:
        validate_agreement(session, row.data)
    except ValidationFailed as failure:
        row.errors.extend(_field_errors(row, failure.fields, converter))


def _apply_row(
    session: Session,
    row: Row,
    match: Agreement | None,
    actor: Actor,
    converter: Converter,
    today: date | None,
) -> RowOutcome:
    user = actor.user
    if match is None:
        outcome = create_agreement(session, row.data, actor=actor)
        agreement = outcome.agreement
        if today is not None:
            agreement.imported_on = today
        if row.phase and row.phase != agreement.phase:
            # Registering an existing cooperation, not a phase change: the import states the
            # phase it is already in, and the audit log says so.
            changes = {"phase": [agreement.phase, row.phase]}
            record_agreement_event(session, actor, agreement, "update", changes)
            agreement.phase = row.phase  # written with the next flush
        _add_contact(session, agreement, row, actor)
        return RowOutcome(
            row.number, "create", agreement.title, agreement.external_id, agreement.id
        )
    data = _merged(match, row)
    if user is not None and not can(user, "agreement.edit", match):
        changed = pending_changes(session, match, data)
        if row.phase and row.phase != match.phase:
            changed.append("phase")
        if changed:
            raise ValidationFailed(
                {
                    "version": _(
                        "din kommun är inte part i den här samverkan, så raden får inte ändra "
                        "den (den ändrar %(fields)s); återställ värdena eller ta bort raden",
                        fields=", ".join(_label(k) for k in changed),
                    )
                }
            )
        return RowOutcome(row.number, "unchanged", match.title, match.external_id, match.id)
    if row.phase and row.phase != match.phase:
        raise ValidationFailed(
            {
                "phase": _(
                    "fasen kan inte ändras genom import (nu %(phase)s); använd fasbyte på "
                    "samverkan",
                    phase=PHASE_LABELS[match.phase],
                )
            }
        )
    if match.phase != Phase.PLANNED:
        by_id = {p.organisation_id: party_key(p) for p in match.parties}
        wanted = {
            p.municipality_code or p.organisation or by_id.get(p.organisation_id)
            for p in data.parties
        }
        gone = [p.name for p in match.parties if party_key(p) not in wanted]
        if gone:
            raise ValidationFailed(
                {
                    "parties": _(
                        "%(names)s saknas. En part kan inte tas bort ur en samverkan som har "
                        "startat; ange i stället datum då kommunen lämnade",
                        names=", ".join(gone),
                    )
                }
            )
    before = canonical(match)
    update_agreement(session, match, data, expected_version=match.version, actor=actor)
    _adopt_external_id(session, match, row, actor)
    _add_contact(session, match, row, actor)
    after = canonical(match)
    changed = sorted(k for k in after if after[k] != before[k])
    action = "update" if changed else "unchanged"
    return RowOutcome(row.number, action, match.title, match.external_id, match.id, changed)


def _adopt_external_id(session: Session, agreement: Agreement, row: Row, actor: Actor) -> None:
    """A row linked to an agreement made here gives it the kommun's own id."""
    external_id = row.data.external_id
    if not external_id or (agreement.external_id_owner, agreement.external_id) == (
        row.owner,
        external_id,
    ):
        return
    if not agreement.external_id.startswith(GENERATED_ID_PREFIX):
        return
    before = [agreement.external_id_owner, agreement.external_id]
    agreement.external_id = external_id
    agreement.external_id_owner = row.owner
    session.flush()
    changes = {"external_id": [before, [row.owner, external_id]]}
    record_agreement_event(session, actor, agreement, "update", changes)


def _add_contact(session: Session, agreement: Agreement, row: Row, actor: Actor) -> None:
    if row.contact is None or row.contact_code is None:
        return
    party = agreement.party_for(row.contact_code)
    if party is None or any(fold(c.name) == fold(row.contact.name) for c in party.contacts):
        return
    add_contact(session, party, row.contact, actor=actor)


def _merged(agreement: Agreement, row: Row) -> AgreementInput:
    """The agreement's current values with only what the file provides laid over them, so a
    file with fewer columns (or parties without decision details) never blanks out the rest."""
    data = AgreementInput.from_agreement(agreement)
    skip = {"parties", "id", "phase", "external_id", "external_id_owner"}
    for key in row.provided - skip:
        if hasattr(row.data, key):
            setattr(data, key, getattr(row.data, key))
    # A file without Avtalstid: its Förlängning (and Slutdatum) say what the term is, as the
    # API's old fields do.
    old_style = "renewal" in row.provided or (
        "end_on" in row.provided and agreement.term != "fixed_then_indefinite"
    )
    if "term" not in row.provided and old_style:
        data.term = None
        if data.renewal is None:
            data.renewal = agreement.renewal
    if "parties" in row.provided:
        # A file names a kommun by kommunkod and another organisation by its key.
        keys = {p.id: party_key(p) for p in agreement.parties}
        current = {(keys.get(p.id or 0) or p.municipality_code): p for p in data.parties}
        merged = []
        for party, given in zip(row.data.parties, row.party_provided, strict=False):
            base = current.get(party.municipality_code or party.organisation)
            if base is None:
                merged.append(party)
                continue
            for key in given:
                setattr(base, key, getattr(party, key))
            merged.append(base)
        data.parties = merged
    return data


def _label(key: str) -> str:
    return {"areas": "Områden", "parties": "Parter", "phase": "Fas"}.get(
        key, COLUMN_NAMES.get(key, key)
    )


_FIELD_KEYS = {"areas": "area_slugs"}


def _field_errors(row: Row, fields: dict[str, str], converter: Converter) -> list[RowError]:
    """Validation field names (``parties-1-decision_on``) as the column the user sees, with the
    value as written; a column whose cell already has an error is not repeated."""
    flagged = {e.column for e in row.errors}
    mapped = converter.mapping
    parties_key = (
        "parties"
        if mapped.get("parties") or not mapped.get("counterparties")
        else ("counterparties")
    )
    # A kommun that could not be read leaves the parties short: the rules about parties would
    # only repeat that error.
    party_cell_failed = any(
        e.column in (converter.label("parties"), converter.label("counterparties"))
        for e in row.errors
    )
    errors = []
    for name, message in fields.items():
        if party_cell_failed and name.startswith("parties"):
            continue
        party = re.match(r"^parties-(\d+)-(\w+)$", name)
        if party:
            index, key = int(party.group(1)), party.group(2)
            where = row.party_columns[index] if index < len(row.party_columns) else "Parter"
            source = {
                "municipality_code": parties_key,
                "role": "our_role" if mapped.get("our_role") else parties_key,
                "decision_on": "decision",
                "decision_body": "decision",
                "decision_paragraph": "decision",
                "annual_cost": "own_annual_cost",
            }.get(key)
            if source and mapped.get(source):
                column, value = converter.label(source), row.raw.get(source, "")
            else:
                column, value = f"{where}: {PARTY_FIELD_NAME.get(key, key).lower()}", ""
        elif name == "version":
            column, value = converter.label("external_id"), row.raw.get("external_id", "")
        else:
            key = _FIELD_KEYS.get(name, name)
            if key == "parties":
                # The roles in a kommun's own sheet come from its "Vår roll".
                key = "our_role" if mapped.get("our_role") else parties_key
            if key == "end_on" and not mapped.get("end_on") and mapped.get("term"):
                key = "term"
            column, value = converter.label(key), row.raw.get(key, "")
        if column in flagged:
            continue
        flagged.add(column)
        errors.append(RowError(row.number, column, _sentence(message), value))
    return errors


def _sentence(message: str) -> str:
    return message[:1].lower() + message[1:] if message[1:2].islower() else message
