"""`make run INBOX=../shared/samples`: the five real reports land with the right identity and totals,
and the README's analysis queries answer with the samples' real numbers.

Skipped when ../shared/samples is absent. Expected values were read off the reports by hand.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLES_DIR, requires_samples

pytestmark = [pytest.mark.slow, requires_samples]
REPO_ROOT = Path(__file__).resolve().parent.parent

IDENTITY = {
    "000_3ce46a87666df71d.txt": ("盐边县经济信息化和科学技术局", 2021, "performance_evaluation"),
    "001_8ca57e2e178def19.txt": ("米易县经济信息化和科学技术局", 2023, "final_accounts"),
    "002_a88a5bf1eb6788ed.txt": ("永兴县科技和工业信息化局", 2022, "performance_evaluation"),
    "003_5ee57605b83dc4dc.txt": ("攀枝花市仁和区经济信息化和科学技术局", 2020, "final_accounts"),
    "004_3ca56531838e25cd.txt": ("昌宁县工业信息商务科技局", 2022, "performance_evaluation"),
}
# Headline totals as printed (yuan).
TOTALS = {
    ("000_3ce46a87666df71d.txt", "revenue_total"): Decimal("31375100.00"),    # 财政资金收入3137.51万元
    ("000_3ce46a87666df71d.txt", "expenditure_total"): Decimal("31375100.00"),
    ("001_8ca57e2e178def19.txt", "revenue_total"): Decimal("28999500.00"),    # 收、支总计均为 2899.95 万元
    ("001_8ca57e2e178def19.txt", "revenue_current_year"): Decimal("18739500.00"),
    ("001_8ca57e2e178def19.txt", "expenditure_total"): Decimal("28999500.00"),
    ("001_8ca57e2e178def19.txt", "three_public_total"): Decimal("15200.00"),
    ("002_a88a5bf1eb6788ed.txt", "expenditure_project"): Decimal("30464200.00"),
    ("002_a88a5bf1eb6788ed.txt", "three_public_total"): Decimal("11600.00"),
    ("003_5ee57605b83dc4dc.txt", "expenditure_total"): Decimal("31902100.00"),
    ("003_5ee57605b83dc4dc.txt", "three_public_total"): Decimal("32600.00"),
    ("004_3ca56531838e25cd.txt", "expenditure_total"): Decimal("146268100.00"),
    ("004_3ca56531838e25cd.txt", "three_public_total"): Decimal("51400.00"),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("samples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["FISCAL_STATE"] = str(root / "state")
    target = root / "warehouse" / "fiscal.duckdb"
    command = [sys.executable, "-m", "pipeline.run", "--inbox", str(SAMPLES_DIR), "--warehouse", str(target)]
    proc = subprocess.run(command,
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return target


def q(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def readme_queries() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Analyse the warehouse", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.DOTALL)


def test_all_five_samples_load_with_their_identity(warehouse: Path) -> None:
    rows = q(warehouse, "SELECT source_file, department_name, fiscal_year, report_type FROM marts.dim_document")
    assert {r[0]: r[1:] for r in rows} == IDENTITY


@pytest.mark.parametrize(("key", "value"), sorted(TOTALS.items()))
def test_headline_totals_are_as_printed_in_yuan(warehouse: Path, key: tuple[str, str], value: Decimal) -> None:
    source, field = key
    rows = q(warehouse, f"SELECT v.value_yuan FROM marts.fct_reported_value v JOIN marts.dim_document d "
                        f"USING (document_id) WHERE d.source_file = '{source}' AND v.field = '{field}'")
    assert rows == [(value,)]


def test_readme_has_five_analysis_queries() -> None:
    assert len(readme_queries()) == 5


def test_spending_query_gives_basic_and_project_of_miyi(warehouse: Path) -> None:
    rows = {(r[0], r[1]): r[3:] for r in q(warehouse, readme_queries()[0])}
    assert rows[("米易县经济信息化和科学技术局", 2023)] == (
        Decimal("28999500.00"), Decimal("7570900.00"), Decimal("21428600.00"))


def test_function_class_query_covers_the_final_accounts(warehouse: Path) -> None:
    rows = q(warehouse, readme_queries()[1])
    classes = {r[2] for r in rows if r[0] == "米易县经济信息化和科学技术局"}
    assert {"科学技术支出", "社会保障和就业支出", "卫生健康支出", "住房保障支出"} <= classes


def test_function_items_of_both_final_accounts_add_up_or_are_flagged(warehouse: Path) -> None:
    """001 prints 行政单位离退休 twice (2921.04 万元 of items against 2899.95): flagged; 003 adds up."""
    rows = {r[0]: r for r in q(warehouse, readme_queries()[2])}
    miyi = rows["米易县经济信息化和科学技术局"]
    assert (miyi[3], miyi[4]) == (Decimal("29210400"), Decimal("28999500"))
    assert miyi[6] is False
    renhe = rows["攀枝花市仁和区经济信息化和科学技术局"]
    assert renhe[6] is True


def test_score_query_shows_changning_90_excellent(warehouse: Path) -> None:
    rows = {r[4]: r for r in q(warehouse, readme_queries()[3])}
    changning = rows["昌宁县工业信息商务科技局"]
    assert (changning[5], changning[6], changning[7]) == (Decimal("90"), "优", True)
    assert rows["米易县经济信息化和科学技术局"][8] is True   # 93 and 97 both printed


def test_conflict_query_keeps_both_miyi_scores(warehouse: Path) -> None:
    rows = q(warehouse, readme_queries()[4])
    scores = [r for r in rows if r[0] == "米易县经济信息化和科学技术局" and r[2] == "performance_score"]
    assert [sorted(scores[0][4])] == [[Decimal("93"), Decimal("97")]]
