"""Re-extraction: read the archive again with the current extractor and report what changed.

Triggered by hand (or after an extractor release). Plans a manifest of archived originals,
runs the same extract → load → gate → promote tasks as ingestion, then records a
field-by-field diff in `meta.reextract_changes` and emits the raw asset, so
`fiscal_warehouse` rebuilds and republishes the marts.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Asset, Metadata, dag, task

from pipeline.airflow_tasks import DAG_DEFAULTS, extract, gate, load, promote, run_id, settings
from pipeline.orchestration import RAW_ASSET_URI, REEXTRACT_DAG_ID, WRITER_POOL

RAW_ASSET = Asset(RAW_ASSET_URI)


@dag(
    dag_id=REEXTRACT_DAG_ID,
    schedule=None,
    doc_md=__doc__,
    **DAG_DEFAULTS,
)
def fiscal_reextract():
    @task(pool=WRITER_POOL, retries=3, retry_delay=timedelta(seconds=10), retry_exponential_backoff=True)
    def plan() -> list[int]:
        from pipeline.reextract import plan as plan_step

        return plan_step(settings(), run_id())

    @task(pool=WRITER_POOL)
    def snapshot(_gated: dict) -> int:
        from pipeline.reextract import snapshot as snapshot_step

        return snapshot_step(settings(), run_id())

    @task(pool=WRITER_POOL, outlets=[RAW_ASSET])
    def report_changes(_promoted: dict):
        from pipeline.reextract import diff, format_diff
        from pipeline.steps import step_close_books

        counts = step_close_books(settings(), run_id())
        changes = diff(settings(), run_id())
        print(format_diff(changes))
        yield Metadata(RAW_ASSET, {"ingest_run_id": run_id(), "reextract": True, "files_seen": counts["files_seen"],
                                   **{k: changes[k] for k in ("added", "changed", "removed")}})

    report_changes(promote(snapshot(gate(load(extract.expand(batch_no=plan()))))))


fiscal_reextract()
