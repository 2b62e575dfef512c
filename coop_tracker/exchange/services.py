"""Importing agreements from a parsed file: map columns, check every row, preview, apply.

``run_import`` reads each row (``rows.Converter``) into the same ``AgreementInput`` the forms
and the API use, checks it with the register's own validation even when some cells could not
be read (so every error of every row comes in one pass), matches it to an existing agreement by
the importing kommun's external id, and passes it through ``create_agreement`` /
``update_agreement``, so permissions and the audit log are the register's own. It works in the
caller's transaction and never commits; the caller commits only when ``result.ok`` and the user
asked to apply, otherwise it rolls back: nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import GENERATED_ID_PREFIX, Agreement, Party, Phase
from coop_tracker.agreements.queries import with_children
from coop_tracker.agreements.services import (
    AgreementInput,
    add_contact,
    create_agreement,
    pending_changes,
    update_agreement,
    validate_agreement,
)
from coop_tracker.audit.services import record as audit_record
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError, PermissionDenied, StaleVersion, ValidationFailed
from coop_tracker.core.i18n import _
from coop_tracker.core.permissions import can, restrict_agreements
from coop_tracker.exchange.columns import (
    AGREEMENT_COLUMNS,
    ALIASES,
    PARTY_FIELD_NAME,
    PHASE_LABELS,
    Column,
    canonical,
    org_key,
    party_key,
)
from coop_tracker.exchange.models import ImportMapping
from coop_tracker.exchange.parsing import ParsedFile
from coop_tracker.exchange.rows import (
    COLUMN_NAMES,
    EXTRA_COLUMNS,
    Converter,
    Row,
    RowError,
    RowNote,
)
from coop_tracker.exchange.values import Kommuner, fold
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.organisations.models import Organisation, OrgKind

__all__ = [
    "ImportResult",
    "RowError",
    "RowNote",
    "RowOutcome",
    "auto_mapping",
    "check_mapping",
    "importable_columns",
    "remembered_mapping",
    "remember_mapping",
    "run_import",
]

REQUIRED_KEYS = ("title", "form", "area_slugs")
SIMILAR_TITLE = 0.85
ACTIONS = ("create", "update", "unchanged")


@dataclass
class RowOutcome:
    """What happens (or would happen) to one row."""

    row: int
    action: str  # create | update | unchanged
    title: str
    external_id: str | None
    agreement_id: int | None = None
    changed: list[str] = field(default_factory=list)
    similar: list[tuple[int, str]] = field(default_factory=list)  # likely duplicates
    linked: bool = False


@dataclass
class ImportResult:
    """Every row's outcome, every error and every interpretation; ``ok`` when the whole file
    can be written."""

    outcomes: list[RowOutcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)
    mapping_errors: list[str] = field(default_factory=list)
    municipality: str | None = None
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.mapping_errors

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        return _(
            "%(created)s nya, %(updated)s ändrade, %(unchanged)s oförändrade",
            created=self.count("create"),
            updated=self.count("update"),
            unchanged=self.count("unchanged"),
        )

    def as_json(self) -> dict[str, Any]:
        """The preview for ``flask exchange import --json``."""
        return {
            "ok": self.ok,
            "municipality": self.municipality,
            "rows": self.rows,
            "created": self.count("create"),
            "changed": self.count("update"),
            "unchanged": self.count("unchanged"),
            "mapping_errors": self.mapping_errors,
            "errors": [
                {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
                for e in self.errors
            ],
            "notes": [
                {"row": n.row, "column": n.column, "value": n.value, "message": n.message}
                for n in self.notes
            ],
            "outcomes": [
                {
                    "row": o.row,
                    "action": o.action,
                    "title": o.title,
                    "external_id": o.external_id,
                    "agreement_id": o.agreement_id,
                    "changed": o.changed,
                    "similar": [{"id": i, "title": t} for i, t in o.similar],
                }
                for o in self.outcomes
            ],
        }


# --- mapping ----------------------------------------------------------------------------------


def importable_columns() -> list[Column]:
    """Our fields a file's column can be mapped to, in the order the mapping page shows them."""
    ours = [c for c in AGREEMENT_COLUMNS if c.importable]
    # A column the exchange format itself has (e.g. the term) is read the same way.
    extra = {c.key: c for c in EXTRA_COLUMNS if c.key not in {o.key for o in ours}}
    ordered: list[Column] = []
    for column in ours:
        ordered.append(column)
        if column.key == "parties":
            ordered += [extra["municipality"], extra["counterparties"], extra["our_role"]]
        elif column.key == "end_on":
            ordered += [extra[k] for k in ("term",) if k in extra]
        elif column.key == "annual_cost":
            ordered.append(extra["own_annual_cost"])
        elif column.key == "document_ref":
            ordered += [extra["decision"], extra["responsible"]]
        elif column.key == "internal_note":
            ordered.append(extra["comment"])
    return ordered


def auto_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """Our field key → their heading: first the kommun's remembered mapping (their heading →
    our key), then our own names and the headings kommuner commonly use."""
    by_fold = {fold(h): h for h in headers if h}
    mapping: dict[str, str] = {}
    keys = {c.key for c in importable_columns()}
    for header, key in (remembered or {}).items():
        if header in headers and key in keys and key not in mapping:
            mapping[key] = header
    for column in importable_columns():
        if column.key in mapping:
            continue
        for candidate in (column.name, *ALIASES.get(column.key, ())):
            found = by_fold.get(fold(candidate))
            if found is not None and found not in mapping.values():
                mapping[column.key] = found
                break
    return mapping


def check_mapping(
    mapping: dict[str, str],
    headers: list[str],
    parsed: ParsedFile,
    municipality: str | None = None,
) -> list[str]:
    """Swedish messages for what the mapping lacks (empty when the file can be checked)."""
    problems = []
    names = {c.key: c.name for c in importable_columns()}
    for key, header in mapping.items():
        if header and header not in headers:
            problems.append(_("Kolumnen ”%(h)s” finns inte i filen.", h=header))
        if key not in names:
            problems.append(_("Okänt fält i kopplingen: %(k)s.", k=key))
    for key in REQUIRED_KEYS:
        if not mapping.get(key):
            problems.append(
                _("Välj vilken kolumn i filen som innehåller %(name)s.", name=names[key])
            )
    has_parties = mapping.get("parties") or mapping.get("counterparties")
    if not has_parties and parsed.parties is None:
        problems.append(
            _(
                "Välj vilken kolumn som innehåller Parter eller Motpart, eller lägg till "
                "fliken Parter."
            )
        )
    if (mapping.get("counterparties") or mapping.get("our_role")) and not (
        municipality or mapping.get("municipality")
    ):
        problems.append(
            _(
                "Motpart och Vår roll räknas från en kommun: välj vems register filen är, "
                "eller koppla kolumnen Kommun."
            )
        )
    if not mapping.get("external_id") and not mapping.get("id"):
        problems.append(
            _(
                "Välj vilken kolumn som innehåller Externt id (t.ex. ert löpnummer eller "
                "diarienummer), så att raderna känns igen vid nästa import."
            )
        )
    return problems


def remembered_mapping(session: Session, municipality: str | None) -> dict[str, str]:
    """The kommun's last mapping (their heading → our key), or nothing."""
    if not municipality:
        return {}
    saved = session.scalar(
        select(ImportMapping).where(ImportMapping.municipality_code == municipality)
    )
    return dict(saved.columns) if saved is not None else {}


def remember_mapping(
    session: Session, municipality: str | None, mapping: dict[str, str], *, actor: Actor
) -> None:
    """Keep the mapping a kommun chose, to offer it with its next file (audited)."""
    if not municipality or not mapping:
        return
    columns = {header: key for key, header in mapping.items() if header}
    saved = session.scalar(
        select(ImportMapping).where(ImportMapping.municipality_code == municipality)
    )
    before = dict(saved.columns) if saved is not None else {}
    if before == columns:
        return
    if saved is None:
        saved = ImportMapping(municipality_code=municipality, columns=columns)
        session.add(saved)
    else:
        saved.columns = columns
    saved.updated_by_id = actor.user_id
    session.flush()
    audit_record(
        session,
        actor,
        action="update" if before else "create",
        object_type="import_mapping",
        object_id=saved.id,
        label=f"Kolumnkoppling för import ({municipality})",
        municipality_code=municipality,
        changes={"columns": [before or None, columns]},
    )


# --- running ----------------------------------------------------------------------------------


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
    rows = [converter.convert(number, record) for number, record in parsed.main.records()]
    result.rows = len(rows)
    for row in rows:
        result.notes.extend(row.notes)
    _check_duplicate_keys(rows, converter)
    existing = _existing(session, rows)
    user = actor.user
    for row in rows:
        # A row that is written is validated by create/update; one that is not (a cell could
        # not be read, or it names the wrong agreement) is still checked by every rule.
        checked = bool(row.errors)
        if checked:
            _check_fields(session, row, converter)
        match = _match(row, existing, converter, actor, municipality)
        if row.errors:
            if not checked:
                _check_fields(session, row, converter)
            result.errors.extend(row.errors)
            continue
        linked = False
        if match is None and links and row.number in links:
            match = _linked(session, links[row.number], user)
            linked = match is not None
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
    _find_similar(session, result, rows, user, links or {})
    result.errors.sort(key=lambda e: (e.row, e.column))
    result.notes.sort(key=lambda n: (n.row, n.column))
    return result


def _check_fields(session: Session, row: Row, converter: Converter) -> None:
    """The register's own validation of the row, for every field; on rows whose cells could
    all be read this happens again when the row is written."""
    try:
        validate_agreement(session, row.data)
    except ValidationFailed as failure:
        row.errors.extend(_field_errors(row, failure.fields, converter))


def _check_duplicate_keys(rows: list[Row], converter: Converter) -> None:
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.data.external_id:
            key = (row.owner, row.data.external_id)
        elif row.agreement_id:
            key = ("#", str(row.agreement_id))
        else:
            continue
        if key in first:
            column = "external_id" if row.data.external_id else "id"
            row.errors.append(
                RowError(
                    row.number,
                    converter.label(column),
                    _(
                        "samma id som rad %(n)s; varje samverkan får bara finnas en gång",
                        n=first[key],
                    ),
                    row.raw.get(column, ""),
                )
            )
        else:
            first[key] = row.number


def _existing(session: Session, rows: list[Row]) -> dict[Any, Agreement]:
    """Agreements the rows name, by (owner, external id) and by ("#", id)."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.data.external_id:
            wanted.setdefault(row.owner, set()).add(row.data.external_id)
            if row.data.external_id.startswith(GENERATED_ID_PREFIX):
                wanted.setdefault("", set()).add(row.data.external_id)
    ids = [r.agreement_id for r in rows if r.agreement_id and not r.data.external_id]
    found: dict[Any, Agreement] = {}
    for owner, external_ids in wanted.items():
        for chunk in _chunks(sorted(external_ids)):
            query = with_children(
                select(Agreement).where(
                    Agreement.external_id_owner == owner, Agreement.external_id.in_(chunk)
                )
            )
            for agreement in session.scalars(query).unique():
                found[(agreement.external_id_owner, agreement.external_id)] = agreement
    for chunk in _chunks(ids):
        query = with_children(select(Agreement).where(Agreement.id.in_(chunk)))
        found.update({("#", a.id): a for a in session.scalars(query).unique()})
    return found


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _match(
    row: Row,
    existing: dict[Any, Agreement],
    converter: Converter,
    actor: Actor,
    municipality: str | None,
) -> Agreement | None:
    """The agreement a row names, or None for a new one. A row that names an agreement the
    user may not see gets the same error whether it exists or not."""
    user = actor.user
    external_id = row.data.external_id
    if external_id:
        match = existing.get((row.owner, external_id))
        if match is None and external_id.startswith(GENERATED_ID_PREFIX):
            match = existing.get(("", external_id))
        # Editors number only their own kommun's agreements; Samverkanskollen's own ids
        # (SK-…, unique everywhere) travel with every export and may be used by anyone.
        foreign = (
            row.owner != (municipality or "")
            and not (user is None or user.role == "admin")
            and not (row.owner == "" and external_id.startswith(GENERATED_ID_PREFIX))
        )
        if (match is not None and user is not None and not can(user, "agreement.view", match)) or (
            match is None and foreign
        ):
            # The same words whether the agreement is hidden from the user or the id belongs
            # to another kommun's numbering: nothing is said about any agreement.
            row.errors.append(
                RowError(
                    row.number,
                    converter.label("external_id"),
                    _(
                        "Externt id ”%(id)s” kan inte användas; ange ett annat.",
                        id=external_id,
                    ),
                    row.raw.get("external_id", ""),
                )
            )
            return None
        return match
    if row.agreement_id is not None:
        match = existing.get(("#", row.agreement_id))
        if match is None or (user is not None and not can(user, "agreement.view", match)):
            row.errors.append(
                RowError(
                    row.number,
                    converter.label("id"),
                    # The same words whether the id does not exist or is hidden from the user.
                    _(
                        "Det finns ingen samverkan med id %(id)s. Lämna Id tomt och fyll i "
                        "Externt id för en ny samverkan.",
                        id=row.agreement_id,
                    ),
                    row.raw.get("id", ""),
                )
            )
        return match
    return None


def _linked(session: Session, agreement_id: int, user: Any) -> Agreement | None:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or (user is not None and not can(user, "agreement.view", agreement)):
        return None
    return agreement


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
    audit_record(
        session,
        actor,
        action="update",
        object_type="agreement",
        object_id=agreement.id,
        label=agreement.title,
        agreement_id=agreement.id,
        changes={"external_id": [before, [row.owner, external_id]]},
    )


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


def _find_similar(
    session: Session, result: ImportResult, rows: list[Row], user: Any, links: dict[int, int]
) -> None:
    """Likely duplicates of new rows among agreements the user may see: the same kommuner and
    a very similar title."""
    new = {o.row: o for o in result.outcomes if o.action == "create"}
    if not new:
        return
    by_number = {r.number: r for r in rows}
    codes = {
        p.municipality_code for n in new for p in by_number[n].data.parties if p.municipality_code
    }
    if not codes:
        return
    created = {o.agreement_id for o in new.values()}
    visible = restrict_agreements(select(Agreement.id), user) if user is not None else None
    query = select(Party.agreement_id, Party.municipality_code, Agreement.title).join(
        Agreement, Agreement.id == Party.agreement_id
    )
    query = query.where(
        Party.agreement_id.in_(
            select(Party.agreement_id).where(Party.municipality_code.in_(sorted(codes)))
        ),
        Agreement.archived_at.is_(None),
    )
    if visible is not None:
        query = query.where(Agreement.id.in_(visible.scalar_subquery()))
    candidates: dict[int, tuple[str, set[str]]] = {}
    for agreement_id, code, title in session.execute(query):
        if agreement_id in created:
            continue
        candidates.setdefault(agreement_id, (title, set()))[1].add(code)
    for number, outcome in new.items():
        row = by_number[number]
        wanted = {p.municipality_code for p in row.data.parties if p.municipality_code}
        title = _title_key(row.data.title)
        for agreement_id, (other_title, other_codes) in candidates.items():
            if other_codes != wanted:
                continue
            other = _title_key(other_title)
            if (
                title == other
                or (min(len(title), len(other)) >= 8 and (title in other or other in title))
                or difflib.SequenceMatcher(None, title, other).ratio() >= SIMILAR_TITLE
            ):
                outcome.similar.append((agreement_id, other_title))


def _title_key(title: Any) -> str:
    return re.sub(r"[^a-z0-9 ]", "", fold(title))


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
