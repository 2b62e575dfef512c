"""The checks an upgrade runs after migrating."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CatalogueCheck:
    language: str
    ok: bool
    detail: str


def check_translations(translations: Path, languages: tuple[str, ...]) -> list[CatalogueCheck]:
    """Every language but Swedish (the source) needs a compiled catalogue that is not older
    than its .po file and that really translates."""
    from babel.support import Translations

    checks = []
    for language in languages:
        if language == "sv":
            continue
        folder = translations / language / "LC_MESSAGES"
        mo, po = folder / "messages.mo", folder / "messages.po"
        if not mo.exists():
            checks.append(CatalogueCheck(language, False, f"{mo} saknas (kompilera: make install)"))
            continue
        if po.exists() and po.stat().st_mtime > mo.stat().st_mtime + 1:
            checks.append(CatalogueCheck(language, False, f"{mo} är äldre än {po.name}"))
            continue
        catalogue = Translations.load(str(translations), [language])
        probe = "Logga in"  # a variable: message extraction must not list this call
        if catalogue.gettext(probe) == probe:
            checks.append(CatalogueCheck(language, False, f"{mo} översätter ingenting"))
            continue
        count = len(getattr(catalogue, "_catalog", {}))
        checks.append(CatalogueCheck(language, True, f"{count} texter"))
    return checks
