"""Old Word .doc via the piece table (olefile), when LibreOffice is not used."""

from __future__ import annotations

import pytest

from extract.reading import ReadError, read_bytes

from .helpers import make_doc

TEXT = (
    "盐边县财政局2021年部门决算\r"
    "本年支出合计３１３７．５１万元。\r"
    "项目\x07决算数\x07\x07"
    "基本支出\x071234.00\x07\x07"
    '说明\x13 HYPERLINK "http://x" \x14见附件\x15。\r'
)


@pytest.fixture(autouse=True)
def _no_soffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FISCAL_DOC_NO_SOFFICE", "1")


def test_doc_text_and_table_rows_are_read() -> None:
    doc = read_bytes(make_doc(TEXT), "a.doc")
    assert doc.format == "doc"
    assert doc.text == (
        "盐边县财政局2021年部门决算\n本年支出合计3137.51万元。\n项目\t决算数\n基本支出\t1234.00\n说明见附件。\n"
    )


def test_doc_table_cell_origin_gives_row_and_col() -> None:
    doc = read_bytes(make_doc(TEXT))
    cell = doc.tables[0].rows[1][1]
    o = doc.origin(cell.span[0])
    assert (cell.text, o.table, o.row, o.col) == ("1234.00", 0, 1, 1)


def test_doc_paragraph_origin_gives_paragraph_index() -> None:
    doc = read_bytes(make_doc(TEXT))
    assert doc.origin(doc.text.index("本年")).paragraph == 1


def test_doc_field_instructions_are_dropped() -> None:
    doc = read_bytes(make_doc(TEXT))
    assert "HYPERLINK" not in doc.text


def test_encrypted_doc_is_refused() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(make_doc(TEXT, flags=0x0200 | 0x0100))
    assert e.value.code == "encrypted_office"


def test_damaged_doc_is_malformed() -> None:
    data = bytearray(make_doc(TEXT))
    data[512 + 512 + 512 + 0x1A2 : 512 + 512 + 512 + 0x1A6] = b"\xff\xff\xff\x7f"  # fcClx far away
    with pytest.raises(ReadError) as e:
        read_bytes(bytes(data))
    assert e.value.code == "malformed_doc"


def test_ole_file_that_is_not_word_or_excel_is_unsupported() -> None:
    from .helpers import _cfb

    with pytest.raises(ReadError) as e:
        read_bytes(_cfb({"Contents": b"x" * 10}))
    assert e.value.code == "unsupported_format"
