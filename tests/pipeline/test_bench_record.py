"""`make bench --record` puts its row in the results table, not after the prose below it."""

from __future__ import annotations

from pathlib import Path

from pipeline.bench import record

RESULT = {
    "docs": 10, "machine": "m", "date": "2026-11-23", "seconds_end_to_end": 1.5, "extract": 1, "load": 0.1,
    "gate": 0.1, "dbt": 0.2, "publish": 0.1, "extract_docs_per_second_per_core": 5, "reference_seconds": 0.5,
    "ratio_to_reference": 3, "noop_rerun_seconds": 1, "incremental_100_seconds": 2, "peak_rss_mb": 100,
}  # fmt: skip


def test_a_new_row_goes_under_the_last_row_of_the_results_table(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    record(RESULT, path)
    record({**RESULT, "docs": 20}, path)
    path.write_text(path.read_text(encoding="utf-8") + "\nTargets and notes below the table.\n", encoding="utf-8")
    record({**RESULT, "docs": 30}, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.startswith("| 2026-11-23 |")]
    assert [r.split(" | ")[2] for r in rows] == ["10", "20", "30"]
    assert lines.index(rows[-1]) < lines.index("Targets and notes below the table.")
