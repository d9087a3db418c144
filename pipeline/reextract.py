"""Re-extraction: run an improved extractor over the archive and report what changed.

The archive keeps every original file by sha256, so when the extractor improves the
already-seen files can be read again: the plan step writes a manifest of archived files
(the current documents and the files the reader once refused), the ordinary extract → load
→ gate → promote steps replace their rows, and the diff step compares the facts before and
after, field by field (added, changed, removed), into `meta.reextract_changes`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.db import reader, writer
from pipeline.discover import InboxFile, Manifest, write_manifest
from pipeline.extract_step import archive_path

log = logging.getLogger(__name__)

SNAPSHOT_DDL = """
CREATE TABLE IF NOT EXISTS meta.reextract_snapshot (
    run_id VARCHAR NOT NULL, document_id VARCHAR NOT NULL, field VARCHAR NOT NULL,
    value_numeric DECIMAL(24, 6), value_text VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.reextract_changes (
    run_id VARCHAR NOT NULL, document_id VARCHAR NOT NULL, field VARCHAR NOT NULL,
    change VARCHAR NOT NULL,            -- added | changed | removed
    old_value VARCHAR, new_value VARCHAR, extractor_version VARCHAR, changed_at TIMESTAMP NOT NULL
);
"""


def plan(settings: Settings, run_id: str) -> list[int]:
    """Manifest of archived files to read again; returns the batch numbers."""
    with reader(settings.work_db) as con:
        rows = [] if con is None else con.execute(
            "SELECT sha256, file_name, size_bytes FROM meta.ingest_ledger "
            "WHERE status = 'loaded' OR (status = 'quarantined' AND document_id IS NULL) ORDER BY sha256"
        ).fetchall()
    manifest = Manifest(run_id=run_id, inbox=str(settings.archive), created_at=datetime.now(UTC).isoformat())
    for seq, (sha, name, size) in enumerate(rows):
        path = archive_path(settings, sha, name)
        entry = InboxFile(seq=seq, source_path=str(path), file_name=name, size_bytes=size, mtime=None,
                          sha256=sha, action="extract" if path.exists() else "refused")
        if not path.exists():
            entry.reason = f"archived_original_missing: {path} is gone; the file cannot be re-extracted"
        manifest.files.append(entry)
    todo = [f.seq for f in manifest.files if f.action == "extract"]
    size = max(1, settings.batch_size)
    manifest.batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    write_manifest(settings, manifest)
    from pipeline.steps import record_run_start

    record_run_start(settings, run_id, f"re-extraction of {settings.archive}", len(manifest.files))
    log.info("re-extraction planned", extra={"run_id": run_id, "files": len(manifest.files)})
    return list(range(len(manifest.batches)))


def snapshot(settings: Settings, run_id: str) -> int:
    """Keep the facts as they are before promotion replaces them (idempotent per run)."""
    with writer(settings.work_db) as con:
        con.execute(SNAPSHOT_DDL)
        con.execute("DELETE FROM meta.reextract_snapshot WHERE run_id = ?", [run_id])
        con.execute(
            "INSERT INTO meta.reextract_snapshot SELECT ?, document_id, field, value_numeric, value_text "
            "FROM raw.facts WHERE document_id IN (SELECT document_id FROM incoming.files WHERE run_id = ?)",
            [run_id, run_id],
        )
        return con.execute("SELECT count(*) FROM meta.reextract_snapshot WHERE run_id = ?", [run_id]).fetchone()[0]


def _render(num: Any, text: Any) -> str | None:
    if num is not None:
        return format(num, "f").rstrip("0").rstrip(".") if "." in format(num, "f") else format(num, "f")
    return None if text is None else str(text)


def diff(settings: Settings, run_id: str) -> dict[str, Any]:
    """Field-by-field changes between the snapshot and the promoted facts of this run's documents."""
    from extract import EXTRACTOR_VERSION

    now = datetime.now(UTC).replace(tzinfo=None)
    with writer(settings.work_db) as con:
        con.execute(SNAPSHOT_DDL)
        con.execute("DELETE FROM meta.reextract_changes WHERE run_id = ?", [run_id])
        rows = con.execute(
            """
            WITH docs AS (SELECT document_id FROM incoming.files WHERE run_id = ? AND document_id IS NOT NULL),
            old AS (SELECT document_id, field, value_numeric, value_text FROM meta.reextract_snapshot
                    WHERE run_id = ?),
            new AS (SELECT document_id, field, value_numeric, value_text FROM raw.facts
                    WHERE document_id IN (SELECT document_id FROM docs))
            SELECT coalesce(o.document_id, n.document_id), coalesce(o.field, n.field),
                   o.value_numeric, o.value_text, n.value_numeric, n.value_text
            FROM old o FULL OUTER JOIN new n USING (document_id, field)
            WHERE o.field IS NULL OR n.field IS NULL
               OR o.value_numeric IS DISTINCT FROM n.value_numeric OR o.value_text IS DISTINCT FROM n.value_text
            ORDER BY 1, 2
            """,
            [run_id, run_id],
        ).fetchall()
        counts = {"added": 0, "changed": 0, "removed": 0}
        by_field: dict[str, dict[str, int]] = {}
        for doc_id, field, old_num, old_text, new_num, new_text in rows:
            old, new = _render(old_num, old_text), _render(new_num, new_text)
            change = "added" if old is None and old_text is None and old_num is None else (
                "removed" if new is None and new_text is None and new_num is None else "changed")
            counts[change] += 1
            by_field.setdefault(field, {"added": 0, "changed": 0, "removed": 0})[change] += 1
            con.execute("INSERT INTO meta.reextract_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, doc_id, field, change, old, new, EXTRACTOR_VERSION, now])
    log.info("re-extraction diff", extra={"run_id": run_id, **counts})
    return {"run_id": run_id, **counts, "by_field": by_field}


def format_diff(result: dict[str, Any]) -> str:
    lines = [f"Re-extraction {result['run_id']}: {result['added']} values added, {result['changed']} changed, "
             f"{result['removed']} removed"]
    for field, c in sorted(result["by_field"].items()):
        lines.append(f"  {field}: +{c['added']} ~{c['changed']} -{c['removed']}")
    return "\n".join(lines)


def archived_files(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.archive.glob("*/*") if not p.name.endswith(".tmp"))
