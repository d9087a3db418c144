"""Opening the work database, the one place that knows DuckDB's single-writer rule.

Only tasks in the `duckdb_writer` pool call `writer()`; everything else reads the published
copy. Connections are opened and closed around each step, because a connection left open
keeps the file locked for every other process.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb

SCHEMA_SQL = Path(__file__).with_name("sql") / "raw_schema.sql"


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the incoming/raw/meta tables when missing (idempotent)."""
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


@contextlib.contextmanager
def writer(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The single read-write connection of a step, closed even when the step fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        apply_schema(con)
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def reader(path: Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection, or None when the database does not exist yet."""
    if not path.exists():
        yield None
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def known_contents(path: Path) -> dict[str, str]:
    """sha256 → ledger status of every content accounted for in earlier runs."""
    with reader(path) as con:
        if con is None:
            return {}
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = 'meta' AND table_name = 'ingest_ledger'"
        ).fetchone()
        if not exists or not exists[0]:
            return {}
        return dict(con.execute("SELECT sha256, status FROM meta.ingest_ledger").fetchall())
