"""Ingestion: inbox files → extracted facts → validated `raw` tables, with the books kept.

Thin on purpose: every step is a function in `pipeline.steps` that tests call directly, and
nothing heavy is imported at parse time. When validated documents reach `raw`, the run emits
the `fiscal://warehouse/raw` asset, which schedules `fiscal_warehouse` (dbt build → publish).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, Metadata, Param, dag, get_current_context, task

from pipeline.notify import on_failure
from pipeline.orchestration import INGEST_DAG_ID, RAW_ASSET_URI, WRITER_POOL

RAW_ASSET = Asset(RAW_ASSET_URI)


def _settings():
    from pipeline.config import load_settings

    params = get_current_context()["params"]
    return load_settings(inbox=params.get("inbox") or None, warehouse=params.get("warehouse") or None)


def _run_id() -> str:
    return get_current_context()["run_id"]


@dag(
    dag_id=INGEST_DAG_ID,
    schedule=os.environ.get("FISCAL_INGEST_SCHEDULE", "@hourly"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0, "on_failure_callback": on_failure},
    on_failure_callback=on_failure,
    params={
        "inbox": Param("", type="string", description="Inbox folder (default FISCAL_INBOX or data/inbox)"),
        "warehouse": Param("", type="string", description="Published DuckDB file (default FISCAL_WAREHOUSE)"),
    },
    tags=["fiscal"],
    doc_md=__doc__,
)
def fiscal_ingest():
    # Lock contention on the work file is transient: retry with backoff.
    @task(pool=WRITER_POOL, retries=3, retry_delay=timedelta(seconds=10), retry_exponential_backoff=True)
    def discover() -> list[int]:
        from pipeline.steps import step_discover

        return step_discover(_settings(), _run_id())

    # A corrupt file never raises (it is quarantined); a retry only helps a lost worker or I/O hiccup.
    @task(retries=2, retry_delay=timedelta(seconds=5), retry_exponential_backoff=True)
    def extract(batch_no: int) -> str:
        from pipeline.steps import step_extract

        return step_extract(_settings(), _run_id(), batch_no)

    @task(pool=WRITER_POOL, trigger_rule="none_failed", retries=2, retry_delay=timedelta(seconds=10))
    def load(_landed: list[str] | None = None) -> dict:
        from pipeline.steps import step_load

        return step_load(_settings(), _run_id())

    @task(pool=WRITER_POOL)
    def gate(_loaded: dict) -> dict:
        from pipeline.steps import step_gate

        return step_gate(_settings(), _run_id())

    @task(pool=WRITER_POOL)
    def promote(_gated: dict) -> dict:
        from pipeline.steps import step_promote

        return step_promote(_settings(), _run_id())

    @task(pool=WRITER_POOL, outlets=[RAW_ASSET])
    def close_books(_promoted: dict):
        from pipeline.steps import step_close_books

        counts = step_close_books(_settings(), _run_id())
        print(f"ingestion books closed: {counts}")
        yield Metadata(RAW_ASSET, {"ingest_run_id": _run_id(), **{k: v for k, v in counts.items() if k != "run_id"}})

    batches = discover()
    landed = extract.expand(batch_no=batches)
    close_books(promote(gate(load(landed))))


fiscal_ingest()
