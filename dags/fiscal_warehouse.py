"""Warehouse build: dbt build → audit the marts → publish the read-only copy → summary.

Scheduled by the `fiscal://warehouse/raw` asset that ingestion emits, not by a clock, so
several ingestion runs that land close together are built once. A failing audit stops the
run before publishing: readers keep the last good warehouse.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from airflow.sdk import Asset, Param, dag, get_current_context, task

from pipeline.airflow_tasks import DAG_DEFAULTS, run_id, settings
from pipeline.orchestration import PUBLISHED_ASSET_URI, RAW_ASSET_URI, WAREHOUSE_DAG_ID, WRITER_POOL

RAW_ASSET = Asset(RAW_ASSET_URI)
PUBLISHED_ASSET = Asset(PUBLISHED_ASSET_URI)


def _ingest_run_ids() -> list[str]:
    """The ingestion runs this build covers: from the triggering asset events, or from conf."""
    context = get_current_context()
    ids = [str(context["params"].get("ingest_run_id") or "")]
    for events in (context.get("triggering_asset_events") or {}).values():
        ids.extend(str((event.extra or {}).get("ingest_run_id") or "") for event in events)
    return sorted({i for i in ids if i})


@dag(
    dag_id=WAREHOUSE_DAG_ID,
    schedule=[RAW_ASSET],
    params={
        "warehouse": Param("", type="string", description="Published DuckDB file (default FISCAL_WAREHOUSE)"),
        "ingest_run_id": Param("", type="string", description="Ingestion run to summarise (set by make run)"),
    },
    doc_md=__doc__,
    **DAG_DEFAULTS,
)
def fiscal_warehouse():
    @task(pool=WRITER_POOL, retries=1, retry_delay=timedelta(seconds=30))
    def build() -> dict:
        from pipeline.steps import step_build

        return step_build(settings(), run_id())

    @task(pool=WRITER_POOL)
    def audit(_built: dict) -> dict:
        from pipeline.steps import step_audit

        return step_audit(settings(), run_id())

    @task(pool=WRITER_POOL, outlets=[PUBLISHED_ASSET], retries=2, retry_delay=timedelta(seconds=10))
    def publish(_audited: dict) -> str:
        from pipeline.steps import step_publish

        return step_publish(settings(), run_id())

    @task
    def summary(_published: str) -> list[dict]:
        from pipeline.steps import step_summary
        from pipeline.summary import format_summary

        results = [step_summary(settings(), ingest_run) for ingest_run in _ingest_run_ids()]
        for result in results:
            logging.getLogger("airflow.task").info("%s", format_summary(result))  # readable in the UI's task log
        return results

    summary(publish(audit(build())))


fiscal_warehouse()
