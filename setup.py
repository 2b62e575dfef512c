"""Build hook: the wheel carries templates/, static/, migrations/ and compiled translations.

Those folders sit at the repository root (the project's layout, see shared/CONVENTIONS.md); a
source checkout and an editable install use them there. A built wheel copies them into the
package (``coop_tracker/templates`` …), where ``coop_tracker.resource_path`` finds them, and
compiles every ``messages.po`` into ``messages.mo`` (the compiled catalogues are not in git).
Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("templates", "static", "migrations", "translations")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.pot")


def compile_catalogues(translations: Path) -> list[Path]:
    """messages.po → messages.mo for every language (Babel, as ``pybabel compile`` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    if not written:
        raise SystemExit(f"no translations found under {translations}")
    return written


class BuildWithResources(build_py):
    """build_py, plus the root folders copied into the package and the catalogues compiled."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the folders at the repository root
        package = Path(self.build_lib) / "coop_tracker"
        for name in BUNDLED:
            target = package / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target, ignore=SKIP)
        compile_catalogues(package / "translations")


setup(cmdclass={"build_py": BuildWithResources})
