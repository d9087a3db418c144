"""Run the suites: GX gives the verdict, the gate's own SQL lists the failing documents.

Why both: GX caps the rows some expectations return (UnexpectedRowsExpectation: 200), and a
quarantine list must be complete. So each expectation type the suites use has a twin SQL
predicate here, run on the very same pandas frame GX validated; the two counts must agree, and
if they do not, the run is marked unsuccessful rather than trusting either side.

`import great_expectations` costs 5–10 s, so it happens inside `_gx_validate`, never at import
time of this package (DAG parsing imports `pipeline.gate`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import math
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline.gate.frames import FRAMES, MissingTable
from pipeline.gate.result import GateResult
from pipeline.gate.suites import (
    INCOMING_SUITES,
    MARTS_SUITES,
    Suite,
    SuiteError,
    load_suite,
    resolve_parameters,
    resolved_kwargs,
)

log = logging.getLogger(__name__)

Con = duckdb.DuckDBPyConnection

#: Details kept per (document, expectation) before "… and N more".
MAX_DETAILS_PER_DOCUMENT = 5
#: Items kept in each list of the GX result JSON stored in meta (the full list is in meta rows).
MAX_JSON_LIST = 20

SUPPORTED_TYPES = (
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_unique",
    "expect_column_pair_values_to_be_equal",
    "expect_column_pair_values_a_to_be_greater_than_b",
)


# ---------------------------------------------------------------------------------------------
# The gate's own listing of failing rows
# ---------------------------------------------------------------------------------------------


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _ignore(kw: dict[str, Any], a: str, b: str) -> str:
    """The rows a column-pair expectation skips, as GX defines `ignore_row_if`."""
    mode = kw.get("ignore_row_if", "both_values_are_missing")
    if mode == "either_value_is_missing":
        return f"({a} IS NULL OR {b} IS NULL)"
    if mode == "both_values_are_missing":
        return f"({a} IS NULL AND {b} IS NULL)"
    return "false"


def failing_rows_sql(exp_type: str, kw: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL (on the view `frame`) selecting the rows `exp_type` with kwargs `kw` reports unexpected.

    Mirrors GX's semantics for map expectations: NULLs are skipped by value checks and counted
    only by the null checks.
    """
    if exp_type in ("expect_column_pair_values_to_be_equal", "expect_column_pair_values_a_to_be_greater_than_b"):
        a, b = _q(kw["column_A"]), _q(kw["column_B"])
        if exp_type == "expect_column_pair_values_to_be_equal":
            bad = f"{a} IS DISTINCT FROM {b}"
        else:
            bad = f"{a} IS NULL OR {b} IS NULL OR NOT ({a} {'>=' if kw.get('or_equal') else '>'} {b})"
        return f"SELECT * FROM frame WHERE NOT {_ignore(kw, a, b)} AND ({bad})", []
    c = _q(kw["column"])
    if exp_type == "expect_column_values_to_not_be_null":
        return f"SELECT * FROM frame WHERE {c} IS NULL", []
    if exp_type == "expect_column_values_to_be_null":
        return f"SELECT * FROM frame WHERE {c} IS NOT NULL", []
    if exp_type == "expect_column_values_to_be_between":
        conds, params = [], []
        if kw.get("min_value") is not None:
            conds.append(f"{c} {'<=' if kw.get('strict_min') else '<'} ?")
            params.append(kw["min_value"])
        if kw.get("max_value") is not None:
            conds.append(f"{c} {'>=' if kw.get('strict_max') else '>'} ?")
            params.append(kw["max_value"])
        return f"SELECT * FROM frame WHERE {c} IS NOT NULL AND ({' OR '.join(conds) or 'false'})", params
    if exp_type == "expect_column_values_to_be_in_set":
        return f"SELECT * FROM frame WHERE {c} IS NOT NULL AND NOT list_contains(?, {c})", [list(kw["value_set"])]
    if exp_type == "expect_column_values_to_be_unique":
        return (
            f"SELECT * FROM (SELECT *, count(*) OVER (PARTITION BY {c}) AS _gate_n FROM frame) "
            f"WHERE {c} IS NOT NULL AND _gate_n > 1"
        ), []
    raise SuiteError(f"expectation type {exp_type} has no gate SQL twin; supported: {SUPPORTED_TYPES}")


def _fmt(value: Any) -> str:
    """Values as a person reads them in a reason: 1899 not 1899.0, NULL not nan."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else f"{value:.2f}"
    return str(value)


def render_detail(exp_type: str, kw: dict[str, Any], meta: dict[str, Any], row: dict[str, Any]) -> str:
    """The offending values of one failing row, e.g. `fiscal_year=1899 not in [1990, 2027]`."""
    if meta.get("detail_column") and row.get(meta["detail_column"]) is not None:
        return str(row[meta["detail_column"]])
    if "column" not in kw:
        return f"{kw['column_A']}={_fmt(row.get(kw['column_A']))}, {kw['column_B']}={_fmt(row.get(kw['column_B']))}"
    col = kw["column"]
    name = str(row.get(meta["label_column"])) if meta.get("label_column") else col
    value = _fmt(row.get(col))
    if exp_type == "expect_column_values_to_not_be_null":
        return f"{name} is NULL"
    if exp_type == "expect_column_values_to_be_between":
        lo, hi = kw.get("min_value"), kw.get("max_value")
        if lo is not None and hi is not None:
            return f"{name}={value} not in [{_fmt(lo)}, {_fmt(hi)}]"
        return f"{name}={value} < {_fmt(lo)}" if lo is not None else f"{name}={value} > {_fmt(hi)}"
    if exp_type == "expect_column_values_to_be_in_set":
        return f"{name}={value!r} not in {{{', '.join(map(str, kw['value_set']))}}}"
    if exp_type == "expect_column_values_to_be_unique":
        return f"{name}={value} appears {row.get('_gate_n')} times"
    return f"{name}={value}"


# ---------------------------------------------------------------------------------------------
# GX
# ---------------------------------------------------------------------------------------------


def _gx_context(data_docs_dir: Path | None) -> Any:
    """An ephemeral GX context: nothing on disk, no analytics, no progress bars in task logs."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    ctx = gx.get_context(mode="ephemeral", project_config=config)
    if data_docs_dir is not None:
        ctx.add_data_docs_site(
            site_name="gate",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                  "base_directory": str(data_docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return ctx


def _gx_validate(ctx: Any, suite: Suite, frame: pd.DataFrame, params: dict[str, Any], run_id: str) -> Any:
    """Validate one frame with one suite through the pandas route; returns GX's suite result."""
    import great_expectations as gx
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier

    source = ctx.data_sources.add_or_update_pandas(f"gate_{suite.stage}")
    asset = source.add_dataframe_asset(suite.frame)
    batch = asset.add_batch_definition_whole_dataframe("whole")
    gx_suite = ctx.suites.add(ExpectationSuite(**suite.gx_dict()))
    vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite))
    return vd.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=params,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["document_id"]},
        run_id=RunIdentifier(run_name=run_id, run_time=dt.datetime.now(dt.UTC)),
    )


def _trim(value: Any) -> Any:
    """GX's result JSON with long lists cut: meta.validation_results already holds every row."""
    if isinstance(value, dict):
        return {k: _trim(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_trim(v) for v in value[:MAX_JSON_LIST]] + (
            [f"... {len(value) - MAX_JSON_LIST} more (see meta.validation_results)"]
            if len(value) > MAX_JSON_LIST else []
        )
    if isinstance(value, str) and len(value) > 2000:
        return value[:2000] + "..."
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# ---------------------------------------------------------------------------------------------
# One stage
# ---------------------------------------------------------------------------------------------


@dataclass
class _SuiteRun:
    suite: Suite
    validation_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    success: bool = False
    evaluated: int = 0
    failed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    gx_json: dict[str, Any] = field(default_factory=dict)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def run_stage(
    con: Con,
    run_id: str,
    stage: str,
    suite_names: tuple[str, ...],
    data_docs_dir: str | Path | None = None,
) -> GateResult:
    """Build each suite's frame, validate it with GX, list failures with SQL, record everything.

    In the `incoming` stage a failed critical expectation quarantines the documents it names; in
    the `marts` stage any critical failure makes the result unsuccessful (nothing to quarantine:
    the caller must not publish).
    """
    t0 = time.perf_counter()
    result = GateResult(run_id=run_id, stage=stage)
    docs_dir = Path(data_docs_dir) / "gx" if data_docs_dir is not None else None
    suites = [load_suite(n) for n in suite_names]
    for s in suites:  # fail fast, before any work, on an expectation type without a SQL twin
        for exp in s.expectations:
            failing_rows_sql(exp["type"], {k: v for k, v in exp["kwargs"].items() if not isinstance(v, dict)})

    result_rows: list[dict[str, Any]] = []
    runs: list[_SuiteRun] = []
    ctx = None
    mem = duckdb.connect(":memory:")
    all_docs: set[str] = set()
    try:
        for suite in suites:
            run = _SuiteRun(suite, f"{run_id}:{stage}:{suite.name}", _now())
            runs.append(run)
            params = resolve_parameters(suite)
            try:
                frame = FRAMES[suite.frame](con, suite, run_id)
            except MissingTable as exc:
                result.errors.append(f"{suite.name}: {exc}")
                result_rows.append(_row(run, None, "frame", "critical", False, str(exc)))
                run.finished_at = _now()
                run.gx_json = {"error": str(exc)}
                continue
            run.evaluated = int(frame["document_id"].nunique())
            all_docs.update(frame["document_id"].dropna().astype(str))
            if ctx is None:
                ctx = _gx_context(docs_dir)
            gx_result = _gx_validate(ctx, suite, frame, params, run_id)
            run.success = bool(gx_result.success)
            run.gx_json = _trim(gx_result.to_json_dict())
            by_name = {r.expectation_config.meta.get("name"): r for r in gx_result.results}
            mem.register("frame", frame)
            try:
                for exp in suite.expectations:
                    _judge(mem, run, exp, by_name.get(exp["meta"]["name"]), params, result, result_rows)
            finally:
                mem.unregister("frame")
            run.finished_at = _now()
    finally:
        mem.close()

    result.evaluated_documents = len(all_docs)
    result.success = not result.errors
    result.suites = {r.suite.name: r.success for r in runs}
    _write_meta(con, run_id, stage, runs, result_rows)
    result.seconds = time.perf_counter() - t0
    if data_docs_dir is not None:
        # Reports are for people; a rendering problem is logged, it never changes the verdict.
        from pipeline.gate.docs import build_data_docs, write_report

        try:
            if docs_dir is not None and ctx is not None:
                build_data_docs(ctx, docs_dir)
            write_report(con, Path(data_docs_dir), run_id)
        except Exception:
            log.exception("could not write the gate's Data Docs into %s", data_docs_dir)
    log.info("%s gate for run %s: %d documents, %d quarantined, %d warnings, success=%s in %.2fs",
             stage, run_id, result.evaluated_documents, len(result.quarantined), len(result.warnings),
             result.success, result.seconds)
    return result


def _row(run: _SuiteRun, doc: str | None, name: str, severity: str, success: bool, detail: str) -> dict[str, Any]:
    return {"validation_id": run.validation_id, "document_id": doc, "expectation": name, "severity": severity,
            "success": success, "detail": detail}


def _judge(
    mem: Con,
    run: _SuiteRun,
    exp: dict[str, Any],
    gx_res: Any,
    params: dict[str, Any],
    result: GateResult,
    rows: list[dict[str, Any]],
) -> None:
    """Turn one expectation's GX verdict plus the SQL listing into meta rows and the GateResult."""
    meta, name, severity = exp["meta"], exp["meta"]["name"], exp["meta"]["severity"]
    kw = resolved_kwargs(exp, params)
    sql, sql_params = failing_rows_sql(exp["type"], kw)
    cur = mem.execute(sql, sql_params)
    cols = [d[0] for d in cur.description]
    failing = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    problems: list[str] = []
    if gx_res is None:
        problems.append("GX returned no result for it")
    else:
        exc = gx_res.exception_info or {}
        if exc.get("raised_exception"):
            problems.append(f"GX raised: {exc.get('exception_message')}")
        else:
            gx_count = (gx_res.result or {}).get("unexpected_count", 0) or 0
            if gx_count != len(failing) or bool(gx_res.success) != (not failing):
                problems.append(f"GX counts {gx_count} unexpected rows, the gate's SQL {len(failing)}")

    per_doc: dict[str | None, list[str]] = defaultdict(list)
    for r in failing:
        doc = r.get("document_id")
        per_doc[None if doc is None or (isinstance(doc, float) and math.isnan(doc)) else str(doc)].append(
            render_detail(exp["type"], kw, meta, r)
        )
    for doc, details in per_doc.items():
        text = "; ".join(details[:MAX_DETAILS_PER_DOCUMENT])
        if len(details) > MAX_DETAILS_PER_DOCUMENT:
            text += f"; ... and {len(details) - MAX_DETAILS_PER_DOCUMENT} more"
        reason = f"{severity} {name}: {text}"
        rows.append(_row(run, doc, name, severity, False, reason))
        if doc is None:
            if severity == "critical":
                problems.append(f"{len(details)} failing row(s) name no document: {text}")
            continue
        run.failed[severity].add(doc)
        if severity == "critical":
            prior = result.quarantined.get(doc)
            result.quarantined[doc] = f"{prior}; {reason}" if prior else reason
        elif severity == "warning":
            result.warnings.append((doc, name, text))

    if severity == "critical" and failing and run.suite.stage != "incoming":
        example = render_detail(exp["type"], kw, meta, failing[0])
        result.errors.append(f"{name}: {len(failing)} failing row(s), e.g. {example}")
    for p in problems:
        result.errors.append(f"{run.suite.name}.{name}: {p}")
    ok = not failing and not problems
    summary = f"{len(failing)} unexpected row(s) in {len(per_doc)} document(s)" if failing else "passed"
    if problems:
        summary += "; " + "; ".join(problems)
    rows.append(_row(run, None, name, severity, ok, summary))


def _write_meta(con: Con, run_id: str, stage: str, runs: list[_SuiteRun], rows: list[dict[str, Any]]) -> None:
    """Replace this run's rows of this stage in meta.validation_runs / meta.validation_results.

    Delete-then-insert keyed by `<run_id>:<stage>:` makes a re-run idempotent; it is done in one
    transaction when the caller has none open (else inside the caller's).
    """
    prefix = f"{run_id}:{stage}:"
    run_rows = pd.DataFrame(
        [
            {
                "validation_id": r.validation_id, "run_id": run_id, "suite": r.suite.name, "stage": stage,
                "success": r.success, "evaluated": r.evaluated,
                "failed_critical": len(r.failed.get("critical", ())),
                "failed_warning": len(r.failed.get("warning", ())),
                "started_at": r.started_at, "finished_at": r.finished_at,
                "gx_result_json": json.dumps(r.gx_json, ensure_ascii=False, default=str),
            }
            for r in runs
        ],
        columns=["validation_id", "run_id", "suite", "stage", "success", "evaluated", "failed_critical",
                 "failed_warning", "started_at", "finished_at", "gx_result_json"],
    )
    res_rows = pd.DataFrame(
        [{**r, "run_id": run_id} for r in rows],
        columns=["validation_id", "run_id", "document_id", "expectation", "severity", "success", "detail"],
    ).astype({"document_id": "object", "detail": "object"})
    own = _begin(con)
    runs_view, res_view = f"_gate_runs_{uuid.uuid4().hex}", f"_gate_res_{uuid.uuid4().hex}"
    try:
        con.execute("DELETE FROM meta.validation_results WHERE run_id = ? AND starts_with(validation_id, ?)",
                    [run_id, prefix])
        con.execute("DELETE FROM meta.validation_runs WHERE run_id = ? AND starts_with(validation_id, ?)",
                    [run_id, prefix])
        con.register(runs_view, run_rows)
        con.register(res_view, res_rows)
        con.execute(
            "INSERT INTO meta.validation_runs (validation_id, run_id, suite, stage, success, evaluated, "
            "failed_critical, failed_warning, started_at, finished_at, gx_result_json) "
            f"SELECT validation_id, run_id, suite, stage, success, evaluated, failed_critical, failed_warning, "
            f"started_at, finished_at, gx_result_json FROM {runs_view}"
        )
        con.execute(
            "INSERT INTO meta.validation_results (validation_id, run_id, document_id, expectation, severity, "
            f"success, detail) SELECT validation_id, run_id, document_id, expectation, severity, success, detail "
            f"FROM {res_view}"
        )
        if own:
            con.execute("COMMIT")
    except BaseException:
        if own:
            con.execute("ROLLBACK")
        raise
    finally:
        for view in (runs_view, res_view):
            with contextlib.suppress(duckdb.Error):
                con.unregister(view)


def _begin(con: Con) -> bool:
    """Open a transaction unless the caller already has one.

    DuckDB has no nested transactions, and a failed `BEGIN` inside the caller's transaction
    would abort it, so ask first: in autocommit mode every statement gets a new transaction id,
    inside an open transaction two statements share one.
    """
    first = con.execute("SELECT txid_current()").fetchone()[0]
    second = con.execute("SELECT txid_current()").fetchone()[0]
    if first == second:
        return False
    con.execute("BEGIN TRANSACTION")
    return True


def validate_batch(con: Con, run_id: str, *, data_docs_dir: str | Path | None = None) -> GateResult:
    """Gate `incoming.*` of `run_id` (docs/contracts.md §5).

    Critical failures quarantine the documents they name (the rest of the batch goes on),
    warnings are reported, every verdict lands in `meta.validation_*`. Re-running replaces the
    run's rows. The connection stays the caller's: it is neither opened nor closed here.
    When `data_docs_dir` is given, GX Data Docs (made offline-clean) and the gate's own static
    report are written there.
    """
    return run_stage(con, run_id, "incoming", INCOMING_SUITES, data_docs_dir)


def audit_marts(con: Con, run_id: str, *, data_docs_dir: str | Path | None = None) -> GateResult:
    """Audit the marts before publish (write–audit–publish); `success` False means do not publish."""
    return run_stage(con, run_id, "marts", MARTS_SUITES, data_docs_dir)
