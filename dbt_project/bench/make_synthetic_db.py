"""Create a scratch DuckDB work file with N synthetic documents of raw rows (timing only).

.venv/bin/python dbt_project/bench/make_synthetic_db.py var/bench.duckdb 10000
FISCAL_WORK_DB=var/bench.duckdb .venv/bin/dbt build --project-dir dbt_project --profiles-dir dbt_project
"""

import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def main(path: str, n_docs: int) -> None:
    target = Path(path)
    target.unlink(missing_ok=True)
    sql = (HERE / "synthetic_raw.sql").read_text(encoding="utf-8")
    sql = sql.replace("__N_DOCS__", str(n_docs)).replace("__SEEDS__", str(REPO / "dbt_project" / "seeds"))
    with duckdb.connect(str(target)) as con:
        con.execute("SET threads = 1")
        con.execute((REPO / "pipeline" / "sql" / "raw_schema.sql").read_text(encoding="utf-8"))
        con.execute(sql)
        for table in ("documents", "facts", "conflicts", "line_items", "indicators", "projects", "findings"):
            print(table, con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0])


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000)
