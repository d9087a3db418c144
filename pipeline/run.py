"""`make run`: one ingestion run through Airflow on its embedded SQLite, no servers.

Sets up Airflow's home inside the project's state folder (never ~/airflow), migrates its
metadata database when needed, makes sure the one-slot `duckdb_writer` pool exists, then
runs the `fiscal_ingest` DAG with `dag.test()` and prints the run summary.

    python -m pipeline.run [--inbox DIR] [--warehouse FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from pipeline.config import REPO_ROOT, Settings, load_settings
from pipeline.orchestration import INGEST_DAG_ID, REEXTRACT_DAG_ID, WAREHOUSE_DAG_ID, WRITER_POOL


def airflow_env(settings: Settings) -> dict[str, str]:
    """Environment for an embedded Airflow whose every file lives under the state folder."""
    home = settings.state / "airflow"
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        # The terminal shows the pipeline's own log lines and the summary; Airflow's chatter stays
        # in the task logs (raise with AIRFLOW__LOGGING__LOGGING_LEVEL=INFO when debugging).
        "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
        "FISCAL_INBOX": str(settings.inbox),
        "FISCAL_WAREHOUSE": str(settings.warehouse),
        "FISCAL_STATE": str(settings.state),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "NO_PROXY": "*",
    }


def prepare_airflow(settings: Settings) -> None:
    """Migrate the metadata DB when it is new (idempotent, ~20 s the first time)."""
    home = settings.state / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    marker = home / ".migrated"
    import airflow

    if marker.exists() and marker.read_text() == airflow.__version__:
        return
    airflow_bin = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow_bin), "db", "migrate"], check=True, env=os.environ.copy(),
                   stdout=subprocess.DEVNULL)
    marker.write_text(airflow.__version__)


def ensure_pool() -> None:
    """The single-writer pool: one slot, so only one task at a time writes DuckDB."""
    from airflow.models.pool import Pool

    Pool.create_or_update_pool(WRITER_POOL, slots=1, description="the single DuckDB writer", include_deferred=False)


def load_dags() -> dict:
    """Parse the DAGs from the dags folder exactly as the scheduler would."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO_ROOT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.dags


def run_once(settings: Settings, reextract: bool = False) -> tuple[str, dict]:
    """Ingestion then the warehouse build, each one DAG run via dag.test(); returns (state, summary).

    In a deployment the scheduler starts the warehouse DAG from the asset ingestion emits;
    here the two runs follow each other in one process with no scheduler.
    """
    os.environ.update(airflow_env(settings))
    prepare_airflow(settings)
    from airflow import settings as airflow_settings

    if airflow_settings.Session is None:
        airflow_settings.configure_orm()
    ensure_pool()
    dags = load_dags()
    if reextract:
        ingest = dags[REEXTRACT_DAG_ID].test()
    else:
        ingest = dags[INGEST_DAG_ID].test(
            run_conf={"inbox": str(settings.inbox), "warehouse": str(settings.warehouse)}
        )
    if str(ingest.state) != "success":
        return f"ingestion {ingest.state}", {}
    build = dags[WAREHOUSE_DAG_ID].test(
        run_conf={"warehouse": str(settings.warehouse), "ingest_run_id": ingest.run_id}
    )
    summary_file = settings.run_dir(ingest.run_id) / "summary.json"
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    return ("success" if str(build.state) == "success" else f"warehouse build {build.state}"), summary


class RunInProgress(RuntimeError):
    """Another run holds the state folder's lock."""


@contextlib.contextmanager
def exclusive_run(settings: Settings) -> Iterator[None]:
    """One run per state folder at a time: a second one started meanwhile exits with a clear message.

    The lock is an flock on `var/run.lock`; the kernel drops it when the holder dies, even by kill -9,
    so a crashed run never blocks the next one.
    """
    settings.state.mkdir(parents=True, exist_ok=True)
    handle = (settings.state / "run.lock").open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunInProgress(
                f"another ingestion run is in progress on {settings.state} ({holder}); "
                "wait for it to finish, or point FISCAL_STATE elsewhere"
            ) from err
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inbox", help="folder of report files (default data/inbox)")
    parser.add_argument("--warehouse", help="published DuckDB file (default warehouse/fiscal.duckdb)")
    parser.add_argument("--reextract", action="store_true",
                        help="re-extract the archive with the current extractor, rebuild and report what changed")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from pipeline.logs import configure

    configure()
    settings = load_settings(inbox=args.inbox, warehouse=args.warehouse)
    if not settings.inbox.is_dir():
        print(f"error: inbox {settings.inbox} is not a folder; pass INBOX=<folder>", file=sys.stderr)
        return 2
    try:
        with exclusive_run(settings):
            state, summary = run_once(settings, reextract=args.reextract)
    except RunInProgress as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    from pipeline.summary import format_summary

    if summary:
        print()
        print(format_summary(summary))
    if state != "success":
        print(f"error: the ingestion run ended in state {state}; see the task logs under "
              f"{settings.state / 'airflow' / 'logs'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
