"""Forty-odd kinds of bad or tricky input mixed with good reports, through the real pipeline.

Every good report is loaded; every bad one is quarantined (with a reason naming what was
wrong) or loaded and flagged; nothing is lost or loaded twice; the run still succeeds.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from synth import generate_report, render, write_corpus
from synth.bad_inputs import write_bad_corpus

pytestmark = pytest.mark.slow
REPO_ROOT = Path(__file__).resolve().parent.parent

# file name → (expected outcome, acceptable reason prefixes; empty = no reason needed)
QUARANTINE, LOADED, DUPLICATE = "quarantined", "loaded", "duplicate"
EXPECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "empty.txt": (QUARANTINE, ("empty_file",)),
    "random_binary.bin": (QUARANTINE, ("binary_not_a_report", "unsupported_format")),
    "random_binary.pdf": (QUARANTINE, ("binary_not_a_report", "malformed_pdf", "truncated_pdf", "unsupported_format")),
    "truncated.pdf": (QUARANTINE, ("truncated_pdf", "malformed_pdf")),
    "encrypted.pdf": (QUARANTINE, ("encrypted_pdf",)),
    "zip_bomb.docx": (QUARANTINE, ("zip_bomb",)),
    "xml_entity_bomb.docx": (QUARANTINE, ("xml_entity_expansion",)),
    "pdf_named_as.txt": (LOADED, ()),
    "undecodable.txt": (QUARANTINE, ("undecodable_text",)),
    "mojibake.txt": (QUARANTINE, ("mojibake", "undecodable_text", "not_a_report")),
    "news_article.txt": (QUARANTINE, ("not_a_report",)),
    "no_department_name.txt": (QUARANTINE, ("failed_critical_expectation", "not_a_report")),
    "year_1899.txt": (QUARANTINE, ("failed_critical_expectation",)),
    "negative_amount.txt": (QUARANTINE, ("failed_critical_expectation",)),
    "arithmetic_off_10x.txt": (LOADED, ()),
    "duplicate_a.txt": (LOADED, ()),
    "duplicate_b.txt": (DUPLICATE, ("byte-identical",)),
    "same_report.pdf": (LOADED, ()),
    "same_report.txt": (DUPLICATE, ("same report as document",)),
    "reissue_original.txt": (LOADED, ()),
    "reissue_corrected.txt": (LOADED, ("corrected re-issue",)),
    'quote"d \'name\'.txt': (LOADED, ()),
    "semi;colon;name.txt": (LOADED, ()),
    "new\nline.txt": (LOADED, ()),
    "$(touch x);`id`.txt": (LOADED, ()),
    "空格 和 中文 名称.txt": (LOADED, ()),
    "-starts-with-dash.txt": (LOADED, ()),
    "very_large.txt": (QUARANTINE, ("file_too_large",)),
    # kinds added here
    "link_out_of_inbox.txt": (QUARANTINE, ("symlink_outside_inbox",)),
    "image.png": (QUARANTINE, ("binary_not_a_report", "unsupported_format")),
    "archive.zip": (QUARANTINE, ("unsupported_format", "binary_not_a_report", "zip")),
    "compressed.gz": (QUARANTINE, ("binary_not_a_report", "unsupported_format")),
    "data.json": (QUARANTINE, ("not_a_report",)),
    "empty_workbook.xlsx": (QUARANTINE, ("not_a_report", "empty")),
    "deeply_nested.html": (QUARANTINE, ("not_a_report", "too_deep", "malformed")),
    "year_3000.txt": (QUARANTINE, ("failed_critical_expectation",)),
    "good_utf16_no_bom.txt": (LOADED, ()),
    "good_gbk.txt": (LOADED, ()),
    "good_big5_traditional.txt": (LOADED, ()),
    "good_html_saved_as.xls": (LOADED, ()),
    "sub/folder/good_in_subfolder.txt": (LOADED, ()),
    "ole_garbage.doc": (QUARANTINE, ("doc_unsupported", "binary_not_a_report", "malformed", "unsupported_format")),
}


def _report_bytes(seed: str, fmt: str, encoding: str | None = None, **kwargs) -> bytes:
    rep = generate_report(seed, kwargs.pop("report_type", "final_accounts"), **kwargs)
    return render(rep, fmt, random.Random(seed), encoding=encoding).data


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("bad")
    inbox = root / "inbox"
    written = write_bad_corpus(inbox, large_mb=60, bomb_mb=256)
    outside = root / "outside.txt"
    outside.write_text("secret", encoding="utf-8")
    os.symlink(outside, inbox / "link_out_of_inbox.txt")
    noise = bytes(random.Random(1).getrandbits(8) for _ in range(2000))
    (inbox / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + noise)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("notes.txt", "hello")
    (inbox / "archive.zip").write_bytes(buf.getvalue())
    (inbox / "compressed.gz").write_bytes(gzip.compress(b"x" * 5000))
    (inbox / "data.json").write_text('{"department": null, "values": [1, 2, 3]}', encoding="utf-8")
    import xlsxwriter

    book = xlsxwriter.Workbook(str(inbox / "empty_workbook.xlsx"))
    book.add_worksheet("Sheet1")
    book.close()
    (inbox / "deeply_nested.html").write_text("<html><body>" + "<div>" * 20000 + "深" + "</div>" * 20000
                                               + "</body></html>", encoding="utf-8")
    text_3000 = _report_bytes("year3000", "txt", "utf-8").decode("utf-8")
    rep = generate_report("year3000", "final_accounts")
    year = str(rep.document["fiscal_year"])
    (inbox / "year_3000.txt").write_text(text_3000.replace(year, "3000"), encoding="utf-8")
    (inbox / "good_utf16_no_bom.txt").write_bytes(_report_bytes("g16", "txt", "utf-16-le"))
    (inbox / "good_gbk.txt").write_bytes(_report_bytes("ggbk", "txt", "gb18030"))
    (inbox / "good_big5_traditional.txt").write_bytes(_report_bytes("gbig5", "txt", "big5"))
    (inbox / "good_html_saved_as.xls").write_bytes(_report_bytes("gxls", "xls"))
    (inbox / "sub" / "folder").mkdir(parents=True)
    (inbox / "sub" / "folder" / "good_in_subfolder.txt").write_bytes(_report_bytes("gsub", "txt", "utf-8"))
    (inbox / "ole_garbage.doc").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4096))
    good = write_corpus(root / "good", 6, seed=99, formats=["txt", "html", "docx", "pdf", "xlsx"])
    for path in good:
        (inbox / path.name).write_bytes(path.read_bytes())

    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["FISCAL_STATE"] = str(root / "state")
    proc = subprocess.run([sys.executable, "-m", "pipeline.run", "--inbox", str(inbox),
                           "--warehouse", str(root / "warehouse" / "fiscal.duckdb")],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1500, check=False)
    con = duckdb.connect(str(root / "warehouse" / "fiscal.duckdb"), read_only=True)
    try:
        arrivals = {
            str(Path(path).relative_to(inbox)): (outcome, reason or "")
            for path, outcome, reason in con.execute(
                "SELECT source_path, outcome, reason FROM meta.file_arrivals").fetchall()
        }
        loaded_docs = con.execute("SELECT count(*), count(DISTINCT document_id) FROM marts.dim_document "
                                  "WHERE document_id <> '-1'").fetchone()
        superseded = con.execute("SELECT file_name FROM meta.ingest_ledger WHERE status = 'superseded'").fetchall()
        warned = {r[0] for r in con.execute(
            "SELECT DISTINCT d.source_file FROM meta.validation_results r JOIN marts.dim_document d "
            "USING (document_id) WHERE r.severity = 'warning' AND NOT r.success").fetchall()}
    finally:
        con.close()
    return {"proc": proc, "arrivals": arrivals, "good": [p.name for p in good], "written": written,
            "inbox": inbox, "loaded_docs": loaded_docs, "superseded": superseded, "warned": warned}


def test_the_corpus_has_at_least_forty_kinds(outcome: dict) -> None:
    assert len(EXPECTED) >= 40
    assert set(outcome["written"]) <= set(EXPECTED)


def test_the_run_succeeds_despite_the_bad_files(outcome: dict) -> None:
    assert outcome["proc"].returncode == 0, outcome["proc"].stdout[-3000:] + outcome["proc"].stderr[-3000:]


def test_every_file_that_entered_is_accounted_for_once(outcome: dict) -> None:
    expected_files = set(EXPECTED) | set(outcome["good"])
    assert set(outcome["arrivals"]) == expected_files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_kind_gets_the_right_outcome_and_reason(outcome: dict, name: str) -> None:
    want, reasons = EXPECTED[name]
    got, reason = outcome["arrivals"][name]
    assert got == want, f"{name!r}: {got} ({reason})"
    if reasons:
        assert any(r in reason for r in reasons), f"{name!r}: reason {reason!r} names none of {reasons}"


def test_every_good_generated_report_is_loaded(outcome: dict) -> None:
    for name in outcome["good"]:
        assert outcome["arrivals"][name][0] == LOADED, (name, outcome["arrivals"][name])


def test_nothing_is_loaded_twice(outcome: dict) -> None:
    total, distinct = outcome["loaded_docs"]
    assert total == distinct
    assert total == sum(1 for o, _ in outcome["arrivals"].values() if o == LOADED) - len(outcome["superseded"])


def test_the_corrected_reissue_supersedes_the_original(outcome: dict) -> None:
    assert outcome["superseded"] == [("reissue_original.txt",)]


def test_arithmetic_off_by_ten_is_loaded_but_flagged(outcome: dict) -> None:
    assert "arithmetic_off_10x.txt" in outcome["warned"]


def test_no_file_name_reached_a_shell_or_sql(outcome: dict) -> None:
    assert not (REPO_ROOT / "x").exists()
    assert not (outcome["inbox"] / "x").exists()
