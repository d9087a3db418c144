"""The raw fixture helper writes the rows the dbt tests rely on (fast: no dbt)."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from tests.dbt.fixtures import build_fixture_db, fixture_document_ids, fixture_documents, insert_documents


def test_fixture_rows_land_in_raw(tmp_path):
    db = build_fixture_db(tmp_path / "work.duckdb")
    ids = fixture_document_ids()
    with duckdb.connect(str(db)) as con:
        counts = dict(
            con.execute(
                "SELECT 'documents', count(*) FROM raw.documents UNION ALL SELECT 'facts', count(*) FROM raw.facts "
                "UNION ALL SELECT 'line_items', count(*) FROM raw.line_items "
                "UNION ALL SELECT 'conflicts', count(*) FROM raw.conflicts "
                "UNION ALL SELECT 'findings', count(*) FROM raw.findings"
            ).fetchall()
        )
        total = con.execute(
            "SELECT value_numeric FROM raw.facts WHERE document_id = ? AND field = 'expenditure_total'",
            [ids["FINAL_2021"]],
        ).fetchone()[0]
        key = con.execute(
            "SELECT document_key FROM raw.documents WHERE document_id = ?", [ids["BUDGET_2022"]]
        ).fetchone()
    assert counts == {"documents": 4, "facts": 40, "line_items": 10, "conflicts": 2, "findings": 3}
    assert total == Decimal("31375100.000000")
    assert key == ("盐边县经济信息化和科学技术局|2022|budget",)
    assert all(len(i) == 16 for i in ids.values())


def test_reinsert_replaces_a_document(tmp_path):
    db = build_fixture_db(tmp_path / "work.duckdb")
    perf = fixture_documents()["PERF_2021"]
    perf["problems"] = perf["problems"][:1]
    with duckdb.connect(str(db)) as con:
        insert_documents(con, [perf], run_id="run-2")
        rows = con.execute(
            "SELECT kind, count(*), min(_run_id) FROM raw.findings GROUP BY kind ORDER BY kind"
        ).fetchall()
    assert rows == [("problem", 1, "run-2"), ("remedy", 1, "run-2")]
