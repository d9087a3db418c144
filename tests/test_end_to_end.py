"""One inbox through the real DAGs (Airflow dag.test, dbt, GX) to a published warehouse, twice.

The expensive runs happen once per module; each test then checks one promise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from synth import write_corpus

pytestmark = pytest.mark.slow
REPO_ROOT = Path(__file__).resolve().parent.parent


def run_pipeline(inbox: Path, warehouse: Path, state: Path) -> subprocess.CompletedProcess[str]:
    """What `make run INBOX=… WAREHOUSE=…` does, in a child process with its own state folder."""
    env = {**os.environ, "FISCAL_STATE": str(state)}
    for key in [k for k in env if k.startswith("AIRFLOW")]:
        env.pop(key)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("e2e")
    write_corpus(root / "corpus", 6, seed=11, formats=["txt", "html"])
    inbox = root / "corpus" / "inbox"
    (inbox / "empty.txt").write_bytes(b"")
    truths = {
        p.name.removesuffix(".truth.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in (root / "corpus" / "truth").glob("*.truth.json")
    }
    return {"root": root, "inbox": inbox, "warehouse": root / "published" / "fiscal.duckdb",
            "state": root / "state", "truths": truths}


@pytest.fixture(scope="module")
def first_run(corpus: dict) -> subprocess.CompletedProcess[str]:
    return run_pipeline(corpus["inbox"], corpus["warehouse"], corpus["state"])


@pytest.fixture(scope="module")
def marts_after_first(corpus: dict, first_run) -> dict:
    return {
        "documents": query(corpus["warehouse"], "SELECT * EXCLUDE (_loaded_at, _run_id) FROM marts.dim_document "
                                                "ORDER BY document_id"),
        "values": query(corpus["warehouse"], "SELECT * FROM marts.fct_reported_value ORDER BY ALL"),
    }


@pytest.fixture(scope="module")
def second_run(corpus: dict, marts_after_first) -> dict:
    """Run again over the same inbox while a separate process keeps reading the published file."""
    reader = subprocess.Popen(
        [sys.executable, "-c", READER_LOOP, str(corpus["warehouse"])], stdout=subprocess.PIPE, text=True,
    )
    try:
        result = run_pipeline(corpus["inbox"], corpus["warehouse"], corpus["state"])
    finally:
        time.sleep(0.5)
        reader.terminate()
        out, _ = reader.communicate(timeout=30)
    return {"result": result, "reader": out}


READER_LOOP = """
import sys, time, duckdb
import signal
path, ok, errors, stopping = sys.argv[1], 0, [], []
# A flag, not sys.exit in the handler: DuckDB runs signal handlers inside its calls and would turn
# the exit into an InterruptException that the loop swallows (see tests/test_faults.py).
signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
while not stopping:
    try:
        con = duckdb.connect(path, read_only=True)
        con.execute("SELECT count(*) FROM marts.dim_document").fetchone()
        con.close(); ok += 1
    except Exception as err:
        if not stopping:
            errors.append(repr(err))
    time.sleep(0.02)
print(f"ok={ok} errors={len(errors)} {errors[:3]}", flush=True)
"""


def test_first_run_succeeds_and_prints_where_the_warehouse_is(first_run, corpus: dict) -> None:
    assert first_run.returncode == 0, first_run.stdout[-3000:] + first_run.stderr[-3000:]
    assert str(corpus["warehouse"]) in first_run.stdout


def test_every_file_is_in_the_ledger(first_run, corpus: dict) -> None:
    rows = query(corpus["warehouse"], "SELECT file_name, status FROM meta.ingest_ledger")
    statuses = dict(rows)
    assert statuses["empty.txt"] == "quarantined"
    assert len(rows) == len(list(corpus["inbox"].iterdir()))


def test_empty_file_is_quarantined_with_a_specific_reason(first_run, corpus: dict) -> None:
    [(reason,)] = query(corpus["warehouse"], "SELECT reason FROM meta.ingest_ledger WHERE file_name = 'empty.txt'")
    assert reason.startswith("empty_file")


def test_dim_document_has_the_identity_of_each_report(first_run, corpus: dict) -> None:
    rows = query(corpus["warehouse"], "SELECT source_file, department_name, fiscal_year, report_type "
                                      "FROM marts.dim_document")
    assert len(rows) == len(corpus["truths"])
    for source_file, department, year, report_type in rows:
        truth = corpus["truths"][source_file]["document"]
        assert (department, year, report_type) == (truth["department_name"], truth["fiscal_year"],
                                                   truth["report_type"])


def test_reported_values_match_the_known_answers(first_run, corpus: dict) -> None:
    rows = query(corpus["warehouse"], "SELECT d.source_file, v.field, CAST(v.value_numeric AS DOUBLE) "
                                      "FROM marts.fct_reported_value v JOIN marts.dim_document d USING (document_id) "
                                      "WHERE v.field IN ('expenditure_total', 'revenue_total', 'three_public_total')")
    assert rows, "no headline totals reached the warehouse"
    for source_file, field, value in rows:
        truth = {f["field"]: f["value"] for f in corpus["truths"][source_file]["facts"]}
        assert truth.get(field) == pytest.approx(value, abs=0.005), (source_file, field)


def test_second_run_over_the_same_inbox_loads_nothing_and_says_so(second_run) -> None:
    result = second_run["result"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "loaded 0" in result.stdout
    assert "unchanged" in result.stdout


def test_second_run_leaves_the_marts_unchanged(second_run, corpus: dict, marts_after_first: dict) -> None:
    assert query(corpus["warehouse"], "SELECT * EXCLUDE (_loaded_at, _run_id) FROM marts.dim_document "
                                      "ORDER BY document_id") == marts_after_first["documents"]
    assert query(corpus["warehouse"], "SELECT * FROM marts.fct_reported_value ORDER BY ALL") == \
        marts_after_first["values"]


def test_a_reader_holding_the_published_file_sees_no_error_during_a_publish(second_run) -> None:
    assert "errors=0" in second_run["reader"], second_run["reader"]
    assert "ok=0" not in second_run["reader"]
