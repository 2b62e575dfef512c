"""A small network as plain rows, shared by the pure tests.

Vansbro ══2══ Malung-Sälen ─┐            Stockholm ── Upplands Väsby
                   │       (förbund 4)
Mora ── Orsa        Falun ──┘
  └── Älvdalen ──┘  (nämnd 3: Mora host, Orsa + Älvdalen members)
"""

from __future__ import annotations

from coop_tracker.network.graph import AgreementRow, MunicipalityRow, NetworkData, PartyRow

MUNICIPALITIES = (
    MunicipalityRow("0114", "Upplands Väsby", "01", "Stockholms län", "A2", 48_000),
    MunicipalityRow("0180", "Stockholm", "01", "Stockholms län", "A1", 984_000),
    MunicipalityRow("2021", "Vansbro", "20", "Dalarnas län", "C8", 6_700),
    MunicipalityRow("2023", "Malung-Sälen", "20", "Dalarnas län", "C9", 10_000),
    MunicipalityRow("2034", "Orsa", "20", "Dalarnas län", "C9", 6_900),
    MunicipalityRow("2039", "Älvdalen", "20", "Dalarnas län", "C9", 7_000),
    MunicipalityRow("2062", "Mora", "20", "Dalarnas län", "C7", 20_000),
    MunicipalityRow("2080", "Falun", "20", "Dalarnas län", "B3", 59_000),
)
LABELS = {
    "raddningstjanst": "Räddningstjänst",
    "it-digitalisering": "IT och digitalisering",
    "lon": "Lön",
    "miljo-halsoskydd": "Miljö- och hälsoskydd",
    "livsmedelskontroll": "Livsmedelskontroll",
    "overformyndare": "Överförmyndare",
    "kultur": "Kultur",
}


def _parties(*pairs: str) -> tuple[PartyRow, ...]:
    return tuple(PartyRow(*pair.split(":")) for pair in pairs)


AGREEMENTS = (
    AgreementRow(
        1,
        "Miljö Vansbro–Malung",
        "avtalssamverkan",
        "active",
        ("miljo-halsoskydd",),
        _parties("2021:host", "2023:purchaser"),
    ),
    AgreementRow(
        2,
        "Livsmedel Vansbro–Malung",
        "avtalssamverkan",
        "active",
        ("miljo-halsoskydd", "livsmedelskontroll"),
        _parties("2021:host", "2023:purchaser"),
    ),
    AgreementRow(
        3,
        "IT-nämnden",
        "gemensam_namnd",
        "active",
        ("it-digitalisering",),
        _parties("2062:host", "2034:member", "2039:member"),
    ),
    AgreementRow(
        4,
        "Räddningstjänstförbundet",
        "kommunalforbund",
        "exiting",
        ("raddningstjanst",),
        _parties("2062:member", "2080:member", "2023:member"),
    ),
    AgreementRow(
        5,
        "Lön Falun–Stockholm",
        "avtalssamverkan",
        "planned",
        ("lon",),
        _parties("2080:host", "0180:purchaser"),
    ),
    AgreementRow(
        6, "Kulturnätverk", "ovrig", "ended", ("kultur",), _parties("0180:member", "0114:member")
    ),
    AgreementRow(
        7,
        "Överförmyndare Stockholm–Väsby",
        "avtalssamverkan",
        "active",
        ("overformyndare",),
        _parties("0180:host", "0114:purchaser"),
    ),
    # Every other party has left: it links no one.
    AgreementRow(8, "Kvarlämnad", "ovrig", "active", ("kultur",), _parties("2039:member")),
)


def small() -> NetworkData:
    return NetworkData(MUNICIPALITIES, AGREEMENTS, LABELS)
