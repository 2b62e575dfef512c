"""The parties of an imported row: from Parter, Motpart and Vår roll, or the Parter sheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coop_tracker.agreements.services import PartyInput
from coop_tracker.exchange.columns import (
    DATE,
    DECIMAL,
    PARTY_FIELD_COLUMNS,
    PARTY_SHEET,
    Column,
    cell_date,
    cell_number,
    cell_text,
    party_detail_header,
)
from coop_tracker.exchange.names import Kommuner, split_parties
from coop_tracker.exchange.parsing import ParsedFile, Sheet
from coop_tracker.exchange.report import RowError
from coop_tracker.exchange.words import DECIDING_BODY_WORDS_IN, ROLE_HINT, ROLE_WORDS_IN, read_word


class PartyReader:
    """Reads the parties of each row of one file; roles left out follow from the form and the
    kommun's own role."""

    def __init__(
        self,
        parsed: ParsedFile,
        mapping: dict[str, str],
        kommuner: Kommuner,
        label: Callable[[str], str],
    ) -> None:
        self.mapping = mapping
        self.kommuner = kommuner
        self.label = label
        self.sheet = parsed.parties
        self.party_rows = self._sheet_rows(parsed.parties)

    def _sheet_rows(self, sheet: Sheet | None) -> dict[str, list[tuple[int, dict]]]:
        """The Parter sheet's rows by the agreement they belong to (external id, or #id)."""
        grouped: dict[str, list[tuple[int, dict]]] = {}
        if sheet is None:
            return grouped
        for number, record in sheet.records():
            ref = cell_text(record.get("Externt id")) or (
                "#" + cell_text(record.get("Id")) if cell_text(record.get("Id")) else ""
            )
            grouped.setdefault(ref, []).append((number, record))
        return grouped

    def _named(self, raw: str, key: str, fail: Any, take: Any) -> list[tuple[str, str | None, str]]:
        """(kommunkod, role word or None, as written) for each name or code in a cell."""
        found: list[tuple[str, str | None, str]] = []
        for name, role_word in split_parties(raw):
            reading = self.kommuner.find(name)
            if reading.error:
                fail(key, f"”{name}” {reading.error}")
                continue
            if reading.note:
                take(key, reading, raw)
            found.append((reading.value, role_word, name))
        return found

    def read(
        self,
        number: int,
        record: dict[str, Any],
        get: Any,
        fail: Any,
        take: Any,
        form: str | None,
        us: str | None,
        external_id: str | None,
        agreement_id: int | None,
        errors: list[RowError],
    ) -> tuple[list[PartyInput], list[str], list[set[str]]]:
        """The row's parties, the column each was read from, and the details each was given
        (empty when the file has no party columns, so that an update keeps the parties)."""
        listed = self._named(cell_text(get("parties")), "parties", fail, take)
        others = self._named(cell_text(get("counterparties")), "counterparties", fail, take)
        our_role_text = cell_text(get("our_role"))
        if external_id:
            sheet_rows = self.party_rows.get(external_id)
        else:
            sheet_rows = self.party_rows.get(f"#{agreement_id}") if agreement_id else None
        if sheet_rows:
            return self._parties_from_sheet(sheet_rows, listed, fail)
        roles: dict[str, str | None] = {}
        order: list[str] = []

        def add(code: str, role: str | None, key: str, written: str) -> None:
            if code in roles and role and roles[code] and roles[code] != role:
                fail(key, f"{written} står med två olika roller")
                return
            if code not in roles:
                order.append(code)
                roles[code] = role
            elif role:
                roles[code] = role

        for code, role_word, written in listed:
            add(code, self._role(role_word, "parties", fail, written), "parties", written)
        our_role = (
            self._role(our_role_text, "our_role", fail, our_role_text) if our_role_text else None
        )
        if self.mapping.get("counterparties") or self.mapping.get("our_role"):
            if us is None and (others or our_role_text):
                fail(
                    "counterparties" if self.mapping.get("counterparties") else "our_role",
                    "det går inte att se vilken kommun som är ”vi”: välj kommun vid "
                    "uppladdningen eller fyll i kolumnen Kommun",
                )
            elif us is not None and (others or our_role_text or not listed):
                if any(code == us for code, _r, _w in others):
                    fail("counterparties", "den egna kommunen ska inte stå som motpart")
                add(us, our_role or roles.get(us), "our_role", our_role_text)
                for code, role_word, written in others:
                    if code != us:
                        add(
                            code,
                            self._role(role_word, "counterparties", fail, written),
                            "counterparties",
                            written,
                        )
        self._fill_roles(roles, order, form, us, fail)
        parties: list[PartyInput] = []
        columns: list[str] = []
        provided: list[set[str]] = []
        party_header = self.label(
            "counterparties" if self.mapping.get("counterparties") else "parties"
        )
        for index, code in enumerate(order, start=1):
            party = _party_named(code, roles.get(code))
            given = {"municipality_code", "role"}
            code_header = party_detail_header(index, PARTY_FIELD_COLUMNS[0])
            if code_header in record and cell_text(record[code_header]) not in ("", code):
                written = cell_text(record[code_header])
                if not (len(written) == 3 and "0" + written == code):
                    errors.append(
                        RowError(
                            number,
                            code_header,
                            f"stämmer inte med part {index} i kolumnen Parter ({code})",
                            written,
                        )
                    )
            for column in PARTY_FIELD_COLUMNS[2:]:
                header = party_detail_header(index, column)
                if header in record:
                    setattr(party, column.key, _party_value(column, record[header]))
                    given.add(column.key)
            parties.append(party)
            columns.append(party_header)
            provided.append(given)
        if not (
            self.mapping.get("parties")
            or self.mapping.get("counterparties")
            or self.mapping.get("our_role")
        ):
            provided = []
        return parties, columns, provided

    def _role(self, word: str | None, key: str, fail: Any, written: str) -> str | None:
        if not word:
            return None
        role = read_word(word, ROLE_WORDS_IN)
        if role is None:
            fail(key, f"okänd roll ”{word}” för {written}; skriv {ROLE_HINT}")
        return role

    def _fill_roles(
        self,
        roles: dict[str, str | None],
        order: list[str],
        form: str | None,
        us: str | None,
        fail: Any,
    ) -> None:
        """Roles left out follow from the form and the kommun's own role: in a förbund everyone
        is a member; if we are the host the others buy (or are members of our nämnd); if we buy
        or are members, a single counterpart is the host."""
        missing = [code for code in order if not roles.get(code)]
        if not missing:
            return
        given = [r for r in roles.values() if r]
        if form in ("kommunalforbund", "ovrig") or (
            "member" in given and form in ("avtalssamverkan", "asymmetrisk")
        ):
            # (members in an avtalssamverkan: the form's rule names the real problem)
            for code in missing:
                roles[code] = "member"
            return
        if "host" in given:
            other = "member" if form == "gemensam_namnd" else "purchaser"
            for code in missing:
                roles[code] = other
            return
        if len(missing) == 1 and given:
            roles[missing[0]] = "host"
            return
        key = "counterparties" if self.mapping.get("counterparties") else "parties"
        if us is not None and us in missing and self.mapping.get("our_role"):
            fail("our_role", f"ange kommunens roll: {ROLE_HINT}")
        elif form:
            fail(
                key,
                "skriv vilken kommun som är värd (utförare), t.ex. ”Falun (värd), Borlänge”",
            )

    def _parties_from_sheet(
        self,
        sheet_rows: list[tuple[int, dict]],
        listed: list[tuple[str, str | None, str]],
        fail: Any,
    ) -> tuple[list[PartyInput], list[str], list[set[str]]]:
        parties: list[PartyInput] = []
        columns: list[str] = []
        headers = set(self.sheet.headers) if self.sheet else set()
        given = {c.key for c in PARTY_FIELD_COLUMNS if c.name in headers}
        for number, record in sheet_rows:
            role_text = cell_text(record.get("Roll"))
            role = read_word(role_text, ROLE_WORDS_IN) or role_text or None
            code = cell_text(record.get("Kommunkod")) or cell_text(record.get("Organisation"))
            if len(code) == 3 and code.isdigit():
                code = "0" + code
            party = _party_named(code, role)
            for column in PARTY_FIELD_COLUMNS[2:]:
                setattr(party, column.key, _party_value(column, record.get(column.name)))
            parties.append(party)
            columns.append(f"{PARTY_SHEET}-fliken rad {number}")
        pairs = sorted((code, read_word(r, ROLE_WORDS_IN) if r else None) for code, r, _w in listed)
        if listed and pairs != sorted(
            (p.municipality_code or str(p.organisation), p.role) for p in parties
        ):
            fail("parties", "parterna stämmer inte med fliken Parter; rätta den ena")
        return parties, columns, [set(given) for _ in parties]


def _party_named(code: str, role: str | None) -> PartyInput:
    """A party from a file: a kommun by its kommunkod, any other organisation by its key."""
    if len(code) == 4 and code.isdigit():
        return PartyInput(municipality_code=code, role=role)
    return PartyInput(organisation=code, role=role)


def _party_value(column: Column, raw: Any) -> Any:
    if column.kind == DATE:
        return cell_date(raw)
    if column.kind == DECIMAL:
        return cell_number(raw)
    if column.key == "deciding_body":
        # An unknown word is passed on as written: the agreement's check names the column.
        text = cell_text(raw)
        return read_word(text, DECIDING_BODY_WORDS_IN) or text
    return cell_text(raw)
