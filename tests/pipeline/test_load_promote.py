"""Loading and promotion: the books balance, duplicates and re-issues are recognised, re-runs converge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.config import Settings
from pipeline.db import known_contents, writer
from pipeline.discover import discover, write_manifest
from pipeline.extract_step import landing_file
from pipeline.load import load_incoming
from pipeline.promote import promote, same_report
from tests.pipeline.records import record


def _stage(settings: Settings, run_id: str, files: dict[str, dict[str, Any]], known: dict[str, str] | None = None):
    """Put files in the inbox, discover them, and write landing records as the extractor would."""
    for name, rec in files.items():
        (settings.inbox / name).write_bytes(rec["_content"])
    manifest = discover(settings, run_id, known if known is not None else known_contents(settings.work_db))
    write_manifest(settings, manifest)
    by_name = {f.file_name: f for f in manifest.files}
    paths = []
    for batch_no, batch in enumerate(manifest.batches):
        out = landing_file(settings, run_id, batch_no)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for seq in batch:
                entry = next(f for f in manifest.files if f.seq == seq)
                rec = {k: v for k, v in files[entry.file_name].items() if k != "_content"}
                rec.update(seq=seq, source_path=entry.source_path, file_name=entry.file_name, sha256=entry.sha256)
                handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
        paths.append(str(out))
    load_incoming(settings, run_id, paths)
    return by_name


def _rec(name: str, content: bytes, **kwargs: Any) -> dict[str, Any]:
    rec = record(name, content=content, **kwargs)
    rec["_content"] = content
    return rec


def _arrivals(settings: Settings, run_id: str) -> dict[str, str]:
    con = duckdb.connect(str(settings.work_db), read_only=True)
    try:
        return dict(con.execute(
            "SELECT file_name, outcome FROM meta.file_arrivals WHERE run_id = ?", [run_id]).fetchall())
    finally:
        con.close()


def _query(settings: Settings, sql: str, params: list[Any] | None = None) -> list[tuple]:
    con = duckdb.connect(str(settings.work_db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_good_report_lands_in_raw_with_its_facts(settings: Settings) -> None:
    _stage(settings, "r1", {"a.txt": _rec("a.txt", b"A")})
    counts = promote(settings, "r1")
    assert counts["loaded"] == 1
    assert _query(settings, "SELECT field, value_numeric FROM raw.facts ORDER BY field") == [
        ("expenditure_basic", pytest.approx(8581900)), ("expenditure_total", pytest.approx(31375100)),
    ]


def test_ocr_confidence_of_a_value_reaches_raw(settings: Settings) -> None:
    rec = _rec("scan.pdf", b"S")
    rec["facts"][0]["ocr_confidence"] = 0.972
    _stage(settings, "r1", {"scan.pdf": rec})
    promote(settings, "r1")
    assert dict(_query(settings, "SELECT field, ocr_confidence FROM raw.facts")) == {
        "expenditure_total": pytest.approx(0.972), "expenditure_basic": None,
    }


def test_warehouse_of_an_earlier_version_gains_the_new_columns(settings: Settings) -> None:
    """raw_schema.sql upgrades in place: a raw.facts without ocr_confidence gets it, rows kept."""
    settings.work_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.work_db))
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.facts (document_id VARCHAR, field VARCHAR)")
    con.execute("INSERT INTO raw.facts VALUES ('d1', 'expenditure_total')")
    con.close()
    with writer(settings.work_db):
        pass
    assert _query(settings, "SELECT document_id, ocr_confidence FROM raw.facts") == [("d1", None)]


def test_rejected_file_is_quarantined_with_its_reason_and_a_copy(settings: Settings) -> None:
    _stage(settings, "r1", {"bad.pdf": _rec("bad.pdf", b"%PDF-trunc", status="rejected",
                                             reason="truncated_pdf: no xref table")})
    promote(settings, "r1")
    assert _arrivals(settings, "r1") == {"bad.pdf": "quarantined"}
    reason_files = list(settings.quarantine.glob("*.reason.json"))
    assert len(reason_files) == 1
    assert "truncated_pdf" in reason_files[0].read_text(encoding="utf-8")
    assert _query(settings, "SELECT status, reason FROM meta.ingest_ledger") == [
        ("quarantined", "truncated_pdf: no xref table")]


def test_critical_gate_failure_quarantines_only_that_document(settings: Settings) -> None:
    _stage(settings, "r1", {"a.txt": _rec("a.txt", b"A"), "b.txt": _rec("b.txt", b"B", department="乙局")})
    bad_doc = _query(settings, "SELECT document_id FROM incoming.documents WHERE department_name = '乙局'")[0][0]
    with writer(settings.work_db) as con:
        con.execute("INSERT INTO meta.validation_results VALUES ('v', 'r1', ?, 'expect_year', 'critical', false, "
                    "'fiscal_year=1899')", [bad_doc])
    promote(settings, "r1")
    assert _arrivals(settings, "r1") == {"a.txt": "loaded", "b.txt": "quarantined"}
    assert _query(settings, "SELECT count(*) FROM raw.documents") == [(1,)]


def test_same_report_under_another_name_is_a_duplicate(settings: Settings) -> None:
    _stage(settings, "r1", {"a.txt": _rec("a.txt", b"A")})
    promote(settings, "r1")
    _stage(settings, "r2", {"a.pdf": _rec("a.pdf", b"A as pdf")})
    counts = promote(settings, "r2")
    assert _arrivals(settings, "r2") == {"a.txt": "duplicate", "a.pdf": "duplicate"}
    assert counts["duplicate"] == 2
    assert _query(settings, "SELECT count(*) FROM raw.documents") == [(1,)]


def test_corrected_reissue_replaces_the_earlier_report_and_the_ledger_says_so(settings: Settings) -> None:
    _stage(settings, "r1", {"a.txt": _rec("a.txt", b"A")})
    promote(settings, "r1")
    fixed = _rec("a-v2.txt", b"A2", facts={"expenditure_total": 31375200.0, "expenditure_basic": 8581900.0})
    _stage(settings, "r2", {"a-v2.txt": fixed})
    counts = promote(settings, "r2")
    assert counts["loaded"] == 1 and counts["superseded"] == 1
    assert _query(settings, "SELECT status FROM meta.ingest_ledger ORDER BY first_seen_at, file_name") == [
        ("superseded",), ("loaded",)]
    assert _query(settings, "SELECT CAST(value_numeric AS DOUBLE) FROM raw.facts "
                            "WHERE field = 'expenditure_total'") == [(31375200.0,)]


def test_promoting_the_same_run_twice_changes_nothing(settings: Settings) -> None:
    _stage(settings, "r1", {"a.txt": _rec("a.txt", b"A"), "b.txt": _rec("b.txt", b"B", department="乙局")})
    promote(settings, "r1")
    before = _query(settings, "SELECT * EXCLUDE (_loaded_at) FROM raw.facts ORDER BY ALL")
    promote(settings, "r1")
    assert _query(settings, "SELECT * EXCLUDE (_loaded_at) FROM raw.facts ORDER BY ALL") == before
    assert len(_query(settings, "SELECT * FROM meta.file_arrivals")) == 2


def test_every_arrival_is_accounted_for(settings: Settings, tmp_path: Path) -> None:
    files = {"a.txt": _rec("a.txt", b"A"), "copy-of-a.txt": _rec("copy-of-a.txt", b"A"),
             "bad.txt": _rec("bad.txt", b"?", status="rejected", reason="undecodable_text: …")}
    _stage(settings, "r1", files)
    counts = promote(settings, "r1")
    assert counts == {"files_seen": 3, "loaded": 1, "quarantined": 1, "duplicate": 1, "superseded": 0}


def test_facts_stated_at_different_precision_are_the_same_report() -> None:
    assert same_report({"three_public_total": 32600.0}, {"three_public_total": 32552.0})
    assert not same_report({"three_public_total": 32600.0}, {"three_public_total": 36200.0})


def test_re_running_promotion_after_a_reissue_tells_the_same_story(settings: Settings) -> None:
    _stage(settings, "r1", {"a.txt": _rec("a.txt", b"A")})
    promote(settings, "r1")
    fixed = _rec("a-v2.txt", b"A2", facts={"expenditure_total": 31375200.0, "expenditure_basic": 8581900.0})
    _stage(settings, "r2", {"a-v2.txt": fixed})
    promote(settings, "r2")
    first = _query(settings, "SELECT file_name, outcome, reason FROM meta.file_arrivals WHERE run_id = 'r2' ORDER BY 1")
    ledger = _query(settings, "SELECT file_name, status FROM meta.ingest_ledger ORDER BY 1")
    promote(settings, "r2")
    assert _query(settings, "SELECT file_name, outcome, reason FROM meta.file_arrivals WHERE run_id = 'r2' "
                            "ORDER BY 1") == first
    assert _query(settings, "SELECT file_name, status FROM meta.ingest_ledger ORDER BY 1") == ledger
    assert first[0][0] == "a-v2.txt" and "corrected re-issue" in first[0][2]


def test_gate_with_no_new_document_records_the_run_without_loading_great_expectations(settings: Settings) -> None:
    import subprocess
    import sys

    _stage(settings, "r1", {})
    code = ("import sys; from pathlib import Path; from pipeline.config import Settings; "
            "from pipeline.steps import step_gate\n"
            "s = Settings(inbox=Path(sys.argv[1]), warehouse=Path(sys.argv[2]), state=Path(sys.argv[3]))\n"
            "print(step_gate(s, 'r1')); print('great_expectations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(settings.inbox), str(settings.warehouse),
                          str(settings.state)], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[-1] == "False"
    assert _query(settings, "SELECT suite, success, evaluated FROM meta.validation_runs") == [
        ("incoming_batch", True, 0)]


def test_dbt_is_skipped_when_nothing_it_reads_changed(settings: Settings, monkeypatch) -> None:
    import pipeline.steps as steps

    calls = []
    monkeypatch.setattr(steps, "build_warehouse", lambda s, full_refresh=False: calls.append(1) or {"pass": 1})
    _stage(settings, "r1", {"a.txt": _rec("a.txt", b"A")})
    promote(settings, "r1")
    with writer(settings.work_db) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts; CREATE TABLE IF NOT EXISTS marts.t (a INT)")
    assert steps.step_build(settings, "b1") == {"pass": 1}
    assert steps.step_build(settings, "b2")["skipped"] is True
    _stage(settings, "r2", {"b.txt": _rec("b.txt", b"B", department="乙局")})
    promote(settings, "r2")
    assert steps.step_build(settings, "b3") == {"pass": 1}
    assert len(calls) == 2


def test_a_changed_dbt_project_rebuilds_the_marts_from_scratch(settings: Settings, monkeypatch) -> None:
    """Incremental models fail on a schema change: after a model edit they are rebuilt whole."""
    import pipeline.build as build
    import pipeline.steps as steps

    project = {"hash": "v1"}
    monkeypatch.setattr(build, "_project_hash", lambda _dir: project["hash"])
    calls: list[bool] = []
    monkeypatch.setattr(steps, "build_warehouse", lambda s, full_refresh=False: calls.append(full_refresh) or {})
    _stage(settings, "r1", {"a.txt": _rec("a.txt", b"A")})
    promote(settings, "r1")
    with writer(settings.work_db) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts; CREATE TABLE IF NOT EXISTS marts.t (a INT)")
    steps.step_build(settings, "b1")
    project["hash"] = "v2"  # a model was edited
    assert "full_refresh" in steps.step_build(settings, "b2")
    steps.step_build(settings, "b3")  # nothing changed since: skipped
    assert calls == [False, True]
