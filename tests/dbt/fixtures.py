"""A small hand-made raw fixture: extractor-shaped documents written into a DuckDB work file.

Reusable by any test that needs rows in `raw.*` / `incoming.*` without running the extractor:

    from tests.dbt.fixtures import build_fixture_db, fixture_documents, insert_documents

    db = build_fixture_db(tmp_path / "work.duckdb")          # schema + the four default documents
    with duckdb.connect(str(db)) as con:
        insert_documents(con, [my_doc], run_id="run-2")       # add or re-load documents

Documents are dicts in the extractor's output shape (docs/contracts.md §2) plus `file_name`;
`document_id` is the first 16 hex characters of `sha256`. Numbers may be given as str, int,
float or Decimal; they are converted through `str` so `"31375100.00"` stays exact.

The default documents (numbers chosen so the expected results are known by hand):

* `FINAL_2021` — final_accounts FY2021 of 盐边县经济信息化和科学技术局 (510422): expenditure_total
  3137.51 万元 = basic 1234.56 + project 1902.95; 三公 3.26 万元 = 0 + 2.00 + 1.26; line items that
  add up to general_budget_expenditure 3000.00 万元 (two 类 lines over 款/项 detail; one 项 line has
  no printed code and resolves by name to 2080501).
* `FINAL_2020` — final_accounts FY2020 of the same department, name printed with a space, no
  division code (region resolves from 四川省/攀枝花市/盐边县); its expenditure_total was read by OCR
  (confidence 0.97); 三公 4.00 万元; one line item with a
  code that is not in the classification (2999999 → unknown member).
* `PERF_2021` — performance_evaluation FY2021: score 93 (conflict: 93 vs 97), grade 优, 12 targets,
  three indicators (one met, one missed, one non-numeric), two projects (one printed 良 while its
  score 98 falls in the 优 band), two problems, one remedy, one warning.
* `BUDGET_2022` — budget FY2022: general_budget_expenditure 3200.00 万元 but line items summing to
  3100.00 万元 (the arithmetic warn-test must flag it).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW_SCHEMA_SQL = REPO_ROOT / "pipeline" / "sql" / "raw_schema.sql"

DEFAULT_RUN_ID = "run-fixture-1"
DEFAULT_LOADED_AT = datetime(2024, 10, 1, 8, 0, 0)

DEPARTMENT = "盐边县经济信息化和科学技术局"


def _sha(label: str) -> str:
    return hashlib.sha256(label.encode("utf-8")).hexdigest()


def document_id_of(doc: Mapping[str, Any]) -> str:
    """`document_id` = the first 16 hex characters of the file's sha256 (contracts §4)."""
    return str(doc["sha256"])[:16]


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


def _span(item: Mapping[str, Any]) -> tuple[int | None, int | None]:
    span = item.get("span")
    return (span[0], span[1]) if span else (None, None)


def _fact(field: str, value: Any, as_reported: str | None = None, unit: str | None = "万元", **extra: Any):
    return {
        "field": field,
        "value": value,
        "value_text": extra.get("value_text"),
        "unit_as_reported": unit,
        "as_reported": as_reported,
        "span": extra.get("span", [100, 110]),
        "page": extra.get("page"),
        "snippet": extra.get("snippet", f"…{field} {as_reported}{unit or ''}…"),
        **({"ocr_confidence": extra["ocr_confidence"]} if "ocr_confidence" in extra else {}),
    }


def _doc(label: str, document: dict[str, Any], **parts: Any) -> dict[str, Any]:
    sha = _sha(label)
    return {
        "file": f"data/inbox/{label}.txt",
        "file_name": f"{label}.txt",
        "source_path": f"/inbox/{label}.txt",
        "sha256": sha,
        "status": "ok",
        "reason": None,
        "extractor_version": "0.1.0",
        "format": "txt",
        "encoding": "utf-8",
        "document": document,
        "facts": parts.get("facts", []),
        "conflicts": parts.get("conflicts", []),
        "line_items": parts.get("line_items", []),
        "indicators": parts.get("indicators", []),
        "projects": parts.get("projects", []),
        "problems": parts.get("problems", []),
        "remedies": parts.get("remedies", []),
        "warnings": parts.get("warnings", []),
    }


def _place(**overrides: Any) -> dict[str, Any]:
    base = {
        "department_name": DEPARTMENT,
        "province": "四川省",
        "city": "攀枝花市",
        "county": "盐边县",
        "division_code": "510422",
    }
    base.update(overrides)
    return base


def _line(cls, section, item, code, amount, budget=None, rate=None, line_span=(2000, 2040)):
    return {
        "class": cls,
        "section": section,
        "item": item,
        "code": code,
        "amount": amount,
        "budget_amount": budget,
        "completion_rate": rate,
        "name_as_printed": item or section or cls,
        "span": list(line_span),
        "page": None,
        "snippet": f"…{item or section or cls} {amount}…",
    }


def fixture_documents() -> dict[str, dict[str, Any]]:
    """The four default documents by name (fresh deep copies; safe to modify)."""
    final_2021 = _doc(
        "final_2021",
        _place(
            fiscal_year=2021,
            report_type="final_accounts",
            published_on="2022-09-20",
            title="盐边县经济信息化和科学技术局2021年度部门决算",
        ),
        facts=[
            _fact("revenue_total", "33000000.00", "3300.00"),
            _fact("revenue_current_year", "31375100.00", "3137.51"),
            _fact("revenue_general_budget", "30000000.00", "3000.00"),
            _fact("carryover_opening", "1624900.00", "162.49"),
            _fact("expenditure_total", "31375100.00", "3137.51", snippet="…本年支出合计3137.51万元…"),
            _fact("expenditure_basic", "12345600.00", "1234.56"),
            _fact("expenditure_project", "19029500.00", "1902.95"),
            _fact("expenditure_personnel", "10000000.00", "1000.00"),
            _fact("expenditure_public_operating", "2345600.00", "234.56"),
            _fact("econ_wages_benefits", "8000000.00", "800.00"),
            _fact("general_budget_expenditure", "30000000.00", "3000.00"),
            _fact("budget_execution_rate", "0.965", "96.50", unit="%"),
            _fact("three_public_total", "32600.00", "3.26"),
            _fact("three_public_overseas", "0", "0"),
            _fact("three_public_vehicles", "20000.00", "2.00"),
            _fact("three_public_vehicle_purchase", "0", "0"),
            _fact("three_public_vehicle_operation", "20000.00", "2.00"),
            _fact("three_public_reception", "12600.00", "1.26"),
            _fact("reception_batches", "5", "5", unit="批次"),
            _fact("reception_visitors", "40", "40", unit="人次"),
            _fact("staff_authorized", "30", "30", unit="人"),
            _fact("staff_actual", "28", "28", unit="人"),
        ],
        line_items=[
            _line("科学技术支出", None, None, "206", "25000000.00", "26000000.00", "0.961538"),
            _line("科学技术支出", "科学技术管理事务", None, "20601", "25000000.00"),
            _line("科学技术支出", "科学技术管理事务", "行政运行", "2060101", "2854400.00"),
            _line("科学技术支出", "科学技术管理事务", "一般行政管理事务", "2060102", "22145600.00"),
            _line("社会保障和就业支出", None, None, "208", "5000000.00"),
            _line("社会保障和就业支出", "行政事业单位养老支出", "行政单位离退休", None, "5000000.00"),
        ],
    )
    final_2020 = _doc(
        "final_2020",
        _place(
            department_name="盐边县 经济信息化和科学技术局",
            division_code=None,
            fiscal_year=2020,
            report_type="final_accounts",
            published_on=None,
        ),
        facts=[
            _fact("expenditure_total", "29000000.00", "2900.00", page=1, ocr_confidence=0.97),  # a scanned page
            _fact("expenditure_basic", "12000000.00", "1200.00"),
            _fact("expenditure_project", "17000000.00", "1700.00"),
            _fact("general_budget_expenditure", "28000000.00", "2800.00"),
            _fact("three_public_total", "40000.00", "4.00"),
            _fact("three_public_overseas", "0", "0"),
            _fact("three_public_vehicles", "25000.00", "2.50"),
            _fact("three_public_reception", "15000.00", "1.50"),
        ],
        line_items=[
            _line("科学技术支出", "科学技术管理事务", "行政运行", "2060101", "27000000.00"),
            _line("未列明支出", None, "未列明项目", "2999999", "1000000.00"),
        ],
    )
    perf_2021 = _doc(
        "perf_2021",
        _place(fiscal_year=2021, report_type="performance_evaluation", published_on="2022-05-10"),
        facts=[
            _fact("performance_score", "93", "93", unit="分", span=[500, 502]),
            _fact("performance_grade", None, "优", unit=None, value_text="优"),
            _fact("performance_target_count", "12", "12", unit="个"),
            _fact("budget_execution_rate", "0.965", "96.50", unit="%"),
        ],
        conflicts=[
            {
                "field": "performance_score",
                "values": [93, 97],
                "spans": [[500, 502], [900, 902]],
                "snippets": ["…自评得分93分…", "…综合得分97分…"],
            },
        ],
        indicators=[
            {
                "project_name": None,
                "level1": "产出指标",
                "level2": "数量指标",
                "level3": "企业培训覆盖率",
                "target_text": "≥90%",
                "actual_text": "95%",
                "target_value": "0.9",
                "actual_value": "0.95",
                "unit": "%",
                "span": [1000, 1020],
                "snippet": "…≥90% 95%…",
            },
            {
                "project_name": None,
                "level1": "产出指标",
                "level2": "时效指标",
                "level3": "资金拨付时间",
                "target_text": "≤30天",
                "actual_text": "35天",
                "target_value": "30",
                "actual_value": "35",
                "unit": "天",
                "span": [1021, 1040],
                "snippet": "…≤30天 35天…",
            },
            {
                "project_name": None,
                "level1": "满意度指标",
                "level2": "服务对象满意度指标",
                "level3": "企业满意度",
                "target_text": "较高",
                "actual_text": "高",
                "target_value": None,
                "actual_value": None,
                "unit": None,
                "span": [1041, 1060],
                "snippet": "…较高 高…",
            },
        ],
        projects=[
            {
                "project_name": "科技创新专项",
                "budget_amount": "600000.00",
                "executed_amount": "310000.00",
                "execution_rate": "0.5167",
                "score": "98",
                "grade": "良",
                "span": [1100, 1150],
                "snippet": "…",
            },
            {
                "project_name": "工业发展专项",
                "budget_amount": "1000000.00",
                "executed_amount": "1000000.00",
                "execution_rate": "1.0",
                "score": "95",
                "grade": "优",
                "span": [1151, 1200],
                "snippet": "…",
            },
        ],
        problems=[
            {"text": "部分项目资金执行进度偏慢。", "span": [1300, 1313]},
            {"text": "绩效目标设置不够细化。", "span": [1314, 1325]},
        ],
        remedies=[{"text": "加快项目实施进度，强化绩效目标管理。", "span": [1400, 1418]}],
        warnings=[
            {
                "code": "conflicting_values",
                "message": "performance_score: 93 vs 97",
                "field": "performance_score",
                "span": [500, 502],
            }
        ],
    )
    budget_2022 = _doc(
        "budget_2022",
        _place(fiscal_year=2022, report_type="budget", published_on="2022-02-15"),
        facts=[
            _fact("revenue_total", "35000000.00", "3500.00"),
            _fact("expenditure_total", "35000000.00", "3500.00"),
            _fact("expenditure_basic", "13000000.00", "1300.00"),
            _fact("expenditure_project", "22000000.00", "2200.00"),
            _fact("general_budget_expenditure", "32000000.00", "3200.00"),
            _fact("three_public_total", "30000.00", "3.00"),
        ],
        line_items=[
            _line("科学技术支出", None, None, "206", "29000000.00"),
            _line("社会保障和就业支出", None, None, "208", "2000000.00"),
        ],
    )
    docs = {"FINAL_2021": final_2021, "FINAL_2020": final_2020, "PERF_2021": perf_2021, "BUDGET_2022": budget_2022}
    return copy.deepcopy(docs)


def fixture_document_ids() -> dict[str, str]:
    """Name → document_id of the default documents."""
    return {name: document_id_of(doc) for name, doc in fixture_documents().items()}


def create_work_db(path: str | Path) -> Path:
    """Create (or open) a DuckDB file and run the raw DDL in it. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(RAW_SCHEMA_SQL.read_text(encoding="utf-8"))
    return path


def _rows(doc: Mapping[str, Any], run_id: str, loaded_at: datetime) -> dict[str, list[tuple]]:
    """The rows of every raw table for one document."""
    did = document_id_of(doc)
    d = doc.get("document") or {}
    lineage = (run_id, loaded_at)
    dep, year, rtype = d.get("department_name"), d.get("fiscal_year"), d.get("report_type")
    document_key = f"{dep}|{year}|{rtype}" if dep and year and rtype else None
    published = d.get("published_on")
    rows: dict[str, list[tuple]] = {
        "documents": [
            (
                did,
                doc["sha256"],
                doc.get("file_name"),
                doc.get("source_path"),
                doc.get("format"),
                doc.get("encoding"),
                dep,
                d.get("province"),
                d.get("city"),
                d.get("county"),
                d.get("division_code"),
                year,
                rtype,
                published,
                d.get("title"),
                document_key,
                doc.get("extractor_version"),
                len(doc.get("facts", [])),
                len(doc.get("conflicts", [])),
                len(doc.get("warnings", [])),
                *lineage,
            )
        ],
        "facts": [],
        "conflicts": [],
        "line_items": [],
        "indicators": [],
        "projects": [],
        "findings": [],
        "warnings": [],
    }
    for f in doc.get("facts", []):
        s, e = _span(f)
        rows["facts"].append(
            (
                did,
                f["field"],
                _dec(f.get("value")),
                f.get("value_text"),
                f.get("unit_as_reported"),
                f.get("as_reported"),
                s,
                e,
                f.get("page"),
                f.get("snippet"),
                *lineage,
                f.get("ocr_confidence"),  # appended by the 1.1 upgrade: last column
            )
        )
    for c in doc.get("conflicts", []):
        spans = c.get("spans") or []
        snippets = c.get("snippets") or []
        for i, value in enumerate(c["values"]):
            s, e = (spans[i][0], spans[i][1]) if i < len(spans) and spans[i] else (None, None)
            numeric, text = (None, value) if isinstance(value, str) else (_dec(value), None)
            rows["conflicts"].append(
                (
                    did,
                    c["field"],
                    i,
                    numeric,
                    text,
                    s,
                    e,
                    snippets[i] if i < len(snippets) else None,
                    *lineage,
                )
            )
    for n, li in enumerate(doc.get("line_items", []), start=1):
        s, e = _span(li)
        rows["line_items"].append(
            (
                did,
                n,
                li.get("class"),
                li.get("section"),
                li.get("item"),
                li.get("code"),
                _dec(li.get("amount")),
                _dec(li.get("budget_amount")),
                _dec(li.get("completion_rate")),
                li.get("name_as_printed"),
                s,
                e,
                li.get("page"),
                li.get("snippet"),
                *lineage,
                li.get("ocr_confidence"),
            )
        )
    for n, ind in enumerate(doc.get("indicators", []), start=1):
        s, e = _span(ind)
        rows["indicators"].append(
            (
                did,
                n,
                ind.get("project_name"),
                ind.get("level1"),
                ind.get("level2"),
                ind.get("level3"),
                ind.get("target_text"),
                ind.get("actual_text"),
                _dec(ind.get("target_value")),
                _dec(ind.get("actual_value")),
                ind.get("unit"),
                s,
                e,
                ind.get("snippet"),
                *lineage,
                ind.get("ocr_confidence"),
            )
        )
    for n, p in enumerate(doc.get("projects", []), start=1):
        s, e = _span(p)
        rows["projects"].append(
            (
                did,
                n,
                p.get("project_name"),
                _dec(p.get("budget_amount")),
                _dec(p.get("executed_amount")),
                _dec(p.get("execution_rate")),
                _dec(p.get("score")),
                p.get("grade"),
                s,
                e,
                p.get("snippet"),
                *lineage,
                p.get("ocr_confidence"),
            )
        )
    for kind, key in (("problem", "problems"), ("remedy", "remedies")):
        for n, item in enumerate(doc.get(key, []), start=1):
            s, e = _span(item)
            rows["findings"].append((did, kind, n, item.get("text"), s, e, *lineage))
    for w in doc.get("warnings", []):
        s, e = _span(w)
        rows["warnings"].append((did, w.get("code"), w.get("message"), w.get("field"), s, e, *lineage))
    return rows


RAW_TABLES = ("documents", "facts", "conflicts", "line_items", "indicators", "projects", "findings", "warnings")


def insert_documents(
    con: duckdb.DuckDBPyConnection,
    docs: Iterable[Mapping[str, Any]],
    *,
    run_id: str = DEFAULT_RUN_ID,
    loaded_at: datetime = DEFAULT_LOADED_AT,
    schema: str = "raw",
) -> list[str]:
    """Write documents into `<schema>.*` the way promotion does: earlier rows of the same
    document_id are deleted first, so re-inserting a document replaces it. Returns the ids."""
    ids = []
    for doc in docs:
        did = document_id_of(doc)
        rows = _rows(doc, run_id, loaded_at)
        for table in RAW_TABLES:
            con.execute(f"DELETE FROM {schema}.{table} WHERE document_id = ?", [did])
            if rows[table]:
                width = len(rows[table][0])
                con.executemany(f"INSERT INTO {schema}.{table} VALUES ({', '.join(['?'] * width)})", rows[table])
        ids.append(did)
    return ids


def build_fixture_db(
    path: str | Path,
    docs: Iterable[Mapping[str, Any]] | None = None,
    *,
    run_id: str = DEFAULT_RUN_ID,
    loaded_at: datetime = DEFAULT_LOADED_AT,
) -> Path:
    """Create a work database with the raw schema and the given (default: all four) documents in `raw`."""
    path = create_work_db(path)
    with duckdb.connect(str(path)) as con:
        insert_documents(
            con, fixture_documents().values() if docs is None else docs, run_id=run_id, loaded_at=loaded_at
        )
    return path


DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def run_dbt(db_path: str | Path, args: list[str], work_dir: str | Path):
    """Run dbt in-process on `db_path` (FISCAL_WORK_DB), with target/ and logs/ under `work_dir` so
    tests never write into the repo. Returns the dbtRunnerResult; raises if dbt could not run at all."""
    import os

    from dbt.cli.main import dbtRunner

    work_dir = Path(work_dir)
    previous = os.environ.get("FISCAL_WORK_DB")
    os.environ["FISCAL_WORK_DB"] = str(Path(db_path).resolve())
    try:
        result = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(work_dir / "target"),
                "--log-path",
                str(work_dir / "logs"),
            ]
        )
    finally:
        if previous is None:
            os.environ.pop("FISCAL_WORK_DB", None)
        else:
            os.environ["FISCAL_WORK_DB"] = previous
    if result.exception is not None:
        raise result.exception
    return result


def node_statuses(result) -> dict[str, str]:
    """Node name → status ('success', 'pass', 'warn', 'fail', 'error', …) of a dbt run result."""
    return {r.node.name: str(r.status) for r in result.result.results}
