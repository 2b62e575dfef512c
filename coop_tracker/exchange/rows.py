"""One row of a kommun's sheet turned into the register's ``AgreementInput``.

Every cell is read by the readers in ``values`` and ``words`` (Swedish dates, amounts, durations,
the term, forms, status and areas), the parties by ``parties.PartyReader`` (kommun names from
``names``); a cell that cannot be read gives an error (``report``) that names the column
as the user headed it and quotes the value as written, and leaves the field empty so the rest
of the row is still checked. Interpretations ("1926" read as 1926-01-01, kommunkod 880 read as
0880) become notes for the preview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from coop_tracker.agreements.services import AgreementInput, ContactInput
from coop_tracker.core.validation import is_digits
from coop_tracker.exchange.columns import (
    AGREEMENT_COLUMNS,
    AREAS,
    BOOL,
    BOOL_WORDS,
    CHOICE,
    COLUMN_NAMES,
    DATE,
    DECIMAL,
    INT,
    PHASE_LABELS,
    cell_number,
    cell_text,
    choice_code,
    normalise,
)
from coop_tracker.exchange.names import Kommuner
from coop_tracker.exchange.parsing import ParsedFile
from coop_tracker.exchange.parties import PartyReader
from coop_tracker.exchange.report import RowError, RowNote, shown
from coop_tracker.exchange.values import (
    Reading,
    Term,
    alignment_of,
    fold,
    is_empty,
    read_amount,
    read_date,
    read_months,
    read_notice,
    read_term,
    term_end,
)
from coop_tracker.exchange.words import (
    AREA_WORDS,
    BODY_WORDS,
    FORM_HINT,
    FORM_WORDS,
    STATUS_HINT,
    STATUS_WORDS,
    read_word,
    suggestion,
)
from coop_tracker.municipalities.models import Area


@dataclass
class Row:
    """A converted row: the agreement data and everything said about it."""

    number: int
    data: AgreementInput
    phase: str | None
    agreement_id: int | None
    owner: str
    party_columns: list[str]
    errors: list[RowError]
    notes: list[RowNote]
    raw: dict[str, str]
    provided: set[str] = field(default_factory=set)
    party_provided: list[set[str]] = field(default_factory=list)
    contact: ContactInput | None = None
    contact_code: str | None = None


class Converter:
    """Turns the mapped cells of each row into ``AgreementInput``, errors and notes."""

    def __init__(
        self,
        parsed: ParsedFile,
        mapping: dict[str, str],
        *,
        areas: list[Area],
        kommuner: Kommuner,
        municipality: str | None,
        owner_from_file: bool,
    ) -> None:
        self.mapping = mapping
        self.areas = areas
        self.kommuner = kommuner
        self.municipality = municipality
        self.owner_from_file = owner_from_file
        self.parties = PartyReader(parsed, mapping, kommuner, self.label)

    def label(self, key: str) -> str:
        """Their heading when mapped (what they see in their file), else our name."""
        return self.mapping.get(key) or COLUMN_NAMES.get(key, key)

    def convert(self, number: int, record: dict[str, Any]) -> Row:
        errors: list[RowError] = []
        notes: list[RowNote] = []
        raw: dict[str, str] = {}
        values: dict[str, Any] = {}

        def get(key: str) -> Any:
            header = self.mapping.get(key)
            value = record.get(header) if header else None
            if header:
                raw[key] = shown(value)
            return value

        def fail(key: str, message: str, value: Any = None) -> None:
            text = shown(value) if value is not None else raw.get(key, "")
            errors.append(RowError(number, self.label(key), message, text))

        def take(key: str, reading: Reading, value: Any) -> Any:
            if reading.error:
                fail(key, reading.error, value)
                return None
            if reading.note:
                notes.append(RowNote(number, self.label(key), shown(value), reading.note))
            return reading.value

        for column in AGREEMENT_COLUMNS:
            key = column.key
            if key in ("parties", "id", "phase", "external_id_owner", "term") or not (
                column.importable
            ):
                continue
            cell = get(key)
            if key == "start_on":
                values[key] = take(key, read_date(cell), cell)
            elif key == "end_on":
                values[key] = self._end(cell, take, fail, values)
            elif key == "notice_months":
                values[key] = take(key, read_notice(cell), cell)
                self._alignment(cell, number, key, notes, values)
            elif key in ("renewal_months", "review_interval_months"):
                values[key] = take(key, read_months(cell), cell)
            elif key == "annual_cost":
                values[key] = take(key, read_amount(cell), cell)
            elif column.kind == DATE:
                values[key] = take(key, read_date(cell), cell)
            elif column.kind in (INT, DECIMAL):
                values[key] = cell_number(cell)
            elif column.kind == BOOL:
                text = normalise(cell_text(cell))
                if text and text not in BOOL_WORDS:
                    fail(key, "skriv ja eller nej")
                # An empty Asymmetrisk is derived from the parties (not "no").
                empty = None if key == "is_asymmetric" else False
                values[key] = BOOL_WORDS.get(text, False) if text else empty
            elif key == "form":
                values[key] = self._form(cell, fail)
            elif column.kind == CHOICE:
                text = cell_text(cell)
                code = choice_code(text, column.choices or {}) if text else None
                if text and code is None:
                    fail(
                        key,
                        "okänt värde; skriv ett av: " + ", ".join((column.choices or {}).values()),
                    )
                values[key] = code
            elif column.kind == AREAS:
                values[key] = self._areas(cell, fail, notes, number)
            else:
                values[key] = cell_text(cell)
        if values.get("renewal") is None:
            values.pop("renewal", None)
        if values.get("internal_lead_days") in (None, ""):
            values.pop("internal_lead_days", None)
        if values.get("review_interval_months") in (None, ""):
            values.pop("review_interval_months", None)
        if self.mapping.get("term"):
            self._term(get("term"), values, take, fail, notes, number)
        comment = cell_text(get("comment"))
        if comment:
            values["internal_note"] = "\n\n".join(
                part for part in (values.get("internal_note") or "", comment) if part
            )

        external_id = values.pop("external_id", "") or None
        if external_id and len(external_id) > 100:
            fail("external_id", "ett externt id får vara högst 100 tecken")
        owner = self._owner(get("external_id_owner"), fail)
        agreement_id = None
        raw_id = cell_text(get("id"))
        if raw_id:
            if is_digits(raw_id, 9):
                agreement_id = int(raw_id)
            else:
                fail("id", "Id är Samverkanskollens nummer, ett heltal; lämna tomt för en ny")
        if not external_id and agreement_id is None and not raw_id:
            fail(
                "external_id",
                "ange ett externt id (t.ex. ert löpnummer eller diarienummer) så att raden "
                "känns igen vid nästa import",
            )
        phase = self._phase(get("phase"), fail)
        us = self._us(get("municipality"), fail)
        parties, party_columns, party_provided = self.parties.read(
            number,
            record,
            get,
            fail,
            take,
            values.get("form"),
            us,
            external_id,
            agreement_id,
            errors,
        )
        own_cost = take(
            "own_annual_cost", read_amount(get("own_annual_cost")), get("own_annual_cost")
        )
        contact = self._contact(cell_text(get("responsible")))
        decision = self._decision(get("decision"), fail, take)
        us_party = next((p for p in parties if p.municipality_code == us), None) if us else None
        if (own_cost is not None or decision or contact) and us_party is None:
            for key, given in (
                ("own_annual_cost", own_cost),
                ("decision", decision),
                ("responsible", contact),
            ):
                if given:
                    fail(
                        key,
                        "det går inte att se vilken kommuns uppgift detta är: välj kommun vid "
                        "uppladdningen eller fyll i kolumnen Kommun",
                    )
        elif us_party is not None:
            given = party_provided[parties.index(us_party)] if party_provided else set()
            if own_cost is not None:
                us_party.annual_cost = own_cost
                given.add("annual_cost")
            if decision:
                for key, value in decision.items():
                    setattr(us_party, key, value)
                    given.add(key)
        known = {f.name for f in fields(AgreementInput)}
        data = AgreementInput(**{k: v for k, v in values.items() if k in known}, parties=parties)
        for key, value in values.items():
            if key not in known:
                setattr(data, key, value)  # the term model's fields, once they exist
        data.external_id = external_id
        data.external_id_owner = owner
        provided = {key for key, header in self.mapping.items() if header}
        provided |= {
            k
            for k in ("end_on", "renewal", "renewal_months", "term", "end_alignment")
            if "term" in provided and k in values
        }
        if self.mapping.get("comment"):
            provided.add("internal_note")
        if party_provided:
            provided.add("parties")
        return Row(
            number,
            data,
            phase,
            agreement_id,
            owner,
            party_columns,
            errors,
            notes,
            raw,
            provided,
            party_provided,
            contact,
            us if contact else None,
        )

    # --- single cells ---------------------------------------------------------------------

    def _form(self, cell: Any, fail: Any) -> str | None:
        text = cell_text(cell)
        if not text:
            return None
        code = read_word(text, FORM_WORDS)
        if code is None:
            close = suggestion(
                text, ["Avtalssamverkan", "Samverkansavtal", "Gemensam nämnd", "Kommunalförbund"]
            )
            hint = f"menade du {close}? " if close else ""
            fail("form", f"okänd samverkansform; {hint}skriv en av: {FORM_HINT}")
        return code

    def _phase(self, cell: Any, fail: Any) -> str | None:
        text = cell_text(cell)
        if not text:
            return None
        code = read_word(text, STATUS_WORDS) or choice_code(text, PHASE_LABELS)
        if code is None:
            fail("phase", f"okänd status; skriv {STATUS_HINT}")
        return code

    def _owner(self, cell: Any, fail: Any) -> str:
        if not self.owner_from_file:
            return self.municipality or ""
        text = cell_text(cell)
        if not text:
            return ""
        found = self.kommuner.find(text)
        if found.error:
            fail("external_id_owner", found.error)
            return self.municipality or ""
        return found.value

    def _us(self, cell: Any, fail: Any) -> str | None:
        text = cell_text(cell)
        if not text:
            return self.municipality
        found = self.kommuner.find(text)
        if found.error:
            fail("municipality", found.error)
            return self.municipality
        return found.value

    def _end(self, cell: Any, take: Any, fail: Any, values: dict[str, Any]) -> Any:
        reading = read_date(cell)
        if reading.error is None:
            return take("end_on", reading, cell)
        term = read_term(cell)
        if term.error or term.value is None or term.value.kind != "indefinite":
            fail("end_on", "skriv ett slutdatum, t.ex. 2025-12-31, eller ”tills vidare”", cell)
            return None
        return None

    def _alignment(
        self, cell: Any, number: int, key: str, notes: list[RowNote], values: dict[str, Any]
    ) -> None:
        alignment = alignment_of(cell)
        has_field = "end_alignment" in {f.name for f in fields(AgreementInput)}
        if alignment and has_field and not self.mapping.get("end_alignment"):
            values["end_alignment"] = alignment  # "24 mån räknat från årsskiftet"
        if alignment:
            where = "årsskiftet" if alignment == "year_end" else "månadsskiftet"
            notes.append(
                RowNote(
                    number, self.label(key), shown(cell), f"uppsägningstiden räknas till {where}"
                )
            )

    def _term(
        self,
        cell: Any,
        values: dict[str, Any],
        take: Any,
        fail: Any,
        notes: list[RowNote],
        number: int,
    ) -> None:
        reading = read_term(cell)
        term: Term | None = take("term", Reading(reading.value, reading.error), cell)
        if term is None:
            return
        if term.start_on and not values.get("start_on"):
            values["start_on"] = term.start_on
        end_on = term.end_on
        start = values.get("start_on")
        if end_on is None and term.months:
            if start is None:
                fail(
                    "term",
                    "avtalstiden räknas från startdatum, som saknas: fyll i startdatum eller "
                    "skriv slutdatum, t.ex. ”t.o.m. 2025-12-31”",
                )
                return
            end_on = term_end(start, term.months)
            notes.append(
                RowNote(
                    number,
                    self.label("term"),
                    shown(cell),
                    f"första avtalsperioden slutar {end_on}",
                )
            )
        if values.get("end_on") and end_on and values["end_on"] != end_on:
            fail("term", f"stämmer inte med slutdatumet {values['end_on']} i samma rad")
            return
        if end_on is None:
            end_on = values.get("end_on")  # the end date column says when the period ends
        if end_on is None and term.kind != "indefinite":
            fail(
                "term",
                "skriv när (första) avtalsperioden slutar, här eller i en kolumn för slutdatum, "
                "t.ex. ”3 år” eller ”t.o.m. 2025-12-31”",
            )
            return
        apply_term(values, term, end_on, notes, number, self.label("term"), shown(cell))

    def _areas(self, cell: Any, fail: Any, notes: list[RowNote], number: int) -> list[str]:
        slugs: list[str] = []
        labels = {fold(a.label_sv): a.slug for a in self.areas}
        labels.update({fold(a.label_en): a.slug for a in self.areas})
        labels.update({fold(a.slug): a.slug for a in self.areas})
        known = {a.slug for a in self.areas}
        for part in re.split(r"[;,\n/]|\s+och\s+(?=[A-ZÅÄÖ])", cell_text(cell)):
            wanted = fold(part).strip(" .")
            if not wanted:
                continue
            slug = labels.get(wanted) or AREA_WORDS.get(wanted)
            if slug is None:
                starts = {
                    s
                    for label, s in labels.items()
                    if label.startswith(wanted) and len(wanted) >= 4
                }
                slug = starts.pop() if len(starts) == 1 else None
            if slug is None or slug not in known:
                close = suggestion(part, [a.label_sv for a in self.areas])
                hint = f"menade du {close}? " if close else ""
                fail(
                    "area_slugs",
                    f"okänt samverkansområde ”{part.strip()[:40]}”; {hint}se listan över områden "
                    "på sidan Ladda upp",
                )
            elif slug not in slugs:
                slugs.append(slug)
        return slugs

    def _contact(self, text: str) -> ContactInput | None:
        if not text or is_empty(text):
            return None
        name, _sep, title = text.partition(",")
        return ContactInput(name=name.strip()[:120], title=title.strip()[:120])

    def _decision(self, cell: Any, fail: Any, take: Any) -> dict[str, Any]:
        """ "KF 2019-06-17 § 45", "Kommunstyrelsen 2020-03-02, § 12", "KS § 88/2021"."""
        text = cell_text(cell)
        if not text or is_empty(text):
            return {}
        decision: dict[str, Any] = {}
        paragraph = re.search(r"§\s*\d+[a-z]?(?:\s*/\s*\d{4})?", text)
        if paragraph:
            decision["decision_paragraph"] = paragraph[0].replace("  ", " ")
            text_rest = text.replace(paragraph[0], " ")
        else:
            text_rest = text
        date_match = re.search(
            r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}\s*\d{4}|\d{1,2}\.\d{1,2}\.\d{4}", text_rest
        )
        if date_match:
            when = take("decision", read_date(date_match[0]), cell)
            if when is None:
                return {}
            decision["decision_on"] = when
            text_rest = text_rest.replace(date_match[0], " ")
        body = re.sub(r"[\s,;:]+", " ", text_rest).strip(" ,.")
        if body:
            decision["decision_body"] = BODY_WORDS.get(fold(body), body)[:120]
        return decision


def apply_term(
    values: dict[str, Any],
    term: Term,
    end_on: Any,
    notes: list[RowNote],
    number: int,
    column: str,
    written: str,
) -> None:
    """Write a read "Avtalstid" into the agreement's fields: the deadlines issue's ``term`` and
    ``end_alignment`` where the register has them, else the end date and renewal."""
    has_term = "term" in {f.name for f in fields(AgreementInput)}
    if has_term:
        values["term"] = term.kind
        if term.alignment:
            values["end_alignment"] = term.alignment
    if term.kind == "indefinite":
        values["end_on"] = None
        values["renewal"] = "none"
    elif term.kind == "fixed":
        values["end_on"] = end_on
        values["renewal"] = "none"
    elif term.kind == "renewing":
        values["end_on"] = end_on
        values["renewal"] = "tacit"
        values["renewal_months"] = term.renewal_months or values.get("renewal_months")
    elif has_term:  # fixed_then_indefinite
        values["end_on"] = end_on
        values["renewal"] = "none"
    else:
        # Until the register knows "fixed, then until further notice", the agreement is kept
        # as running until further notice (it does not end on the first period's last day).
        values["end_on"] = None
        values["renewal"] = "none"
        notes.append(
            RowNote(
                number,
                column,
                written,
                f"första avtalsperioden till {end_on}, därefter tills vidare: registreras som "
                "tills vidare",
            )
        )
