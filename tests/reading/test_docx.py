"""Word .docx: order of paragraphs and tables, origins, and hostile packages."""

from __future__ import annotations

import io
import zipfile

import pytest

from extract.reading import ReadError, ReadLimits, read_bytes

from .helpers import make_docx, rezip

TABLE = [["项目", "决算数", "预算数"], ["基本支出", "1234.00", "1300.00"], ["项目支出", "1903.51", "2000.00"]]


def _doc() -> bytes:
    return make_docx(["盐边县财政局2021年部门决算", "本年支出合计３１３７．５１万元。"], TABLE, ["第二部分 说明"])


def test_docx_keeps_paragraph_and_table_order() -> None:
    doc = read_bytes(_doc(), "a.docx")
    assert doc.format == "docx"
    assert doc.text == (
        "盐边县财政局2021年部门决算\n本年支出合计3137.51万元。\n"
        "项目\t决算数\t预算数\n基本支出\t1234.00\t1300.00\n项目支出\t1903.51\t2000.00\n第二部分 说明\n"
    )


def test_docx_table_cell_origin_gives_row_and_col() -> None:
    doc = read_bytes(_doc())
    cell = doc.tables[0].rows[2][1]
    assert cell.text == "1903.51"
    o = doc.origin(cell.span[0])
    assert (o.kind, o.table, o.row, o.col) == ("docx", 0, 2, 1)


def test_docx_paragraph_origin_gives_paragraph_index() -> None:
    doc = read_bytes(_doc())
    o = doc.origin(doc.text.index("第二部分"))
    assert (o.kind, o.paragraph, o.table) == ("docx", 2, None)


def test_docx_with_entity_declarations_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = rezip(_doc(), {"word/document.xml": bomb})
    with pytest.raises(ReadError) as e:
        read_bytes(data, "bomb.docx")
    assert e.value.code == "xml_entity_expansion"


def test_docx_with_external_entity_is_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(ReadError) as e:
        read_bytes(rezip(_doc(), {"word/document.xml": xxe}))
    assert e.value.code in {"xml_entity_expansion", "xml_external_entity"}


def test_docx_zip_bomb_by_ratio_is_refused_before_opening() -> None:
    data = rezip(_doc(), {}, {"word/media/pad.bin": b"\0" * (8 * 1024 * 1024)})
    with pytest.raises(ReadError) as e:
        read_bytes(data)
    assert e.value.code == "zip_bomb"
    assert ":1" in e.value.message


def test_docx_zip_bomb_by_total_size_is_refused() -> None:
    data = rezip(_doc(), {}, {"word/media/a.bin": bytes(range(256)) * 8192})
    with pytest.raises(ReadError) as e:
        read_bytes(data, limits=ReadLimits(max_uncompressed=1024 * 1024))
    assert e.value.code == "zip_bomb"


def test_docx_with_too_many_entries_is_refused() -> None:
    data = rezip(_doc(), {}, {f"word/x{i}.bin": b"x" for i in range(60)})
    with pytest.raises(ReadError) as e:
        read_bytes(data, limits=ReadLimits(max_zip_entries=50))
    assert e.value.code == "zip_bomb"


def test_zip_that_is_not_office_is_unsupported() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("report.txt", "本年支出合计")
    with pytest.raises(ReadError) as e:
        read_bytes(buf.getvalue(), "reports.zip")
    assert e.value.code == "unsupported_format"


def test_truncated_docx_is_corrupt_zip() -> None:
    data = _doc()
    with pytest.raises(ReadError) as e:
        read_bytes(data[: len(data) // 2], "a.docx")
    assert e.value.code in {"corrupt_zip", "malformed_docx"}


def test_docx_with_broken_document_xml_is_malformed() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(rezip(_doc(), {"word/document.xml": b"<w:document><unclosed"}))
    assert e.value.code == "malformed_docx"
