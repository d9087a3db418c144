"""How the PDF reader (extract/reading/pdf.py) puts wrapped lines, page breaks and page numbers
back together, on small PDFs drawn here: the values the extractor needs come out whole."""

from __future__ import annotations

import io

import pytest

from extract.reading import read_bytes

pytest.importorskip("reportlab")

FONT = "STSong-Light"
SIZE = 11
LEFT = 72
# a full line of prose: 41 CJK characters of 11 pt from x=72 reach the right margin at x≈523
PROSE = "本部门认真贯彻落实预算管理要求，严格执行各项财经纪律，加强预算绩效管理，提高资金使用效益。"


def pdf(pages: list[list[tuple[str, float]]]) -> bytes:
    """Pages of (text, y) lines drawn at the left margin; y from the bottom of an A4 page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=True)
    for lines in pages:
        c.setFont(FONT, SIZE)
        for text, y in lines:
            c.drawString(LEFT, y, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def column(texts: list[str], top: float = 800, step: float = 16) -> list[tuple[str, float]]:
    return [(t, top - k * step) for k, t in enumerate(texts)]


def prose_page() -> list[tuple[str, float]]:
    return column([PROSE[:41], PROSE[41:] + PROSE[:30], PROSE[:41], PROSE[:41] + "。"])


def test_a_page_of_short_cells_is_not_read_as_wrapped_lines():
    cells = ["完成校舍维修面积", "1842平方米", "1728平方米", "资助学生人数", "3667人次", "3674人次"]
    text = read_bytes(pdf([prose_page(), column(cells)]), "a.pdf").text
    assert "完成校舍维修面积\n1842平方米\n1728平方米\n资助学生人数\n" in text


def test_a_number_cut_at_its_decimal_point_by_a_page_break_is_one_number():
    first = [*prose_page(), ("2290796.57", 700), ("75.", 684)]
    text = read_bytes(pdf([first, column(["35%", "60", "中"])]), "a.pdf").text
    assert "75.35%" in text


def test_a_figure_opening_a_page_numbered_at_its_foot_is_kept():
    second = [*column(["10", "2080501", "行政单位离退休"]), ("— 2 —", 40)]
    text = read_bytes(pdf([[*prose_page(), ("— 1 —", 40)], second]), "a.pdf").text
    assert "\n10\n2080501\n" in text and "— 2 —" not in text


def test_a_line_stopping_short_before_a_long_number_is_wrapped():
    # the number with its unit and full stop does not fit at the end of the first line
    line1 = "一般公共预算财政拨款基本支出1625.40元，其中人员经费1454.98元，日常公用经费"
    text = read_bytes(pdf([[*prose_page()[:3], (line1, 736), ("1709739.51 元。", 720)]]), "a.pdf").text
    assert "日常公用经费1709739.51元。" in text.replace(" ", "")


def test_a_four_digit_number_opening_a_line_is_not_a_list_number():
    line1 = PROSE[:34] + "人员经费"
    text = read_bytes(pdf([[*prose_page()[:3], (line1, 736), ("1473.", 720), ("53万元。", 704)]]), "a.pdf").text
    assert "人员经费1473.53万元" in text
