"""dbt build on the hand-made fixture: real numbers in the marts, unknown members, warn-tests."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from tests.dbt.fixtures import build_fixture_db, fixture_document_ids, node_statuses, run_dbt

pytestmark = pytest.mark.slow

IDS = fixture_document_ids()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The four fixture documents in a fresh work database, after one `dbt build`."""
    work = tmp_path_factory.mktemp("dbt_build")
    db = build_fixture_db(work / "work.duckdb")
    result = run_dbt(db, ["build"], work)
    return db, result, work


@pytest.fixture
def con(built):
    db, _, _ = built
    connection = duckdb.connect(str(db))
    yield connection
    connection.close()


def one(con, sql, params=None):
    row = con.execute(sql, params or []).fetchone()
    return row[0] if row and len(row) == 1 else row


def test_build_succeeds_with_only_the_expected_warnings(built):
    _, result, _ = built
    statuses = node_statuses(result)
    assert result.success, {k: v for k, v in statuses.items() if v in ("error", "fail")}
    warned = sorted(name for name, status in statuses.items() if status == "warn")
    assert warned == ["arithmetic_function_items_total", "arithmetic_project_grade_matches_score"]


def test_schemas_are_not_prefixed(con):
    schemas = {r[0] for r in con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
    assert {"staging", "intermediate", "marts", "seeds"} <= schemas
    assert not {s for s in schemas if s.startswith("main_")}


def test_department_finance_holds_exact_yuan(con):
    row = con.execute(
        "SELECT expenditure_total, expenditure_basic, expenditure_project, three_public_total, reception_batches "
        "FROM marts.fct_department_finance WHERE document_id = ?",
        [IDS["FINAL_2021"]],
    ).fetchone()
    assert row == (Decimal("31375100.00"), Decimal("12345600.00"), Decimal("19029500.00"), Decimal("32600.00"), 5)
    data_type = one(
        con,
        "SELECT data_type FROM information_schema.columns WHERE table_schema = 'marts' "
        "AND table_name = 'fct_department_finance' AND column_name = 'expenditure_total'",
    )
    assert data_type == "DECIMAL(18,2)"
    assert one(con, "SELECT count(*) FROM marts.fct_department_finance") == 4


def test_reported_value_contract_row(con):
    row = con.execute(
        "SELECT value_numeric, value_yuan, unit_as_reported, as_reported, snippet, field_label_cn, field_kind, "
        "rounding_tolerance_yuan FROM marts.fct_reported_value WHERE document_id = ? AND field = 'expenditure_total'",
        [IDS["FINAL_2021"]],
    ).fetchone()
    assert row == (
        Decimal("31375100"),
        Decimal("31375100.00"),
        "万元",
        "3137.51",
        "…本年支出合计3137.51万元…",
        "本年支出合计",
        "money",
        Decimal("50"),
    )
    columns = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
            "AND table_name = 'fct_reported_value' ORDER BY ordinal_position"
        ).fetchall()
    ]
    for needed in (
        "document_id",
        "field",
        "value_numeric",
        "value_text",
        "unit_as_reported",
        "as_reported",
        "span_start",
        "span_end",
        "snippet",
        "page",
        "field_label_cn",
        "field_kind",
        "_run_id",
        "_loaded_at",
    ):
        assert needed in columns
    grade = con.execute(
        "SELECT value_numeric, value_text FROM marts.fct_reported_value "
        "WHERE document_id = ? AND field = 'performance_grade'",
        [IDS["PERF_2021"]],
    ).fetchone()
    assert grade == (None, "优")
    assert one(
        con,
        "SELECT value_numeric FROM marts.fct_reported_value WHERE document_id = ? AND field = 'budget_execution_rate'",
        [IDS["FINAL_2021"]],
    ) == Decimal("0.965")


def test_reported_value_says_which_values_were_read_by_ocr(con):
    rows = con.execute(
        "SELECT document_id, ocr_confidence FROM marts.fct_reported_value WHERE field = 'expenditure_total'"
    ).fetchall()
    by_doc = dict(rows)
    assert by_doc[IDS["FINAL_2020"]] == pytest.approx(0.97)
    assert by_doc[IDS["FINAL_2021"]] is None  # a text layer: no OCR confidence


def test_every_dimension_has_its_unknown_member(con):
    for table, key in [
        ("dim_department", "department_key"),
        ("dim_region", "region_key"),
        ("dim_function_class", "function_class_key"),
        ("dim_economic_class", "economic_class_key"),
        ("dim_fiscal_year", "fiscal_year_key"),
    ]:
        assert (
            one(con, f"SELECT count(*) FROM marts.{table} WHERE CAST({key} AS VARCHAR) = '-1' AND is_unknown_member")
            == 1
        ), table


def test_dim_document_holds_one_row_per_loaded_report_and_no_unknown_member(con):
    assert one(con, "SELECT count(*) FROM marts.dim_document WHERE document_id = '-1' OR is_unknown_member") == 0
    assert one(con, "SELECT count(*) FROM marts.dim_document") == one(con, "SELECT count(*) FROM raw.documents")


def test_function_lines_resolve_or_fall_to_unknown(con):
    rows = dict(
        con.execute(
            "SELECT document_id || ':' || line_no, function_class_key FROM marts.fct_expenditure_by_function"
        ).fetchall()
    )
    assert rows[f"{IDS['FINAL_2021']}:6"] == "2080501"  # no printed code: resolved by 类/款/项 names
    assert rows[f"{IDS['FINAL_2020']}:2"] == "-1"  # printed code not in the classification
    top = one(
        con,
        "SELECT sum(amount) FROM marts.fct_expenditure_by_function WHERE document_id = ? AND counts_toward_total",
        [IDS["FINAL_2021"]],
    )
    assert top == Decimal("30000000.00")


def test_arithmetic_check_flags_the_budget_whose_items_do_not_add_up(con):
    failed = con.execute(
        "SELECT document_id, check_name, lhs_value, rhs_value FROM marts.fct_arithmetic_check "
        "WHERE NOT passed ORDER BY check_name"
    ).fetchall()
    assert failed == [
        (IDS["BUDGET_2022"], "function_items_total", Decimal("31000000"), Decimal("32000000")),
        (IDS["PERF_2021"], "project_grade_matches_score", Decimal("98"), None),
    ]
    passed = {
        r[0]
        for r in con.execute(
            "SELECT check_name FROM marts.fct_arithmetic_check WHERE document_id = ? AND passed", [IDS["FINAL_2021"]]
        ).fetchall()
    }
    assert {
        "expenditure_basic_plus_project",
        "three_public_parts",
        "function_items_total",
        "basic_personnel_plus_public_operating",
        "three_public_vehicle_parts",
    } <= passed


def test_department_across_years_and_region(con):
    assert one(con, "SELECT count(DISTINCT department_key) FROM marts.dim_document WHERE NOT is_unknown_member") == 1
    dept = con.execute(
        "SELECT n_name_variants, region_key, first_fiscal_year, last_fiscal_year, n_documents "
        "FROM marts.dim_department WHERE NOT is_unknown_member"
    ).fetchone()
    assert dept == (2, "510422", 2020, 2022, 4)
    method = one(con, "SELECT region_match_method FROM marts.dim_document WHERE document_id = ?", [IDS["FINAL_2020"]])
    assert method == "county_name"
    region = con.execute(
        "SELECT region_name, region_level, prefecture_name FROM marts.dim_region WHERE region_key = '510422'"
    ).fetchone()
    assert region == ("盐边县", "county", "攀枝花市")


def test_three_public_year_over_year(con):
    row = con.execute(
        "SELECT three_public_total, prior_year_three_public_total, yoy_change, yoy_change_ratio "
        "FROM marts.mart_three_public_yoy WHERE fiscal_year = 2021"
    ).fetchone()
    assert row == (Decimal("32600.00"), Decimal("40000.00"), Decimal("-7400.00"), Decimal("-0.185"))
    planned = one(con, "SELECT three_public_total_planned FROM marts.mart_three_public_yoy WHERE fiscal_year = 2022")
    assert planned == Decimal("30000.00")


def test_budget_execution_by_county(con):
    rows = con.execute(
        "SELECT fiscal_year, expenditure_executed, expenditure_planned, n_departments_final_accounts, "
        "avg_printed_budget_execution_rate FROM marts.mart_budget_execution_by_county "
        "WHERE region_key = '510422' ORDER BY fiscal_year"
    ).fetchall()
    assert rows == [
        (2020, Decimal("29000000.00"), None, 1, None),
        (2021, Decimal("31375100.00"), None, 1, Decimal("0.965")),
        (2022, None, Decimal("35000000.00"), 0, None),
    ]


def test_performance_marts(con):
    ev = con.execute(
        "SELECT performance_score, performance_grade, grade_from_score, has_score_conflict, "
        "performance_target_count, n_indicators, n_indicators_met, n_projects, n_problems, n_remedies "
        "FROM marts.fct_performance_evaluation WHERE document_id = ?",
        [IDS["PERF_2021"]],
    ).fetchone()
    assert ev == (Decimal("93.00"), "优", "优", True, 12, 3, 1, 2, 2, 1)
    met = dict(con.execute("SELECT level3, is_target_met FROM marts.fct_performance_indicator").fetchall())
    assert met == {"企业培训覆盖率": True, "资金拨付时间": False, "企业满意度": None}
    conflict = con.execute(
        "SELECT value_index, value_numeric, is_kept_value FROM marts.fct_extraction_conflict ORDER BY value_index"
    ).fetchall()
    assert conflict == [(0, Decimal("93"), True), (1, Decimal("97"), False)]
    county = con.execute(
        "SELECT n_evaluations, avg_score, n_grade_excellent, indicators_met_ratio "
        "FROM marts.mart_performance_by_county WHERE region_key = '510422' AND fiscal_year = 2021"
    ).fetchone()
    assert county == (1, Decimal("93.00"), 1, Decimal("0.5"))


def test_seed_codes_are_varchar_and_docs_are_persisted(con):
    types = dict(
        con.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'seeds' AND column_name LIKE '%code%'"
        ).fetchall()
    )
    assert types and set(types.values()) == {"VARCHAR"}, types
    assert "三公经费合计" in one(
        con,
        "SELECT comment FROM duckdb_columns() WHERE schema_name = 'marts' "
        "AND table_name = 'fct_department_finance' AND column_name = 'three_public_total'",
    ).replace("“", "").replace("”", "")
    assert one(con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND comment IS NULL") == 0


def test_docs_generate_offline(built):
    db, _, work = built
    result = run_dbt(db, ["docs", "generate"], work)
    assert result.success
    assert (work / "target" / "catalog.json").stat().st_size > 0
    assert (work / "target" / "index.html").stat().st_size > 0
