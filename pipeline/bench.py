"""`make bench`: the real pipeline, end to end through Airflow, on a generated corpus.

1. Generate (or reuse) a corpus of BENCH_DOCS synthetic reports in a realistic format mix.
2. Time a physical reference: reading and decoding the same files with no field extraction,
   on all cores, so the pipeline/reference ratio is comparable across machines.
3. Ingest everything into a fresh warehouse (`dag.test()`), then re-run with nothing new,
   then add 100 new reports and run again.
The last line printed is one JSON object with the measurements.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import REPO_ROOT

STAGES = {
    "extract": ("discover", "extract"),
    "load": ("load", "promote", "close_books"),
    "gate": ("gate", "audit"),
    "dbt": ("build",),
    "publish": ("publish", "summary"),
}


def _read_only(path: str) -> int:
    """The reference work: bytes → decoded, normalised text, no field extraction."""
    from extract.reading import ReadError, read_bytes

    data = Path(path).read_bytes()
    try:
        return len(read_bytes(data, Path(path).name).text)
    except ReadError:
        return 0


def reference_seconds(files: list[Path], workers: int) -> float:
    from pipeline.isolation import map_isolated

    start = time.perf_counter()
    for _ in map_isolated(_read_only, [str(f) for f in files], workers=workers, timeout_s=600):
        pass
    return time.perf_counter() - start


def corpus(root: Path, docs: int, seed: int) -> Path:
    """A cached corpus: generating 10,000 PDFs is not what we are measuring."""
    target = root / f"corpus-{docs}-{seed}"
    if not (target / "manifest.jsonl").exists():
        from synth import write_corpus

        shutil.rmtree(target, ignore_errors=True)
        write_corpus(target, docs, seed, mix="realistic")
    return target / "inbox"


def run_pipeline(inbox: Path, warehouse: Path, state: Path) -> tuple[float, dict[str, float], int]:
    """One `make run` in a child process: wall seconds, seconds per stage, peak RSS (MB)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["FISCAL_STATE"] = str(state)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pipeline.run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"pipeline run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, stage_seconds(state / "airflow" / "airflow.db"), peak_kb // 1024


def stage_seconds(airflow_db: Path) -> dict[str, float]:
    """Task durations of the latest ingestion and warehouse runs, grouped into stages."""
    con = sqlite3.connect(str(airflow_db))
    try:
        rows = con.execute(
            "SELECT task_id, sum(duration) FROM task_instance WHERE run_id IN ("
            " SELECT run_id FROM (SELECT dag_id, run_id, max(start_date) FROM dag_run GROUP BY dag_id))"
            " GROUP BY task_id"
        ).fetchall()
    finally:
        con.close()
    by_task = {task: float(seconds or 0) for task, seconds in rows}
    return {stage: round(sum(by_task.get(t, 0.0) for t in tasks), 2) for stage, tasks in STAGES.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=int(os.environ.get("BENCH_DOCS", 1000)))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--root", default=str(REPO_ROOT / "var" / "bench"))
    parser.add_argument("--record", action="store_true", help="append the result to BENCHMARKS.md")
    args = parser.parse_args(argv)
    root = Path(args.root)
    cores = os.cpu_count() or 1

    source = corpus(root, args.docs, args.seed)
    files = sorted(p for p in source.iterdir() if p.is_file())
    run_root = root / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    inbox, state, warehouse = run_root / "inbox", run_root / "state", run_root / "warehouse" / "fiscal.duckdb"
    inbox.mkdir(parents=True)
    for f in files:
        os.link(f, inbox / f.name)

    ref = reference_seconds(files, cores)
    full, stages, rss = run_pipeline(inbox, warehouse, state)
    noop, _, rss2 = run_pipeline(inbox, warehouse, state)
    extra = corpus(root, 100, args.seed + 1)
    for f in sorted(extra.iterdir()):
        os.link(f, inbox / f"new-{f.name}")
    incremental, _, rss3 = run_pipeline(inbox, warehouse, state)

    result: dict[str, Any] = {
        "docs": len(files),
        "machine": f"{platform.machine()} {cores} cores {platform.python_version()}",
        "date": datetime.now(UTC).date().isoformat(),
        "seconds_end_to_end": round(full, 2),
        **stages,
        "extract_docs_per_second_per_core": round(len(files) / max(stages["extract"], 1e-9) / cores, 1),
        "reference_seconds": round(ref, 2),
        "ratio_to_reference": round(full / max(ref, 1e-9), 2),
        "noop_rerun_seconds": round(noop, 2),
        "incremental_100_seconds": round(incremental, 2),
        "peak_rss_mb": max(rss, rss2, rss3),
    }
    if args.record:
        record(result)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def record(result: dict[str, Any], path: Path | None = None) -> None:
    """Add the run's row to the results table of BENCHMARKS.md (created when missing)."""
    path = path or REPO_ROOT / "BENCHMARKS.md"
    if not path.exists():
        path.write_text(
            "# Benchmarks\n\n`make bench` results (the last JSON line of each run).\n\n"
            "| date | machine | docs | end-to-end s | extract | load | gate | dbt | publish | docs/s/core | "
            "reference s | ratio | no-op s | +100 s | peak RSS MB |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
            encoding="utf-8",
        )
    r = result
    row = (
        f"| {r['date']} | {r['machine']} | {r['docs']} | {r['seconds_end_to_end']} | {r['extract']} | {r['load']} "
        f"| {r['gate']} | {r['dbt']} | {r['publish']} | {r['extract_docs_per_second_per_core']} | "
        f"{r['reference_seconds']} | {r['ratio_to_reference']} | {r['noop_rerun_seconds']} | "
        f"{r['incremental_100_seconds']} | {r['peak_rss_mb']} |"
    )
    # The row goes at the end of the results table (the file's first table), not after the prose below it.
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("| date |"))
    end = header
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    lines.insert(end + 1, row)
    path.write_text("\n".join(lines), encoding="utf-8")

if __name__ == "__main__":
    sys.exit(main())
