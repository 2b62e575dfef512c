"""Population and SKR kommungrupp from Kolada's open API (api.kolada.se/v3).

Kolada (RKA) republishes SCB's population per kommun as KPI N01951 ("Invånare totalt, antal").
Endpoints used, all answering ``{"values": [...], "next_url": ...}``:

* ``/municipality`` – every kommun and region (``id``, ``title``, ``type`` K/L);
* ``/data/kpi/N01951/year/<YYYY>`` – one row per area, ``values`` split by gender (T = total);
* ``/municipality_groups`` – groups with ``members`` (``member_id``); the SKR kommungrupper are
  recognised by their titles.

Everything is fetched before anything is changed, so a failed or missing network changes
nothing. ``fetch`` is injectable: tests answer with recorded responses.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.audit.services import record, record_update
from coop_tracker.core.actor import Actor
from coop_tracker.core.errors import DomainError
from coop_tracker.municipalities.models import Municipality

POPULATION_KPI = "N01951"
SOURCE = f"Kolada ({POPULATION_KPI}, SCB)"
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
MAX_PAGES = 50
YEARS_BACK = 4
SKR_GROUPS: dict[str, str] = {
    "A1": "Storstäder",
    "A2": "Pendlingskommun nära storstad",
    "B3": "Större stad",
    "B4": "Pendlingskommun nära större stad",
    "B5": "Lågpendlingskommun nära större stad",
    "C6": "Mindre stad/tätort",
    "C7": "Pendlingskommun nära mindre stad/tätort",
    "C8": "Landsbygdskommun",
    "C9": "Landsbygdskommun med besöksnäring",
}

Fetch = Callable[[str], Any]


class KoladaUnavailable(DomainError):
    """Kolada could not be reached or answered nonsense; nothing was changed."""

    status = 503
    code = "kolada_unavailable"


def urllib_fetcher(timeout: float = 20) -> Fetch:
    """GET a URL and parse its JSON, with a timeout and a size cap; errors in Swedish."""

    def fetch(url: str) -> Any:
        if not url.startswith(("https://", "http://")):
            raise KoladaUnavailable(f"Ogiltig adress till Kolada: {url[:80]}")
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url, headers={"Accept": "application/json", "User-Agent": "Samverkanskollen"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                body = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise KoladaUnavailable(
                f"Kolada svarade med fel {error.code} för {url[:120]}. Inget har ändrats."
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise KoladaUnavailable(
                "Kunde inte nå Kolada (api.kolada.se): "
                f"{reason}. Kontrollera nätverksanslutningen. Inget har ändrats."
            ) from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise KoladaUnavailable("Kolada svarade med orimligt mycket data. Inget har ändrats.")
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise KoladaUnavailable("Kolada svarade inte med JSON. Inget har ändrats.") from None

    return fetch


def _values(fetch: Fetch, url: str, base_url: str) -> list[dict[str, Any]]:
    """Every ``values`` item, following ``next_url`` within Kolada only."""
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = fetch(url)
        if not isinstance(page, dict) or not isinstance(page.get("values"), list):
            raise KoladaUnavailable(f"Oväntat svar från Kolada för {url[:120]}. Inget har ändrats.")
        items.extend(v for v in page["values"] if isinstance(v, dict))
        next_url = page.get("next_url")
        if not next_url:
            return items
        if not isinstance(next_url, str) or not next_url.startswith(base_url):
            raise KoladaUnavailable("Kolada hänvisade till en annan adress. Inget har ändrats.")
        url = next_url
    raise KoladaUnavailable("Kolada svarade med för många sidor. Inget har ändrats.")


def population_for_year(fetch: Fetch, base_url: str, year: int) -> dict[str, int]:
    """Kommunkod → total population (gender T) for one year; empty when not yet published."""
    rows = _values(fetch, f"{base_url}/data/kpi/{POPULATION_KPI}/year/{year}", base_url)
    found: dict[str, int] = {}
    for row in rows:
        code = str(row.get("municipality") or "")
        if len(code) != 4 or not code.isdigit() or code == "0000" or code.startswith("00"):
            continue
        for value in row.get("values") or []:
            if isinstance(value, dict) and value.get("gender") == "T":
                number = value.get("value")
                if isinstance(number, int | float) and 0 <= number < 10_000_000:
                    found[code] = int(number)
    return found


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def skr_group_of(title: str) -> tuple[str, int | None] | None:
    """(group code, classification year) for an SKR kommungrupp's title, else None.

    Titles look like "Kommungrupp (SKR 2023): Storstäder" or "C8. Landsbygdskommun". The longest
    label found wins, so "Landsbygdskommun" does not swallow "Landsbygdskommun med
    besöksnäring" and "Större stad" not "Pendlingskommun nära större stad".
    """
    text = " ".join(str(title).split()).lower()
    if "kommungrupp" not in text and "skr" not in text:
        return None
    year_match = _YEAR.search(text)
    year = int(year_match.group(0)) if year_match else None
    for code, name in sorted(SKR_GROUPS.items(), key=lambda item: -len(item[1])):
        pattern = r"(?:^|[\s:.(\-–])" + re.escape(name.lower()) + r"(?:$|[\s),.])"
        if re.search(pattern, text):
            return code, year
    return None


def skr_groups(fetch: Fetch, base_url: str) -> dict[str, tuple[str, int | None]]:
    """Kommunkod → (SKR group, year), the newest classification winning."""
    found: dict[str, tuple[str, int | None]] = {}
    for group in _values(fetch, f"{base_url}/municipality_groups", base_url):
        match = skr_group_of(str(group.get("title") or ""))
        if match is None:
            continue
        for member in group.get("members") or []:
            code = str((member or {}).get("member_id") or (member or {}).get("id") or "")
            if len(code) != 4 or not code.isdigit():
                continue
            previous = found.get(code)
            if previous is None or (match[1] or 0) >= (previous[1] or 0):
                found[code] = match
    return found


@dataclass
class SyncResult:
    """What a sync found and changed."""

    population_year: int | None
    updated: int = 0
    unchanged: int = 0
    groups_found: int = 0
    missing: list[str] = field(default_factory=list)
    unknown_to_kolada: list[str] = field(default_factory=list)

    def summary(self) -> str:
        year = self.population_year or "–"
        text = (
            f"Kolada: folkmängd {year}, {self.updated} kommuner uppdaterade, "
            f"{self.unchanged} oförändrade, SKR-grupp för {self.groups_found}."
        )
        if self.missing:
            text += f" Utan folkmängd i Kolada: {', '.join(self.missing[:10])}."
        return text


def sync_from_kolada(
    session: Session, *, fetch: Fetch, base_url: str, today: date, actor: Actor
) -> SyncResult:
    """Update population (with year and source) and SKR group of every kommun from Kolada."""
    base_url = base_url.rstrip("/")
    kolada_codes = {
        str(m.get("id"))
        for m in _values(fetch, f"{base_url}/municipality", base_url)
        if m.get("type") == "K"
    }
    population: dict[str, int] = {}
    year = None
    for candidate in range(today.year, today.year - YEARS_BACK - 1, -1):
        population = population_for_year(fetch, base_url, candidate)
        if population:
            year = candidate
            break
    groups = skr_groups(fetch, base_url)
    if not population and not groups:
        raise KoladaUnavailable(
            "Kolada gav varken folkmängd eller kommungrupper för de senaste åren. "
            "Inget har ändrats."
        )
    result = SyncResult(population_year=year, groups_found=len(groups))
    for municipality in session.scalars(select(Municipality).order_by(Municipality.code)):
        code = municipality.code
        if kolada_codes and code not in kolada_codes:
            result.unknown_to_kolada.append(code)
        before = _snapshot(municipality)
        if code in population:
            municipality.population = population[code]
            municipality.population_year = year
            municipality.population_source = SOURCE
        else:
            result.missing.append(code)
        if code in groups:
            municipality.skr_group, municipality.skr_group_year = groups[code]
        changes = record_update(
            session,
            actor,
            before,
            _snapshot(municipality),
            object_type="municipality",
            object_id=code,
            label=municipality.name,
            municipality_code=code,
            flush=False,
        )
        if changes:
            result.updated += 1
        else:
            result.unchanged += 1
    # One event for the whole run: when the reference data was last refreshed, by whom, and
    # what came of it (the administrators' reference data page reads it).
    record(
        session,
        actor,
        action="sync",
        object_type="reference_data",
        object_id="kolada",
        label=f"Folkmängd och kommungrupper från {SOURCE}",
        changes={
            "population_year": [None, year],
            "updated": [None, result.updated],
            "unchanged": [None, result.unchanged],
            "groups_found": [None, result.groups_found],
            "missing": [None, result.missing[:50]],
        },
    )
    session.flush()
    return result


def _snapshot(municipality: Municipality) -> dict[str, Any]:
    return {
        "population": municipality.population,
        "population_year": municipality.population_year,
        "population_source": municipality.population_source,
        "skr_group": municipality.skr_group,
        "skr_group_year": municipality.skr_group_year,
    }
