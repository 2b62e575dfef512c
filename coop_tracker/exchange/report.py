"""What an import reports: each row's outcome, errors that quote the cell, how values were read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coop_tracker.core.i18n import _
from coop_tracker.exchange.columns import cell_text

ACTIONS = ("create", "update", "unchanged")


@dataclass
class RowError:
    """One problem: the row the user sees, the column as they headed it, the value as written,
    and what to do."""

    row: int
    column: str
    message: str
    value: str = ""
    sheet: str = ""


@dataclass
class RowNote:
    """How a value was interpreted, for the preview."""

    row: int
    column: str
    value: str
    message: str


def shown(raw: Any) -> str:
    """A cell as the user wrote it, shortened for a message."""
    text = cell_text(raw)
    return text if len(text) <= 80 else text[:77] + "…"


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
