"""The compose deployment's parts, run natively on localhost and proven end to end (`make integration`).

PostgreSQL + Redis + Airflow 3 (api-server, scheduler, dag-processor, triggerer, ONE Celery worker)
run `fiscal_ingest` through the scheduler over a generated inbox; the asset it emits schedules
`fiscal_warehouse`, which publishes the read-only warehouse. Its books must equal those of the same
inbox ingested by `make run`'s path. Superset (own venv, the compose service's config and
bootstrap) answers the saved queries while the warehouse is re-published under it, and a real
headless Chromium opens the review page and the Data Docs without touching the internet.
"""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from .conftest import DATA, RUN_DEADLINE_S, AirflowStack, Reference, SupersetStack, Timings, base_env
from .nativeconfig import REPO_ROOT, compose_drift
from .services import LOGS, VAR, run, wait_for

pytestmark = pytest.mark.integration

INGEST, WAREHOUSE = "fiscal_ingest", "fiscal_warehouse"
RAW_ASSET = "fiscal://warehouse/raw"
WRITER_TASKS = {"discover", "load", "gate", "promote", "close_books", "build", "audit", "publish"}


def published_counts(warehouse: Path) -> dict[str, Any]:
    """The numbers both ingestion paths must agree on, read from a published warehouse."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        one = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "meta.runs": one("SELECT count(*), sum(files_seen), sum(loaded), sum(quarantined), sum(duplicates), "
                             "sum(superseded), list(DISTINCT status) FROM meta.runs"),
            "meta.ingest_ledger": one("SELECT status, count(*) FROM meta.ingest_ledger GROUP BY 1 ORDER BY 1"),
            "meta.file_arrivals": one("SELECT outcome, count(*) FROM meta.file_arrivals GROUP BY 1 ORDER BY 1"),
            "marts.dim_document": one("SELECT count(*), count(*) FILTER (WHERE is_current) FROM marts.dim_document "
                                      "WHERE NOT is_unknown_member"),
            "marts.fct_reported_value": one("SELECT count(*), count(DISTINCT document_id) "
                                            "FROM marts.fct_reported_value"),
            "marts.fct_expenditure_by_function": one("SELECT count(*), sum(amount) "
                                                     "FROM marts.fct_expenditure_by_function"),
            "marts.fct_performance_evaluation": one("SELECT count(*) FROM marts.fct_performance_evaluation"),
        }
    finally:
        con.close()


# ------------------------------------------------------------------------------------------------
# the scheduler path
# ------------------------------------------------------------------------------------------------


def task_failures(airflow: AirflowStack, dag_id: str, run_id: str, tis: list[dict]) -> str:
    """Which task instances did not succeed, and the errors their task logs recorded."""
    lines = [f"{dag_id} run {run_id} did not succeed:"]
    for ti in tis:
        lines.append(f"  {ti['task_id']}[{ti['map_index']}] {ti['state']} (try {ti['try_number']})")
    folder = Path(airflow.env["AIRFLOW__LOGGING__BASE_LOG_FOLDER"]) / f"dag_id={dag_id}" / f"run_id={run_id}"
    for log in sorted(folder.rglob("attempt=*.log")):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("level") in ("error", "critical"):
                detail = event.get("error_detail") or []
                exc = "; ".join(f"{d.get('exc_type')}: {d.get('exc_value')}" for d in detail if isinstance(d, dict))
                frames = [f"{f['filename']}:{f['lineno']}" for d in detail if isinstance(d, dict)
                          for f in d.get("frames", [])[-3:]]
                lines.append(f"  {log.relative_to(folder)}: {event.get('event')} {exc} at {' < '.join(frames[::-1])}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def scheduled(inbox: Path, reference: Reference, airflow: AirflowStack, timings: Timings) -> dict[str, Any]:
    """Unpause both DAGs, trigger fiscal_ingest with the CLI, wait for it and the asset-triggered build.

    (`reference` first: the `make run` path starts in the background while the services come up.)
    """
    t0 = time.monotonic()
    services = list(airflow.services.values())

    def parsed() -> bool:
        errors = airflow.api("/importErrors")["import_errors"]
        assert not errors, f"DAG import errors: {errors}"
        return all(airflow.api(f"/dags/{d}")["dag_id"] == d for d in (INGEST, WAREHOUSE))

    wait_for("the dag-processor to parse both DAGs", parsed, 240, interval=2, services=services)
    airflow.cli("dags", "unpause", WAREHOUSE)
    airflow.cli("dags", "unpause", INGEST)
    warehouse = airflow.env["FISCAL_WAREHOUSE"]
    run_id = f"integration__{time.strftime('%Y%m%dT%H%M%S')}"
    conf = {"inbox": str(inbox), "warehouse": warehouse}
    airflow.cli("dags", "trigger", INGEST, "--conf", json.dumps(conf), "--run-id", run_id)
    timings.mark("triggered", t0)

    def finished(dag_id: str, rid: str) -> dict | None:
        dag_run = airflow.api(f"/dags/{dag_id}/dagRuns/{rid}")
        return dag_run if dag_run["state"] in ("success", "failed") else None

    deadline = time.monotonic() + RUN_DEADLINE_S
    ingest = wait_for(f"{INGEST} run {run_id}", lambda: finished(INGEST, run_id), deadline - time.monotonic(),
                      interval=3, services=services)
    ingest_tis = airflow.api(f"/dags/{INGEST}/dagRuns/{run_id}/taskInstances")["task_instances"]
    assert ingest["state"] == "success", task_failures(airflow, INGEST, run_id, ingest_tis)
    timings.mark("ingest_done", t0)

    def warehouse_run() -> dict | None:
        runs = airflow.api(f"/dags/{WAREHOUSE}/dagRuns", order_by="-run_after")["dag_runs"]
        done = [r for r in runs if r["state"] in ("success", "failed")]
        return done[0] if done else None

    build = wait_for(f"the asset-triggered {WAREHOUSE} run", warehouse_run, deadline - time.monotonic(),
                     interval=3, services=services)
    build_tis = airflow.api(f"/dags/{WAREHOUSE}/dagRuns/{build['dag_run_id']}/taskInstances")["task_instances"]
    assert build["state"] == "success", task_failures(airflow, WAREHOUSE, build["dag_run_id"], build_tis)
    events = airflow.api(f"/dags/{WAREHOUSE}/dagRuns/{build['dag_run_id']}/upstreamAssetEvents")["asset_events"]
    timings.mark("warehouse_done", t0)
    return {"run_id": run_id, "conf": conf, "ingest": ingest, "ingest_tis": ingest_tis, "build": build,
            "build_tis": build_tis, "events": events, "warehouse": Path(warehouse)}


def test_native_config_is_the_compose_config() -> None:
    assert compose_drift() == []


def test_ingestion_ran_through_the_scheduler_and_the_celery_worker(airflow: AirflowStack,
                                                                   scheduled: dict[str, Any]) -> None:
    ingest = scheduled["ingest"]
    assert ingest["run_type"] == "manual" and ingest["conf"] == scheduled["conf"]
    tis = scheduled["ingest_tis"]
    assert {t["state"] for t in tis} == {"success"}, [(t["task_id"], t["map_index"], t["state"]) for t in tis]
    extracts = [t for t in tis if t["task_id"] == "extract"]
    assert len(extracts) >= 2 and sorted(t["map_index"] for t in extracts) == list(range(len(extracts)))
    pool = airflow.api("/pools/duckdb_writer")
    assert pool["slots"] == 1, pool
    for ti in tis + scheduled["build_tis"]:
        assert ti["queue"] == "default" and ti["hostname"], ti
        if ti["task_id"] in WRITER_TASKS:
            assert ti["pool"] == "duckdb_writer", ti
    # the executor: each task instance was received by THE Celery worker (its log names the task
    # instance id), and Celery recorded every one in its result backend on PostgreSQL
    worker_log = (LOGS / "airflow-celery-worker.log").read_text(encoding="utf-8", errors="replace")
    assert "integration-worker@" in worker_log
    executed = {m.group(1) for m in re.finditer(
        r"Executing workload in Celery:.*?ti=TaskInstanceDTO\(id=UUID\('([0-9a-f-]+)'\)", worker_log)}
    missing = [(t["task_id"], t["map_index"]) for t in tis + scheduled["build_tis"] if t["id"] not in executed]
    assert missing == [], f"task instances not executed by the Celery worker: {missing}"
    n_tis = len(tis) + len(scheduled["build_tis"])
    wait_for("Celery's result backend to record every task", lambda: dict(airflow.sql(
        "SELECT status, count(*) FROM celery_taskmeta GROUP BY 1")).get("SUCCESS", 0) >= n_tis, 30)
    scheduler_log = (LOGS / "airflow-scheduler.log").read_text(encoding="utf-8", errors="replace")
    assert "Loaded executor: :CeleryExecutor:" in scheduler_log


def test_the_asset_triggered_the_warehouse_build_which_published(scheduled: dict[str, Any]) -> None:
    build = scheduled["build"]
    assert build["run_type"] == "asset_triggered", build
    raw_events = [e for e in scheduled["events"] if e.get("uri") == RAW_ASSET or e.get("asset_uri") == RAW_ASSET
                  or (e.get("asset") or {}).get("uri") == RAW_ASSET]
    assert raw_events, scheduled["events"]
    assert any((e.get("extra") or {}).get("ingest_run_id") == scheduled["run_id"] for e in raw_events)
    published = scheduled["warehouse"]
    assert published.is_file() and not (published.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    con = duckdb.connect(str(published), read_only=True)
    status = con.execute("SELECT status FROM meta.runs WHERE run_id = ?", [scheduled["run_id"]]).fetchall()
    con.close()
    assert status == [("succeeded",)]
    assert sorted(p.name for p in (published.parent / "parquet").iterdir())  # Parquet copies beside it
    summary = DATA / "state" / "runs"
    assert any(summary.glob("*/summary.json")), "the warehouse run's summary task wrote no summary.json"


def test_books_match_the_make_run_path(scheduled: dict[str, Any], reference: Reference) -> None:
    reference.wait()
    ours, theirs = published_counts(scheduled["warehouse"]), published_counts(reference.warehouse)
    assert ours == theirs
    runs = ours["meta.runs"][0]
    assert runs[0] == 1 and runs[1] == 300 and runs[2] + runs[3] + runs[4] == 300, runs
    assert ours["marts.dim_document"][0][0] == runs[2] > 250


# ------------------------------------------------------------------------------------------------
# Superset on the published warehouse, while it is being re-published
# ------------------------------------------------------------------------------------------------

BOOTSTRAP = REPO_ROOT / "deploy" / "superset" / "bootstrap.py"


def _load_bootstrap() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("superset_bootstrap", BOOTSTRAP)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _cell(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return round(float(value), 2)


def _normalised(rows: list[tuple]) -> list[tuple]:
    """Superset returns JSON numbers, DuckDB Decimals: compare both at cent precision."""
    return [tuple(_cell(v) for v in row) for row in rows]


REPUBLISH = """
import sys, time
from pipeline.config import load_settings
from pipeline.steps import step_publish
settings = load_settings()
deadline = time.monotonic() + float(sys.argv[2])
n = 0
while n < int(sys.argv[1]) or time.monotonic() < deadline:
    step_publish(settings, f"integration-republish-{n}")
    n += 1
print(f"republished {n} times")
"""


def test_superset_answers_the_saved_queries_while_the_warehouse_is_republished(
        superset: SupersetStack, scheduled: dict[str, Any], airflow: AirflowStack, timings: Timings) -> None:
    t0 = time.monotonic()
    warehouse = scheduled["warehouse"]
    # the compose service's bootstrap, run by Superset's own interpreter against the running server
    out = superset.python(str(BOOTSTRAP), "--url", superset.url, "--user", superset.user,
                          "--password", superset.password, "--warehouse", str(warehouse))
    ids = json.loads(out.strip().splitlines()[-1])
    boot = _load_bootstrap()
    api = boot.Superset(superset.url, superset.user, superset.password)
    database = api.get(f"/api/v1/database/{ids['database_id']}/connection")["result"]
    assert database["sqlalchemy_uri"] == f"duckdb:///{warehouse}"
    assert database["backend"] == "duckdb" and database["driver"] == "duckdb_engine"
    assert json.loads(database["extra"])["engine_params"]["connect_args"] == {"read_only": True}
    assert database["allow_dml"] is False
    saved = {q["label"]: q for q in api.get("/api/v1/saved_query/", q="(page_size:100)")["result"]}
    assert set(boot.SAVED_QUERIES) <= set(saved)
    charts = api.get(f"/api/v1/dashboard/{ids['dashboard_id']}/charts")["result"]
    assert {c["slice_name"] for c in charts} == set(boot.SAVED_QUERIES)

    con = duckdb.connect(str(warehouse), read_only=True)
    expected = {label: _normalised(con.execute(sql).fetchall()) for label, (_d, sql) in boot.SAVED_QUERIES.items()}
    con.close()
    assert all(expected.values()), "the saved queries return no rows: nothing to check"
    spending = expected["Spending by function class"]
    assert len({r[0] for r in spending}) >= 5  # several function classes (类)

    def through_superset(label: str) -> list[tuple]:
        result = api.execute(ids["database_id"], saved[label]["sql"])
        assert result["status"] == "success", result
        names = [c["column_name"] for c in result["columns"]]
        return _normalised([tuple(row[n] for n in names) for row in result["data"]])

    for label in boot.SAVED_QUERIES:
        assert through_superset(label) == expected[label], label

    # now re-publish in a loop (the pipeline's atomic swap) while Superset keeps querying the file
    env = {**airflow.env, "PYTHONPATH": str(REPO_ROOT)}
    publisher = subprocess.Popen([sys.executable, "-c", REPUBLISH, "4", "20"], env=env, cwd=REPO_ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    queried, errors = 0, []
    before = warehouse.stat()
    while publisher.poll() is None:
        for label in boot.SAVED_QUERIES:
            try:
                if through_superset(label) != expected[label]:
                    errors.append(f"{label}: different rows during publish")
            except Exception as err:  # every error counts: a reader must never see a half-written file
                errors.append(f"{label}: {err}")
            queried += 1
    output = publisher.stdout.read() if publisher.stdout else ""
    assert publisher.returncode == 0, output[-3000:]
    after = warehouse.stat()  # (an inode number alone can be reused by the next swap)
    assert (after.st_ino, after.st_mtime_ns) != (before.st_ino, before.st_mtime_ns), "the file was never swapped"
    assert re.search(r"republished ([4-9]|\d\d+) times", output), output[-2000:]
    assert errors == [] and queried >= 8, (queried, errors[:5])
    print(f"superset: {queried} saved-query executions during {output.strip()}")
    timings.mark("superset_checks", t0)


# ------------------------------------------------------------------------------------------------
# the review page and the Data Docs in a real headless browser
# ------------------------------------------------------------------------------------------------


def _browse(pages: list[dict[str, str]], name: str) -> list[dict[str, Any]]:
    folder = VAR / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    spec, out = folder / f"{name}-spec.json", folder / f"{name}-out.json"
    spec.write_text(json.dumps({"userDataDir": str(folder / f"profile-{name}"), "pages": pages}))
    env = {**base_env(), "PLAYWRIGHT_CORE": str(VAR / "node" / "node_modules" / "playwright-core"),
           "CHROMIUM": "/usr/bin/chromium"}
    run(["node", str(Path(__file__).with_name("browser.cjs")), str(spec), str(out)], env, f"browser-{name}",
        timeout=180)
    results = json.loads(out.read_text())
    everything = [u for r in results for u in r["requests"]] + results[-1]["refused"]
    assert everything, "no request recorded at all"
    local = re.compile(r"(file:|data:|blob:|about:|https?://(localhost|127\.0\.0\.1)[:/])")
    offsite = [u for u in everything if not local.match(u)]
    assert offsite == [], f"pages fetched from the internet: {offsite}"
    for page in results[:-1]:
        assert page["status"] in (200, 0, None) and not page["errors"], page
    return results[:-1]


def test_review_page_shows_every_extracted_value_highlighted_offline(inbox: Path) -> None:
    # a final-accounts report in HTML: the richest page (facts, line items, document identity)
    candidates = sorted(p for p in inbox.iterdir() if p.suffix == ".html")
    facts_by_file = {}
    for path in candidates[:8]:
        out = run([sys.executable, "-m", "extract", "--json", str(path)], base_env(), "extract-json").stdout
        result = json.loads(out.splitlines()[0])
        if result["status"] == "ok" and len(result["facts"]) >= 5:
            facts_by_file[path] = result
            break
    assert facts_by_file, "no extractable HTML report among the first candidates"
    path, result = next(iter(facts_by_file.items()))
    html = VAR / "browser" / "review.html"
    html.parent.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "extract", "--review", str(path), "-o", str(html)], base_env(), "extract-review")
    shot = VAR / "browser" / "review.png"
    (page,) = _browse([{"url": html.as_uri(), "screenshot": str(shot), "selector": "mark"}], "review")
    marks = {m["id"]: m for m in page["elements"]}
    assert marks and all(m["visible"] for m in marks.values())
    fact_rows = {row[0]: row for row in page["rows"] if len(row) == 3}
    links = {a["href"].lstrip("#"): a["text"] for a in page["links"] if (a["href"] or "").startswith("#")}
    for fact in result["facts"]:
        field = fact["field"]
        assert field in fact_rows, f"{field} not in the side table"
        shown = fact["value_text"] if fact["value_text"] is not None else fact["value"]
        assert fact_rows[field][1] == str(shown), (field, fact_rows[field])
        # the row links to a highlight on the page, titled with the field, over the printed number
        target = next(mid for mid, text in links.items() if text == str(shown) and marks.get(mid, {}).get("title")
                      == field)
        mark = marks[target]
        assert fact["as_reported"] in mark["text"], (field, mark)
        assert mark["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), mark
    assert shot.stat().st_size > 10_000


def test_data_docs_open_offline_and_show_the_gate_verdicts(scheduled: dict[str, Any]) -> None:
    docs = DATA / "state" / "data_docs"
    reports = sorted(docs.glob("report-*.html"))
    validations = sorted((docs / "gx" / "validations").rglob("*.html"))
    assert (docs / "index.html").exists() and reports and validations
    pages = [{"url": (docs / "index.html").as_uri(), "screenshot": str(VAR / "browser" / "data_docs.png"),
              "selector": "h1,h2,td"},
             {"url": (docs / "gx" / "index.html").as_uri(), "selector": "a"},
             {"url": validations[0].as_uri(), "screenshot": str(VAR / "browser" / "gx_validation.png"),
              "selector": "td"}]
    pages += [{"url": r.as_uri(), "selector": "td"} for r in reports]
    index, gx_index, validation, *run_reports = _browse(pages, "data-docs")
    build_id = scheduled["build"]["dag_run_id"]
    assert scheduled["run_id"] in index["text"] and build_id in index["text"]
    con = duckdb.connect(str(scheduled["warehouse"]), read_only=True)
    for run_id in (scheduled["run_id"], build_id):
        # what the browser shows for the run is what the gate recorded in meta.validation_*
        report = next(r for r in run_reports if f"run {run_id}" in r["text"])
        rows = [tuple(r) for r in report["rows"]]
        suites = con.execute("SELECT stage, suite, CASE WHEN success THEN 'passed' ELSE 'failed' END, "
                             "evaluated::VARCHAR, failed_critical::VARCHAR, failed_warning::VARCHAR "
                             "FROM meta.validation_runs WHERE run_id = ?", [run_id]).fetchall()
        assert suites, run_id
        for suite in suites:
            assert any(r[:6] == suite for r in rows), (run_id, suite)
        failing = con.execute("SELECT DISTINCT expectation, severity FROM meta.validation_results "
                              "WHERE run_id = ? AND NOT success", [run_id]).fetchall()
        for expectation, severity in failing:
            assert any(r[1:4] == (expectation, severity, "failed") for r in rows), (run_id, expectation)
    con.close()
    assert "Validation results" in gx_index["text"] and any(".html" in (a["href"] or "") for a in gx_index["links"])
    assert len(validation["elements"]) > 5  # server-rendered result tables, no CDN needed
