"""API envelope, rejected files, CLI and the review page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extract import EXTRACTOR_VERSION, extract_bytes, extract_file

REPO = Path(__file__).resolve().parents[2]
REPORT = "示例县水利局2023年度部门决算\n2023年度本年支出合计 12.5 万元。\n"


def test_envelope_and_fields(tmp_path: Path) -> None:
    out = extract_bytes(REPORT.encode("utf-8"), "a.txt")
    assert out["status"] == "ok" and out["reason"] is None and out["extractor_version"] == EXTRACTOR_VERSION
    assert len(out["sha256"]) == 64
    for k in ("document", "facts", "conflicts", "line_items", "indicators", "projects", "problems", "remedies",
              "warnings"):
        assert k in out
    (f,) = out["facts"]
    assert f["field"] == "expenditure_total" and f["value"] == 125000.0 and f["as_reported"] == "12.5"
    assert f["unit_as_reported"] == "万元" and f["page"] in (None, 1)


def test_unreadable_and_empty_are_rejected(tmp_path: Path) -> None:
    assert extract_file(tmp_path / "missing.txt")["status"] == "rejected"
    out = extract_bytes(b"", "empty.txt")
    assert out["status"] == "rejected" and out["reason"] and out["document"] == {} and out["facts"] == []


def test_cli_json_in_order_exit_zero(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text(REPORT, encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_bytes(b"")
    r = subprocess.run([sys.executable, "-m", "extract", "--json", str(a), str(b), str(a)], cwd=REPO,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["file"] for x in lines] == [str(a), str(b), str(a)]
    assert [x["status"] for x in lines] == ["ok", "rejected", "ok"]


def test_review_page_offline(tmp_path: Path) -> None:
    from extract.review import review_html

    a = tmp_path / "a.txt"
    a.write_text(REPORT, encoding="utf-8")
    html = review_html(str(a))
    assert "<mark" in html and "expenditure_total" in html and "href='#v" in html
    assert "http://" not in html and "https://" not in html
