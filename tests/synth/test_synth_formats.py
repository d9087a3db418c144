"""Every format is written, non-empty, opens with its library and carries the same facts."""

from __future__ import annotations

import io
import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from synth import generate_report, render
from synth.corpus import REALISTIC_MIX, _choose_format
from synth.model import Report
from synth.render import FORMATS


def _text_of(fmt: str, data: bytes, encoding: str | None) -> str:
    """Open the bytes with the library a reader would use and return their text."""
    if fmt == "pdf":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(data)
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    if fmt == "docx":
        import docx

        d = docx.Document(io.BytesIO(data))
        parts = [p.text for p in d.paragraphs]
        parts += ["\t".join(c.text for c in row.cells) for t in d.tables for row in t.rows]
        return "\n".join(parts)
    if fmt == "xlsx":
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = []
        for name in wb.sheet_names:
            for row in wb.get_sheet_by_name(name).to_python():
                rows.append("\t".join(f"{c:.2f}" if isinstance(c, float) else str(c) for c in row))
        return "\n".join(rows)
    if fmt in ("html", "xls"):
        from selectolax.lexbor import LexborHTMLParser

        return LexborHTMLParser(data.decode(encoding or "utf-8")).body.text(separator="\n")
    return data.decode(encoding or "utf-8")


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).replace(",", "")


def _num_forms(as_reported: str) -> set[str]:
    x = as_reported.replace(",", "")
    forms = {x}
    if re.fullmatch(r"\d+(\.\d+)?", x):
        forms.add(f"{float(x):.2f}")
    return forms


@pytest.fixture(scope="module")
def report() -> Report:
    return generate_report("formats", "performance_evaluation")  # always has an indicator table


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_is_written_nonempty_and_opens_with_its_library(report: Report, fmt: str) -> None:
    r = render(report, fmt, random.Random(0))
    assert len(r.data) > 500
    text = _text_of(fmt, r.data, r.encoding)
    assert report.document["department_name"] in _norm(text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_report_carries_the_same_facts_in_every_format(fmt: str) -> None:
    for seed, rtype in (("ff1", "final_accounts"), ("ff2", "performance_evaluation"), ("ff3", "budget")):
        rep = generate_report(seed, rtype)
        r = render(rep, fmt, random.Random(3))
        text = _norm(_text_of(fmt, r.data, r.encoding))
        for f in rep.truth()["facts"]:
            assert any(_norm(x) in text for x in _num_forms(f["as_reported"])), (fmt, f["field"], f["as_reported"])


def test_pdf_has_real_tables_with_grid_lines(report: Report) -> None:
    data = render(report, "pdf", random.Random(0)).data
    assert b"STSong-Light" in data
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    assert any(obj.type == 2 for i in range(len(doc)) for obj in doc[i].get_objects())  # path objects = grid


def test_docx_has_real_tables(report: Report) -> None:
    import docx

    d = docx.Document(io.BytesIO(render(report, "docx", random.Random(0)).data))
    assert d.tables and all(len(t.rows) >= 2 for t in d.tables)


def test_xls_is_html_in_disguise(report: Report) -> None:
    r = render(report, "xls", random.Random(0))
    assert r.ext == ".xls" and r.data.lstrip().lower().startswith(b"<html") and b"<table" in r.data


def test_html_declares_the_charset_it_is_encoded_in() -> None:
    for i in range(12):
        r = render(generate_report(f"h{i}", "budget"), "html", random.Random(i))
        declared = re.search(rb"charset=\"?([\w-]+)", r.data).group(1).decode()
        assert declared == r.encoding
        r.data.decode(declared)


def test_realistic_mix_is_mostly_pdf() -> None:
    rng = random.Random(1)
    c = Counter(_choose_format(rng, list(REALISTIC_MIX), "realistic") for _ in range(5000))
    assert 0.55 < c["pdf"] / 5000 < 0.65
    assert 0.15 < (c["docx"] + c["xlsx"]) / 5000 < 0.25
    assert 0.15 < (c["html"] + c["xls"] + c["txt"]) / 5000 < 0.25


def test_cli_writes_inbox_truth_and_manifest(tmp_path: Path) -> None:
    from synth.__main__ import main

    assert main(["--out", str(tmp_path), "--n", "5", "--seed", "1", "--formats", "txt,html",
                 "--types", "budget"]) == 0
    assert len(list((tmp_path / "inbox").iterdir())) == 5
    assert len(list((tmp_path / "truth").iterdir())) == 5
    assert len((tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()) == 5


def test_cli_rejects_unknown_format(tmp_path: Path) -> None:
    from synth.__main__ import main

    assert main(["--out", str(tmp_path), "--n", "1", "--formats", "doc"]) == 2
