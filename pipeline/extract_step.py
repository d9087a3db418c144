"""Run the extractor over one batch and write a landing file; never touch the database.

Extraction tasks run in parallel (mapped in Airflow, on Celery workers in production), so
they write their results to files: `landing/<run>/batch-NNNNN.jsonl`, written to a temporary
name and renamed, so a landing file that exists is complete and a re-run simply rewrites it.
The original bytes are archived by sha256 so the archive can be re-extracted later.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.discover import InboxFile, read_manifest
from pipeline.faults import maybe_crash
from pipeline.isolation import Failure, map_isolated

log = logging.getLogger(__name__)


def landing_file(settings: Settings, run_id: str, batch_no: int) -> Path:
    return settings.landing_dir(run_id) / f"batch-{batch_no:05d}.jsonl"


def archive_path(settings: Settings, sha256: str, file_name: str) -> Path:
    suffix = Path(file_name).suffix.lower()[:10]
    return settings.archive / sha256[:2] / f"{sha256}{suffix}"


def _archive(settings: Settings, sha256: str, file_name: str, data: bytes) -> None:
    """Keep the original once; identical content is never written twice."""
    target = archive_path(settings, sha256, file_name)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _rejected(entry: InboxFile, sha256: str | None, reason: str) -> dict[str, Any]:
    from extract import EXTRACTOR_VERSION

    return {
        "file": entry.source_path, "sha256": sha256, "status": "rejected", "reason": reason,
        "extractor_version": EXTRACTOR_VERSION, "document": {}, "facts": [], "conflicts": [],
        "line_items": [], "indicators": [], "projects": [], "problems": [], "remedies": [],
        "warnings": [],
    }


def extract_entry(settings: Settings, entry: InboxFile) -> dict[str, Any]:
    """Extract one inbox file; every failure becomes a rejected record with a reason."""
    from extract import extract_bytes

    path = Path(entry.source_path)
    try:
        size = path.stat().st_size
    except OSError as err:
        return _rejected(entry, entry.sha256, f"file_vanished: {entry.file_name} disappeared before extraction ({err})")
    if size > settings.max_file_bytes:
        return _rejected(
            entry, entry.sha256,
            f"file_too_large: {entry.file_name} is {size} bytes, over the limit of {settings.max_file_bytes}; "
            "split the report or raise FISCAL_MAX_FILE_BYTES",
        )
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if sha != entry.sha256:
        return _rejected(
            entry, sha,
            f"file_changed_during_run: {entry.file_name} changed after discovery; it will be read on the next run",
        )
    _archive(settings, sha, entry.file_name, data)
    result = extract_bytes(data, entry.file_name)
    result["file"] = entry.source_path
    result["sha256"] = sha
    return result


def _warm_up_parent() -> None:
    """Build the extractor's tables here once, so that every forked worker inherits them
    instead of rebuilding them (≈ 0.3 s per worker per batch). Never fatal: cold workers work."""
    try:
        from extract.warmup import warm_up

        warm_up()
    except Exception as err:  # a broken warm-up must not stop extraction; the workers warm themselves
        log.warning("extractor warm-up failed", extra={"error": f"{type(err).__name__}: {err}"})


def run_batch(settings: Settings, run_id: str, batch_no: int) -> str:
    """Extract batch `batch_no` of the run's manifest into its landing file; return its path.

    Files are read in isolated worker processes (all cores, per-file time and memory limits):
    a file that hangs or explodes is quarantined with the reason, the batch goes on.
    """
    manifest = read_manifest(settings, run_id)
    by_seq = manifest.by_seq()
    entries = [by_seq[seq] for seq in manifest.batches[batch_no]]
    out = landing_file(settings, run_id, batch_no)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    counts = {"ok": 0, "rejected": 0}
    records: dict[int, dict[str, Any]] = {}
    _warm_up_parent()
    work = functools.partial(extract_entry, settings)
    for index, result in map_isolated(work, entries, workers=settings.extract_workers,
                                      timeout_s=settings.extract_timeout_s,
                                      memory_bytes=settings.extract_memory_mb << 20):
        entry = entries[index]
        if isinstance(result, Failure):
            log.warning("extraction failed", extra={"file": entry.source_path, "code": result.code})
            result = _rejected(entry, entry.sha256, f"{result.code}: {entry.file_name}: {result.message}")
        records[index] = result
    with tmp.open("w", encoding="utf-8") as handle:
        for index, entry in enumerate(entries):
            record = records[index]
            record["seq"] = entry.seq
            record["source_path"] = entry.source_path
            record["file_name"] = entry.file_name
            status = record.get("status", "rejected")
            counts[status] = counts.get(status, 0) + 1
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    maybe_crash("extract_before_landing_rename")
    os.replace(tmp, out)
    log.info("batch extracted", extra={"run_id": run_id, "batch": batch_no, **counts})
    return str(out)
