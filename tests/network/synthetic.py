"""A national-scale synthetic network as plain rows (290 kommuner, 10,000 agreements)."""

from __future__ import annotations

import csv
import random
from importlib import resources

from coop_tracker.network.graph import AgreementRow, MunicipalityRow, NetworkData, PartyRow

FORMS = ["avtalssamverkan"] * 5 + ["gemensam_namnd"] * 2 + ["kommunalforbund"] * 2 + ["ovrig"]
PHASES = ["active"] * 8 + ["exiting", "planned", "ended"]


def _csv(name: str) -> list[dict[str, str]]:
    path = resources.files("coop_tracker.municipalities") / "data" / name
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def municipalities() -> list[MunicipalityRow]:
    counties = {row["code"]: row["name"] for row in _csv("counties.csv")}
    return [
        MunicipalityRow(row["code"], row["name"], row["county_code"], counties[row["county_code"]])
        for row in _csv("municipalities.csv")
    ]


def national(agreements: int = 10_000, seed: int = 1, within_county: float = 0.75) -> NetworkData:
    """Agreements of 2–6 parties, mostly within one county, over the real 290 kommuner."""
    rng = random.Random(seed)
    munis = municipalities()
    areas = [row["slug"] for row in _csv("areas.csv")]
    by_county: dict[str, list[str]] = {}
    for m in munis:
        by_county.setdefault(m.county_code, []).append(m.code)
    codes = [m.code for m in munis]
    rows = []
    for i in range(1, agreements + 1):
        size = rng.choice([2, 2, 3, 3, 4, 5, 6])
        local = rng.random() < within_county
        pool = by_county[rng.choice(sorted(by_county))] if local else codes
        parties = rng.sample(pool, min(size, len(pool)))
        if len(parties) < 2:
            parties = rng.sample(codes, 2)
        form = rng.choice(FORMS)
        if form == "kommunalforbund":
            roles = ["member"] * len(parties)
        elif form == "gemensam_namnd":
            roles = ["host"] + ["member"] * (len(parties) - 1)
        elif form == "avtalssamverkan":
            roles = ["host"] + ["purchaser"] * (len(parties) - 1)
        else:
            roles = [rng.choice(["host", "purchaser", "member"]) for _ in parties]
        rows.append(
            AgreementRow(
                id=i,
                title=f"Samverkan {i}",
                form=form,
                phase=rng.choice(PHASES),
                areas=tuple(sorted(rng.sample(areas, rng.choice([1, 1, 2])))),
                parties=tuple(PartyRow(c, r) for c, r in zip(parties, roles, strict=True)),
            )
        )
    return NetworkData(tuple(munis), tuple(rows), {})
