"""Ingestion: inbox files → extracted facts → validated `raw` tables, with the books kept.

Thin on purpose: every step is a function in `pipeline.steps` that tests call directly, and
nothing heavy is imported at parse time. When validated documents reach `raw`, the run emits
the `fiscal://warehouse/raw` asset, which schedules `fiscal_warehouse` (dbt build → publish).
"""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import Asset, Metadata, Param, dag, task

from pipeline.airflow_tasks import DAG_DEFAULTS, extract, gate, load, promote, run_id, settings
from pipeline.orchestration import INGEST_DAG_ID, RAW_ASSET_URI, WRITER_POOL

RAW_ASSET = Asset(RAW_ASSET_URI)


@dag(
    dag_id=INGEST_DAG_ID,
    schedule=os.environ.get("FISCAL_INGEST_SCHEDULE", "@hourly"),
    params={
        "inbox": Param("", type="string", description="Inbox folder (default FISCAL_INBOX or data/inbox)"),
        "warehouse": Param("", type="string", description="Published DuckDB file (default FISCAL_WAREHOUSE)"),
    },
    doc_md=__doc__,
    **DAG_DEFAULTS,
)
def fiscal_ingest():
    # Lock contention on the work file is transient: retry with backoff.
    @task(pool=WRITER_POOL, retries=3, retry_delay=timedelta(seconds=10), retry_exponential_backoff=True)
    def discover() -> list[int]:
        from pipeline.steps import step_discover

        return step_discover(settings(), run_id())

    @task(pool=WRITER_POOL, outlets=[RAW_ASSET])
    def close_books(_promoted: dict):
        from pipeline.steps import step_close_books

        counts = step_close_books(settings(), run_id())
        print(f"ingestion books closed: {counts}")
        yield Metadata(RAW_ASSET, {"ingest_run_id": run_id(), **{k: v for k, v in counts.items() if k != "run_id"}})

    close_books(promote(gate(load(extract.expand(batch_no=discover())))))


fiscal_ingest()
