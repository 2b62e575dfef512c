"""The import graph keeps its layers: nothing imports upward, no domain uses another's pages.

Layers, bottom to top:

- the floor: ``config``, ``extensions``, ``core`` and the API's shared base (``api``: its request
  checks, ``api.schemas``, ``api.common``);
- the domains, in ``DOMAINS`` order (a domain may import those listed before it);
- the start page (``start``), which reads several domains, and the demo data (``demo``), which
  loads them all;
- the roof: ``routes`` (registers every web and API blueprint), ``commands`` and ``create_app``.

A module may import its own room and anything below it. Between domains, the pages and
interfaces of one (``views``, ``api``, ``cli``) are not imported by another: what two domains
share lives in their lower modules. Imports under ``if TYPE_CHECKING:`` are for annotations only
and are not counted. ``KNOWN_UPWARD`` lists the upward imports that remain (issue #19); the test
fails on a new one and on a listed one that is gone, so the list only shrinks.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from coop_tracker import PACKAGE_DIR

FLOOR = {"config", "extensions", "core", "api"}
DOMAINS = [
    "audit",
    "municipalities",
    "users",
    "organisations",
    "agreements",
    "areas",
    "meetings",
    "reviews",
    "checklists",
    "lifecycle",
    "documents",
    "schedule",
    "reminders",
    "kommuner",
    "annual",
    "costs",
    "operations",
    "network",
    "history",
    "oversight",
    "exchange",
    "public",
]
ABOVE_DOMAINS = ["start", "demo"]
ROOF = {"routes", "commands", "gunicorn_conf", ""}  # "" is create_app in the package itself
SURFACES = {"views", "api", "cli"}

# (importing module, imported module): upward imports that remain, each a seam still to cut.
KNOWN_UPWARD = {
    # The permission table (a house example) restricts agreement queries by party.
    ("core.permissions", "agreements.models"),
    ("core.permissions", "users.models"),  # the kommun administrator's own kommun's users
}


def _runtime_imports(tree: ast.Module) -> list[tuple[str, str]]:
    """(module, imported name or "") of every absolute import outside ``if TYPE_CHECKING:``."""
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.orelse:
                visit(inner)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((alias.name, "") for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _target(module: str, name: str) -> str:
    """The module an import brings in: ``from coop_tracker.x import y`` is ``x.y`` when ``y``
    is a module, else ``x``."""
    inner = module.removeprefix("coop_tracker").lstrip(".")
    candidate = f"{inner}.{name}" if inner else name
    if name and (PACKAGE_DIR / Path(*candidate.split("."))).with_suffix(".py").exists():
        return candidate
    return inner


def _room(module: str) -> str:
    return module.split(".")[0] if module else ""


def _rank(room: str) -> int:
    if room in FLOOR:
        return 0
    if room in DOMAINS:
        return 10 + DOMAINS.index(room)
    if room in ABOVE_DOMAINS:
        return 100
    assert room in ROOF, f"coop_tracker/{room} is in no layer: add it to a list in this test"
    return 1000


@functools.cache
def _edges() -> frozenset[tuple[str, str]]:
    """Every import between rooms, read once per run (five tests ask; the files do not change
    while the suite runs)."""
    edges = set()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        source = _module_name(path)
        for module, name in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module != "coop_tracker" and not module.startswith("coop_tracker."):
                continue
            target = _target(module, name)
            if target and _room(target) != _room(source):
                edges.add((source, target))
    return frozenset(edges)


def _upward(edges: frozenset[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(s, t) for s, t in edges if _rank(_room(t)) > _rank(_room(s))}


def test_every_package_has_a_layer() -> None:
    rooms = {_room(_module_name(p)) for p in PACKAGE_DIR.rglob("*.py")}
    for room in rooms:
        _rank(room)  # fails naming a package that no list here places


def test_nothing_imports_upward_beyond_the_known_seams() -> None:
    upward = _upward(_edges())
    assert sorted(upward - KNOWN_UPWARD) == [], "new upward imports"
    assert sorted(KNOWN_UPWARD - upward) == [], "gone: remove them from KNOWN_UPWARD"


def test_no_domain_imports_the_pages_or_interfaces_of_another() -> None:
    reaching = sorted(
        (source, target)
        for source, target in _edges()
        if _room(source) in DOMAINS
        and _room(target) in DOMAINS
        and target.split(".")[-1] in SURFACES
        and (source, target) not in KNOWN_UPWARD
    )
    allowed = {("exchange.export", "agreements.api")}  # the JSON export is the API's payload
    assert [e for e in reaching if e not in allowed] == []


def test_the_floor_imports_no_domain() -> None:
    floor = sorted(
        (s, t)
        for s, t in _edges()
        if _room(s) in FLOOR and _room(t) not in FLOOR and (s, t) not in KNOWN_UPWARD
    )
    assert floor == []


def test_the_start_page_is_not_in_core() -> None:
    assert not (PACKAGE_DIR / "core" / "views.py").read_text(encoding="utf-8").count("def index(")
    assert (PACKAGE_DIR / "start" / "views.py").is_file()


def test_the_graph_is_read_from_the_real_imports() -> None:
    """The walk sees lazy imports inside functions and skips annotation-only ones."""
    edges = _edges()
    assert ("routes", "start.views") in edges  # inside register_blueprints
    assert ("routes", "agreements.api") in edges  # inside api_blueprints
    assert ("core.actor", "users.models") not in edges  # under TYPE_CHECKING
