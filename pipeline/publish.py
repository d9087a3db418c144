"""Publish a read-only serving copy of the warehouse, swapped in atomically.

Readers (BI tools, analysts) never open the work database. The serving copy is built
beside the target under a temporary name, written with a storage version that DuckDB 1.x
clients can open, marked read-only, and moved over the old copy with `os.replace`
(atomic on POSIX): a reader sees either the old file or the new one, never a half-built one.
Parquet copies of every mart go to a fresh folder that a symlink swap makes current.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
from pathlib import Path

import duckdb

from pipeline.config import Settings, safe_run_id
from pipeline.faults import maybe_crash

log = logging.getLogger(__name__)

#: Schemas readers get. `incoming`, `staging` and `intermediate` are working state.
PUBLISHED_SCHEMAS = ("marts", "meta", "raw", "seeds")
#: DuckDB 1.0 and later read this storage version; many BI drivers still bundle 1.x.
STORAGE_VERSION = "v1.0.0"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _published_relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None]]:
    rows = con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE database_name = 'work' "
        "UNION ALL SELECT schema_name, view_name, comment FROM duckdb_views() "
        "WHERE database_name = 'work' AND NOT internal ORDER BY 1, 2"
    ).fetchall()
    return [(s, t, c) for s, t, c in rows if s in PUBLISHED_SCHEMAS]


def _copy_relation(con: duckdb.DuckDBPyConnection, schema: str, table: str, comment: str | None) -> None:
    src = f"work.{_quote(schema)}.{_quote(table)}"
    dst = f"pub.{_quote(schema)}.{_quote(table)}"
    con.execute(f"CREATE TABLE {dst} AS SELECT * FROM {src}")
    if comment:
        con.execute(f"COMMENT ON TABLE {dst} IS {_literal(comment)}")
    columns = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'work' "
        "AND schema_name = ? AND table_name = ? AND comment IS NOT NULL",
        [schema, table],
    ).fetchall()
    for column, col_comment in columns:
        con.execute(f"COMMENT ON COLUMN {dst}.{_quote(column)} IS {_literal(col_comment)}")


def _literal(text: str) -> str:
    """COMMENT ON takes no parameters; quote the description as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def build_serving_copy(work_db: Path, target: Path) -> Path:
    """Write the serving copy to a temporary file beside `target`; return its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.building")
    for leftover in target.parent.glob(f".{target.name}.*.building*"):
        leftover.unlink(missing_ok=True)  # left by a publish that was killed; never visible to readers
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {_literal(str(work_db))} AS work (READ_ONLY)")
        con.execute(f"ATTACH {_literal(str(tmp))} AS pub (STORAGE_VERSION '{STORAGE_VERSION}')")
        relations = _published_relations(con)
        for schema in sorted({s for s, _t, _c in relations}):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS pub.{_quote(schema)}")
        for schema, table, comment in relations:
            _copy_relation(con, schema, table, comment)
        con.execute("CHECKPOINT pub")
        con.execute("DETACH pub")
        con.execute("DETACH work")
    finally:
        con.close()
    return tmp


def export_parquet(db_file: Path, parquet_root: Path, stamp: str) -> Path:
    """One Parquet file per mart in a fresh folder; the `parquet` symlink is swapped to it."""
    stamp = safe_run_id(stamp)
    fresh = parquet_root.with_name(f".parquet-{stamp}")
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('marts', 'meta') ORDER BY 1, 2"
        ).fetchall()
        for schema, table in tables:
            out = fresh / f"{schema}.{table}.parquet"
            con.execute(
                f"COPY {_quote(schema)}.{_quote(table)} TO {_literal(str(out))} (FORMAT parquet)"
            )
    finally:
        con.close()
    link_tmp = parquet_root.with_name(f".parquet-link-{stamp}")
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(fresh.name)
    if parquet_root.exists() and not parquet_root.is_symlink():
        shutil.rmtree(parquet_root)
    os.replace(link_tmp, parquet_root)
    for old in parquet_root.parent.glob(".parquet-*"):
        if old.is_dir() and old.name != fresh.name:
            shutil.rmtree(old, ignore_errors=True)
    return fresh


class PublishError(RuntimeError):
    """The serving copy could not be written; the previously published warehouse is untouched."""


def publish(settings: Settings, stamp: str) -> Path:
    """Build, freeze and atomically swap in the serving copy, then refresh the Parquet export."""
    target = settings.warehouse
    try:
        tmp = build_serving_copy(settings.work_db, target)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        maybe_crash("publish_before_swap")
        os.replace(tmp, target)
    except (OSError, duckdb.Error) as err:
        for leftover in target.parent.glob(f".{target.name}.{os.getpid()}.building*"):
            leftover.unlink(missing_ok=True)
        raise PublishError(
            f"could not write the serving copy next to {target} ({type(err).__name__}: {err}); the previously "
            "published warehouse is unchanged. Check that the folder is writable and the disk has room, then re-run."
        ) from err
    maybe_crash("publish_before_parquet")
    try:
        export_parquet(target, settings.parquet_dir, stamp)
    except (OSError, duckdb.Error) as err:
        raise PublishError(
            f"the warehouse was published at {target}, but the Parquet export to {settings.parquet_dir} failed "
            f"({type(err).__name__}: {err}); the previous Parquet files are still in place. Free space and re-run."
        ) from err
    log.info("published", extra={"warehouse": str(settings.warehouse)})
    return settings.warehouse
