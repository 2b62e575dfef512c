"""Importing agreements from a parsed file: map columns, validate every row, preview, apply.

``run_import`` converts each row into the same ``AgreementInput`` the forms and the API use and
passes it through ``create_agreement`` / ``update_agreement``, so validation, permissions and the
audit log are the register's own. It always works in the caller's transaction and never commits;
it returns every row's outcome and every error (row, column, reason). The caller commits only
when ``result.ok`` and the user asked to apply; otherwise it rolls back, so nothing is written
unless the whole file is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement, Phase
from coop_tracker.agreements.queries import with_children
from coop_tracker.agreements.services import (
    AgreementInput,
    PartyInput,
    create_agreement,
    update_agreement,
)
from coop_tracker.audit.services import record as audit_record
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError, PermissionDenied, StaleVersion, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can
from coop_tracker.exchange.columns import (
    AGREEMENT_COLUMNS,
    ALIASES,
    AREAS,
    BOOL,
    BOOL_WORDS,
    CHOICE,
    DATE,
    DECIMAL,
    FIELD_COLUMN,
    INT,
    PARTY_FIELD_COLUMNS,
    PARTY_FIELD_NAME,
    PARTY_SHEET,
    PHASE_LABELS,
    ROLE_ALIASES,
    Column,
    canonical,
    cell_date,
    cell_number,
    cell_text,
    choice_code,
    normalise,
    party_detail_header,
)
from coop_tracker.exchange.parsing import ParsedFile, Sheet
from coop_tracker.municipalities.models import Area

REQUIRED_KEYS = ("title", "form", "area_slugs")
PAIR = re.compile(r"^\s*(\d{4})\s*:\s*([^\s:]+)\s*$")


@dataclass
class RowError:
    """One problem: the row the user sees, the column (our name or theirs), and why."""

    row: int
    column: str
    message: str
    sheet: str = ""


@dataclass
class RowOutcome:
    """What happens (or would happen) to one row."""

    row: int
    action: str  # create | update | unchanged
    title: str
    external_id: str | None
    agreement_id: int | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """Every row's outcome and every error; ``ok`` when the whole file can be written."""

    outcomes: list[RowOutcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    mapping_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.mapping_errors

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    def summary(self) -> str:
        return _(
            "%(created)s nya, %(updated)s ändrade, %(unchanged)s oförändrade",
            created=self.count("create"),
            updated=self.count("update"),
            unchanged=self.count("unchanged"),
        )


# --- mapping ----------------------------------------------------------------------------------


def importable_columns() -> list[Column]:
    return [c for c in AGREEMENT_COLUMNS if c.importable]


def auto_mapping(headers: list[str]) -> dict[str, str]:
    """Our column key → their header, guessed from exact names and common aliases."""
    by_norm = {normalise(h): h for h in headers if h}
    mapping: dict[str, str] = {}
    for column in importable_columns():
        candidates = (column.name, *ALIASES.get(column.key, ()))
        for candidate in candidates:
            header = by_norm.get(normalise(candidate))
            if header is not None and header not in mapping.values():
                mapping[column.key] = header
                break
    return mapping


def check_mapping(mapping: dict[str, str], headers: list[str], parsed: ParsedFile) -> list[str]:
    """Swedish messages for required columns that are not mapped (empty when usable)."""
    problems = []
    names = {c.key: c.name for c in AGREEMENT_COLUMNS}
    for key, header in mapping.items():
        if header and header not in headers:
            problems.append(f"Kolumnen ”{header}” finns inte i filen.")
        if key not in names:
            problems.append(f"Okänt fält i kopplingen: {key}.")
    for key in REQUIRED_KEYS:
        if not mapping.get(key):
            problems.append(f"Välj vilken kolumn i filen som innehåller {names[key]}.")
    if not mapping.get("parties") and parsed.parties is None:
        problems.append(
            _("Välj vilken kolumn som innehåller Parter, eller lägg till fliken Parter.")
        )
    if not mapping.get("external_id") and not mapping.get("id"):
        problems.append(
            _(
                "Välj vilken kolumn som innehåller Externt id, så att raderna känns igen "
                "vid nästa import."
            )
        )
    return problems


# --- conversion -------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    data: AgreementInput
    phase: str | None
    agreement_id: int | None
    party_columns: list[str]
    errors: list[RowError]
    provided: set[str] = field(default_factory=set)
    party_provided: list[set[str]] = field(default_factory=list)


class _Converter:
    """Turns mapped records into ``AgreementInput`` and conversion errors."""

    def __init__(self, session: Session, parsed: ParsedFile, mapping: dict[str, str]) -> None:
        self.parsed = parsed
        self.mapping = mapping
        self.header_for = {c.key: mapping.get(c.key) for c in AGREEMENT_COLUMNS}
        self.areas = list(session.scalars(select(Area)))
        self.party_rows = self._party_sheet_rows(parsed.parties)

    def column_label(self, key: str) -> str:
        """Their header when mapped (what they see in their file), else our name."""
        return self.header_for.get(key) or FIELD_COLUMN.get(key, key)

    def _party_sheet_rows(self, sheet: Sheet | None) -> dict[str, list[tuple[int, dict]]]:
        grouped: dict[str, list[tuple[int, dict]]] = {}
        if sheet is None:
            return grouped
        for number, record in sheet.records():
            ref = cell_text(record.get("Externt id")) or (
                "#" + cell_text(record.get("Id")) if cell_text(record.get("Id")) else ""
            )
            grouped.setdefault(ref, []).append((number, record))
        return grouped

    def convert(self, number: int, record: dict[str, Any]) -> _Row:
        errors: list[RowError] = []
        values: dict[str, Any] = {}

        def get(key: str) -> Any:
            header = self.header_for.get(key)
            return record.get(header) if header else None

        def fail(key: str, message: str) -> None:
            errors.append(RowError(number, self.column_label(key), message))

        for column in AGREEMENT_COLUMNS:
            if column.key in ("parties", "id", "phase") or not column.importable:
                continue
            raw = get(column.key)
            if column.kind in (DATE,):
                values[column.key] = cell_date(raw)
            elif column.kind in (INT, DECIMAL):
                values[column.key] = cell_number(raw)
            elif column.kind == BOOL:
                text = normalise(cell_text(raw))
                if text and text not in BOOL_WORDS:
                    fail(column.key, f"{column.name}: skriv ja eller nej (inte ”{text[:20]}”).")
                values[column.key] = BOOL_WORDS.get(text, False)
            elif column.kind == CHOICE:
                text = cell_text(raw)
                code = choice_code(text, column.choices or {}) if text else None
                if text and code is None:
                    allowed = ", ".join((column.choices or {}).values())
                    fail(column.key, f"Okänt värde ”{text[:40]}”; använd ett av: {allowed}.")
                values[column.key] = code
            elif column.kind == AREAS:
                values[column.key] = self._areas(cell_text(raw), column, fail)
            else:
                values[column.key] = cell_text(raw)
        if values.get("renewal") is None:
            values.pop("renewal", None)
        external_id = values.get("external_id") or None
        if external_id and len(external_id) > 100:
            fail("external_id", "Externt id får vara högst 100 tecken.")
        agreement_id = None
        raw_id = cell_text(get("id"))
        if raw_id:
            if raw_id.isdigit() and len(raw_id) < 10:
                agreement_id = int(raw_id)
            else:
                fail("id", "Id måste vara ett heltal (Samverkanskollens nummer).")
        if (
            not external_id
            and agreement_id is None
            and not any(r.column == self.column_label("id") for r in errors)
        ):
            fail("external_id", "Ange ett externt id så att raden känns igen vid nästa import.")
        phase_text = cell_text(get("phase"))
        phase = choice_code(phase_text, PHASE_LABELS) if phase_text else None
        if phase_text and phase is None:
            allowed = ", ".join(PHASE_LABELS.values())
            fail("phase", f"Okänd fas ”{phase_text[:40]}”; använd en av: {allowed}.")
        parties, party_columns, party_provided = self._parties(
            number, record, get, fail, external_id, agreement_id, errors
        )
        data = AgreementInput(**values, parties=parties)
        data.external_id = external_id
        provided = {key for key, header in self.header_for.items() if header}
        if party_provided:
            provided.add("parties")
        return _Row(
            number, data, phase, agreement_id, party_columns, errors, provided, party_provided
        )

    def _areas(self, text: str, column: Column, fail: Any) -> list[str]:
        slugs: list[str] = []
        for part in re.split(r"[;,\n]", text):
            wanted = normalise(part)
            if not wanted:
                continue
            match = next(
                (
                    a
                    for a in self.areas
                    if wanted in (normalise(a.slug), normalise(a.label_sv), normalise(a.label_en))
                ),
                None,
            )
            if match is None:
                fail(column.key, f"Okänt samverkansområde ”{part.strip()[:40]}”.")
            else:
                slugs.append(match.slug)
        return slugs

    def _parties(
        self,
        number: int,
        record: dict[str, Any],
        get: Any,
        fail: Any,
        external_id: str | None,
        agreement_id: int | None,
        errors: list[RowError],
    ) -> tuple[list[PartyInput], list[str], list[set[str]]]:
        pairs: list[tuple[str, str]] = []
        text = cell_text(get("parties"))
        for part in re.split(r"[;,\n]", text):
            if not part.strip():
                continue
            match = PAIR.match(part)
            role = ROLE_ALIASES.get(normalise(match.group(2))) if match else None
            if match is None or role is None:
                fail(
                    "parties",
                    f"”{part.strip()[:30]}” ska skrivas kommunkod:roll, t.ex. 2021:värd "
                    "(roller: värd, beställare, medlem).",
                )
                continue
            pairs.append((match.group(1), role))
        if external_id:
            sheet_rows = self.party_rows.get(external_id)
        else:
            sheet_rows = self.party_rows.get(f"#{agreement_id}") if agreement_id else None
        if sheet_rows:
            return self._parties_from_sheet(sheet_rows, pairs, text, fail, errors)
        parties: list[PartyInput] = []
        columns: list[str] = []
        provided: list[set[str]] = []
        for index, (code, role) in enumerate(pairs, start=1):
            party = PartyInput(municipality_code=code, role=role)
            given = {"municipality_code", "role"}
            code_header = party_detail_header(index, PARTY_FIELD_COLUMNS[0])
            if code_header in record and cell_text(record[code_header]) not in ("", code):
                errors.append(
                    RowError(
                        number,
                        code_header,
                        f"Kommunkoden stämmer inte med part {index} i kolumnen Parter ({code}).",
                    )
                )
            for column in PARTY_FIELD_COLUMNS[2:]:
                header = party_detail_header(index, column)
                if header in record:
                    setattr(party, column.key, _party_value(column, record[header]))
                    given.add(column.key)
            parties.append(party)
            columns.append(f"Part {index}")
            provided.append(given)
        if not self.header_for.get("parties"):
            provided = []
        return parties, columns, provided

    def _parties_from_sheet(
        self,
        sheet_rows: list[tuple[int, dict]],
        pairs: list[tuple[str, str]],
        pairs_text: str,
        fail: Any,
        errors: list[RowError],
    ) -> tuple[list[PartyInput], list[str], list[set[str]]]:
        parties: list[PartyInput] = []
        columns: list[str] = []
        headers = set(self.parsed.parties.headers) if self.parsed.parties else set()
        given = {c.key for c in PARTY_FIELD_COLUMNS if c.name in headers}
        for number, record in sheet_rows:
            role_text = cell_text(record.get("Roll"))
            role = ROLE_ALIASES.get(normalise(role_text), role_text or None)
            party = PartyInput(municipality_code=cell_text(record.get("Kommunkod")), role=role)
            for column in PARTY_FIELD_COLUMNS[2:]:
                setattr(party, column.key, _party_value(column, record.get(column.name)))
            parties.append(party)
            columns.append(f"{PARTY_SHEET}-fliken rad {number}")
        if pairs_text and sorted(pairs) != sorted((p.municipality_code, p.role) for p in parties):
            fail(
                "parties",
                "Parterna i kolumnen Parter stämmer inte med fliken Parter; rätta den ena.",
            )
        return parties, columns, [set(given) for _ in parties]


def _party_value(column: Column, raw: Any) -> Any:
    if column.kind == DATE:
        return cell_date(raw)
    if column.kind == DECIMAL:
        return cell_number(raw)
    return cell_text(raw)


# --- running ----------------------------------------------------------------------------------


def run_import(
    session: Session, parsed: ParsedFile, mapping: dict[str, str], *, actor: Actor
) -> ImportResult:
    """Validate and write every row in the caller's transaction; the caller commits or rolls back.

    Rows are matched on their external id (or Samverkanskollen's id when no external id is
    given): a match is updated through ``update_agreement`` when something differs, otherwise
    it is left alone; a row without a match is created through ``create_agreement``.
    """
    result = ImportResult()
    result.mapping_errors = check_mapping(mapping, parsed.main.headers, parsed)
    if result.mapping_errors:
        return result
    converter = _Converter(session, parsed, mapping)
    rows = [converter.convert(number, record) for number, record in parsed.main.records()]
    _check_duplicates(rows, converter, result)
    existing = _existing(session, rows)
    for row in rows:
        if row.errors:
            result.errors.extend(row.errors)
            continue
        if any(e.row == row.number for e in result.errors):
            continue
        match = (
            existing["ext"].get(row.data.external_id)
            if row.data.external_id
            else existing["id"].get(row.agreement_id)
        )
        try:
            outcome = _apply_row(session, row, match, actor, converter)
        except ValidationFailed as failure:
            result.errors.extend(_field_errors(row, failure.fields, converter))
        except StaleVersion:
            result.errors.append(
                RowError(row.number, "Id", "Samverkan ändrades under importen; försök igen.")
            )
        except PermissionDenied:
            result.errors.append(
                RowError(
                    row.number,
                    converter.column_label("external_id"),
                    "Du får bara ändra samverkan där din kommun är part.",
                )
            )
        except DomainError as error:
            result.errors.append(
                RowError(row.number, converter.column_label("title"), error.message)
            )
        else:
            result.outcomes.append(outcome)
    result.errors.sort(key=lambda e: (e.row, e.column))
    return result


def _check_duplicates(rows: list[_Row], converter: _Converter, result: ImportResult) -> None:
    first: dict[str, int] = {}
    for row in rows:
        key = row.data.external_id or (f"#{row.agreement_id}" if row.agreement_id else None)
        if key is None:
            continue
        if key in first:
            result.errors.append(
                RowError(
                    row.number,
                    converter.column_label("external_id" if row.data.external_id else "id"),
                    f"Samma id som rad {first[key]}; varje samverkan får bara finnas en gång.",
                )
            )
        else:
            first[key] = row.number


def _existing(session: Session, rows: list[_Row]) -> dict[str, dict[Any, Agreement]]:
    external_ids = [r.data.external_id for r in rows if r.data.external_id]
    ids = [r.agreement_id for r in rows if not r.data.external_id and r.agreement_id]
    by_ext: dict[Any, Agreement] = {}
    by_id: dict[Any, Agreement] = {}
    for chunk in _chunks(external_ids):
        query = with_children(select(Agreement).where(Agreement.external_id.in_(chunk)))
        by_ext.update({a.external_id: a for a in session.scalars(query).unique()})
    for chunk in _chunks(ids):
        query = with_children(select(Agreement).where(Agreement.id.in_(chunk)))
        by_id.update({a.id: a for a in session.scalars(query).unique()})
    return {"ext": by_ext, "id": by_id}


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _apply_row(
    session: Session, row: _Row, match: Agreement | None, actor: Actor, converter: _Converter
) -> RowOutcome:
    user = actor.user
    if match is None:
        if row.agreement_id is not None and not row.data.external_id:
            raise ValidationFailed(
                {"version": f"Det finns ingen samverkan med id {row.agreement_id}."}
            )
        outcome = create_agreement(session, row.data, actor=actor)
        agreement = outcome.agreement
        if row.phase and row.phase != agreement.phase:
            # Registering an existing cooperation, not a phase change: the import states the
            # phase it is already in, and the audit log says so.
            audit_record(
                session,
                actor,
                action="update",
                object_type="agreement",
                object_id=agreement.id,
                label=agreement.title,
                agreement_id=agreement.id,
                changes={"phase": [agreement.phase, row.phase]},
            )
            agreement.phase = row.phase  # written with the next flush
        return RowOutcome(
            row.number, "create", agreement.title, agreement.external_id, agreement.id
        )
    if user is not None and not can(user, "agreement.edit", match):
        raise PermissionDenied()
    if row.phase and row.phase != match.phase:
        raise ValidationFailed(
            {
                "phase": f"Fasen kan inte ändras genom import (nu {PHASE_LABELS[match.phase]}); "
                "använd fasbyte på samverkan."
            }
        )
    if match.phase != Phase.PLANNED:
        wanted = {p.municipality_code for p in row.data.parties}
        gone = [p.municipality.name for p in match.parties if p.municipality_code not in wanted]
        if gone:
            raise ValidationFailed(
                {
                    "parties": f"{', '.join(gone)} saknas. En part kan inte tas bort ur en "
                    "samverkan som har startat; ange i stället datum då kommunen lämnade."
                }
            )
    before = canonical(match)
    data = _merged(match, row)
    update_agreement(session, match, data, expected_version=match.version, actor=actor)
    after = canonical(match)
    changed = sorted(k for k in after if after[k] != before[k])
    action = "update" if changed else "unchanged"
    return RowOutcome(row.number, action, match.title, match.external_id, match.id, changed)


def _merged(agreement: Agreement, row: _Row) -> AgreementInput:
    """The agreement's current values with only what the file provides laid over them, so a
    file with fewer columns (or parties without decision details) never blanks out the rest."""
    data = AgreementInput.from_agreement(agreement)
    for key in row.provided - {"parties", "id", "phase", "external_id"}:
        setattr(data, key, getattr(row.data, key))
    if "parties" in row.provided:
        current = {p.municipality_code: p for p in data.parties}
        merged = []
        for party, given in zip(row.data.parties, row.party_provided, strict=False):
            base = current.get(party.municipality_code)
            if base is None:
                merged.append(party)
                continue
            for key in given:
                setattr(base, key, getattr(party, key))
            merged.append(base)
        data.parties = merged
    return data


def _field_errors(row: _Row, fields: dict[str, str], converter: _Converter) -> list[RowError]:
    """Validation field names (``parties-1-decision_on``) as the column the user sees."""
    errors = []
    for name, message in fields.items():
        party = re.match(r"^parties-(\d+)-(\w+)$", name)
        if party:
            index, key = int(party.group(1)), party.group(2)
            where = row.party_columns[index] if index < len(row.party_columns) else "Parter"
            column = (
                converter.column_label("parties")
                if key in ("municipality_code", "role") and where.startswith("Part ")
                else f"{where}: {PARTY_FIELD_NAME.get(key, key).lower()}"
            )
        elif name == "version":
            column = converter.column_label("id")
        else:
            key = "area_slugs" if name == "areas" else name
            column = converter.column_label(key)
        errors.append(RowError(row.number, column, message))
    return errors
