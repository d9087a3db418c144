"""The Airflow adapter: tasks shared by the ingestion and re-extraction DAGs.

The only module of `pipeline` that imports Airflow, and only DAG files import it. Each task is a
thin call into `pipeline.steps`; heavy imports happen inside the task, never at parse time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import get_current_context, task

from pipeline.notify import on_failure
from pipeline.orchestration import WRITER_POOL

#: What every fiscal DAG shares: no backfill, one run at a time, the failure callback on the DAG and each task.
DAG_DEFAULTS: dict[str, Any] = {
    "start_date": datetime(2026, 1, 1),
    "catchup": False,
    "max_active_runs": 1,
    "default_args": {"retries": 0, "on_failure_callback": on_failure},
    "on_failure_callback": on_failure,
    "tags": ["fiscal"],
}


def settings():
    """Paths for this run: the DAG params (when set) over the FISCAL_* environment."""
    from pipeline.config import load_settings

    params = get_current_context()["params"]
    return load_settings(inbox=params.get("inbox") or None, warehouse=params.get("warehouse") or None)


def run_id() -> str:
    return get_current_context()["run_id"]


# A corrupt file never raises (it is quarantined); a retry only helps a lost worker or an I/O hiccup.
@task(retries=2, retry_delay=timedelta(seconds=5), retry_exponential_backoff=True)
def extract(batch_no: int) -> str:
    from pipeline.steps import step_extract

    return step_extract(settings(), run_id(), batch_no)


# Runs even when there was nothing to extract: known files still need their arrival rows.
@task(pool=WRITER_POOL, trigger_rule="none_failed", retries=2, retry_delay=timedelta(seconds=10))
def load(_landed: list[str] | None = None) -> dict:
    from pipeline.steps import step_load

    return step_load(settings(), run_id())


# No retries: a failed expectation is a verdict, not a transient error.
@task(pool=WRITER_POOL)
def gate(_loaded: dict) -> dict:
    from pipeline.steps import step_gate

    return step_gate(settings(), run_id())


@task(pool=WRITER_POOL)
def promote(_previous: object) -> dict:
    from pipeline.steps import step_promote

    return step_promote(settings(), run_id())
