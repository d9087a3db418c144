"""Decide each file's fate and move what passed the gate from `incoming` into `raw`.

This is where the books are kept. In one transaction it:
* quarantines what the reader rejected and what failed a critical expectation,
* recognises the same report arriving again (same department, year and type with the same
  facts, even under another name or format) as a duplicate,
* lets a corrected re-issue (same key, different facts) replace the earlier report
  explicitly: the old one is removed from `raw` and marked `superseded` in the ledger,
* copies the rest into `raw` (deleting rows of the same document first, so a re-run never
  duplicates), and writes `meta.ingest_ledger` and `meta.file_arrivals`.
A crash before COMMIT leaves everything as it was; a re-run converges.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.config import Settings
from pipeline.db import writer
from pipeline.faults import maybe_crash

log = logging.getLogger(__name__)

RAW_TABLES = ("documents", "facts", "conflicts", "line_items", "indicators", "projects", "findings", "warnings")

#: Two printed values closer than this (yuan) are the same figure at different precision
#: (fields.md §5 rule 5: two decimals of 万元 are ±50 元).
SAME_VALUE_TOLERANCE_YUAN = 50.0


@dataclass
class Outcome:
    """What happened to one arriving file in this run."""

    seq: int
    source_path: str
    file_name: str
    sha256: str | None
    size_bytes: int | None
    outcome: str  # loaded | quarantined | duplicate
    reason: str | None
    document_id: str | None = None
    document_key: str | None = None
    duplicate_of: str | None = None


@dataclass
class PromotionResult:
    outcomes: list[Outcome] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (old document_id, new document_id)

    def counts(self) -> dict[str, int]:
        result = {"files_seen": len(self.outcomes), "loaded": 0, "quarantined": 0, "duplicate": 0}
        for item in self.outcomes:
            result[item.outcome] += 1
        result["superseded"] = len(self.superseded)
        return result


def _facts_of(con: duckdb.DuckDBPyConnection, schema: str, document_ids: list[str]) -> dict[str, dict[str, Any]]:
    if not document_ids:
        return {}
    rows = con.execute(
        f"SELECT document_id, field, CAST(value_numeric AS DOUBLE), value_text FROM {schema}.facts "
        "WHERE document_id IN (SELECT unnest(?))",
        [document_ids],
    ).fetchall()
    facts: dict[str, dict[str, Any]] = defaultdict(dict)
    for doc_id, fld, num, text in rows:
        facts[doc_id][fld] = num if num is not None else text
    return facts


def same_report(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same facts wherever both state the field, and they share most of their fields.

    A field only one side states is tolerated (one format may hide a table the other shows);
    any field stated differently makes the two a different report (a corrected re-issue).
    """
    shared = set(a) & set(b)
    if not a and not b:
        return True
    if not shared or len(shared) * 2 < min(len(a), len(b)):
        return False
    for key in shared:
        x, y = a[key], b[key]
        if isinstance(x, float) and isinstance(y, float):
            tolerance = SAME_VALUE_TOLERANCE_YUAN if max(abs(x), abs(y)) >= 1000 else 1e-6
            if abs(x - y) > tolerance:
                return False
        elif x != y:
            return False
    return True


def _gate_failures(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT document_id, string_agg(detail, '; ' ORDER BY expectation) FROM meta.validation_results "
        "WHERE run_id = ? AND severity = 'critical' AND NOT success AND document_id IS NOT NULL "
        "GROUP BY document_id",
        [run_id],
    ).fetchall()
    return {doc_id: f"failed_critical_expectation: {detail}" for doc_id, detail in rows}


def _decide(con: duckdb.DuckDBPyConnection, run_id: str) -> PromotionResult:
    files = con.execute(
        "SELECT f.seq, f.source_path, f.file_name, f.sha256, f.size_bytes, f.action, f.status, f.reason, "
        "f.document_id, f.document_key, f.mtime, d.published_on FROM incoming.files f "
        "LEFT JOIN incoming.documents d USING (document_id) WHERE f.run_id = ? ORDER BY f.seq",
        [run_id],
    ).fetchall()
    gate = _gate_failures(con, run_id)
    result = PromotionResult()
    candidates: list[tuple[Any, ...]] = []
    for seq, path, name, sha, size, action, status, reason, doc_id, key, mtime, published in files:
        base = {"seq": seq, "source_path": path, "file_name": name, "sha256": sha, "size_bytes": size}
        if action == "refused":
            result.outcomes.append(Outcome(**base, outcome="quarantined", reason=reason))
        elif action in ("known", "repeat"):
            result.outcomes.append(Outcome(**base, outcome="duplicate", reason=reason))
        elif status != "ok":
            result.outcomes.append(Outcome(**base, outcome="quarantined", reason=reason or "rejected_by_reader"))
        elif doc_id in gate:
            result.outcomes.append(
                Outcome(**base, outcome="quarantined", reason=gate[doc_id], document_id=doc_id, document_key=key)
            )
        else:
            candidates.append((base, doc_id, key, published, mtime))

    # Later publications (then later files) replace earlier ones of the same report.
    candidates.sort(key=lambda c: (str(c[3] or ""), str(c[4] or ""), c[0]["seq"]))
    keys = sorted({c[2] for c in candidates if c[2]})
    current: dict[str, str] = {}
    if keys:
        current = dict(con.execute(
            "SELECT document_key, document_id FROM raw.documents WHERE document_key IN (SELECT unnest(?))", [keys],
        ).fetchall())
    raw_facts = _facts_of(con, "raw", list(current.values()))
    new_facts = _facts_of(con, "incoming", [c[1] for c in candidates])
    # A re-run of this step must tell the same story: re-issues already recorded keep their reason.
    replaced: dict[str, str] = dict(con.execute(
        "SELECT superseded_by, document_id FROM meta.ingest_ledger WHERE status = 'superseded' "
        "AND superseded_by IN (SELECT unnest(?))", [[c[1] for c in candidates]],
    ).fetchall())
    accepted: dict[str, Outcome] = {}
    for base, doc_id, key, _published, _mtime in candidates:
        holder = current.get(key) if key else None
        holder_facts = raw_facts.get(holder, {}) if holder else {}
        if holder and holder in accepted:
            holder_facts = new_facts.get(holder, {})
        if holder and holder != doc_id and same_report(new_facts.get(doc_id, {}), holder_facts):
            result.outcomes.append(Outcome(
                **base, outcome="duplicate", document_id=doc_id, document_key=key, duplicate_of=holder,
                reason=f"same report as document {holder} (same department, year, type and facts)",
            ))
            continue
        reason = f"corrected re-issue: replaces document {replaced[doc_id]}" if doc_id in replaced else None
        if holder and holder != doc_id:
            result.superseded.append((holder, doc_id))
            reason = f"corrected re-issue: replaces document {holder}"
            if holder in accepted:  # both arrived in this run: the earlier one is superseded too
                accepted[holder].reason = f"superseded within the run by {doc_id}"
        outcome = Outcome(**base, outcome="loaded", reason=reason, document_id=doc_id, document_key=key)
        accepted[doc_id] = outcome
        result.outcomes.append(outcome)
        if key:
            current[key] = doc_id
    return result


def _write_ledger(con: duckdb.DuckDBPyConnection, run_id: str, result: PromotionResult, now: datetime) -> None:
    """One arrival row per file of the run and one ledger row per new content, written in bulk."""
    superseded_by = dict(result.superseded)
    arrivals = [
        {"run_id": run_id, "source_path": o.source_path, "file_name": o.file_name, "sha256": o.sha256,
         "size_bytes": o.size_bytes, "outcome": o.outcome, "reason": o.reason, "arrived_at": now}
        for o in result.outcomes
    ]
    ledger = [
        {"sha256": o.sha256, "file_name": o.file_name, "source_path": o.source_path, "size_bytes": o.size_bytes,
         "status": "superseded" if o.document_id in superseded_by else o.outcome, "reason": o.reason,
         "document_id": o.document_id, "document_key": o.document_key, "duplicate_of": o.duplicate_of,
         "superseded_by": superseded_by.get(o.document_id), "first_run_id": run_id, "run_id": run_id,
         "first_seen_at": now, "updated_at": now}
        for o in result.outcomes
        # refused unread (no content), or content already in the ledger from an earlier run
        if o.sha256 is not None and not (o.outcome == "duplicate" and o.duplicate_of is None)
    ]
    con.execute("DELETE FROM meta.file_arrivals WHERE run_id = ?", [run_id])
    _bulk(con, "INSERT INTO meta.file_arrivals BY NAME SELECT * FROM _rows", arrivals)
    _bulk(
        con,
        """
        INSERT INTO meta.ingest_ledger BY NAME SELECT * FROM _rows
        ON CONFLICT (sha256) DO UPDATE SET status = excluded.status, reason = excluded.reason,
            document_id = excluded.document_id, document_key = excluded.document_key,
            duplicate_of = excluded.duplicate_of, superseded_by = excluded.superseded_by,
            run_id = excluded.run_id, updated_at = excluded.updated_at
        """,
        ledger,
    )
    if result.superseded:
        _bulk(
            con,
            """
            UPDATE meta.ingest_ledger AS l SET status = 'superseded', superseded_by = r.new, run_id = r.run_id,
                updated_at = r.now, reason = 'replaced by corrected re-issue ' || r.new
            FROM _rows AS r WHERE l.document_id = r.old AND l.status = 'loaded'
            """,
            [{"old": old, "new": new, "run_id": run_id, "now": now} for old, new in result.superseded],
        )


def _bulk(con: duckdb.DuckDBPyConnection, sql: str, rows: list[dict[str, Any]]) -> None:
    """Run `sql` against the rows registered as `_rows` (one statement, not one per row)."""
    if not rows:
        return
    con.register("_rows", pa.Table.from_pylist(rows))
    try:
        con.execute(sql)
    finally:
        con.unregister("_rows")


def _move_to_raw(con: duckdb.DuckDBPyConnection, result: PromotionResult) -> None:
    """Replace rows of every touched document; superseded reports leave `raw`."""
    superseded = {old for old, _new in result.superseded}
    loaded = {o.document_id for o in result.outcomes if o.outcome == "loaded" and o.document_id}
    removed = sorted(superseded | loaded)
    keep = sorted(loaded - superseded)
    for table in RAW_TABLES:
        if removed:
            con.execute(
                f"DELETE FROM raw.{table} WHERE document_id IN (SELECT unnest(?))", [removed]
            )
        if keep:
            con.execute(
                f"INSERT INTO raw.{table} BY NAME SELECT * FROM incoming.{table} "
                "WHERE document_id IN (SELECT unnest(?))",
                [keep],
            )


def _copy_to_quarantine(settings: Settings, result: PromotionResult) -> None:
    """A quarantined file gets a copy and a reason file a person can read and act on."""
    for item in result.outcomes:
        if item.outcome != "quarantined":
            continue
        source = Path(item.source_path)
        stem = item.sha256 or f"unread-{item.seq}"
        target_dir = settings.quarantine
        target_dir.mkdir(parents=True, exist_ok=True)
        if item.sha256 and source.is_file() and not source.is_symlink():
            shutil.copyfile(source, target_dir / f"{stem}{source.suffix.lower()[:10]}")
        (target_dir / f"{stem}.reason.json").write_text(
            json.dumps({"file_name": item.file_name, "source_path": item.source_path, "sha256": item.sha256,
                        "reason": item.reason}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )


def promote(settings: Settings, run_id: str) -> dict[str, int]:
    """Judge every file of the run, move the good documents into `raw`, and keep the books."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with writer(settings.work_db) as con:
        con.execute("BEGIN TRANSACTION")
        result = _decide(con, run_id)
        _move_to_raw(con, result)
        _write_ledger(con, run_id, result, now)
        maybe_crash("promote_before_commit")
        con.execute("COMMIT")
    _copy_to_quarantine(settings, result)
    counts = result.counts()
    log.info("promoted", extra={"run_id": run_id, **counts})
    return counts
