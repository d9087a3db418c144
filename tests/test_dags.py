"""The DAG files parse cleanly, stay thin, and wire the steps the way the design says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DAGS = REPO_ROOT / "dags"


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("airflow_home")
    os.environ.setdefault("AIRFLOW_HOME", str(home))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_dags_import_without_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert {"fiscal_ingest", "fiscal_warehouse"} <= set(dagbag.dag_ids)


@pytest.mark.parametrize(("dag_id", "writers"), [
    ("fiscal_ingest", {"discover", "load", "gate", "promote", "close_books"}),
    ("fiscal_warehouse", {"build", "audit", "publish"}),
    ("fiscal_reextract", {"plan", "load", "gate", "snapshot", "promote", "report_changes"}),
])
def test_every_task_that_writes_duckdb_is_in_the_one_slot_pool(dagbag, dag_id: str, writers: set[str]) -> None:
    dag = dagbag.dags[dag_id]
    assert {t.task_id for t in dag.tasks if t.pool == "duckdb_writer"} == writers


def test_ingestion_runs_on_a_configurable_clock(dagbag) -> None:
    assert dagbag.dags["fiscal_ingest"].timetable.expression == "0 * * * *"  # default @hourly


def test_warehouse_build_is_driven_by_the_asset_ingestion_emits(dagbag) -> None:
    ingest, warehouse = dagbag.dags["fiscal_ingest"], dagbag.dags["fiscal_warehouse"]
    emitted = {a.uri for t in ingest.tasks for a in t.outlets}
    assert "fiscal://warehouse/raw" in emitted
    assert [a.uri for a in warehouse.timetable.asset_condition.objects] == ["fiscal://warehouse/raw"]


def test_a_corrupt_file_is_not_retried_but_lock_contention_is(dagbag) -> None:
    ingest = dagbag.dags["fiscal_ingest"]
    assert ingest.get_task("discover").retries >= 1
    assert ingest.get_task("gate").retries == 0
    assert ingest.get_task("promote").retries == 0


def test_extraction_fans_out_by_dynamic_task_mapping_outside_the_pool(dagbag) -> None:
    extract = dagbag.dags["fiscal_ingest"].get_task("extract")
    assert type(extract).__name__.endswith("MappedOperator")
    assert extract.pool != "duckdb_writer"


def test_runs_never_overlap(dagbag) -> None:
    assert dagbag.dags["fiscal_ingest"].max_active_runs == 1
    assert dagbag.dags["fiscal_warehouse"].max_active_runs == 1


def test_dag_file_import_pulls_in_no_heavy_library() -> None:
    """Parsing must stay cheap: GX, dbt, DuckDB and pandas are imported inside tasks only."""
    code = (
        "import runpy, sys; runpy.run_path(sys.argv[1]);"
        "heavy = [m for m in ('great_expectations', 'dbt', 'duckdb', 'pandas', 'extract', 'pipeline.steps')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    for dag_file in sorted(DAGS.glob("*.py")):
        out = subprocess.run([sys.executable, "-c", code, str(dag_file)], capture_output=True,
                             text=True, env=env, check=True)
        assert out.stdout.strip().splitlines()[-1:] in ([], [""]), dag_file.name


@pytest.mark.slow
def test_airflow_cli_lists_no_import_errors(tmp_path: Path) -> None:
    """`airflow dags list-import-errors` after the DAG folder is parsed into a fresh metadata DB."""
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(AIRFLOW_HOME=str(tmp_path), AIRFLOW__CORE__LOAD_EXAMPLES="False",
               AIRFLOW__CORE__DAGS_FOLDER=str(DAGS))
    airflow = str(Path(sys.executable).with_name("airflow"))

    def cli(*args: str) -> str:
        return subprocess.run([airflow, *args], env=env, capture_output=True, text=True, check=True).stdout

    def json_of(out: str) -> list:
        """Airflow logs to stdout too: the JSON is the last line that is a list."""
        lines = [line for line in out.splitlines() if line.startswith("[")]
        return json.loads(lines[-1]) if lines else []

    cli("db", "migrate")
    cli("dags", "reserialize")
    assert json_of(cli("dags", "list-import-errors", "-o", "json")) == []
    listed = {d["dag_id"] for d in json_of(cli("dags", "list", "-o", "json"))}
    assert {"fiscal_ingest", "fiscal_warehouse", "fiscal_reextract"} <= listed
