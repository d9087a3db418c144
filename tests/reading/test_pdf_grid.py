"""PDF ruled tables: cells from the drawn grid, spans, tables across pages, running headers."""

from __future__ import annotations

import io
import random
import re

from extract.reading import read_bytes


def _platypus(story_fn, header: str | None = None) -> bytes:  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")

    def on_page(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {doc.page} —")
        if header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, header)
            canvas.line(20 * mm, A4[1] - 13.5 * mm, A4[0] - 20 * mm, A4[1] - 13.5 * mm)

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm, invariant=1
    )
    doc.build(story_fn(body, cell), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def _table(rows, cell, widths, style=()):  # type: ignore[no-untyped-def]
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    t = Table([[Paragraph(c, cell) for c in r] for r in rows], colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *style])
    )
    return t


HEAD = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"]
LONG = "科技型中小企业评价入库数量及高新技术产业主营业务收入"


def test_wrapped_cell_of_a_ruled_table_stays_one_cell() -> None:
    rows = [
        HEAD,
        ["产出指标", "数量指标", LONG, "≥36家", "38家"],
        ["产出指标", "时效指标", "资金拨付及时率", "96%", "100%"],
    ]
    data = _platypus(lambda body, cell: [_table(rows, cell, [60] * 5)])
    doc = read_bytes(data, "t.pdf")
    assert f"产出指标\t数量指标\t{LONG}\t≥36家\t38家\n" in doc.text
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert [[c.text for c in r] for r in t.rows] == rows
    cell = t.rows[1][2]
    assert doc.text[cell.span[0] : cell.span[1]] == LONG
    first, last = doc.origin(cell.span[0]), doc.origin(cell.span[1] - 1)
    assert (first.table, first.row, first.col, first.page) == (0, 1, 2, 1)
    assert first.bbox is not None and last.bbox is not None and last.bbox[1] < first.bbox[1]  # a lower line


def test_row_and_column_spans_give_empty_cells() -> None:
    rows = [
        HEAD,
        ["产出指标", "数量指标", "培育高新技术企业", "≥13家", "15家"],
        ["", "质量指标", "项目验收合格率", "97%", "98.9%"],
        ["合计", "", "", "", "9项"],
    ]
    style = [("SPAN", (0, 1), (0, 2)), ("SPAN", (0, 3), (3, 3))]
    doc = read_bytes(_platypus(lambda body, cell: [_table(rows, cell, [80] * 5, style)]))
    got = [[c.text for c in r] for r in doc.tables[0].rows]
    assert got == rows
    assert "\t质量指标\t项目验收合格率\t97%\t98.9%\n合计\t\t\t\t9项\n" in doc.text


def test_table_across_pages_is_one_table_without_the_repeated_header() -> None:
    from reportlab.platypus import Paragraph

    rows = [HEAD] + [
        ["产出指标", "数量指标", f"指标{i:03d}名称较长需要换行显示的内容", f"{i}家", f"{i + 1}家"] for i in range(70)
    ]
    data = _platypus(
        lambda body, cell: [Paragraph("绩效指标完成情况表", body), _table(rows, cell, [60, 60, 120, 60, 60])]
    )
    doc = read_bytes(data)
    assert doc.pages >= 2
    assert len(doc.tables) == 1
    assert [[c.text for c in r] for r in doc.tables[0].rows] == rows
    assert doc.text.count("一级指标") == 1
    pages = {doc.origin(r[0].span[0]).page for r in doc.tables[0].rows}
    assert pages == set(range(1, doc.pages + 1))
    assert "— 2 —" not in doc.text and "\n2\n" not in doc.text


def test_running_header_and_page_numbers_do_not_split_a_paragraph() -> None:
    from reportlab.platypus import Paragraph

    sentence = "本年度部门认真落实各项预算管理制度，加强资金使用监督，项目支出执行进度符合序时要求"
    text = "，".join([sentence] * 40) + "。"
    title = "盐边县财政局2021年部门决算"
    data = _platypus(lambda body, cell: [Paragraph(title, body)] + [Paragraph(text, body)] * 3, header=title)
    doc = read_bytes(data)
    assert doc.pages >= 3
    assert doc.text.count(title) == 1  # the running header (pages 2..n) is gone, the title stays
    flat = text.replace("，", ",")
    assert doc.text.split("\n")[1:4] == [flat, flat, flat]  # paragraphs whole across page breaks


def test_page_without_rules_still_uses_gaps() -> None:
    from reportlab.platypus import Table, TableStyle

    rows = [["项目", "决算数", "预算数"], ["基本支出", "1234.00", "1300.00"]]
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light")])
    doc = read_bytes(_platypus(lambda body, cell: [Table(rows, colWidths=[150] * 3, style=style)]))
    assert "项目\t决算数\t预算数\n基本支出\t1234.00\t1300.00\n" in doc.text


def test_every_table_cell_of_generated_reports_is_read_whole() -> None:
    """The synth renderer prints every cell completely and the reader gives it back as one cell."""
    from synth import generate_report, render

    for k in range(6):
        rep = generate_report(seed=f"grid:{k}", report_type="performance_evaluation")
        doc = read_bytes(render(rep, "pdf", random.Random(k)).data, "r.pdf")
        cells = {re.sub(r"\s", "", c.text) for t in doc.tables for r in t.rows for c in r}
        for b in rep.blocks:
            if b.kind != "table":
                continue
            for row in b.rows:
                for c in row:
                    want = re.sub(r"\s", "", c).replace("（", "(").replace("）", ")").replace("：", ":")
                    assert not want or want in cells, (k, c)


def test_rows_without_rules_between_them_never_join_figures() -> None:
    """A table whose body rows have no horizontal rules: the figures of a column would be one
    grid cell; they must not be glued into one number (read by gaps instead)."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    rows = [["项目", "决算数", "预算数"], ["基本支出", "1234.00", "1300.00"], ["项目支出", "1903.51", "2000.00"]]
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
            ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ("INNERGRID", (0, 0), (-1, -1), 0, colors.white),
            ("LINEAFTER", (0, 0), (-2, -1), 0.5, colors.black),
        ]
    )
    doc = read_bytes(_platypus(lambda body, cell: [Table(rows, colWidths=[150] * 3, style=style)]))
    assert "1234.001903.51" not in doc.text.replace("\t", "").replace("\n", "")
    assert "基本支出\t1234.00\t1300.00\n项目支出\t1903.51\t2000.00\n" in doc.text
