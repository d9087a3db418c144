"""Time the gate on N synthetic documents (not collected by pytest: run it by hand).

    .venv/bin/python tests/gate/bench_gate.py [N]

Rows are generated with SQL straight into incoming.* (about 22 facts, 6 line items, 2 projects
and a conflict on every 50th document), plus the previous year of every department in raw so
the year-over-year join has work to do. 1% of the documents carry a critical defect.
GX's one-off import is timed apart from the gate itself.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.gate.builders import new_db

FIELDS = [
    ("expenditure_total", 31375100), ("expenditure_basic", 20000000), ("expenditure_project", 11375100),
    ("revenue_total", 32000000), ("revenue_current_year", 30000000), ("carryover_opening", 2000000),
    ("three_public_total", 150000), ("three_public_overseas", 0), ("three_public_vehicles", 100000),
    ("three_public_vehicle_purchase", 0), ("three_public_vehicle_operation", 100000),
    ("three_public_reception", 50000), ("general_budget_expenditure", 2000000),
    ("expenditure_personnel", 15000000), ("expenditure_public_operating", 5000000),
    ("econ_wages_benefits", 14000000), ("econ_goods_services", 6000000), ("procurement_total", 800000),
    ("agency_operating_expense", 900000), ("revenue_general_budget", 29000000),
]


def populate(con, run_id: str, n: int) -> None:
    values = ", ".join(f"('{f}', {v})" for f, v in FIELDS)
    con.execute(f"""
    CREATE TEMP TABLE gen AS SELECT i, printf('%016x', i) AS document_id FROM range({n}) t(i);
    INSERT INTO incoming.documents (document_id, sha256, department_name, fiscal_year, report_type, document_key,
        n_conflicts, _run_id, _loaded_at)
    SELECT document_id, document_id || document_id || document_id || document_id,
           CASE WHEN i % 100 = 7 THEN NULL ELSE '县部门' || i END,
           CASE WHEN i % 100 = 8 THEN 1899 ELSE 2021 END, 'final_accounts',
           '县部门' || i || '|2021|final_accounts', CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END,
           '{run_id}', now()
    FROM gen;
    INSERT INTO raw.documents (document_id, sha256, department_name, fiscal_year, report_type, document_key,
        _run_id, _loaded_at)
    SELECT 'p' || document_id, 'p', '县部门' || i, 2020, 'final_accounts', '县部门' || i || '|2020|final_accounts',
           'old', now() FROM gen;
    INSERT INTO raw.facts (document_id, field, value_numeric, _run_id, _loaded_at)
    SELECT 'p' || document_id, 'expenditure_total', CASE WHEN i % 100 = 9 THEN 1000 ELSE 30000000 END, 'old', now()
    FROM gen;
    INSERT INTO incoming.facts (document_id, field, value_numeric, unit_as_reported, as_reported, _run_id, _loaded_at)
    SELECT document_id, f, CASE WHEN i % 100 = 10 AND f = 'expenditure_basic' THEN -5 ELSE v END, '万元',
           printf('%.2f', v / 10000.0), '{run_id}', now()
    FROM gen CROSS JOIN (VALUES {values}) fv(f, v);
    INSERT INTO incoming.facts (document_id, field, value_numeric, unit_as_reported, as_reported, _run_id, _loaded_at)
    SELECT document_id, 'performance_score', CASE WHEN i % 100 = 11 THEN 85 ELSE 93 END, '分', '93', '{run_id}', now()
    FROM gen;
    INSERT INTO incoming.facts (document_id, field, value_text, _run_id, _loaded_at)
    SELECT document_id, 'performance_grade', '优', '{run_id}', now() FROM gen;
    INSERT INTO incoming.line_items (document_id, line_no, class_name, section_name, item_name, code, amount,
        _run_id, _loaded_at)
    SELECT document_id, k, '类' || (k // 3), CASE WHEN k % 3 > 0 THEN '款' END,
           CASE WHEN k % 3 > 0 THEN '项' || k END, NULL,
           CASE WHEN k % 3 = 0 THEN 1000000 ELSE 500000 END, '{run_id}', now()
    FROM gen CROSS JOIN range(6) r(k);
    INSERT INTO incoming.projects (document_id, line_no, project_name, budget_amount, executed_amount, score, grade,
        _run_id, _loaded_at)
    SELECT document_id, k, '项目', 600000, 310000, 88, '良', '{run_id}', now() FROM gen CROSS JOIN range(2) r(k);
    INSERT INTO incoming.conflicts (document_id, field, value_index, value_numeric, _run_id, _loaded_at)
    SELECT document_id, 'performance_score', k, 93 + 4 * k, '{run_id}', now()
    FROM gen CROSS JOIN range(2) r(k) WHERE i % 50 = 0;
    """)


def main(n: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        con = new_db(Path(tmp) / "bench.duckdb")
        t = time.perf_counter()
        populate(con, "bench", n)
        print(f"generated {n} documents in {time.perf_counter() - t:.2f}s")
        t = time.perf_counter()
        import great_expectations  # noqa: F401

        print(f"import great_expectations: {time.perf_counter() - t:.2f}s (once per process)")
        from pipeline.gate import validate_batch

        for attempt in (1, 2):
            t = time.perf_counter()
            result = validate_batch(con, "bench")
            print(f"validate_batch #{attempt}: {time.perf_counter() - t:.2f}s, {len(result.quarantined)} quarantined, "
                  f"{len(result.warnings)} warnings, success={result.success}")
        t = time.perf_counter()
        validate_batch(con, "bench", data_docs_dir=Path(tmp) / "docs")
        print(f"validate_batch with Data Docs: {time.perf_counter() - t:.2f}s")
        con.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
