"""The direct PDF and DOCX writers: valid files, the right text, rules around every cell."""

from __future__ import annotations

import io
import random
import re
import unicodedata
import zipfile
from itertools import pairwise

import pytest

from synth import generate_report, render
from synth.docxwrite import DocxDocument
from synth.pdflayout import BODY, CELL, WIDTH, Flow, Line, rewrap, wrap
from synth.pdfwrite import PdfDocument, text_width


def _pdf_text(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def test_wrap_keeps_numbers_whole_and_fills_lines() -> None:
    text = "本年支出合计 3137.51 万元，其中基本支出 1234.00 万元，项目支出 1903.51 万元。" * 6
    lines = wrap(text, BODY.size, WIDTH - BODY.indent, WIDTH)
    assert len(lines) > 2
    assert "".join(ln.text for ln in lines).replace(" ", "") == text.replace(" ", "")
    for k, ln in enumerate(lines[:-1]):
        limit = WIDTH - (BODY.indent if k == 0 else 0)
        assert ln.width <= limit + text_width("。", BODY.size) + 0.01  # only closing punctuation may hang
        assert ln.width > limit - text_width("1903.51 ", BODY.size) - 0.01  # broken near the margin
    for a, b in pairwise(ln.text for ln in lines):
        assert not (a[-1] in "0123456789." and b[0] in "0123456789."), (a, b)  # no number cut in two


def test_wrap_normalises_spaces_and_keeps_hard_breaks() -> None:
    assert wrap("  a \u3000 b  ", 10, 100, 100) == [Line("a b", pytest.approx(text_width("a b", 10)))]
    broken = wrap("3137.\n51万元\n\n末", 10, 400, 400)
    assert [(ln.text, ln.hard) for ln in broken] == [("3137.", True), ("51万元", True), ("", True), ("末", False)]
    assert wrap("", 10, 100, 100) == []
    hang = wrap("一二三四五。", 10, 50, 50)  # 5 characters fill the line; 。 may not start the next
    assert [ln.text for ln in hang] == ["一二三四五。"]


def test_rest_of_a_split_paragraph_is_wrapped_again_as_platypus_did() -> None:
    plain = wrap("一二三四五六七 1234.5 万元", 10, 80, 80)
    assert [ln.text for ln in plain] == ["一二三四五六七", "1234.5 万元"]  # the space at the soft break is dropped
    assert [ln.text for ln in rewrap(plain, 10, 200, plain=True)] == ["一二三四五六七1234.5 万元"]
    hard = wrap("一二三四五六\n七八", 10, 40, 40)
    assert [(ln.text, ln.hard) for ln in hard] == [("一二三四", False), ("五六", True), ("七八", False)]
    again = rewrap(hard, 10, 200, plain=False)  # soft breaks become spaces, hard ones stay
    assert [(ln.text, ln.hard) for ln in again] == [("一二三四 五六", True), ("七八", False)]


def test_pdf_is_well_formed_and_extracts_the_unicode_written() -> None:
    doc = PdfDocument(title="标题 & (x)")
    page = doc.new_page()
    samples = ["本年支出合计3137.51万元（占72.65%）", "ＡＢＣ１２３，全角；≥90%", "繁體：國有資本經營預算", "a\\b(c)d"]
    for k, s in enumerate(samples):
        page.text(72, 700 - 20 * k, 10.5, s)
    data = doc.to_bytes()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert b"/STSong-Light" in data and b"/UniGB-UCS2-H" in data
    # every xref entry points at its object
    xref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    entries = data[xref:].split(b"\n")[3:]
    for num, entry in enumerate(entries, 1):
        if not entry.endswith(b" n "):
            break
        off = int(entry[:10])
        assert data[off:].startswith(b"%d 0 obj" % num)
    assert _pdf_text(data)[0].splitlines() == samples


def test_same_calls_give_the_same_bytes() -> None:
    def make() -> bytes:
        doc = PdfDocument(title="t")
        flow = Flow(doc, "第 {n} 页", "标题")
        for _ in range(60):
            flow.paragraph("段落文字，" * 30, BODY)
        return doc.to_bytes()

    assert make() == make()


def test_long_table_continues_on_the_next_page_with_its_header_and_rules() -> None:
    from extract.reading import read_bytes

    rows = [["科目编码", "科目名称", "决算数"]]
    rows += [[f"2010{k:03d}", f"行政运行项目名称较长需要在单元格内换行的第{k}项", f"{k * 3.5:.2f}"] for k in range(90)]
    doc = PdfDocument()
    flow = Flow(doc, "{n}", "")
    flow.paragraph("表格之前的一段文字。", BODY)
    flow.table(rows)
    flow.paragraph("表格之后的一段文字。", BODY)
    data = doc.to_bytes()
    assert len(doc.pages) >= 3
    pages = _pdf_text(data)
    assert all("科目编码" in p for p in pages[:-1])  # the header row on every page of the table
    read = read_bytes(data, "t.pdf")
    assert len(read.tables) == 1  # one table across the page breaks
    got = [[c.text for c in r] for r in read.tables[0].rows]
    assert got == rows  # wrapped cells stay whole, the repeated headers are dropped
    assert read.text.index("表格之前") < read.text.index("2010000") < read.text.index("表格之后")


def test_cell_text_wraps_inside_its_cell() -> None:
    lines = wrap("机关事业单位基本养老保险缴费支出", CELL.size, 40, 40)
    assert len(lines) > 1 and all(ln.width <= 40 + CELL.size for ln in lines)


def test_generated_pdf_reads_like_the_text_version() -> None:
    from extract.reading import read_bytes

    def norm(t: str) -> str:
        return re.sub(r"\s", "", unicodedata.normalize("NFKC", t))

    for seed, rtype in (("writers1", "final_accounts"), ("writers2", "performance_evaluation")):
        rep = generate_report(seed, rtype)
        text = norm(read_bytes(render(rep, "pdf", random.Random(2)).data, "r.pdf").text)
        for b in rep.blocks:
            if b.kind != "table":  # tables: tests/reading/test_pdf_grid.py reads every cell back
                assert norm(b.text) in text, b.text


def test_docx_opens_with_python_docx_and_keeps_breaks_tabs_and_markup() -> None:
    import docx

    d = DocxDocument(title="A&B <title>")
    d.heading("标题", 0)
    d.heading("一、概况", 1)
    d.paragraph("收入 3137.51 万元 & <b>不是标签</b>")
    d.paragraph("3137.\n51\t万元")
    d.paragraph(" 前后空格 ")
    d.table([["项目", "金额"], ["合计"]])
    data = d.to_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    doc = docx.Document(io.BytesIO(data))
    assert doc.core_properties.title == "A&B <title>"
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    assert texts == [
        ("Title", "标题"),
        ("Heading 1", "一、概况"),
        ("Body Text", "收入 3137.51 万元 & <b>不是标签</b>"),
        ("Body Text", "3137.\n51\t万元"),
        ("Body Text", " 前后空格 "),
    ]
    (table,) = doc.tables
    assert [[c.text for c in r.cells] for r in table.rows] == [["项目", "金额"], ["合计", ""]]
    assert table.style.name == "Table Grid"
