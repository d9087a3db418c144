"""The quality gate on a hand-made batch: one good document per case and one bad one per failure kind.

GX costs seconds to import, so the batch is validated once per module and each test reads the
shared result.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.gate import GateError, GateResult, audit_marts, validate_batch
from pipeline.gate.docs import remote_references
from pipeline.gate.suites import INCOMING_SUITES, MARTS_SUITES, load_suite
from tests.gate.builders import (
    REPO_ROOT,
    add_conflict,
    add_document,
    add_fact,
    add_good_document,
    add_line_item,
    add_project,
    new_db,
    set_fact,
)

RUN = "run-2026-01-02"
GOOD = ("good0000000001", "good0000000002")


def _build_batch(con: duckdb.DuckDBPyConnection) -> None:
    """Good documents, one document per critical kind, one per warning kind."""
    for doc in GOOD:
        add_good_document(con, RUN, doc)
    # critical kinds
    add_good_document(con, RUN, "nodept00000001", department_name="  ")
    add_good_document(con, RUN, "noyear00000001", fiscal_year=None)
    add_good_document(con, RUN, "year1899000001", fiscal_year=1899)
    add_good_document(con, RUN, "negative000001")
    set_fact(con, RUN, "negative000001", "three_public_reception", -50000.0)
    add_good_document(con, RUN, "absurd00000001")
    add_fact(con, RUN, "absurd00000001", "procurement_total", 5e11)
    add_good_document(con, RUN, "dupid000000001")
    add_document(con, RUN, "dupid000000001", department_name="盐边县另一局")
    add_good_document(con, RUN, "dupkeya0000001", department_name="盐边县重复局")
    add_good_document(con, RUN, "dupkeyb0000001", department_name="盐边县重复局")
    add_good_document(con, RUN, "inraw000000001")
    add_document(con, "an-earlier-run", "inraw000000001", schema="raw")
    add_good_document(con, RUN, "badtype0000001", report_type="annual_report")
    # warning kinds
    add_good_document(con, RUN, "wsplit00000001")
    set_fact(con, RUN, "wsplit00000001", "expenditure_project", 9000000.0)
    add_good_document(con, RUN, "w3public000001")
    set_fact(con, RUN, "w3public000001", "three_public_reception", 80000.0)
    add_good_document(con, RUN, "witems00000001")
    add_line_item(con, RUN, "witems00000001", 5, 700000.0, class_name="教育支出", section_name="普通教育",
                  item_name="小学", code="2050202")
    add_good_document(con, RUN, "wrevenue000001")
    set_fact(con, RUN, "wrevenue000001", "carryover_opening", 3000000.0)
    add_good_document(con, RUN, "wconflict00001", n_conflicts=1)
    add_conflict(con, RUN, "wconflict00001", "performance_score", [93, 97])
    add_good_document(con, RUN, "wscore00000001")
    add_project(con, RUN, "wscore00000001", 1, score=120, grade=None)
    add_good_document(con, RUN, "wgrade00000001")
    con.execute("UPDATE incoming.facts SET value_text = '良' WHERE document_id = 'wgrade00000001' "
                "AND field = 'performance_grade'")
    add_good_document(con, RUN, "wyoy0000000001", department_name="盐边县跳变局")
    add_document(con, "an-earlier-run", "wyoyprev000001", schema="raw", department_name="盐边县跳变局",
                 fiscal_year=2020)
    add_fact(con, "an-earlier-run", "wyoyprev000001", "expenditure_total", 2000000.0, schema="raw")


CRITICAL_CASES = {
    "nodept00000001": ("expect_department_name_not_null", "department_name is NULL"),
    "noyear00000001": ("expect_fiscal_year_not_null", "fiscal_year is NULL"),
    "year1899000001": ("expect_fiscal_year_between", "fiscal_year=1899 not in [1990, "),
    "negative000001": ("expect_money_not_negative", "facts.three_public_reception=-50000 < 0"),
    "absurd00000001": ("expect_money_not_absurd", "facts.procurement_total=500000000000 > 100000000000"),
    "dupid000000001": ("expect_document_id_unique_in_batch", "document_id=dupid000000001 appears 2 times"),
    "badtype0000001": ("expect_report_type_known", "report_type='annual_report' not in"),
}

# Promotion, not the gate, decides between files that share a report key (duplicate or re-issue), and
# re-extraction re-reads documents already in raw on purpose: both are recorded as info only.
INFO_CASES = {
    "dupkeya0000001": ("expect_document_key_unique_in_batch", "also in this batch as document_id dupkeyb0000001"),
    "dupkeyb0000001": ("expect_document_key_unique_in_batch", "also in this batch as document_id dupkeya0000001"),
    "inraw000000001": ("expect_document_id_not_in_raw", "already in raw.documents from run an-earlier-run"),
}

WARNING_CASES = {
    "wsplit00000001": ("expect_basic_plus_project_equals_expenditure_total", "differs by 2375100.00 yuan"),
    "w3public000001": ("expect_three_public_parts_equal_total", "three_public_reception 80000.00"),
    "witems00000001": ("expect_function_items_sum_to_general_budget_expenditure", "function line items 3700000.00"),
    "wrevenue000001": ("expect_current_plus_carryover_equals_revenue_total", "carryover_opening 3000000.00"),
    "wconflict00001": ("expect_no_conflicting_values", "performance_score=93 vs 97"),
    "wscore00000001": ("expect_score_between_0_and_100", "projects[1].score=120 not in [0, 100]"),
    "wgrade00000001": ("expect_grade_matches_score_band", "performance_grade=良 but facts.performance_score=93"),
    "wyoy0000000001": ("expect_no_year_over_year_jump", "expenditure_total = 31375100.00 in 2021 but 2000000.00"),
}


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, GateResult]]:
    con = new_db(tmp_path_factory.mktemp("gate") / "work.duckdb")
    _build_batch(con)
    result = validate_batch(con, RUN)
    yield con, result
    con.close()


def _results(con: duckdb.DuckDBPyConnection, **where: Any) -> list[tuple[Any, ...]]:
    cond = " AND ".join(f"{k} = ?" for k in where)
    return con.execute(
        f"SELECT document_id, expectation, severity, success, detail FROM meta.validation_results "
        f"WHERE run_id = ? {'AND ' + cond if cond else ''} ORDER BY ALL", [RUN, *where.values()]
    ).fetchall()


@pytest.mark.parametrize("doc", sorted(CRITICAL_CASES))
def test_critical_failure_quarantines_the_document_with_expectation_and_value(gated, doc: str) -> None:
    _, result = gated
    expectation, value = CRITICAL_CASES[doc]
    reason = result.quarantined[doc]
    assert f"critical {expectation}: " in reason
    assert value in reason


@pytest.mark.parametrize("doc", sorted(INFO_CASES))
def test_same_key_and_known_content_are_recorded_as_info_not_quarantined(gated, doc: str) -> None:
    con, result = gated
    expectation, value = INFO_CASES[doc]
    assert doc not in result.quarantined
    rows = _results(con, document_id=doc, expectation=expectation)
    assert rows and rows[0][2] == "info" and value in rows[0][4]


def test_only_the_bad_documents_are_quarantined(gated) -> None:
    _, result = gated
    assert set(result.quarantined) == set(CRITICAL_CASES)


def test_year_reason_reads_as_documented(gated) -> None:
    _, result = gated
    import datetime as dt

    assert result.quarantined["year1899000001"] == (
        f"critical expect_fiscal_year_between: fiscal_year=1899 not in [1990, {dt.date.today().year + 1}]"
    )


@pytest.mark.parametrize("doc", sorted(WARNING_CASES))
def test_warning_is_reported_and_does_not_quarantine(gated, doc: str) -> None:
    con, result = gated
    expectation, value = WARNING_CASES[doc]
    assert doc not in result.quarantined
    details = [d for (w_doc, exp, d) in result.warnings if w_doc == doc and exp == expectation]
    assert details and value in details[0], result.warnings
    rows = _results(con, document_id=doc, expectation=expectation)
    assert rows and rows[0][2] == "warning" and rows[0][3] is False


def test_good_documents_pass_everything_including_rounding(gated) -> None:
    con, result = gated
    for doc in GOOD:
        assert doc not in result.quarantined
        assert not [w for w in result.warnings if w[0] == doc]
        assert not _results(con, document_id=doc)


def test_only_expected_warnings_are_raised(gated) -> None:
    _, result = gated
    raised = {(doc, exp) for doc, exp, _ in result.warnings if doc not in CRITICAL_CASES}
    assert raised == {(doc, exp) for doc, (exp, _) in WARNING_CASES.items()}


def test_gate_succeeds_when_every_critical_failure_names_a_document(gated) -> None:
    _, result = gated
    assert result.success, result.errors
    result.raise_for_failure()


def test_validation_runs_has_one_row_per_suite_with_counts_and_gx_json(gated) -> None:
    con, _ = gated
    rows = con.execute(
        "SELECT suite, stage, success, evaluated, failed_critical, failed_warning, gx_result_json "
        "FROM meta.validation_runs WHERE run_id = ? ORDER BY suite", [RUN]
    ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(INCOMING_SUITES)
    by_suite = {r[0]: r for r in rows}
    assert by_suite["incoming_documents"][4] == 5          # documents failing a critical identity check
    assert by_suite["incoming_facts"][4] == 2              # negative and absurd money
    # arithmetic x4, conflict, year-over-year, and the 三公 sum broken by the negative (quarantined) document
    assert by_suite["incoming_consistency"][5] == 7
    for r in rows:
        assert r[1] == "incoming" and r[2] is False
        gx = json.loads(r[6])
        assert gx["success"] is False and gx["results"]


def test_validation_results_has_a_summary_row_per_expectation(gated) -> None:
    con, _ = gated
    summary = {r[1]: r for r in con.execute(
        "SELECT document_id, expectation, severity, success FROM meta.validation_results "
        "WHERE run_id = ? AND document_id IS NULL", [RUN]).fetchall()}
    names = {e["meta"]["name"] for s in INCOMING_SUITES for e in load_suite(s).expectations}
    assert set(summary) == names
    assert summary["expect_report_type_not_null"][3] is True
    assert summary["expect_fiscal_year_between"][3] is False


def test_critical_result_rows_carry_the_reason_promotion_reads(gated) -> None:
    con, result = gated
    rows = con.execute(
        "SELECT document_id, string_agg(detail, '; ' ORDER BY expectation) FROM meta.validation_results "
        "WHERE run_id = ? AND severity = 'critical' AND NOT success AND document_id IS NOT NULL GROUP BY 1",
        [RUN],
    ).fetchall()
    assert dict(rows).keys() == result.quarantined.keys()
    assert "fiscal_year=1899" in dict(rows)["year1899000001"]


def test_info_expectation_is_recorded_without_warning_or_quarantine(tmp_path: Path) -> None:
    con = new_db(tmp_path / "w.duckdb")
    add_good_document(con, "r2", "reissue0000001", department_name="盐边县再版局")
    add_document(con, "r1", "original000001", schema="raw", department_name="盐边县再版局")
    result = validate_batch(con, "r2")
    assert not result.quarantined and not result.warnings
    rows = con.execute("SELECT detail FROM meta.validation_results WHERE run_id = 'r2' AND severity = 'info' "
                       "AND document_id = 'reissue0000001'").fetchall()
    assert rows and "already in raw as document_id original000001" in rows[0][0]


def test_rerun_replaces_the_runs_rows(gated) -> None:
    con, first = gated
    before = con.execute("SELECT count(*) FROM meta.validation_results WHERE run_id = ?", [RUN]).fetchone()[0]
    again = validate_batch(con, RUN)
    after = con.execute("SELECT count(*) FROM meta.validation_results WHERE run_id = ?", [RUN]).fetchone()[0]
    n_runs = con.execute("SELECT count(*) FROM meta.validation_runs WHERE run_id = ?", [RUN]).fetchone()[0]
    assert after == before and n_runs == len(INCOMING_SUITES)
    assert again.quarantined == first.quarantined and sorted(again.warnings) == sorted(first.warnings)


def test_retry_after_promotion_is_not_a_duplicate_against_raw(tmp_path: Path) -> None:
    con = new_db(tmp_path / "w.duckdb")
    add_good_document(con, "r1", "promoted000001")
    add_document(con, "r1", "promoted000001", schema="raw")  # promoted by this same run, then retried
    assert validate_batch(con, "r1").quarantined == {}


def test_gate_writes_inside_the_callers_open_transaction(tmp_path: Path) -> None:
    con = new_db(tmp_path / "w.duckdb")
    add_good_document(con, "rt", "txn00000000001", fiscal_year=1899)
    con.execute("BEGIN TRANSACTION")
    result = validate_batch(con, "rt")
    con.execute("ROLLBACK")  # the caller decides: its rollback takes the gate's rows with it
    assert "txn00000000001" in result.quarantined
    assert con.execute("SELECT count(*) FROM meta.validation_runs WHERE run_id = 'rt'").fetchone()[0] == 0


def test_other_runs_rows_are_left_alone(tmp_path: Path) -> None:
    con = new_db(tmp_path / "w.duckdb")
    add_good_document(con, "ra", "doca0000000001")
    add_good_document(con, "rb", "docb0000000001")
    validate_batch(con, "ra")
    validate_batch(con, "rb")
    validate_batch(con, "rb")
    counts = dict(con.execute("SELECT run_id, count(*) FROM meta.validation_runs GROUP BY 1").fetchall())
    assert counts == {"ra": 3, "rb": 3}


def _marts(con: duckdb.DuckDBPyConnection, dim_rows: list[tuple[str, str | None, int | None]]) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE OR REPLACE TABLE marts.dim_document (document_id VARCHAR, department_name VARCHAR, "
                "fiscal_year INTEGER, is_unknown_member BOOLEAN)")
    con.executemany("INSERT INTO marts.dim_document VALUES (?, ?, ?, false)", dim_rows)
    con.execute("INSERT INTO marts.dim_document VALUES ('-1', '未知/unknown', NULL, true)")
    con.execute("CREATE OR REPLACE TABLE marts.fct_reported_value (document_id VARCHAR, field VARCHAR, "
                "value_numeric DECIMAL(24, 6))")
    con.execute("INSERT INTO marts.fct_reported_value VALUES ('d1', 'expenditure_total', 100), "
                "('-1', 'expenditure_total', 5)")


@pytest.fixture
def raw_two_docs(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = new_db(tmp_path / "m.duckdb")
    add_document(con, "r0", "d1", schema="raw")
    add_document(con, "r0", "d2", schema="raw")
    return con


def test_audit_passes_on_consistent_marts(raw_two_docs) -> None:
    _marts(raw_two_docs, [("d1", "局一", 2021), ("d2", "局二", 2021)])
    result = audit_marts(raw_two_docs, "r0")
    assert result.success, result.errors
    assert raw_two_docs.execute("SELECT count(*) FROM meta.validation_runs WHERE stage = 'marts'").fetchone()[0] == 2


def test_audit_fails_on_duplicate_dim_document_row(raw_two_docs) -> None:
    _marts(raw_two_docs, [("d1", "局一", 2021), ("d2", "局二", 2021), ("d2", "局二", 2021)])
    result = audit_marts(raw_two_docs, "r0")
    assert not result.success
    assert "expect_dim_document_id_unique" in result.quarantined["d2"]
    with pytest.raises(GateError, match="expect_dim_document_id_unique"):
        result.raise_for_failure()


def test_audit_fails_on_dim_row_without_raw_document(raw_two_docs) -> None:
    _marts(raw_two_docs, [("d1", "局一", 2021), ("d2", "局二", 2021), ("ghost", "局三", 2021)])
    result = audit_marts(raw_two_docs, "r0")
    assert not result.success and "expect_dim_document_in_raw" in result.quarantined["ghost"]


def test_audit_fails_on_negative_reported_value(raw_two_docs) -> None:
    _marts(raw_two_docs, [("d1", "局一", 2021), ("d2", "局二", 2021)])
    raw_two_docs.execute("INSERT INTO marts.fct_reported_value VALUES ('d2', 'expenditure_basic', -3)")
    result = audit_marts(raw_two_docs, "r0")
    assert not result.success
    assert "fct_reported_value.expenditure_basic.value_numeric=-3 < 0" in result.quarantined["d2"]


def test_audit_fails_when_a_mart_is_missing(raw_two_docs) -> None:
    result = audit_marts(raw_two_docs, "r0")
    assert not result.success and any("marts.dim_document does not exist" in e for e in result.errors)


def test_data_docs_open_without_internet(tmp_path: Path) -> None:
    con = new_db(tmp_path / "w.duckdb")
    add_good_document(con, "rd", "docs0000000001")
    add_good_document(con, "rd", "docs0000000002", fiscal_year=1899)
    out = tmp_path / "data_docs"
    validate_batch(con, "rd", data_docs_dir=out)
    assert (out / "index.html").exists() and (out / "report-rd.html").exists()
    assert list((out / "gx" / "validations").rglob("*.html"))
    assert remote_references(out) == []
    assert "fiscal_year=1899" in (out / "report-rd.html").read_text(encoding="utf-8")


def test_every_expectation_has_severity_name_and_description() -> None:
    for name in INCOMING_SUITES + MARTS_SUITES:
        for exp in load_suite(name).expectations:
            assert exp["meta"]["severity"] in ("critical", "warning", "info")
            assert len(exp["meta"]["description"]) > 20


def test_importing_the_gate_does_not_import_gx() -> None:
    code = "import sys, pipeline.gate; assert 'great_expectations' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)
