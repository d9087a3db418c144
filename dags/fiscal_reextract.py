"""Re-extraction: read the archive again with the current extractor and report what changed.

Triggered by hand (or by CI after an extractor release). Plans a manifest of archived
originals, runs the same extract → load → gate → promote steps as ingestion, then records a
field-by-field diff in `meta.reextract_changes` and emits the raw asset, so
`fiscal_warehouse` rebuilds and republishes the marts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, Metadata, dag, get_current_context, task

from pipeline.notify import on_failure
from pipeline.orchestration import RAW_ASSET_URI, REEXTRACT_DAG_ID, WRITER_POOL

RAW_ASSET = Asset(RAW_ASSET_URI)


def _settings():
    from pipeline.config import load_settings

    return load_settings()


def _run_id() -> str:
    return get_current_context()["run_id"]


@dag(
    dag_id=REEXTRACT_DAG_ID,
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0, "on_failure_callback": on_failure},
    on_failure_callback=on_failure,
    tags=["fiscal"],
    doc_md=__doc__,
)
def fiscal_reextract():
    @task(pool=WRITER_POOL, retries=3, retry_delay=timedelta(seconds=10), retry_exponential_backoff=True)
    def plan() -> list[int]:
        from pipeline.reextract import plan as plan_step

        return plan_step(_settings(), _run_id())

    @task(retries=2, retry_delay=timedelta(seconds=5))
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
    def snapshot(_gated: dict) -> int:
        from pipeline.reextract import snapshot as snapshot_step

        return snapshot_step(_settings(), _run_id())

    @task(pool=WRITER_POOL)
    def promote(_snap: int) -> dict:
        from pipeline.steps import step_promote

        return step_promote(_settings(), _run_id())

    @task(pool=WRITER_POOL, outlets=[RAW_ASSET])
    def report_changes(_promoted: dict):
        from pipeline.reextract import diff, format_diff
        from pipeline.steps import step_close_books

        counts = step_close_books(_settings(), _run_id())
        changes = diff(_settings(), _run_id())
        print(format_diff(changes))
        yield Metadata(RAW_ASSET, {"ingest_run_id": _run_id(), "reextract": True, "files_seen": counts["files_seen"],
                                   **{k: changes[k] for k in ("added", "changed", "removed")}})

    batches = plan()
    report_changes(promote(snapshot(gate(load(extract.expand(batch_no=batches))))))


fiscal_reextract()
