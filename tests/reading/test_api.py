"""The public surface of extract.reading (contract §1) and its import hygiene."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

from extract.reading import Cell, Document, Origin, ReadError, ReadLimits, Table, read_bytes, read_file

from .helpers import REPORT


def test_reading_imports_no_orchestration_or_warehouse_libraries() -> None:
    code = (
        "import sys, extract.reading\n"
        "bad = [m for m in ('airflow', 'duckdb', 'dbt', 'great_expectations') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_document_has_the_contract_fields() -> None:
    doc = read_bytes(REPORT.encode("utf-8"), "a.txt")
    assert isinstance(doc, Document)
    assert isinstance(doc.text, str) and doc.format == "txt"
    assert (doc.encoding, doc.script, doc.pages) == ("utf-8", "simplified", None)
    assert 0.0 <= doc.encoding_confidence <= 1.0
    assert isinstance(doc.warnings, list) and isinstance(doc.tables, list)
    o = doc.origin(0)
    assert isinstance(o, Origin)
    assert {"kind", "page", "bbox", "paragraph", "table", "row", "col", "source_offset", "ocr_confidence"} <= set(
        Origin.__slots__
    )
    assert Cell and Table and ReadError and ReadLimits


def test_read_file_checks_size_before_reading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    p = tmp_path / "big.txt"
    p.write_bytes(REPORT.encode() * 100)
    with pytest.raises(ReadError) as e:
        read_file(p, limits=ReadLimits(max_bytes=1000))
    assert e.value.code == "file_too_large"
    assert read_file(p).format == "txt"


def test_every_normalised_character_has_an_origin() -> None:
    src = "盐 边 县\r\n支出合计３１３７．\r\n５１万元\u200b。\n"
    doc = read_bytes(src.encode("gb18030"))
    assert doc.text == "盐边县\n支出合计3137.51万元。\n"
    for i, ch in enumerate(doc.text):
        so = doc.origin(i).source_offset
        assert so is not None
        assert unicodedata.normalize("NFKC", src[so]) == ch
