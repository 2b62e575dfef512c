"""Swedish order and matching, the same in Python, on SQLite and on PostgreSQL.

The Swedish alphabet ends … x, y, z, å, ä, ö (in that order); v and w are separate letters; é is
an e and ü a y (Svenska Akademiens ordlista). Case does not matter for the order, and a search
for "älvdalen" finds "Älvdalen" just as "vansbro" finds "Vansbro".

* In SQL, ``swedish(column)`` sorts the Swedish way: PostgreSQL's ICU collation
  ``"sv-SE-x-icu"``; on SQLite a collation named ``swedish`` that every connection registers
  (``core/db.py``) with :func:`compare`.
* ``folded(column)`` is the column in lower case for matching, å ä ö included: PostgreSQL's
  ``lower()`` under the ICU collation; on SQLite the function ``sv_lower`` (SQLite's own
  ``lower()`` and ``LIKE`` only know a–z). Match it against :func:`contains_pattern`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

POSTGRES_COLLATION = "sv-SE-x-icu"
SQLITE_COLLATION = "swedish"
SQLITE_LOWER = "sv_lower"

# After z, in this order; æ and ø are the Danish and Norwegian ä and ö.
# ü is a y (Müller sorts as Myller).
_LAST_LETTERS = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"}


@lru_cache(maxsize=65536)  # SQLite compares each name many times while sorting a list
def sort_key(text: str) -> tuple[str, str]:
    """The Swedish order of ``text``: letters first without case or accents (but å, ä, ö are
    letters of their own after z), then the text itself to break ties the same way each time."""
    base = []
    for char in str(text or "").lower():
        if char in _LAST_LETTERS:
            base.append(_LAST_LETTERS[char])
            continue
        decomposed = unicodedata.normalize("NFD", char)
        base.append("".join(c for c in decomposed if not unicodedata.combining(c)) or char)
    return "".join(base), str(text or "")


def compare(left: str | None, right: str | None) -> int:
    """The SQLite collation ``swedish``: negative, zero or positive, as SQLite expects."""
    a, b = sort_key(left or ""), sort_key(right or "")
    return (a > b) - (a < b)


def lower(text: str | None) -> str | None:
    """The SQLite function ``sv_lower``: Python's Unicode lower case (NULL stays NULL)."""
    return None if text is None else str(text).lower()


def escape_like(term: str) -> str:
    """``term`` with LIKE's wildcards escaped (escape character: backslash)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(term: str) -> str:
    """A LIKE pattern (escape ``\\``) that finds ``term`` anywhere in a :func:`folded` column."""
    return f"%{escape_like(term.lower())}%"


def register_sqlite(dbapi_connection: Any) -> None:
    """Teach one SQLite connection the collation and the lower-case function."""
    dbapi_connection.create_collation(SQLITE_COLLATION, compare)
    dbapi_connection.create_function(SQLITE_LOWER, 1, lower, deterministic=True)


class swedish(FunctionElement[str]):  # noqa: N801 - reads as a function in queries
    """``swedish(column)``: the column in Swedish order (use in ORDER BY)."""

    type = String()
    inherit_cache = True
    name = "swedish"


class folded(FunctionElement[str]):  # noqa: N801 - reads as a function in queries
    """``folded(column)``: the column in lower case, å ä ö too (match with LIKE)."""

    type = String()
    inherit_cache = True
    name = "folded"


def _argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    (argument,) = list(element.clauses)
    return compiler.process(argument, **kw)


@compiles(swedish)
def _swedish_sqlite(element: swedish, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({_argument(element, compiler, **kw)}) COLLATE {SQLITE_COLLATION}"


@compiles(swedish, "postgresql")
def _swedish_postgres(element: swedish, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({_argument(element, compiler, **kw)}) COLLATE "{POSTGRES_COLLATION}"'


@compiles(folded)
def _folded_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({_argument(element, compiler, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgres(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f'lower(({_argument(element, compiler, **kw)}) COLLATE "{POSTGRES_COLLATION}")'


def matches(column: Any, term: str) -> ColumnElement[bool]:
    """``column`` contains ``term``, whatever the case (å ä ö included)."""
    return folded(column).like(contains_pattern(term), escape="\\")
