"""The hostile-input set is complete and each file is hostile in the way it claims."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from synth.bad_inputs import write_bad_corpus


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("bad")
    return out, write_bad_corpus(out, large_mb=2, bomb_mb=16)


def test_every_listed_case_is_written(bad: tuple[Path, dict[str, str]]) -> None:
    out, expected = bad
    codes = set(expected.values())
    assert {"empty_file", "binary_not_a_report", "truncated_pdf", "encrypted_pdf", "zip_bomb",
            "xml_entity_expansion", "undecodable_text", "mojibake_text", "not_a_report",
            "missing_department_name", "implausible_fiscal_year", "negative_amount", "arithmetic_mismatch",
            "duplicate_file", "duplicate_document", "file_too_large"} <= codes
    for name in expected:
        assert (out / name).exists(), name


def test_encrypted_and_truncated_pdfs_do_not_open(bad: tuple[Path, dict[str, str]]) -> None:
    import pypdfium2 as pdfium

    out, _ = bad
    for name in ("encrypted.pdf", "truncated.pdf"):
        with pytest.raises(pdfium.PdfiumError):
            pdfium.PdfDocument(out / name)


def test_zip_bomb_is_highly_compressed(bad: tuple[Path, dict[str, str]]) -> None:
    out, _ = bad
    data = (out / "zip_bomb.docx").read_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    assert sum(i.file_size for i in z.infolist()) > 200 * len(data)


def test_entity_bomb_declares_nested_entities(bad: tuple[Path, dict[str, str]]) -> None:
    out, _ = bad
    xml = zipfile.ZipFile(out / "xml_entity_bomb.docx").read("word/document.xml")
    assert xml.count(b"<!ENTITY") >= 10


def test_duplicates_are_byte_identical_and_names_are_hostile(bad: tuple[Path, dict[str, str]]) -> None:
    out, expected = bad
    assert (out / "duplicate_a.txt").read_bytes() == (out / "duplicate_b.txt").read_bytes()
    assert any("\n" in n for n in expected) and any(";" in n for n in expected) and any('"' in n for n in expected)


def test_pdf_with_wrong_extension_is_a_pdf(bad: tuple[Path, dict[str, str]]) -> None:
    out, _ = bad
    assert (out / "pdf_named_as.txt").read_bytes().startswith(b"%PDF")


def test_undecodable_text_fails_strict_decoding(bad: tuple[Path, dict[str, str]]) -> None:
    out, _ = bad
    data = (out / "undecodable.txt").read_bytes()
    for enc in ("utf-8", "gb18030", "utf-16"):
        with pytest.raises(UnicodeDecodeError):
            data.decode(enc)
