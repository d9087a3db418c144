"""Stage a run's landing files into the `incoming` schema (the batch under validation).

The loader is the only writer (Airflow pool `duckdb_writer`). It replaces `incoming.*`
wholesale each time, so a re-run or a cleared task simply stages the same rows again.
Nothing here decides what is loaded: the gate judges `incoming`, promotion decides.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.config import Settings
from pipeline.db import writer
from pipeline.discover import read_manifest
from pipeline.faults import maybe_crash

log = logging.getLogger(__name__)

INCOMING_TABLES = (
    "documents", "facts", "conflicts", "line_items", "indicators", "projects", "findings", "warnings", "files",
)


def document_id_for(sha256: str) -> str:
    """Short, stable, content-derived id (contract §4)."""
    return sha256[:16]


def document_key_for(doc: dict[str, Any]) -> str | None:
    """The logical report: department, year and type. None when identity is incomplete."""
    name = "".join(str(doc.get("department_name") or "").split())
    year = doc.get("fiscal_year")
    kind = doc.get("report_type")
    if not name or not year or not kind:
        return None
    return f"{name}|{year}|{kind}"


def _span(item: dict[str, Any]) -> tuple[int | None, int | None]:
    span = item.get("span") or [None, None]
    return (span[0], span[1]) if len(span) == 2 else (None, None)


def _num(value: Any) -> float | None:
    """Numbers only; text, booleans and NaN never reach a DECIMAL column."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    return None


def iter_landing(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def rows_from_record(record: dict[str, Any], run_id: str, loaded_at: datetime) -> dict[str, list[dict[str, Any]]]:
    """Flatten one extractor record (contract §2) into rows per incoming table."""
    lineage = {"_run_id": run_id, "_loaded_at": loaded_at}
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in INCOMING_TABLES if t != "files"}
    if record.get("status") != "ok":
        return out
    doc_id = document_id_for(record["sha256"])
    doc = record.get("document") or {}
    out["documents"].append({
        "document_id": doc_id, "sha256": record["sha256"], "file_name": record.get("file_name"),
        "source_path": record.get("source_path"), "file_format": record.get("format"),
        "encoding": record.get("encoding"), "department_name": doc.get("department_name"),
        "province": doc.get("province"), "city": doc.get("city"), "county": doc.get("county"),
        "division_code": doc.get("division_code"), "fiscal_year": doc.get("fiscal_year"),
        "report_type": doc.get("report_type"), "published_on": doc.get("published_on"),
        "title": doc.get("title"), "document_key": document_key_for(doc),
        "extractor_version": record.get("extractor_version"), "n_facts": len(record.get("facts") or []),
        "n_conflicts": len(record.get("conflicts") or []), "n_warnings": len(record.get("warnings") or []),
        **lineage,
    })
    for fact in record.get("facts") or []:
        start, end = _span(fact)
        value = fact.get("value")
        out["facts"].append({
            "document_id": doc_id, "field": fact["field"], "value_numeric": _num(value),
            "value_text": fact.get("value_text") if fact.get("value_text") is not None
            else (value if isinstance(value, str) else None),
            "unit_as_reported": fact.get("unit_as_reported"), "as_reported": fact.get("as_reported"),
            "span_start": start, "span_end": end, "page": fact.get("page"), "snippet": fact.get("snippet"),
            "ocr_confidence": _num(fact.get("ocr_confidence")), **lineage,
        })
    for conflict in record.get("conflicts") or []:
        spans = conflict.get("spans") or []
        snippets = conflict.get("snippets") or []
        for index, value in enumerate(conflict.get("values") or []):
            span = spans[index] if index < len(spans) and spans[index] else [None, None]
            out["conflicts"].append({
                "document_id": doc_id, "field": conflict["field"], "value_index": index,
                "value_numeric": _num(value), "value_text": value if isinstance(value, str) else None,
                "span_start": span[0], "span_end": span[1],
                "snippet": snippets[index] if index < len(snippets) else None, **lineage,
            })
    for line_no, item in enumerate(record.get("line_items") or []):
        start, end = _span(item)
        out["line_items"].append({
            "document_id": doc_id, "line_no": line_no, "class_name": item.get("class"),
            "section_name": item.get("section"), "item_name": item.get("item"), "code": item.get("code"),
            "amount": _num(item.get("amount")), "budget_amount": _num(item.get("budget_amount")),
            "completion_rate": _num(item.get("completion_rate")), "name_as_printed": item.get("name_as_printed"),
            "span_start": start, "span_end": end, "page": item.get("page"), "snippet": item.get("snippet"),
            "ocr_confidence": _num(item.get("ocr_confidence")), **lineage,
        })
    for line_no, item in enumerate(record.get("indicators") or []):
        start, end = _span(item)
        out["indicators"].append({
            "document_id": doc_id, "line_no": line_no, "project_name": item.get("project_name"),
            "level1": item.get("level1"), "level2": item.get("level2"), "level3": item.get("level3"),
            "target_text": item.get("target_text"), "actual_text": item.get("actual_text"),
            "target_value": _num(item.get("target_value")), "actual_value": _num(item.get("actual_value")),
            "unit": item.get("unit"), "span_start": start, "span_end": end, "snippet": item.get("snippet"),
            "ocr_confidence": _num(item.get("ocr_confidence")), **lineage,
        })
    for line_no, item in enumerate(record.get("projects") or []):
        start, end = _span(item)
        out["projects"].append({
            "document_id": doc_id, "line_no": line_no, "project_name": item.get("project_name"),
            "budget_amount": _num(item.get("budget_amount")), "executed_amount": _num(item.get("executed_amount")),
            "execution_rate": _num(item.get("execution_rate")), "score": _num(item.get("score")),
            "grade": item.get("grade"), "span_start": start, "span_end": end, "snippet": item.get("snippet"),
            "ocr_confidence": _num(item.get("ocr_confidence")), **lineage,
        })
    for kind, key in (("problem", "problems"), ("remedy", "remedies")):
        for line_no, item in enumerate(record.get(key) or []):
            start, end = _span(item)
            out["findings"].append({
                "document_id": doc_id, "kind": kind, "line_no": line_no, "text": item.get("text"),
                "span_start": start, "span_end": end, **lineage,
            })
    for warning in record.get("warnings") or []:
        start, end = _span(warning)
        out["warnings"].append({
            "document_id": doc_id, "code": warning.get("code"), "message": warning.get("message"),
            "field": warning.get("field"), "span_start": start, "span_end": end, **lineage,
        })
    return out


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Bulk insert by column name through Arrow; DuckDB casts to the declared types."""
    if not rows:
        return
    columns = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'incoming' AND table_name = ? ORDER BY ordinal_position", [table],
    ).fetchall()]
    arrays = {c: [row.get(c) for row in rows] for c in columns}
    batch = pa.table(arrays)
    con.register("_batch", batch)
    try:
        con.execute(f"INSERT INTO incoming.{table} BY NAME SELECT * FROM _batch")
    finally:
        con.unregister("_batch")


def load_incoming(settings: Settings, run_id: str, landing_files: Iterable[str]) -> dict[str, int]:
    """Replace `incoming.*` with this run's manifest and extraction results."""
    manifest = read_manifest(settings, run_id)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    extracted: dict[int, dict[str, Any]] = {}
    for record in iter_landing(Path(p) for p in landing_files):
        extracted[int(record["seq"])] = record
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in INCOMING_TABLES}
    for entry in manifest.files:
        record = extracted.get(entry.seq)
        status = reason = document_id = document_key = None
        if entry.action == "extract":
            if record is None:
                status, reason = "rejected", "not_extracted: no landing record for this file (extraction task lost?)"
            else:
                status = record.get("status")
                reason = record.get("reason")
                if status == "ok":
                    document_id = document_id_for(record["sha256"])
                    document_key = document_key_for(record.get("document") or {})
                    for table, rows in rows_from_record(record, run_id, loaded_at).items():
                        tables[table].extend(rows)
        tables["files"].append({
            "run_id": run_id, "seq": entry.seq, "source_path": entry.source_path, "file_name": entry.file_name,
            "sha256": (record or {}).get("sha256") or entry.sha256, "size_bytes": entry.size_bytes,
            "mtime": datetime.fromisoformat(entry.mtime).replace(tzinfo=None) if entry.mtime else None,
            "action": entry.action, "status": status, "reason": reason or entry.reason,
            "document_id": document_id, "document_key": document_key, "repeat_of": entry.repeat_of,
        })
    with writer(settings.work_db) as con:
        con.execute("BEGIN TRANSACTION")
        for table in INCOMING_TABLES:
            con.execute(f"DELETE FROM incoming.{table}")
            _insert(con, table, tables[table])
        maybe_crash("load_before_commit")
        con.execute("COMMIT")
    counts = {t: len(rows) for t, rows in tables.items()}
    log.info("incoming staged", extra={"run_id": run_id, **counts})
    return counts
