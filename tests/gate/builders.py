"""Hand-made incoming rows for the gate tests: a good document and one helper per table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_SQL = (REPO_ROOT / "pipeline" / "sql" / "raw_schema.sql").read_text(encoding="utf-8")
LOADED_AT = dt.datetime(2026, 1, 2, 3, 4, 5)


def new_db(path: Path | str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A database with the project's DDL, as the loader would create it."""
    con = duckdb.connect(str(path))
    con.execute(SCHEMA_SQL)
    return con


def add_document(con: duckdb.DuckDBPyConnection, run_id: str, document_id: str, *, schema: str = "incoming",
                 **overrides: Any) -> None:
    """One documents row; identity defaults to a valid final-accounts report of 2021."""
    row: dict[str, Any] = {
        "document_id": document_id, "sha256": document_id * 4, "file_name": f"{document_id}.txt",
        "source_path": f"/inbox/{document_id}.txt", "file_format": "txt", "encoding": "utf-8",
        "department_name": f"盐边县测试局{document_id}", "province": "四川省", "city": "攀枝花市",
        "county": "盐边县", "division_code": "510422", "fiscal_year": 2021, "report_type": "final_accounts",
        "published_on": dt.date(2022, 9, 1), "title": "决算", "document_key": None,
        "extractor_version": "0.1.0", "n_facts": 0, "n_conflicts": 0, "n_warnings": 0,
        "_run_id": run_id, "_loaded_at": LOADED_AT,
    }
    row.update(overrides)
    if "document_key" not in overrides and row["department_name"] and row["fiscal_year"] and row["report_type"]:
        row["document_key"] = f"{row['department_name']}|{row['fiscal_year']}|{row['report_type']}"
    cols = ", ".join(row)
    con.execute(f"INSERT INTO {schema}.documents ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def add_fact(con: duckdb.DuckDBPyConnection, run_id: str, document_id: str, field: str, value: float | None,
             *, as_reported: str | None = None, unit: str | None = "万元", value_text: str | None = None,
             schema: str = "incoming") -> None:
    """One scalar fact; `as_reported` defaults to the value printed in 万元 with two decimals."""
    if as_reported is None and value is not None and unit == "万元":
        as_reported = f"{value / 10000:.2f}"
    con.execute(
        f"INSERT INTO {schema}.facts (document_id, field, value_numeric, value_text, unit_as_reported, as_reported, "
        "_run_id, _loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [document_id, field, value, value_text, unit, as_reported, run_id, LOADED_AT],
    )


def add_line_item(con: duckdb.DuckDBPyConnection, run_id: str, document_id: str, line_no: int, amount: float,
                  *, class_name: str | None = None, section_name: str | None = None, item_name: str | None = None,
                  code: str | None = None) -> None:
    con.execute(
        "INSERT INTO incoming.line_items (document_id, line_no, class_name, section_name, item_name, code, amount, "
        "_run_id, _loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [document_id, line_no, class_name, section_name, item_name, code, amount, run_id, LOADED_AT],
    )


def add_project(con: duckdb.DuckDBPyConnection, run_id: str, document_id: str, line_no: int, *,
                budget: float | None = 600000.0, executed: float | None = 310000.0, score: float | None = None,
                grade: str | None = None) -> None:
    con.execute(
        "INSERT INTO incoming.projects (document_id, line_no, project_name, budget_amount, executed_amount, score, "
        "grade, _run_id, _loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [document_id, line_no, f"项目{line_no}", budget, executed, score, grade, run_id, LOADED_AT],
    )


def add_conflict(con: duckdb.DuckDBPyConnection, run_id: str, document_id: str, field: str,
                 values: list[float]) -> None:
    for i, v in enumerate(values):
        con.execute(
            "INSERT INTO incoming.conflicts (document_id, field, value_index, value_numeric, _run_id, _loaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [document_id, field, i, v, run_id, LOADED_AT],
        )


def add_good_document(con: duckdb.DuckDBPyConnection, run_id: str, document_id: str, **doc: Any) -> None:
    """A report whose every internal sum adds up within the printed rounding (万元, two decimals)."""
    add_document(con, run_id, document_id, **doc)
    facts = {
        "expenditure_total": 31375100.0, "expenditure_basic": 20000000.0,
        "expenditure_project": 11375000.0,            # sum is 100 yuan short: one printed step, allowed
        "revenue_total": 32000000.0, "revenue_current_year": 30000000.0, "carryover_opening": 2000000.0,
        "three_public_total": 150000.0, "three_public_overseas": 0.0, "three_public_vehicles": 100000.0,
        "three_public_vehicle_purchase": 0.0, "three_public_vehicle_operation": 100000.0,
        "three_public_reception": 50000.0, "general_budget_expenditure": 3000000.0,
    }
    for field, value in facts.items():
        add_fact(con, run_id, document_id, field, value)
    add_fact(con, run_id, document_id, "performance_score", 93, unit="分", as_reported="93")
    add_fact(con, run_id, document_id, "performance_grade", None, unit=None, value_text="优")
    add_fact(con, run_id, document_id, "staff_actual", 25, unit="人", as_reported="25")
    # 类 row + two 项 rows under it + a 款 row with one 项: leaves are the three 项 rows.
    add_line_item(con, run_id, document_id, 0, 2000000.0, class_name="科学技术支出", code="206")
    add_line_item(con, run_id, document_id, 1, 1500000.0, class_name="科学技术支出", section_name="科学技术管理事务",
                  item_name="行政运行", code="2060101")
    add_line_item(con, run_id, document_id, 2, 500000.0, class_name="科学技术支出", section_name="科学技术管理事务",
                  item_name="一般行政管理事务", code="2060102")
    add_line_item(con, run_id, document_id, 3, 1000000.0, class_name="社会保障和就业支出",
                  section_name="行政事业单位养老支出")
    add_line_item(con, run_id, document_id, 4, 1000000.0, class_name="社会保障和就业支出",
                  section_name="行政事业单位养老支出", item_name="机关事业单位基本养老保险缴费支出")
    add_project(con, run_id, document_id, 0, score=85, grade="良")


def set_fact(con: duckdb.DuckDBPyConnection, run_id: str, document_id: str, field: str, value: float) -> None:
    """Change one fact of a document already added (value and its printed text)."""
    con.execute(
        "UPDATE incoming.facts SET value_numeric = ?, as_reported = ? WHERE document_id = ? AND field = ? "
        "AND _run_id = ?",
        [value, f"{value / 10000:.2f}", document_id, field, run_id],
    )
