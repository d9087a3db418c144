"""Kill -9 at every crash-sensitive point: the published warehouse stays the last good one, and the
next run converges to the state of an uninterrupted run (no duplicate rows, balanced books).

Long (two pipeline runs per point): marked `faults`, run by `make test-faults` and by CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.faults import POINTS
from synth import write_corpus

pytestmark = [pytest.mark.faults, pytest.mark.slow]
REPO_ROOT = Path(__file__).resolve().parent.parent


def run(inbox: Path, warehouse: Path, state: Path, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["FISCAL_STATE"] = str(state)
    env.pop("FISCAL_FAULT", None)
    if fault:
        env["FISCAL_FAULT"] = fault
    return subprocess.run([sys.executable, "-m", "pipeline.run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """The content analysts see, without run ids and timestamps."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            "documents": con.execute("SELECT document_id, department_name, fiscal_year, report_type "
                                     "FROM marts.dim_document ORDER BY ALL").fetchall(),
            "values": con.execute("SELECT document_id, field, value_numeric, value_text FROM marts.fct_reported_value "
                                  "ORDER BY ALL").fetchall(),
            "ledger": con.execute("SELECT sha256, status FROM meta.ingest_ledger ORDER BY ALL").fetchall(),
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A first batch already published, a second batch waiting, and the uninterrupted reference."""
    root = tmp_path_factory.mktemp("faults")
    files = write_corpus(root / "corpus", 8, seed=5, formats=["txt", "html"])
    first, second = files[:4], files[4:]
    base_inbox = root / "base" / "inbox"
    base_inbox.mkdir(parents=True)
    for f in first:
        shutil.copy(f, base_inbox / f.name)
    base = run(base_inbox, root / "base" / "warehouse" / "fiscal.duckdb", root / "base" / "state")
    assert base.returncode == 0, base.stdout[-2000:] + base.stderr[-2000:]
    ref_inbox = root / "ref" / "inbox"
    shutil.copytree(base_inbox, ref_inbox)
    for f in second:
        shutil.copy(f, ref_inbox / f.name)
    ref = run(ref_inbox, root / "ref" / "warehouse" / "fiscal.duckdb", root / "ref" / "state")
    assert ref.returncode == 0, ref.stdout[-2000:] + ref.stderr[-2000:]
    return {"root": root, "second": second, "base_snapshot": snapshot(root / "base" / "warehouse" / "fiscal.duckdb"),
            "reference": snapshot(root / "ref" / "warehouse" / "fiscal.duckdb")}


@pytest.mark.parametrize("point", POINTS)
def test_kill_at_point_keeps_the_last_good_warehouse_and_the_next_run_converges(world: dict, point: str) -> None:
    case = world["root"] / point
    shutil.copytree(world["root"] / "base", case, symlinks=True)
    inbox, warehouse, state = case / "inbox", case / "warehouse" / "fiscal.duckdb", case / "state"
    for f in world["second"]:
        shutil.copy(f, inbox / f.name)

    crashed = run(inbox, warehouse, state, fault=point)
    assert crashed.returncode != 0, f"the fault {point} did not stop the run"
    if point != "publish_before_parquet":
        assert snapshot(warehouse) == world["base_snapshot"], "readers must still see the last good warehouse"
    else:
        snapshot(warehouse)  # the new copy was swapped in whole; it must open

    recovered = run(inbox, warehouse, state)
    assert recovered.returncode == 0, recovered.stdout[-3000:] + recovered.stderr[-3000:]
    assert snapshot(warehouse) == world["reference"]


READER = """
import signal, sys, time, duckdb
path, ok, errors, stopping = sys.argv[1], 0, [], []
# The handler only sets a flag: DuckDB runs Python signal handlers inside its own calls and turns
# an exception raised there (sys.exit) into an InterruptException, which would be swallowed below.
signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
while not stopping:
    try:
        con = duckdb.connect(path, read_only=True)   # the way a BI tool holds a connection
        n, s = con.execute("SELECT count(*), sum(v) FROM marts.t").fetchone()
        assert s == n * (n - 1) // 2, f"half-built state: {n} rows, sum {s}"
        con.close(); ok += 1
    except Exception as err:
        if not stopping:
            errors.append(repr(err))
print(f"ok={ok} errors={len(errors)} {errors[:3]}", flush=True)
"""


def test_read_only_connections_see_no_error_during_fifty_publishes(tmp_path: Path) -> None:
    from pipeline.config import Settings
    from pipeline.publish import publish

    settings = Settings(inbox=tmp_path, warehouse=tmp_path / "pub" / "fiscal.duckdb", state=tmp_path / "state")
    settings.work_db.parent.mkdir(parents=True)

    def build(rows: int) -> None:
        con = duckdb.connect(str(settings.work_db))
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute("CREATE OR REPLACE TABLE marts.t AS SELECT range AS v FROM range(?)", [rows])
        con.close()

    build(1000)
    publish(settings, "p0")
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(settings.warehouse)], stdout=subprocess.PIPE,
                                text=True) for _ in range(2)]
    try:
        for i in range(1, 51):
            build(1000 + i * 37)
            publish(settings, f"p{i}")
    finally:
        outputs = []
        for reader in readers:
            reader.terminate()
            outputs.append(reader.communicate(timeout=30)[0])
    for out in outputs:
        assert "errors=0" in out, out
        assert "ok=0 " not in out
