"""Names of the kinds of organisation and how organisationsnummer are checked."""

from __future__ import annotations

import re

from coop_tracker.core.i18n import _l
from coop_tracker.organisations.models import OrgKind

KIND_LABELS: dict[str, str] = {
    OrgKind.KOMMUN: _l("Kommun"),
    OrgKind.REGION: _l("Region"),
    OrgKind.FORBUND: _l("Kommunalförbund"),
    OrgKind.FINSAM: _l("Samordningsförbund (Finsam)"),
    OrgKind.COMPANY: _l("Bolag"),
    OrgKind.AGENCY: _l("Statlig myndighet"),
}
KIND_PLURALS: dict[str, str] = {
    OrgKind.KOMMUN: _l("Kommuner"),
    OrgKind.REGION: _l("Regioner"),
    OrgKind.FORBUND: _l("Kommunalförbund"),
    OrgKind.FINSAM: _l("Samordningsförbund"),
    OrgKind.COMPANY: _l("Bolag"),
    OrgKind.AGENCY: _l("Statliga myndigheter"),
}
ORG_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit that every Swedish organisationsnummer carries."""
    total = 0
    for index, char in enumerate(digits):
        n = int(char) * (2 if index % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalised_org_number(value: str) -> str | None:
    """``NNNNNN-NNNN`` when the text is a valid organisationsnummer, else None."""
    match = ORG_NUMBER.match(value.strip())
    if not match or not luhn_ok(match.group(1) + match.group(2)):
        return None
    return f"{match.group(1)}-{match.group(2)}"
