"""Which of a file's columns holds which of ours: guessed from headings, remembered per kommun."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop_tracker.audit.services import record as audit_record
from coop_tracker.core.actor import Actor
from coop_tracker.core.i18n import _
from coop_tracker.exchange.columns import AGREEMENT_COLUMNS, EXTRA_COLUMNS, Column
from coop_tracker.exchange.models import ImportMapping
from coop_tracker.exchange.parsing import ParsedFile
from coop_tracker.exchange.values import fold

REQUIRED_KEYS = ("title", "form", "area_slugs")
# Other headings for our columns seen in kommuners own registers (compared without case and
# accents); used to pre-fill the mapping step, which the user can always change.
ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "extern id",
        "externt id-nummer",
        "löpnummer",
        "löpnr",
        "avtals-id",
        "avtalsid",
        "avtalsnummer",
        "avtalsnr",
        "nr",
        "nummer",
        "id-nummer",
        "ref",
        "referens",
    ),
    "title": (
        "titel",
        "namn på samverkan",
        "avtal",
        "avtalsnamn",
        "samverkan",
        "benämning",
        "avtalets namn",
        "avtalsbenämning",
        "namn",
        "samverkansavtal",
        "rubrik",
    ),
    "form": ("form", "avtalsform", "samverkansform", "typ", "avtalstyp", "typ av samverkan"),
    "phase": ("status", "fas", "avtalsstatus", "läge"),
    "area_slugs": (
        "område",
        "samverkansområde",
        "verksamhetsområde",
        "verksamhet",
        "områden",
        "sakområde",
        "verksamheter",
    ),
    "parties": ("kommuner", "parter", "deltagande kommuner", "ingående kommuner", "avtalsparter"),
    "counterparties": (
        "motpart",
        "motparter",
        "motpart(er)",
        "samverkanspart",
        "samverkansparter",
        "andra kommuner",
        "övriga parter",
        "samarbetspart",
        "samarbetsparter",
        "part",
    ),
    "our_role": ("vår roll", "roll", "kommunens roll", "egen roll", "vår kommuns roll"),
    "municipality": ("kommun", "egen kommun", "kommunnamn", "vår kommun"),
    "start_on": (
        "start",
        "giltigt från",
        "från",
        "avtalsstart",
        "startdatum",
        "gäller från",
        "fr.o.m.",
        "from",
        "fr o m",
        "avtalet gäller från",
        "startår",
        "sedan",
        "datum",
    ),
    "end_on": (
        "slut",
        "giltigt till",
        "till",
        "avtalsslut",
        "slutdatum",
        "gäller till",
        "t.o.m.",
        "tom",
        "t o m",
        "gäller t.o.m.",
        "upphör",
        "löper ut",
    ),
    "term": ("avtalstid", "avtalsperiod", "löptid", "giltighetstid", "avtalets löptid"),
    "notice_months": (
        "uppsägningstid",
        "uppsägningstid, månader",
        "uppsägningstid (mån)",
        "uppsägningstid (månader)",
        "uppsägning",
    ),
    "document_ref": ("dnr", "diarienr", "diarienummer", "dnr avtal", "ärendenummer"),
    "annual_cost": (
        "total kostnad",
        "totalkostnad",
        "total kostnad/år",
        "total årskostnad",
        "kostnad totalt",
        "budget totalt",
    ),
    "own_annual_cost": (
        "kostnad/år",
        "kostnad per år",
        "kostnad",
        "årlig kostnad",
        "årskostnad",
        "vår kostnad",
        "kommunens kostnad",
        "kostnad för kommunen",
        "kostnad kr/år",
        "kostnad (kr/år)",
        "belopp",
        "belopp/år",
    ),
    "responsible": (
        "ansvarig",
        "kontaktperson",
        "ansvarig tjänsteperson",
        "avtalsansvarig",
        "ansvarig tjänsteman",
        "kontakt",
        "ägare",
    ),
    "decision": ("beslut", "beslutad", "beslut kf", "beslutsdatum", "politiskt beslut", "beslutat"),
    "comment": (
        "kommentar",
        "kommentarer",
        "anteckning",
        "övrigt",
        "notering",
        "noteringar",
        "anmärkning",
    ),
    "internal_note": ("intern anteckning",),
    "purpose": ("syfte", "syftet"),
    "goals": ("mål", "mål och förväntade effekter", "förväntade effekter"),
    "document_url": ("länk", "länk till avtalet", "url", "webbadress"),
    "review_interval_months": ("uppföljning", "uppföljningsintervall", "följs upp"),
}


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
