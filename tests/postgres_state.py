"""A PostgreSQL test database put back to a saved state in milliseconds, the twin of copying a
SQLite file: a state is every table's rows (``COPY … TO STDOUT``) and every sequence's value,
held in memory. Putting one back empties and reloads only the tables that differ from it.

Which tables differ is read from the database, not guessed: a table was changed since the last
state was put back when its row count differs or a row is newer than that moment (its ``xmin``,
the transaction that wrote the row version, is later). A table is emptied with the tables that
refer to it, and those are reloaded with it. Sequences are always
set back, so a test's new rows get the same ids as on a fresh database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class Snapshot:
    """Rows (COPY text format) and row count of every table, and every sequence's value."""

    rows: dict[str, bytes]
    counts: dict[str, int]
    sequences: dict[str, tuple[int, bool]] = field(default_factory=dict)


class PostgresState:
    """Saves and puts back the state of one database (one per xdist worker)."""

    def __init__(self, url: str) -> None:
        conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        # Its own connection, in autocommit between operations so it never holds a lock that a
        # test's connections would wait for; commits need not wait for the disk.
        self.connection = psycopg.connect(conninfo, autocommit=True)
        self.connection.execute("SET synchronous_commit = off")
        self.schema = ""  # the tables' oids when they were last read
        self.tables: list[str] = []
        self.referenced_by: dict[str, set[str]] = {}
        self.current: Snapshot | None = None
        self.clean_after = 0  # rows written by later transactions are changes

    def close(self) -> None:
        self.connection.close()

    def _read_schema(self) -> None:
        """The tables in an order that loads referenced rows first, and who refers to whom
        (read again only when a table was dropped or created since)."""
        from coop_tracker.extensions import db

        row = self.connection.execute(
            "SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
        ).fetchone()
        fingerprint = str(row[0] if row else "")
        if fingerprint == self.schema:
            return
        self.schema = fingerprint
        found = [
            name
            for (name,) in self.connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        ordered = [t.name for t in db.metadata.sorted_tables if t.name in found]
        self.tables = ordered + sorted(set(found) - set(ordered))  # alembic_version
        self.referenced_by = {}
        for child, parent in self.connection.execute(
            "SELECT c.relname, p.relname FROM pg_constraint k"
            " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE k.contype = 'f' AND n.nspname = 'public'"
        ):
            self.referenced_by.setdefault(parent, set()).add(child)

    def save(self) -> Snapshot:
        """The database as it is now (all of the app's connections closed or idle)."""
        self._read_schema()
        rows: dict[str, bytes] = {}
        counts: dict[str, int] = {}
        with self.connection.transaction():
            self.connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for table in self.tables:
                name = sql.Identifier(table)
                count = self.connection.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(name)
                ).fetchone()
                counts[table] = int(count[0]) if count else 0
                if counts[table]:
                    data = bytearray()
                    with self.connection.cursor().copy(
                        sql.SQL("COPY {} TO STDOUT").format(name)
                    ) as copy:
                        for chunk in copy:
                            data += chunk
                    rows[table] = bytes(data)
            sequences = {
                name: (int(value), True) if value is not None else (1, False)
                for name, value in self.connection.execute(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename),"
                    " last_value FROM pg_sequences WHERE schemaname = 'public'"
                )
            }
            self.clean_after = self._now()
        snapshot = Snapshot(rows, counts, sequences)
        self.current = snapshot
        return snapshot

    def _now(self) -> int:
        """This transaction's id, as a row's ``xmin`` shows it (32 bits)."""
        row = self.connection.execute("SELECT txid_current() % 4294967296").fetchone()
        return int(row[0]) if row else 0

    def _changed(self, expected: Snapshot) -> set[str]:
        """The tables whose rows differ from ``expected`` (the state last put back)."""
        parts = [
            sql.SQL(
                "SELECT {name}, (SELECT count(*) FROM {table}),"
                " EXISTS (SELECT 1 FROM {table} WHERE xmin::text::bigint > {after})"
            ).format(name=sql.Literal(table), table=sql.Identifier(table), after=self.clean_after)
            for table in self.tables
        ]
        query = sql.SQL(" UNION ALL ").join(parts)
        return {
            table
            for table, count, newer in self.connection.execute(query)
            if newer or count != expected.counts.get(table, 0)
        }

    def _with_referring(self, tables: set[str]) -> set[str]:
        """``tables`` and every table that refers to one of them, directly or not."""
        result, todo = set(), list(tables)
        while todo:
            table = todo.pop()
            if table not in result:
                result.add(table)
                todo.extend(self.referenced_by.get(table, ()))
        return result

    def restore(self, target: Snapshot) -> None:
        """Put ``target`` back (all of the app's connections closed or idle)."""
        current = self.current or target
        self._read_schema()  # a test may have dropped and created tables (restores, migrations)
        changed = self._changed(current) if self.current is not None else set(self.tables)
        changed |= {t for t in self.tables if target.rows.get(t) != current.rows.get(t)}
        emptied = [t for t in self.tables if t in self._with_referring(changed)]
        with self.connection.transaction():
            # DELETE, referring tables first: for tables of a few rows to a few thousand it
            # is many times faster than TRUNCATE, which makes new files for every table.
            for table in reversed(emptied):
                self.connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            for table in emptied:  # referenced tables first
                data = target.rows.get(table)
                if data:
                    with self.connection.cursor().copy(
                        sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))
                    ) as copy:
                        copy.write(data)
            if target.sequences:
                self.connection.execute(
                    sql.SQL("SELECT {}").format(
                        sql.SQL(", ").join(
                            sql.SQL("setval({}, {}, {})").format(
                                sql.Literal(name), sql.Literal(value), sql.Literal(called)
                            )
                            for name, (value, called) in target.sequences.items()
                        )
                    )
                )
            self.clean_after = self._now()
        self.current = target


_STATES: dict[str, PostgresState] = {}


def state_of(url: str) -> PostgresState:
    """The one PostgresState of the database at ``url`` (every app on it shares it)."""
    if url not in _STATES:
        _STATES[url] = PostgresState(url)
    return _STATES[url]


def close_all() -> None:
    for state in _STATES.values():
        state.close()
    _STATES.clear()
