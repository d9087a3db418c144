"""Incremental runs end where a full refresh does: new documents, re-issues and re-loads."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from tests.dbt.fixtures import (
    build_fixture_db,
    document_id_of,
    fixture_documents,
    insert_documents,
    node_statuses,
    run_dbt,
)

pytestmark = pytest.mark.slow


def snapshot(db) -> dict[str, list[tuple]]:
    """Every mart and intermediate table, rows sorted."""
    with duckdb.connect(str(db)) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema IN ('intermediate', 'marts') AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def test_incremental_equals_full_refresh(tmp_path):
    docs = fixture_documents()
    db = build_fixture_db(tmp_path / "work.duckdb", [docs["FINAL_2021"], docs["FINAL_2020"], docs["PERF_2021"]])
    first = run_dbt(db, ["build"], tmp_path)
    assert first.success

    # Run 2: a new budget report, a corrected re-issue of the 2021 final accounts (new file, same
    # logical report), and the evaluation re-loaded with one problem fewer and a changed score.
    reissue = fixture_documents()["FINAL_2021"]
    reissue.update(sha256="f" * 64, file_name="final_2021_corrected.txt")
    for fact in reissue["facts"]:
        if fact["field"] == "three_public_total":
            fact.update(value="32500.00", as_reported="3.25")
        if fact["field"] == "three_public_reception":
            fact.update(value="12500.00", as_reported="1.25")
    perf = docs["PERF_2021"]
    perf["problems"] = perf["problems"][:1]
    perf["facts"][0].update(value="95", as_reported="95")
    with duckdb.connect(str(db)) as con:
        insert_documents(
            con, [docs["BUDGET_2022"], reissue, perf], run_id="run-2", loaded_at=datetime(2024, 11, 1, 8, 0, 0)
        )

    incremental = run_dbt(db, ["build"], tmp_path)
    assert incremental.success
    assert node_statuses(incremental)["fct_reported_value"] == "success"
    after_incremental = snapshot(db)

    with duckdb.connect(str(db)) as con:
        old_id, new_id, perf_id = document_id_of(docs["FINAL_2021"]), document_id_of(reissue), document_id_of(perf)
        versions = dict(
            con.execute(
                "SELECT document_id, (is_current, superseded_by) FROM marts.dim_document WHERE document_id IN (?, ?)",
                [old_id, new_id],
            ).fetchall()
        )
        assert versions == {old_id: (False, new_id), new_id: (True, None)}
        assert (
            con.execute(
                "SELECT three_public_total FROM marts.mart_three_public_yoy WHERE fiscal_year = 2021"
            ).fetchone()[0]
            == 32500
        )
        perf_rows = con.execute(
            "SELECT DISTINCT _run_id FROM marts.fct_reported_value WHERE document_id = ?", [perf_id]
        ).fetchall()
        assert perf_rows == [("run-2",)]
        assert (
            con.execute(
                "SELECT value_numeric FROM marts.fct_reported_value WHERE document_id = ? "
                "AND field = 'performance_score'",
                [perf_id],
            ).fetchone()[0]
            == 95
        )
        assert (
            con.execute(
                "SELECT count(*) FROM marts.fct_evaluation_finding WHERE document_id = ?", [perf_id]
            ).fetchone()[0]
            == 2
        )

    full = run_dbt(db, ["build", "--full-refresh"], tmp_path)
    assert full.success
    after_full = snapshot(db)
    assert after_incremental.keys() == after_full.keys()
    for table in after_full:
        assert after_incremental[table] == after_full[table], table


def test_removed_document_leaves_incremental_facts(tmp_path):
    db = build_fixture_db(tmp_path / "work.duckdb")
    select = ["--select", "+fct_reported_value", "+fct_expenditure_by_function", "--exclude-resource-type", "test"]
    assert run_dbt(db, ["build", *select], tmp_path).success
    gone = document_id_of(fixture_documents()["FINAL_2020"])
    with duckdb.connect(str(db)) as con:
        for table in ("documents", "facts", "line_items"):
            con.execute(f"DELETE FROM raw.{table} WHERE document_id = ?", [gone])
    assert run_dbt(db, ["build", *select], tmp_path).success
    with duckdb.connect(str(db)) as con:
        for table in ("fct_reported_value", "fct_expenditure_by_function"):
            assert con.execute(f"SELECT count(*) FROM marts.{table} WHERE document_id = ?", [gone]).fetchone()[0] == 0


def test_ledger_superseded_status_wins(tmp_path):
    docs = fixture_documents()
    db = build_fixture_db(tmp_path / "work.duckdb", [docs["FINAL_2021"], docs["PERF_2021"]])
    old = docs["FINAL_2021"]
    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO meta.ingest_ledger (sha256, file_name, status, reason, document_id, superseded_by, "
            "first_run_id, run_id, first_seen_at, updated_at) VALUES (?, ?, 'superseded', 'corrected re-issue', ?, "
            "'0123456789abcdef', 'run-1', 'run-2', now(), now())",
            [old["sha256"], old["file_name"], document_id_of(old)],
        )
    select = ["--select", "+dim_document", "--exclude-resource-type", "test"]
    assert run_dbt(db, ["build", *select], tmp_path).success
    with duckdb.connect(str(db)) as con:
        rows = dict(
            con.execute(
                "SELECT document_id, (is_current, superseded_by, ledger_status) FROM marts.dim_document "
                "WHERE NOT is_unknown_member"
            ).fetchall()
        )
    assert rows == {
        document_id_of(old): (False, "0123456789abcdef", "superseded"),
        document_id_of(docs["PERF_2021"]): (True, None, None),
    }
