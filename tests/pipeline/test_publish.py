"""Publishing: readers get a read-only copy, swapped atomically, that DuckDB 1.x clients can open."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb

from pipeline.config import Settings
from pipeline.publish import publish


def _work_db(settings: Settings, rows: int) -> None:
    settings.work_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.work_db))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts; CREATE SCHEMA IF NOT EXISTS staging")
        con.execute("CREATE OR REPLACE TABLE marts.dim_document AS SELECT range AS document_id FROM range(?)", [rows])
        con.execute("COMMENT ON TABLE marts.dim_document IS '报告 — one row per report'")
        con.execute("COMMENT ON COLUMN marts.dim_document.document_id IS 'document id — 文档编号'")
        con.execute("CREATE OR REPLACE VIEW marts.v_docs AS SELECT * FROM marts.dim_document")
        con.execute("CREATE OR REPLACE TABLE staging.stg_x AS SELECT 1 AS x")
    finally:
        con.close()


def test_published_copy_holds_the_marts_and_not_the_working_schemas(settings: Settings) -> None:
    _work_db(settings, 3)
    publish(settings, "r1")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.dim_document").fetchone() == (3,)
        assert con.execute("SELECT count(*) FROM marts.v_docs").fetchone() == (3,)
        schemas = {r[0] for r in con.execute("SELECT schema_name FROM duckdb_tables()").fetchall()}
        assert "staging" not in schemas
    finally:
        con.close()


def test_descriptions_travel_to_the_published_copy(settings: Settings) -> None:
    _work_db(settings, 1)
    publish(settings, "r1")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'dim_document'").fetchone() == (
            "报告 — one row per report",)
        assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'dim_document'").fetchone() == (
            "document id — 文档编号",)
    finally:
        con.close()


def test_published_file_uses_a_storage_version_duckdb_1_0_clients_read(settings: Settings) -> None:
    _work_db(settings, 1)
    publish(settings, "r1")
    header = settings.warehouse.read_bytes()[:16]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:16], "little") == 64  # storage version 64 = DuckDB 0.10 / 1.0 and later


def test_published_file_is_read_only_on_disk(settings: Settings) -> None:
    _work_db(settings, 1)
    publish(settings, "r1")
    assert not os.access(settings.warehouse, os.W_OK) or os.geteuid() == 0
    assert (settings.warehouse.stat().st_mode & 0o222) == 0


def test_parquet_copy_of_every_mart_is_written_beside_it(settings: Settings) -> None:
    _work_db(settings, 2)
    publish(settings, "r1")
    files = sorted(p.name for p in settings.parquet_dir.iterdir())
    assert "marts.dim_document.parquet" in files
    parquet = settings.parquet_dir / "marts.dim_document.parquet"
    assert duckdb.sql(f"SELECT count(*) FROM '{parquet}'").fetchone() == (2,)


def test_readers_see_a_complete_copy_during_repeated_publishes(settings: Settings) -> None:
    _work_db(settings, 10)
    publish(settings, "r0")
    errors: list[str] = []
    seen: set[int] = set()
    stop = threading.Event()

    def read_loop(path: Path) -> None:
        while not stop.is_set():
            try:
                con = duckdb.connect(str(path), read_only=True)
                seen.add(con.execute("SELECT count(*) FROM marts.dim_document").fetchone()[0])
                con.close()
            except Exception as err:  # any error is a failure of the publish protocol
                errors.append(repr(err))

    reader = threading.Thread(target=read_loop, args=(settings.warehouse,))
    reader.start()
    try:
        for i in range(1, 8):
            _work_db(settings, 10 + i)
            publish(settings, f"r{i}")
    finally:
        stop.set()
        reader.join()
    assert errors == []
    assert seen <= set(range(10, 18))


def test_a_second_run_on_the_same_state_exits_with_a_clear_message(settings: Settings) -> None:
    from pipeline.run import RunInProgress, exclusive_run

    with exclusive_run(settings):
        try:
            with exclusive_run(settings):
                raise AssertionError("the second run must not start")
        except RunInProgress as err:
            assert "another ingestion run is in progress" in str(err)


def test_bi_tools_read_the_published_copy_through_sqlalchemy_read_only(settings: Settings) -> None:
    """Superset and pandas connect through duckdb-engine; read_only must hold and writes must fail."""
    import sqlalchemy

    _work_db(settings, 4)
    publish(settings, "r1")
    engine = sqlalchemy.create_engine(f"duckdb:///{settings.warehouse}", connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("SELECT count(*) FROM marts.dim_document")).scalar() == 4
            try:
                conn.execute(sqlalchemy.text("CREATE TABLE marts.x (a INT)"))
            except sqlalchemy.exc.DBAPIError as err:
                assert "read-only" in str(err).lower()
            else:
                raise AssertionError("a BI connection must not be able to write")
    finally:
        engine.dispose()
