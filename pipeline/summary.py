"""A run summary a person can read: what came in, what happened to it, what the marts hold."""

from __future__ import annotations

from typing import Any

import duckdb

from pipeline.config import Settings


def summarise(settings: Settings, run_id: str) -> dict[str, Any]:
    """Counts of this run from the published copy (the one readers see)."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        run = con.execute(
            "SELECT files_seen, loaded, quarantined, duplicates, already_loaded, superseded, warnings "
            "FROM meta.runs WHERE run_id = ?", [run_id],
        ).fetchone()
        marts = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY table_name"
        ).fetchall()
        rows = {name: con.execute(f'SELECT count(*) FROM marts."{name}"').fetchone()[0] for (name,) in marts}
        quarantine = con.execute(
            "SELECT file_name, reason FROM meta.file_arrivals WHERE run_id = ? AND outcome = 'quarantined' "
            "ORDER BY file_name", [run_id],
        ).fetchall()
        changed = con.execute(
            "SELECT count(*) FROM meta.file_arrivals WHERE run_id = ? AND outcome = 'loaded'", [run_id]
        ).fetchone()[0]
    finally:
        con.close()
    keys = ("files_seen", "loaded", "quarantined", "duplicates", "previously_ingested", "superseded",
            "documents_with_warnings")
    counts = dict(zip(keys, run or (0,) * len(keys), strict=True))
    return {
        "run_id": run_id,
        "warehouse": str(settings.warehouse),
        "parquet": str(settings.parquet_dir),
        "quarantine_folder": str(settings.quarantine),
        **counts,
        "marts_changed": bool(changed) or bool(counts.get("superseded")),
        "mart_rows": rows,
        "quarantined_files": [{"file": name, "reason": reason} for name, reason in quarantine],
    }


def format_summary(summary: dict[str, Any]) -> str:
    """Plain text for the terminal and the Airflow log."""
    lines = [
        f"Run {summary['run_id']}",
        f"  files seen {summary['files_seen']}: loaded {summary['loaded']}, quarantined {summary['quarantined']}, "
        f"duplicates {summary['duplicates']} (of which already ingested earlier: {summary['previously_ingested']}); "
        f"superseded by corrected re-issues {summary['superseded']}",
        f"  documents with warnings: {summary['documents_with_warnings']}",
        "  marts: " + ("updated" if summary["marts_changed"] else "nothing new; the marts are unchanged"),
    ]
    for table, count in summary["mart_rows"].items():
        lines.append(f"    marts.{table}: {count} rows")
    if summary["quarantined_files"]:
        lines.append(f"  quarantined (reasons in meta.file_arrivals and {summary['quarantine_folder']}):")
        for item in summary["quarantined_files"][:20]:
            lines.append(f"    {item['file']}: {item['reason']}")
    lines.append(f"Warehouse (read-only): {summary['warehouse']}")
    lines.append(f"Parquet copies of the marts: {summary['parquet']}")
    return "\n".join(lines)
