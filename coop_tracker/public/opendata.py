"""The public register as open data: the files (CSV with ``,`` or ``;``, JSON) built from the
records of ``public.records``, their columns being the documented fields of ``public.fields``.

Everything here is pure: nothing reads the clock or the database. Identifiers are stable: an
agreement is its number in the register and its public URL; a kommun is its four-digit
kommunkod; a form, phase, role or area is its code (the Swedish label is given beside it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from coop_tracker.public.fields import AGREEMENT_FIELDS, DOCUMENT_FIELDS, PARTY_FIELDS, Field


@dataclass(frozen=True)
class Meta:
    """What every file says about itself: licence, last change, where it came from."""

    base_url: str
    licence_url: str
    licence_name: str
    modified_at: datetime | None
    generated_on: date
    filters: Mapping[str, str]


# --- values ------------------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def json_value(value: Any) -> Any:
    """A value as JSON carries it: amounts as decimal strings (no float rounding), ISO dates."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return _iso(value)


def csv_value(value: Any, decimal_comma: bool) -> str:
    """A value in a CSV cell: empty for none, ISO dates, ``;``-joined lists, the decimal mark
    of the variant; text that a spreadsheet would run as a formula is prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    value = _iso(value)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@") and not _looks_numeric(text):
        return "'" + text
    return text


def _looks_numeric(text: str) -> bool:
    try:
        Decimal(text.replace(",", "."))
    except ArithmeticError:
        return False
    except ValueError:
        return False
    return True


def parties_cell(record: Mapping[str, Any]) -> list[str]:
    """The current parties as ``part:roll`` (the agreement CSV's ``parties`` column): the
    kommunkod, a region's länskod or an organisationsnummer."""
    return [
        f"{p['organisation']}:{p['role']}" for p in record["party_list"] if p["left_on"] is None
    ]


# --- files -------------------------------------------------------------------------------------

COMMA, SEMICOLON = "comma", "semicolon"


def _csv(rows: Sequence[Sequence[str]], variant: str) -> bytes:
    """RFC 4180 with ``,`` (UTF-8, no BOM), or the Swedish-Excel variant: ``;``, decimal
    comma, UTF-8 with BOM so that Excel reads å, ä and ö right."""
    buffer = io.StringIO(newline="")
    delimiter = ";" if variant == SEMICOLON else ","
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    return (("\ufeff" + text) if variant == SEMICOLON else text).encode("utf-8")


def _table_csv(fields: Sequence[Field], items: Iterable[Mapping[str, Any]], variant: str) -> bytes:
    """A header of the fields' keys, then one row per item with its value for each field."""
    comma = variant == SEMICOLON
    rows = [[f.key for f in fields]]
    rows += [[csv_value(item.get(f.key), comma) for f in fields] for item in items]
    return _csv(rows, variant)


def agreements_csv(records: Sequence[Mapping[str, Any]], variant: str) -> bytes:
    """One row per agreement; the header is the field keys of :data:`AGREEMENT_FIELDS`."""
    items = ({**record, "parties": parties_cell(record)} for record in records)
    return _table_csv(AGREEMENT_FIELDS, items, variant)


def parties_csv(records: Sequence[Mapping[str, Any]], variant: str) -> bytes:
    """One row per party (current and former) of every agreement."""
    items = (party for record in records for party in record["party_list"])
    return _table_csv(PARTY_FIELDS, items, variant)


def documents_csv(records: Sequence[Mapping[str, Any]], variant: str) -> bytes:
    """One row per document (its current version) of every agreement."""
    items = (document for record in records for document in record["documents"])
    return _table_csv(DOCUMENT_FIELDS, items, variant)


def meta_json(meta: Meta) -> dict[str, Any]:
    return {
        "license": meta.licence_url,
        "license_name": meta.licence_name,
        "modified_at": _iso(meta.modified_at),
        "generated_on": meta.generated_on.isoformat(),
        "documentation": f"{meta.base_url}/public/open-data",
        "filters": dict(meta.filters),
    }


def json_item(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as JSON: ``parties`` is the nested list of party records."""
    item = {k: v for k, v in record.items() if k != "party_list"}
    item["parties"] = [
        {k: v for k, v in p.items() if k not in ("agreement_id", "agreement_title")}
        for p in record["party_list"]
    ]
    item["documents"] = [
        {k: v for k, v in d.items() if k not in ("agreement_id", "agreement_title")}
        for d in record["documents"]
    ]
    return json_value(item)


def agreements_json(records: Sequence[Mapping[str, Any]], meta: Meta) -> bytes:
    body = {
        **meta_json(meta),
        "total": len(records),
        "items": [json_item(r) for r in records],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
