"""The ingestion run as plain functions, one per DAG task.

`dags/fiscal_ingest.py` only wires these together; tests call them directly. Each step is
idempotent for a given run id: it can be re-run or cleared in Airflow and converges to the
same state. Steps that touch the work database must run in the one-slot `duckdb_writer` pool.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.build import build_warehouse
from pipeline.config import Settings
from pipeline.db import known_contents, writer
from pipeline.discover import discover, read_manifest, write_manifest
from pipeline.extract_step import run_batch
from pipeline.faults import maybe_crash
from pipeline.load import load_incoming
from pipeline.promote import promote
from pipeline.publish import publish

log = logging.getLogger(__name__)


class LedgerImbalance(RuntimeError):
    """Files seen ≠ loaded + quarantined + duplicate: something was lost; do not publish."""


class AuditFailed(RuntimeError):
    """The marts failed their audit; the previously published warehouse stays in place."""


def record_run_start(settings: Settings, run_id: str, source: str, files_seen: int) -> None:
    """A run records its id, the extractor version and (later) its counts in `meta.runs`."""
    from extract import EXTRACTOR_VERSION

    with writer(settings.work_db) as con:
        con.execute(
            "INSERT INTO meta.runs (run_id, started_at, status, extractor_version, inbox, files_seen) "
            "VALUES (?, ?, 'running', ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET status = 'running', "
            "files_seen = excluded.files_seen, extractor_version = excluded.extractor_version",
            [run_id, datetime.now(UTC).replace(tzinfo=None), EXTRACTOR_VERSION, source, files_seen],
        )


def step_discover(settings: Settings, run_id: str) -> list[int]:
    """Write the run's manifest; return the batch numbers to extract."""
    manifest = discover(settings, run_id, known_contents(settings.work_db))
    write_manifest(settings, manifest)
    record_run_start(settings, run_id, str(settings.inbox), len(manifest.files))
    return list(range(len(manifest.batches)))


def step_extract(settings: Settings, run_id: str, batch_no: int) -> str:
    return run_batch(settings, run_id, batch_no)


def step_load(settings: Settings, run_id: str) -> dict[str, int]:
    """Stage every landing file of the run (all batches, whatever task produced them)."""
    manifest = read_manifest(settings, run_id)
    from pipeline.extract_step import landing_file

    files = [str(landing_file(settings, run_id, n)) for n in range(len(manifest.batches))]
    missing = [f for f in files if not Path(f).exists()]
    if missing:
        raise FileNotFoundError(f"landing files missing for run {run_id}: {missing[:3]}; re-run the extract tasks")
    return load_incoming(settings, run_id, files)


def step_gate(settings: Settings, run_id: str) -> dict[str, Any]:
    """Validate `incoming` with the Great Expectations suites; record verdicts in `meta`."""
    with writer(settings.work_db) as con:
        batch = con.execute("SELECT count(*) FROM incoming.documents WHERE _run_id = ?", [run_id]).fetchone()[0]
        if batch == 0:
            # Nothing new to judge: skip loading Great Expectations (seconds of import) and say so.
            con.execute("DELETE FROM meta.validation_runs WHERE run_id = ? AND stage = 'incoming'", [run_id])
            con.execute(
                "INSERT INTO meta.validation_runs VALUES (?, ?, 'incoming_batch', 'incoming', true, 0, 0, 0, ?, ?, ?)",
                [f"{run_id}:incoming:empty", run_id, datetime.now(UTC).replace(tzinfo=None),
                 datetime.now(UTC).replace(tzinfo=None), '{"note": "no new documents in this run"}'],
            )
            return {"quarantined": 0, "warnings": 0, "success": True, "documents": 0}
        from pipeline.gate import validate_batch

        result = validate_batch(con, run_id, data_docs_dir=settings.data_docs)
        maybe_crash("gate_after_validation")
    return {"quarantined": len(result.quarantined), "warnings": len(result.warnings), "success": result.success,
            "documents": batch}


def step_promote(settings: Settings, run_id: str) -> dict[str, int]:
    return promote(settings, run_id)


def step_build(settings: Settings, run_id: str) -> dict[str, Any]:
    """`dbt build`, unless neither the raw data nor the dbt project changed since the last build."""
    from pipeline.build import build_fingerprint, record_build

    fingerprint = build_fingerprint(settings)
    if fingerprint.unchanged:
        return {"skipped": True, "reason": "raw tables and dbt project unchanged since the last build"}
    counts: dict[str, Any] = dict(build_warehouse(settings, full_refresh=fingerprint.project_changed))
    if fingerprint.project_changed:
        counts["full_refresh"] = "the dbt project changed since the last build"
    record_build(settings, run_id, fingerprint)
    return counts


def step_close_books(settings: Settings, run_id: str) -> dict[str, Any]:
    """Check the run's ledger balances and record its counts; a run that does not balance fails."""
    with writer(settings.work_db) as con:
        return close_books(con, settings, run_id)


def step_audit(settings: Settings, run_id: str) -> dict[str, Any]:
    """Audit the marts before publishing (write–audit–publish)."""
    from pipeline.gate import audit_marts

    with writer(settings.work_db) as con:
        audit = audit_marts(con, run_id, data_docs_dir=settings.data_docs)
    if not audit.success:
        raise AuditFailed(f"mart audit failed for build {run_id}: {audit.quarantined or audit.warnings}")
    return {"success": True, "warnings": len(audit.warnings)}


def close_books(con: Any, settings: Settings, run_id: str) -> dict[str, Any]:
    """Every file of the manifest has exactly one arrival row; record the run's counts."""
    manifest = read_manifest(settings, run_id)
    rows = dict(con.execute(
        "SELECT outcome, count(*) FROM meta.file_arrivals WHERE run_id = ? GROUP BY outcome", [run_id]
    ).fetchall())
    seen = len(manifest.files)
    loaded, quarantined, duplicate = (rows.get(k, 0) for k in ("loaded", "quarantined", "duplicate"))
    previously = sum(1 for f in manifest.files if f.action == "known")
    superseded = con.execute(
        "SELECT count(*) FROM meta.ingest_ledger WHERE status = 'superseded' AND run_id = ?", [run_id]
    ).fetchone()[0]
    warnings = con.execute(
        "SELECT count(DISTINCT document_id) FROM meta.validation_results "
        "WHERE run_id = ? AND severity = 'warning' AND NOT success", [run_id]
    ).fetchone()[0]
    counts = {
        "run_id": run_id, "files_seen": seen, "loaded": loaded, "quarantined": quarantined,
        "duplicates": duplicate, "previously_ingested": previously, "superseded": superseded,
        "documents_with_warnings": warnings,
    }
    if loaded + quarantined + duplicate != seen or sum(rows.values()) != seen:
        con.execute("UPDATE meta.runs SET status = 'failed' WHERE run_id = ?", [run_id])
        raise LedgerImbalance(
            f"run {run_id}: files seen {seen} != loaded {loaded} + quarantined {quarantined} "
            f"+ duplicate {duplicate}; outcomes {rows}"
        )
    con.execute(
        "UPDATE meta.runs SET finished_at = ?, status = 'succeeded', files_new = ?, loaded = ?, quarantined = ?, "
        "duplicates = ?, already_loaded = ?, superseded = ?, warnings = ?, summary_json = ? WHERE run_id = ?",
        [datetime.now(UTC).replace(tzinfo=None), seen - previously, loaded, quarantined, duplicate, previously,
         superseded, warnings, json.dumps(counts, ensure_ascii=False), run_id],
    )
    return counts


def step_publish(settings: Settings, run_id: str) -> str:
    return str(publish(settings, run_id))


def step_summary(settings: Settings, run_id: str) -> dict[str, Any]:
    """What a person wants to know after a run, read back from the published warehouse."""
    from pipeline.summary import summarise

    summary = summarise(settings, run_id)
    out = settings.run_dir(run_id) / "summary.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    log.info("run summary", extra={"summary": summary})
    return summary
