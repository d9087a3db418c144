"""Ingestion: inbox files → extracted facts → gated raw tables → dbt marts → published warehouse.

Thin on purpose: every step is a function in `pipeline.steps` that tests call directly.
Nothing heavy happens at import time (the scheduler parses this file often).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, Param, dag, get_current_context, task

WRITER_POOL = "duckdb_writer"
WAREHOUSE_ASSET = Asset("fiscal://warehouse/published")


def _settings():
    from pipeline.config import load_settings

    params = get_current_context()["params"]
    return load_settings(inbox=params.get("inbox") or None, warehouse=params.get("warehouse") or None)


def _run_id() -> str:
    return get_current_context()["run_id"]


@dag(
    dag_id="fiscal_ingest",
    schedule=os.environ.get("FISCAL_INGEST_SCHEDULE", "@hourly"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0},
    params={
        "inbox": Param("", type="string", description="Inbox folder (default FISCAL_INBOX or data/inbox)"),
        "warehouse": Param("", type="string", description="Published DuckDB file (default FISCAL_WAREHOUSE)"),
    },
    tags=["fiscal"],
    doc_md=__doc__,
)
def fiscal_ingest():
    @task(pool=WRITER_POOL, retries=2, retry_delay=timedelta(seconds=10))
    def discover() -> list[int]:
        from pipeline.steps import step_discover

        return step_discover(_settings(), _run_id())

    @task(retries=1, retry_delay=timedelta(seconds=5))
    def extract(batch_no: int) -> str:
        from pipeline.steps import step_extract

        return step_extract(_settings(), _run_id(), batch_no)

    @task(pool=WRITER_POOL, trigger_rule="none_failed")
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

    @task(pool=WRITER_POOL)
    def build(_promoted: dict) -> dict:
        from pipeline.steps import step_build

        return step_build(_settings(), _run_id())

    @task(pool=WRITER_POOL)
    def audit(_built: dict) -> dict:
        from pipeline.steps import step_audit

        return step_audit(_settings(), _run_id())

    @task(pool=WRITER_POOL, outlets=[WAREHOUSE_ASSET])
    def publish(_audited: dict) -> str:
        from pipeline.steps import step_publish

        return step_publish(_settings(), _run_id())

    @task
    def summary(_published: str) -> dict:
        from pipeline.steps import step_summary
        from pipeline.summary import format_summary

        result = step_summary(_settings(), _run_id())
        print(format_summary(result))
        return result

    batches = discover()
    landed = extract.expand(batch_no=batches)
    summary(publish(audit(build(promote(gate(load(landed)))))))


fiscal_ingest()
