"""Create (or update) Superset's view of the fiscal warehouse through Superset's REST API.

Idempotent: run it after every start. It makes sure that

* the database connection "fiscal warehouse" exists: `duckdb:///<FISCAL_WAREHOUSE>` (in the compose
  deployment `duckdb:////data/warehouse/fiscal.duckdb`), opened read-only
  (`{"engine_params": {"connect_args": {"read_only": true}}}`), no DML, exposed in SQL Lab;
* the saved queries of SAVED_QUERIES exist with their current SQL: spending by function class and
  performance scores;
* one virtual dataset, one table chart per saved query and the dashboard "Fiscal warehouse" exist.

    python bootstrap.py --url http://localhost:8088 --user admin --password ...   (or env
    SUPERSET_URL / SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD / FISCAL_WAREHOUSE)

Only the standard library and `requests` (both in every Superset install) are used, so the
integration test imports SAVED_QUERIES from here and runs the very same SQL.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

DATABASE_NAME = "fiscal warehouse"
DASHBOARD_TITLE = "Fiscal warehouse"
DASHBOARD_SLUG = "fiscal-warehouse"

#: label → (description, SQL). The SQL runs on the published, read-only DuckDB file.
SAVED_QUERIES: dict[str, tuple[str, str]] = {
    "Spending by function class": (
        "功能分类支出 — reported expenditure by function class (类), per fiscal year and report type, "
        "current reports only; lines that count toward the document total",
        """SELECT f.class_code          AS function_class_code,
       f.class_name          AS function_class,
       e.fiscal_year_key     AS fiscal_year,
       e.report_type,
       count(DISTINCT e.document_id) AS documents,
       sum(e.amount)         AS amount_yuan
FROM marts.fct_expenditure_by_function AS e
JOIN marts.dim_function_class AS f ON f.function_class_key = e.function_class_class_key
JOIN marts.dim_document AS d ON d.document_id = e.document_id
WHERE e.counts_toward_total AND d.is_current
GROUP BY ALL
ORDER BY fiscal_year, report_type, amount_yuan DESC, function_class_code""",
    ),
    "Performance scores": (
        "绩效自评得分 — performance self-evaluation scores and grades per fiscal year",
        """SELECT p.fiscal_year,
       p.performance_grade,
       count(*)                            AS evaluations,
       round(avg(p.performance_score), 2)  AS avg_score,
       min(p.performance_score)            AS min_score,
       max(p.performance_score)            AS max_score,
       count(*) FILTER (WHERE NOT p.grade_matches_score) AS grade_disagrees_with_score
FROM marts.fct_performance_evaluation AS p
WHERE p.is_current
GROUP BY ALL
ORDER BY p.fiscal_year, p.performance_grade""",
    ),
}


def sqlalchemy_uri(warehouse: str) -> str:
    """`duckdb:///` + absolute path: `/data/warehouse/fiscal.duckdb` → `duckdb:////data/warehouse/fiscal.duckdb`."""
    return "duckdb:///" + warehouse


DATABASE_EXTRA = {
    "engine_params": {"connect_args": {"read_only": True}},
    "allows_virtual_table_explore": True,
    "disable_data_preview": False,
}


class Superset:
    """A logged-in API session (JWT bearer + CSRF token + session cookie)."""

    def __init__(self, url: str, user: str, password: str, timeout: float = 60) -> None:
        import requests

        self.url = url.rstrip("/")
        self.http = requests.Session()
        self.http.trust_env = False  # never through a proxy: Superset is local
        self.timeout = timeout
        token = self._checked(self.http.post(f"{self.url}/api/v1/security/login", timeout=timeout, json={
            "username": user, "password": password, "provider": "db", "refresh": True}))["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        csrf = self._checked(self.http.get(f"{self.url}/api/v1/security/csrf_token/", timeout=timeout))["result"]
        self.http.headers.update({"X-CSRFToken": csrf, "Referer": self.url})

    @staticmethod
    def _checked(resp: Any) -> dict:
        if resp.status_code >= 400:
            raise RuntimeError(f"{resp.request.method} {resp.url} → {resp.status_code}: {resp.text[:2000]}")
        return resp.json()

    def get(self, path: str, **params: Any) -> dict:
        return self._checked(self.http.get(f"{self.url}{path}", params=params, timeout=self.timeout))

    def post(self, path: str, body: dict) -> dict:
        return self._checked(self.http.post(f"{self.url}{path}", json=body, timeout=self.timeout))

    def put(self, path: str, body: dict) -> dict:
        return self._checked(self.http.put(f"{self.url}{path}", json=body, timeout=self.timeout))

    def find(self, resource: str, column: str, value: str) -> dict | None:
        """The first object whose `column` equals `value` (listing is small: a page of 100)."""
        rows = self.get(f"/api/v1/{resource}/", q="(page_size:100)")["result"]
        return next((r for r in rows if r.get(column) == value), None)

    def upsert(self, resource: str, column: str, body: dict) -> int:
        found = self.find(resource, column, body[column])
        if found:
            self.put(f"/api/v1/{resource}/{found['id']}", body)
            return int(found["id"])
        return int(self.post(f"/api/v1/{resource}/", body)["id"])

    def execute(self, database_id: int, sql: str, schema: str = "marts") -> dict:
        """Run SQL synchronously through SQL Lab, as a user of SQL Lab would."""
        return self.post("/api/v1/sqllab/execute/", {
            "database_id": database_id, "sql": sql, "schema": schema, "runAsync": False,
            "tab": "integration", "client_id": f"c{time.time_ns() % 10**9}"[:10],
            "queryLimit": 10000, "expand_data": False,
        })


def ensure_database(api: Superset, warehouse: str) -> int:
    body = {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": sqlalchemy_uri(warehouse),
        "expose_in_sqllab": True,
        "allow_dml": False,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_file_upload": False,
        "extra": json.dumps(DATABASE_EXTRA),
    }
    return api.upsert("database", "database_name", body)


def ensure_saved_queries(api: Superset, database_id: int) -> dict[str, int]:
    return {label: api.upsert("saved_query", "label", {
        "db_id": database_id, "label": label, "description": description, "sql": sql, "schema": "marts"})
        for label, (description, sql) in SAVED_QUERIES.items()}


def ensure_dashboard(api: Superset, database_id: int) -> int:
    """A virtual dataset and a table chart per saved query, all on one dashboard."""
    dashboard_id = api.upsert("dashboard", "dashboard_title", {
        "dashboard_title": DASHBOARD_TITLE, "slug": DASHBOARD_SLUG, "published": True})
    for label, (_description, sql) in SAVED_QUERIES.items():
        table_name = label.lower().replace(" ", "_")
        found = api.find("dataset", "table_name", table_name)
        if found:
            dataset_id = int(found["id"])
            api.put(f"/api/v1/dataset/{dataset_id}", {"sql": sql})
        else:
            dataset_id = int(api.post("/api/v1/dataset/", {
                "database": database_id, "schema": "marts", "table_name": table_name, "sql": sql})["id"])
        columns = [c["column_name"] for c in api.get(f"/api/v1/dataset/{dataset_id}")["result"]["columns"]]
        params = {"viz_type": "table", "datasource": f"{dataset_id}__table", "query_mode": "raw",
                  "all_columns": columns, "row_limit": 10000, "order_desc": True}
        api.upsert("chart", "slice_name", {
            "slice_name": label, "viz_type": "table", "datasource_id": dataset_id, "datasource_type": "table",
            "params": json.dumps(params), "dashboards": [dashboard_id]})
    return dashboard_id


def bootstrap(url: str, user: str, password: str, warehouse: str, dashboard: bool = True) -> dict[str, Any]:
    api = Superset(url, user, password)
    database_id = ensure_database(api, warehouse)
    queries = ensure_saved_queries(api, database_id)
    result: dict[str, Any] = {"database_id": database_id, "saved_queries": queries}
    if dashboard:
        result["dashboard_id"] = ensure_dashboard(api, database_id)
    return result


def main(argv: list[str] | None = None) -> int:
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=env.get("SUPERSET_URL", "http://localhost:8088"))
    parser.add_argument("--user", default=env.get("SUPERSET_ADMIN_USER", "admin"))
    parser.add_argument("--password", default=env.get("SUPERSET_ADMIN_PASSWORD"))
    parser.add_argument("--warehouse", default=env.get("FISCAL_WAREHOUSE", "/data/warehouse/fiscal.duckdb"))
    parser.add_argument("--no-dashboard", action="store_true", help="only the connection and the saved queries")
    args = parser.parse_args(argv)
    if not args.password:
        parser.error("set SUPERSET_ADMIN_PASSWORD (or --password)")
    print(json.dumps(bootstrap(args.url, args.user, args.password, args.warehouse, not args.no_dashboard)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
