"""PDF text layer: Chinese text back from pdfium, lines, tables, origins and refusals."""

from __future__ import annotations

import pytest

from extract.reading import ReadError, ReadLimits, read_bytes

from .helpers import garbled_pdf, make_image_pdf, make_pdf

TABLE = [["项目", "决算数", "预算数"], ["基本支出", "1234.00", "1300.00"], ["项目支出", "1903.51", "2000.00"]]
PAGES = [
    ["盐边县财政局2021年部门决算", "本年支出合计3137.51万元，其中基本支出1234.00万元。"],
    ["第二部分 收支情况", "项目支出1903.51万元。"],
]


def test_pdf_chinese_text_is_extracted() -> None:
    doc = read_bytes(make_pdf(PAGES), "a.pdf")
    assert (doc.format, doc.pages) == ("pdf", 2)
    assert "盐边县财政局2021年部门决算\n本年支出合计3137.51万元,其中基本支出1234.00万元。\n" in doc.text
    assert "第二部分 收支情况\n项目支出1903.51万元。" in doc.text


def test_pdf_char_origin_gives_page_and_bbox() -> None:
    doc = read_bytes(make_pdf(PAGES))
    o1 = doc.origin(doc.text.index("3137.51"))
    o2 = doc.origin(doc.text.index("1903.51"))
    assert (o1.kind, o1.page, o2.page) == ("pdf", 1, 2)
    assert o1.bbox is not None
    x0, y0, x1, y1 = o1.bbox
    assert x0 < x1 and y0 < y1 and 700 < y0 < 800  # second line of page 1, drawn at y=782


def test_pdf_table_row_becomes_one_tab_line() -> None:
    doc = read_bytes(make_pdf(PAGES, TABLE))
    assert "项目\t决算数\t预算数\n基本支出\t1234.00\t1300.00\n项目支出\t1903.51\t2000.00\n" in doc.text
    assert len(doc.tables) == 1
    assert [c.text for c in doc.tables[0].rows[2]] == ["项目支出", "1903.51", "2000.00"]


def test_pdf_table_cell_origin_gives_page_row_and_col() -> None:
    doc = read_bytes(make_pdf(PAGES, TABLE))
    cell = doc.tables[0].rows[1][2]
    o = doc.origin(cell.span[0])
    assert (cell.text, o.page, o.table, o.row, o.col) == ("1300.00", 2, 0, 1, 2)
    assert o.bbox is not None and o.bbox[0] >= 72 + 300 - 1


def test_encrypted_pdf_is_refused() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(make_pdf(PAGES, encrypt="secret"))
    assert e.value.code == "encrypted_pdf"


def test_truncated_pdf_is_refused() -> None:
    data = make_pdf(PAGES)
    with pytest.raises(ReadError) as e:
        read_bytes(data[: len(data) * 2 // 3])
    assert e.value.code == "truncated_pdf"


def test_malformed_pdf_is_refused() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(b"%PDF-1.4\nthis is not a pdf body at all\n%%EOF\n")
    assert e.value.code == "malformed_pdf"


def test_scanned_pdf_without_ocr_is_refused_with_advice() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(make_image_pdf(), limits=ReadLimits(ocr=False))
    assert e.value.code == "scanned_pdf"
    assert "FISCAL_OCR" in e.value.message


def test_pdf_without_tounicode_is_refused_as_garbled() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(garbled_pdf(), limits=ReadLimits(ocr=False))
    assert e.value.code == "pdf_text_garbled"


def test_pdf_with_too_many_pages_is_refused() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(make_pdf(PAGES * 3), limits=ReadLimits(max_pages=5))
    assert e.value.code == "too_many_pages"


def test_pdf_time_budget_is_enforced() -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(make_pdf(PAGES), limits=ReadLimits(time_budget_s=-1))
    assert e.value.code == "time_budget_exceeded"


def _canvas_pdf(draw) -> bytes:  # type: ignore[no-untyped-def]
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 11)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_wrapped_paragraph_lines_are_rejoined() -> None:
    def draw(c):  # type: ignore[no-untyped-def]
        c.drawString(72, 800, "本年支出合计3137.51万元，其中一般公共预算财政拨款收入2000.00万元，政府性基金预")
        c.drawString(72, 784, "算财政拨款收入1137.51万元。")
        c.drawString(72, 768, "二、收入情况")

    doc = read_bytes(_canvas_pdf(draw))
    assert "政府性基金预算财政拨款收入1137.51万元。\n二、收入情况" in doc.text
    o = doc.origin(doc.text.index("算财政拨款收入1137"))
    assert o.page == 1 and o.bbox is not None and o.bbox[0] < 80  # from the second printed line


def test_pdf_page_number_footer_is_dropped() -> None:
    def draw(c):  # type: ignore[no-untyped-def]
        c.drawString(72, 800, "本年支出合计3137.51万元。")
        c.drawString(290, 40, "— 3 —")

    doc = read_bytes(_canvas_pdf(draw))
    assert doc.text.strip() == "本年支出合计3137.51万元。"


def test_pdf_vertically_centred_cell_stays_in_its_row() -> None:
    def draw(c):  # type: ignore[no-untyped-def]
        c.drawString(72, 700, "国有资本经营预算财政拨款")
        c.drawString(72, 688, "收入")
        c.drawString(300, 694, "125.00")

    doc = read_bytes(_canvas_pdf(draw))
    assert "国有资本经营预算财政拨款\t125.00" in doc.text


def test_pdf_landscape_page_with_rotate_90_reads_in_rows() -> None:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=True)
    width = c._pagesize[0]
    c.setPageRotation(90)
    c.transform(0, 1, -1, 0, width, 0)  # draw in the coordinates of the page as shown
    c.setFont("Helvetica", 11)
    c.drawString(60, 500, "Table 1 income and expenditure")
    for r, row in enumerate([["item", "actual", "budget"], ["basic", "1234.00", "1300.00"]]):
        for k, cell in enumerate(row):
            c.drawString(60 + 200 * k, 480 - 20 * r, cell)
    c.showPage()
    c.save()
    doc = read_bytes(buf.getvalue())
    assert doc.text.rstrip("\n") == "Table 1 income and expenditure\nitem\tactual\tbudget\nbasic\t1234.00\t1300.00"
    o = doc.origin(doc.text.index("1300"))
    assert (o.row, o.col) == (1, 2)
    assert o.bbox is not None and o.bbox[1] > 400  # PDF-space box: this column is high up the page
